/**
 * Price indexes: one for the whole card market, one for sealed products and one per set (its
 * cards), chain-linked value-weighted (Dutot) indexes of TCGplayer NM market prices in USD.
 * docs/METHODS.md, "Indexes", states the method.
 *
 * The rebuild reads prices once, in printing-key ranges, so memory holds one range of printings
 * and three sums per (index, date, previous date), never the price table.
 */
import { epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { IndexValuesTable, MarketIndexesTable } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { packedPrimarySeries, printingSets, replaceIndexes, setNames } from './indexes.repo.ts';
import { flaggedPrints, printKey } from '../prices/price-flags.repo.ts';

/** A printing whose price moved by more than this factor between two dates is left out of that step. */
export const JUMP_FILTER_RATIO = 10;
/** Fewer qualifying printings than this and a step carries the index forward unchanged. */
export const MIN_CONSTITUENTS = 5;
/** The value of every index on its base date. */
export const BASE_VALUE = 100;
export const MARKET_INDEX_ID = 'market';
export const SEALED_INDEX_ID = 'sealed';

const PRINTINGS_PER_READ = 2_000;
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
  /** Day (`yyyymmdd` as a number: cheaper to hash than a string) → ordinal in order of first sight. */
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
    this.addDay(printingKey, dayNumber(date), cents);
  }

  /** `add` with the date as a `dayNumber`. */
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

  /** The market calendar and every index's points on it (the market index first, then the others by id). */
  finish(): { calendar: string[]; indexes: Map<string, IndexPoint[]> } {
    const calendar = [...this.days].sort((a, b) => a - b).map(dayString);
    const ordinalOf = (date: string) => this.ordinals.get(dayNumber(date))!;
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
 * A calendar date as the number `yyyymmdd`, which orders like the date.
 *
 * @example
 * dayNumber('2025-01-31'); // 20250131
 */
export function dayNumber(date: string): number {
  return Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

function dayString(day: number): string {
  const y = Math.floor(day / 10_000);
  const m = Math.floor(day / 100) % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day % 100).padStart(2, '0')}`;
}

/** Value of the `width` decimal digits of `text` starting at `at`. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * Unpacks `date cents,date cents,…` (one printing's prices) into parallel arrays in date order,
 * dates as `dayNumber`s.
 * Aggregates promise no order and sorting inside them costs more than the whole read, so the
 * rows are sorted here, and only when they did not already arrive in order.
 *
 * @example
 * unpackSeries('2025-01-02 150,2025-01-01 100'); // { days: [20250101, 20250102], cents: [100, 150] }
 */
export function unpackSeries(packed: string): { days: number[]; cents: number[] } {
  const days: number[] = [];
  const cents: number[] = [];
  let ordered = true;
  for (let at = 0; at < packed.length;) {
    // 'YYYY-MM-DD' is 10 characters, then a space, then the cents (digits).
    const day = digits(packed, at, 4) * 10_000 + digits(packed, at + 5, 2) * 100 + digits(packed, at + 8, 2);
    let value = 0;
    let end = at + 11;
    for (let c = packed.charCodeAt(end); end < packed.length && c !== 44; c = packed.charCodeAt(++end))
      value = value * 10 + (c - 48);
    if (days.length > 0 && day < days[days.length - 1]!) ordered = false;
    days.push(day);
    cents.push(value);
    at = end + 1;
  }
  if (ordered) return { days, cents };
  const order = days.map((_, i) => i).sort((a, b) => days[a]! - days[b]!);
  return { days: order.map((i) => days[i]!), cents: order.map((i) => cents[i]!) };
}

/**
 * Reads the primary series in printing-key ranges, one row per printing with its prices packed
 * into one string: the database does the per-price work in C and the driver builds one string
 * per printing instead of an object per price (about three times faster on SQLite).
 */
async function readPrices(database: Database, keys: number[], accumulator: IndexAccumulator): Promise<void> {
  // Flagged prints (docs/METHODS.md, "Flagged prints") are no observations: flags are rare, so
  // they are dropped here as the packed series are unpacked.
  const flagged = await flaggedPrints(database, '0001-01-01', '9999-12-31');
  const withFlags = new Set([...flagged].map((k) => Math.floor(k / printKey(1, 0))));
  for (let i = 0; i < keys.length; i += PRINTINGS_PER_READ) {
    const first = keys[i]!;
    const last = keys[Math.min(i + PRINTINGS_PER_READ, keys.length) - 1]!;
    const rows = await packedPrimarySeries(database, first, last);
    for (const { printing_key, series } of rows) {
      const { days, cents } = unpackSeries(series);
      const key = Number(printing_key);
      for (let k = 0; k < days.length; k++) {
        if (withFlags.has(key) && flagged.has(printKey(key, epochDay(dayString(days[k]!))))) continue;
        accumulator.addDay(printing_key, days[k]!, cents[k]!);
      }
    }
  }
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
  const { setOf, sealed } = await printingSets(database.db);
  const accumulator = new IndexAccumulator(setOf, sealed);
  await readPrices(database, [...setOf.keys()], accumulator);
  const { indexes } = accumulator.finish();

  return indexTableRows(indexes, await setNames(database.db));
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
