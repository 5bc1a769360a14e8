/**
 * Price indexes: one for the whole card market, one for sealed products and one per set (its
 * cards), chain-linked value-weighted (Dutot) indexes of TCGplayer NM market prices in USD.
 * docs/METHODS.md, "Indexes", states the method.
 *
 * The rebuild reads the primary series as the derive's one read of the prices hands them over
 * (src/features/prices/series-scan.ts), so memory holds three sums per (index, date, previous
 * date), never the price table.
 */
import { epochDate, epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { IndexValuesTable, MarketIndexesTable } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { printingSets, replaceIndexes, setNames } from './indexes.repo.ts';
import { scanSeries, type ScannedSeries } from '../prices/series-scan.ts';

/** A printing whose price moved by more than this factor between two dates is left out of that step. */
export const JUMP_FILTER_RATIO = 10;
/** Fewer qualifying printings than this and a step carries the index forward unchanged. */
export const MIN_CONSTITUENTS = 5;
/** The value of every index on its base date. */
export const BASE_VALUE = 100;
export const MARKET_INDEX_ID = 'market';
export const SEALED_INDEX_ID = 'sealed';

/** Pair keys pack two date ordinals into one number; no calendar gets near this many dates. */
const PAIR_BASE = 1_000_000;

/** Sums of one step over the printings priced on both of its dates. */
interface StepSums {
  constituents: number;
  fromCents: number;
  toCents: number;
}

/** What one index gathers while prices stream past: its step sums and its first prices. */
interface IndexInput {
  /** Key `dateOrdinal × PAIR_BASE + previousDateOrdinal` (ordinals in order of first sight). */
  steps: Map<number, StepSums>;
  /** Per date ordinal: printings whose first price falls on that date, and their sum. */
  firsts: Map<number, StepSums>;
}

export interface IndexPoint {
  date: string;
  value: number;
  constituents: number;
  fromValueCents: number;
  toValueCents: number;
}

function add(map: Map<number, StepSums>, key: number, fromCents: number, toCents: number): void {
  const sums = map.get(key);
  if (sums) {
    sums.constituents++;
    sums.fromCents += fromCents;
    sums.toCents += toCents;
  } else {
    map.set(key, { constituents: 1, fromCents, toCents });
  }
}

/**
 * Streams one series' prices (ordered by printing, then date) into per-index sums: each price is
 * paired with the printing's previous observed price, kept when it passes the jump filter, and
 * added to the market index and its set's index.
 */
export class IndexAccumulator {
  /** Epoch day (a number: cheaper to hash than a string) → ordinal in order of first sight. */
  private readonly ordinals = new Map<number, number>();
  private readonly days: number[] = [];
  private readonly inputs = new Map<string, IndexInput>();
  private currentKey = -1;
  private previousOrdinal = -1;
  private previousCents = 0;
  private market: IndexInput;
  private set: IndexInput | null = null;

  /**
   * @param setOf the set of each card printing (its set index)
   * @param sealed printings of sealed items: they go into the sealed index, not the card market or set indexes
   */
  constructor(
    private readonly setOf: ReadonlyMap<number, string>,
    private readonly sealed: ReadonlySet<number> = new Set(),
  ) {
    this.market = this.input(MARKET_INDEX_ID);
  }

  private input(id: string): IndexInput {
    let input = this.inputs.get(id);
    if (!input) {
      input = { steps: new Map(), firsts: new Map() };
      this.inputs.set(id, input);
    }
    return input;
  }

  /** One price; calls must come ordered by printing key, then date. */
  add(printingKey: number, date: string, cents: number): void {
    this.addDay(printingKey, epochDay(date), cents);
  }

  /** `add` with the date as an epoch day. */
  addDay(printingKey: number, day: number, cents: number): void {
    let ordinal = this.ordinals.get(day);
    if (ordinal === undefined) {
      ordinal = this.days.length;
      this.ordinals.set(day, ordinal);
      this.days.push(day);
    }
    if (printingKey !== this.currentKey) {
      this.currentKey = printingKey;
      const isSealed = this.sealed.has(printingKey);
      this.market = this.input(isSealed ? SEALED_INDEX_ID : MARKET_INDEX_ID);
      const setId = isSealed ? undefined : this.setOf.get(printingKey);
      this.set = setId === undefined ? null : this.input(`set-${setId}`);
      add(this.market.firsts, ordinal, cents, cents);
      if (this.set) add(this.set.firsts, ordinal, cents, cents);
    } else {
      const from = this.previousCents;
      // A zero price gives an infinite (or undefined) ratio and never passes.
      const ratio = cents > from ? cents / from : from / cents;
      if (ratio <= JUMP_FILTER_RATIO) {
        const key = ordinal * PAIR_BASE + this.previousOrdinal;
        add(this.market.steps, key, from, cents);
        if (this.set) add(this.set.steps, key, from, cents);
      }
    }
    this.previousOrdinal = ordinal;
    this.previousCents = cents;
  }

  /** The primary series of the scan (`scanSeries`), their flagged prints already left out; other series pass. */
  read = (s: ScannedSeries): void => {
    if (
      s.market !== PRIMARY_SERIES.market ||
      s.condition !== PRIMARY_SERIES.condition ||
      s.currency !== PRIMARY_SERIES.currency
    )
      return;
    for (let k = 0; k < s.n; k++) this.addDay(s.printingKey, s.days[k]!, s.cents[k]!);
  };

  /** The market calendar and every index's points on it (the market index first, then the others by id). */
  finish(): { calendar: string[]; indexes: Map<string, IndexPoint[]> } {
    const calendar = [...this.days].sort((a, b) => a - b).map(epochDate);
    const ordinalOf = (date: string) => this.ordinals.get(epochDay(date))!;
    const indexes = new Map<string, IndexPoint[]>();
    const ids = [...this.inputs.keys()].filter((id) => id !== MARKET_INDEX_ID).sort();
    for (const id of [MARKET_INDEX_ID, ...ids]) {
      const points = chainPoints(calendar, this.inputs.get(id)!, ordinalOf);
      if (points.length > 0) indexes.set(id, points);
    }
    return { calendar, indexes };
  }
}

/**
 * Chains one index along the calendar: 100 on its first priced date, then
 * I_k = I_{k−1} × Σ p_k / Σ p_{k−1} over the printings priced on both d_{k−1} and d_k.
 */
function chainPoints(calendar: string[], input: IndexInput, ordinalOf: (date: string) => number): IndexPoint[] {
  const baseAt = calendar.findIndex((date) => input.firsts.has(ordinalOf(date)));
  if (baseAt < 0) return [];
  const base = input.firsts.get(ordinalOf(calendar[baseAt]!))!;
  const points: IndexPoint[] = [
    {
      date: calendar[baseAt]!,
      value: BASE_VALUE,
      constituents: base.constituents,
      fromValueCents: base.toCents,
      toValueCents: base.toCents,
    },
  ];
  let value = BASE_VALUE;
  for (let k = baseAt + 1; k < calendar.length; k++) {
    const sums = input.steps.get(ordinalOf(calendar[k]!) * PAIR_BASE + ordinalOf(calendar[k - 1]!));
    const constituents = sums?.constituents ?? 0;
    if (sums && constituents >= MIN_CONSTITUENTS) {
      value = (value * sums.toCents) / sums.fromCents;
      points.push({
        date: calendar[k]!,
        value,
        constituents,
        fromValueCents: sums.fromCents,
        toValueCents: sums.toCents,
      });
    } else {
      points.push({ date: calendar[k]!, value, constituents, fromValueCents: 0, toValueCents: 0 });
    }
  }
  return points;
}

/**
 * Recomputes every index from the stored prices and replaces `market_indexes` and
 * `index_values` in one transaction; running it twice gives the same rows.
 *
 * @example
 * const { indexes, points } = await deriveIndexes(database);
 */
export async function deriveIndexes(database: Database): Promise<{ indexes: number; points: number }> {
  return writeIndexes(database, await computeIndexes(database));
}

/** Every index and its values, computed from the stored prices (read-only). */
export interface ComputedIndexes {
  indexRows: MarketIndexesTable[];
  valueRows: IndexValuesTable[];
}

/**
 * @example
 * const computed = await computeIndexes(database); // then writeIndexes(tx, computed)
 */
export async function computeIndexes(database: Database): Promise<ComputedIndexes> {
  const accumulator = await indexAccumulator(database);
  await scanSeries(database, [accumulator.read]);
  return finishIndexes(database, accumulator);
}

/**
 * An accumulator for the series scan (`scanSeries`), with every printing's set and the sealed printings.
 *
 * @example
 * const accumulator = await indexAccumulator(database); // await scanSeries(database, [accumulator.read])
 */
export async function indexAccumulator(database: Database): Promise<IndexAccumulator> {
  const { setOf, sealed } = await printingSets(database.db);
  return new IndexAccumulator(setOf, sealed);
}

/**
 * Every index's rows from an accumulator the scan has fed.
 *
 * @example
 * const computed = await finishIndexes(database, accumulator); // then writeIndexes(tx, computed)
 */
export async function finishIndexes(database: Database, accumulator: IndexAccumulator): Promise<ComputedIndexes> {
  return indexTableRows(accumulator.finish().indexes, await setNames(database.db));
}

/**
 * The `market_indexes` and `index_values` rows of computed index points: no database.
 *
 * @example
 * indexTableRows(new Map(), new Map()); // { indexRows: [], valueRows: [] }
 */
export function indexTableRows(
  indexes: ReturnType<IndexAccumulator['finish']>['indexes'],
  setNames: ReadonlyMap<string, string>,
): ComputedIndexes {
  const indexRows: MarketIndexesTable[] = [];
  const valueRows: IndexValuesTable[] = [];
  for (const [id, points] of indexes) {
    const setId = id.startsWith('set-') ? id.slice('set-'.length) : null;
    const last = points.at(-1)!;
    indexRows.push({
      id,
      kind: setId !== null ? 'set' : id === SEALED_INDEX_ID ? 'sealed' : 'market',
      set_id: setId,
      name:
        setId !== null
          ? `${setNames.get(setId)!} index`
          : id === SEALED_INDEX_ID
            ? 'Sealed products index (TCGplayer, USD)'
            : 'Market index (TCGplayer, USD)',
      market: PRIMARY_SERIES.market,
      currency: PRIMARY_SERIES.currency,
      base_date: points[0]!.date,
      last_date: last.date,
      last_value: last.value,
      constituents: last.constituents,
      points: points.length,
    });
    for (const p of points) {
      valueRows.push({
        index_id: id,
        date: p.date,
        value: p.value,
        constituents: p.constituents,
        from_value_cents: p.fromValueCents,
        to_value_cents: p.toValueCents,
      });
    }
  }

  return { indexRows, valueRows };
}

/** Replaces `market_indexes` and `index_values` through `database.db` (a publication's transaction, or a new one). */
export async function writeIndexes(
  database: Database,
  { indexRows, valueRows }: ComputedIndexes,
): Promise<{ indexes: number; points: number }> {
  await replaceIndexes(database.db, indexRows, valueRows);
  return { indexes: indexRows.length, points: valueRows.length };
}
