/**
 * Derives `latest_prices`: per printing, market, condition and currency, the latest market price
 * and its 1/7/30/90-day changes, as of the latest date that has data for that market (never the
 * wall clock). Rules (DESIGN §10, docs/METHODS.md "Changes"):
 *
 * - Only market prices count; a null market price is no observation, and neither is a flagged
 *   print (`price_flags`, docs/METHODS.md "Flagged prints").
 * - `to_date` is the series' latest observation. The base of an N-day change is the last
 *   observation on or before `to_date − N`, at most 3 days older than that; none → null change.
 * - A series whose latest observation is more than 3 days behind its market's latest date is
 *   marked stale (kept for card pages, left out of movers).
 *
 * - For movers (docs/METHODS.md, "Movers"): per window the observations and the largest step
 *   between consecutive observations inside [from_date, to_date], the series' robust daily
 *   volatility over its last 90 days, and the change in units of that volatility (z).
 * - One series per card is its headline (docs/METHODS.md, "Headline printing").
 *
 * The table is rebuilt whole in one transaction (the derive step's publication when called from
 * it), so the step is idempotent.
 */
import { epochDate, epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { LatestPricesTable } from '../../platform/db/schema.ts';
import { robustSigma } from '../../quant/robust.ts';
import { slug } from './search-terms.ts';
import { productRank, seriesOrder, type SeriesCandidate } from './series.ts';
import { applyProductLines, groupWarnings, planProductLines } from '../catalog/printings.repo.ts';
import type { Logger } from '../../platform/log.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { printingProduct, thumbnailOf } from './wire.ts';
import {
  latestSeriesRows,
  printingFacts,
  recentSeries,
  replaceLatestPrices,
  type LatestSeriesRow,
  type PrintingFacts,
} from './derive-latest.repo.ts';
import { flaggedSeriesPrints } from './price-flags.repo.ts';

export const CHANGE_WINDOWS = [1, 7, 30, 90] as const;
/** How much older than `to_date − N` a base may be, and how far behind a series may fall. */
export const MAX_GAP_DAYS = 3;
/** Volatility lookback (days before `to_date`), minimum returns, and floor (per day, log units). */
export const VOL_LOOKBACK_DAYS = 90;
export const VOL_MIN_RETURNS = 10;
export const VOL_FLOOR = 0.005;
/** Printings per statement when reading recent prices for the movers statistics. */
const STATS_CHUNK = 1_000;

/**
 * Percent change rounded to 4 decimals, as sent on the wire.
 *
 * @example
 * changePct(200, 250); // 25
 */
export function changePct(fromCents: number, toCents: number): number {
  return Math.round(((toCents - fromCents) / fromCents) * 100 * 10_000) / 10_000;
}

type Derived = LatestSeriesRow;

/** A change base of one window: date, price and change, or all null when there is none (or it is not positive). */
function base(r: Derived, w: (typeof CHANGE_WINDOWS)[number]) {
  const c = r[`c${w}`];
  const from = c === null || c === undefined ? null : Number(c);
  const usable = from !== null && from > 0;
  return {
    date: usable ? (r[`d${w}`] as string) : null,
    cents: usable ? from : null,
    pct: usable ? changePct(from, Number(r.last_cents)) : null,
  };
}

/**
 * The row as `latest_prices` stores it, every column written once in one literal: 30,000 of these
 * stay in memory until the publication, and an object of one fixed shape is a fraction of the
 * size of one grown key by key.
 */
function toRow(r: Derived): LatestPricesTable {
  const b1 = base(r, 1);
  const b7 = base(r, 7);
  const b30 = base(r, 30);
  const b90 = base(r, 90);
  return {
    printing_key: Number(r.printing_key),
    market: r.market as string,
    condition: r.condition as string,
    currency: r.currency as string,
    card_id: r.card_id as string,
    set_id: r.set_id as string,
    kind: r.kind === 'sealed' ? 'sealed' : 'card',
    as_of: r.as_of as string,
    last_date: r.last_date as string,
    last_cents: Number(r.last_cents),
    stale: Number(r.stale),
    vol_daily: null,
    vol_obs: null,
    headline: 0,
    ref: null,
    rarity_key: null,
    from_date_1d: b1.date,
    from_cents_1d: b1.cents,
    change_pct_1d: b1.pct,
    obs_1d: null,
    jump_1d: null,
    robust_z_1d: null,
    from_date_7d: b7.date,
    from_cents_7d: b7.cents,
    change_pct_7d: b7.pct,
    obs_7d: null,
    jump_7d: null,
    robust_z_7d: null,
    from_date_30d: b30.date,
    from_cents_30d: b30.cents,
    change_pct_30d: b30.pct,
    obs_30d: null,
    jump_30d: null,
    robust_z_30d: null,
    from_date_90d: b90.date,
    from_cents_90d: b90.cents,
    change_pct_90d: b90.pct,
    obs_90d: null,
    jump_90d: null,
    robust_z_90d: null,
  };
}

const seriesKey = (r: { printing_key: number; market: string; condition: string; currency: string }) =>
  `${r.printing_key}|${r.market}|${r.condition}|${r.currency}`;

/**
 * Fills the movers statistics of one series from its observations (ascending dates, all on or
 * before `row.last_date`).
 */
export function fillMoverStats(row: LatestPricesTable, dates: string[], cents: number[]): void {
  fillMoverStatsDays(row, dates.map(epochDay), cents, dates.length);
}

/** `fillMoverStats` over the first `n` observations, dates as epoch days (typed arrays welcome). */
function fillMoverStatsDays(
  row: LatestPricesTable,
  days: ArrayLike<number>,
  cents: ArrayLike<number>,
  n: number,
): void {
  const last = epochDay(row.last_date);
  const returns: number[] = [];
  for (let i = 1; i < n; i++) {
    if (days[i - 1]! >= last - VOL_LOOKBACK_DAYS) returns.push(Math.log(cents[i]! / cents[i - 1]!));
  }
  const sigma = returns.length >= VOL_MIN_RETURNS ? robustSigma(returns) : null;
  row.vol_obs = returns.length;
  row.vol_daily = sigma === null ? null : Math.round(sigma * 1e6) / 1e6;
  const r = row as unknown as Record<string, number | string | null>;
  for (const w of CHANGE_WINDOWS) {
    const fromDate = r[`from_date_${w}d`] as string | null;
    if (fromDate === null) continue;
    const from = epochDay(fromDate);
    let obs = 0;
    let jump = 1;
    for (let i = 0; i < n; i++) {
      if (days[i]! < from) continue;
      obs++;
      if (i > 0 && days[i - 1]! >= from) jump = Math.max(jump, cents[i]! / cents[i - 1]!, cents[i - 1]! / cents[i]!);
    }
    r[`obs_${w}d`] = obs;
    r[`jump_${w}d`] = Math.round(jump * 1e4) / 1e4;
    if (sigma !== null) {
      const fromCents = r[`from_cents_${w}d`] as number;
      // A one-minor-unit step is the least move a price can make: below that, volatility is quantisation.
      const tick = 1 / Math.min(fromCents, row.last_cents);
      const z = Math.log(row.last_cents / fromCents) / (Math.max(sigma, VOL_FLOOR, tick) * Math.sqrt(last - from));
      r[`robust_z_${w}d`] = Math.round(z * 1e4) / 1e4;
    }
  }
}

/** Value of the `width` decimal digits of `text` starting at `at`. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/** Observations of one series, unpacked into reusable typed arrays (no object per price). */
class Observations {
  days = new Float64Array(512);
  cents = new Float64Array(512);
  n = 0;

  /**
   * Reads `YYYY-MM-DD cents` pairs joined by commas (ascending dates), keeping those on or before
   * `lastDay` whose print `isFlagged` does not name.
   */
  unpack(packed: string, lastDay: number, isFlagged: ((day: number) => boolean) | null): void {
    this.n = 0;
    for (let at = 0; at < packed.length;) {
      const day = Date.UTC(digits(packed, at, 4), digits(packed, at + 5, 2) - 1, digits(packed, at + 8, 2)) / DAY_MS;
      let value = 0;
      let end = at + 11;
      for (let c = packed.charCodeAt(end); end < packed.length && c !== 44; c = packed.charCodeAt(++end))
        value = value * 10 + (c - 48);
      at = end + 1;
      if (day > lastDay || (isFlagged !== null && isFlagged(day))) continue;
      if (this.n === this.days.length) {
        const days = new Float64Array(this.n * 2);
        days.set(this.days);
        this.days = days;
        const cents = new Float64Array(this.n * 2);
        cents.set(this.cents);
        this.cents = cents;
      }
      this.days[this.n] = day;
      this.cents[this.n] = value;
      this.n++;
    }
  }
}

const DAY_MS = 86_400_000;

/** Reads the recent prices of the fresh series, a range of printings per statement, and fills their statistics. */
async function addMoverStats(database: Database, rows: LatestPricesTable[]): Promise<void> {
  const fresh = new Map<string, LatestPricesTable>();
  for (const r of rows) if (r.stale === 0) fresh.set(seriesKey(r), r);
  if (fresh.size === 0) return;
  const keys = [...new Set([...fresh.values()].map((r) => r.printing_key))].sort((a, b) => a - b);
  const earliest = [...fresh.values()].reduce((min, r) => (r.last_date < min ? r.last_date : min), '9999-12-31');
  const since = epochDate(epochDay(earliest) - Math.max(VOL_LOOKBACK_DAYS, CHANGE_WINDOWS.at(-1)! + MAX_GAP_DAYS));
  // Flagged prints are no observations; flags are rare, so they are dropped in memory as series unpack.
  const flagged = await flaggedSeriesPrints(database, since);
  const observations = new Observations();
  for (let i = 0; i < keys.length; i += STATS_CHUNK) {
    const chunk = keys.slice(i, i + STATS_CHUNK);
    for (const [printingKey, market, condition, currency, packed] of await recentSeries(
      database,
      chunk[0]!,
      chunk.at(-1)!,
      since,
    )) {
      const key = seriesKey({ printing_key: Number(printingKey), market, condition, currency });
      const row = fresh.get(key);
      if (!row) continue;
      const isFlagged = flagged.size === 0 ? null : (day: number) => flagged.has(`${key}|${epochDate(day)}`);
      observations.unpack(packed, epochDay(row.last_date), isFlagged);
      fillMoverStatsDays(row, observations.days, observations.cents, observations.n);
    }
  }
}

/**
 * Marks each card's headline series (docs/METHODS.md, "Headline printing") and stores with each
 * series what movers send about it: its card and printing (`ref`, JSON) and the rarity filter key.
 * A printing is its set's own product when it was sold under the set's TCGplayer group: the
 * recorded one, else the group most of the set's printings arrive from.
 */
export function describeSeries(
  rows: LatestPricesTable[],
  observations: Map<string, number>,
  lineOf: ReadonlyMap<number, string | null>,
  printings: PrintingFacts[],
): void {
  // The product lines this derive will publish, not the stored ones.
  const byKey = new Map(
    printings.map((p) => [
      Number(p.key),
      lineOf.has(Number(p.key)) ? { ...p, product_line: lineOf.get(Number(p.key))! } : p,
    ]),
  );
  const arriving = new Map<string, Map<number, number>>();
  for (const p of printings) {
    if (p.tcgplayer_group_id === null) continue;
    const counts = arriving.get(p.set_id) ?? new Map<number, number>();
    counts.set(Number(p.tcgplayer_group_id), (counts.get(Number(p.tcgplayer_group_id)) ?? 0) + 1);
    arriving.set(p.set_id, counts);
  }
  const ownGroupOf = new Map<string, number | null>();
  const ownGroup = (setId: string, recorded: number | null): number | null => {
    if (recorded !== null) return Number(recorded);
    if (!ownGroupOf.has(setId)) {
      const ranked = [...(arriving.get(setId) ?? new Map<number, number>()).entries()].sort(
        (a, b) => b[1] - a[1] || a[0] - b[0],
      );
      ownGroupOf.set(setId, ranked[0]?.[0] ?? null);
    }
    return ownGroupOf.get(setId)!;
  };
  const best = new Map<string, { row: LatestPricesTable; candidate: SeriesCandidate }>();
  for (const row of rows) {
    const p = byKey.get(row.printing_key);
    if (p) {
      row.ref = JSON.stringify({
        card: {
          id: p.card_id,
          kind: p.kind,
          name: p.name,
          set_id: p.set_id,
          number: p.number,
          rarity: p.rarity,
          thumbnail: thumbnailOf(p.images),
        },
        printing: {
          id: p.id,
          finish: p.finish,
          tcgplayer_product_id: p.tcgplayer_product_id,
          tcgplayer_sub_type: p.tcgplayer_sub_type,
          ...printingProduct(p),
          cardmarket_product_id: p.cardmarket_product_id,
        },
      });
      row.rarity_key = p.rarity ? slug(p.rarity) : null;
    }
    const candidate: SeriesCandidate = {
      printingKey: row.printing_key,
      product: p
        ? productRank(
            p.tcgplayer_group_id === null ? null : Number(p.tcgplayer_group_id),
            ownGroup(p.set_id, p.set_group),
          )
        : 1,
      observations: observations.get(seriesKey(row)) ?? 0,
      finish: p?.finish ?? '',
      market: row.market,
      currency: row.currency,
      condition: row.condition,
      stale: row.stale === 1,
    };
    const held = best.get(row.card_id);
    if (!held || seriesOrder(candidate, held.candidate) < 0) best.set(row.card_id, { row, candidate });
  }
  for (const { row } of best.values()) row.headline = 1;
}

/** The series, their statistics and headlines, computed before anything is written. */
export interface ComputedLatestPrices {
  rows: LatestPricesTable[];
  /** Product-line changes to write with the series: line → printing keys. */
  productLines: Map<string | null, number[]>;
  /** The same changes per printing key. */
  lineOf: Map<number, string | null>;
  groupWarnings: number;
}

/**
 * The heavy, read-only part: every series' latest price, changes, movers statistics and headline,
 * with the product lines they will be published with.
 *
 * @example
 * const computed = await computeLatestPrices(database); // then publishLatestPrices(tx, computed)
 */
export async function computeLatestPrices(database: Database, log?: Logger): Promise<ComputedLatestPrices> {
  const db = database.db;
  const rows = await latestSeriesRows(database, CHANGE_WINDOWS, MAX_GAP_DAYS);
  const derived = rows.map(toRow);
  const observations = new Map(derived.map((r, i) => [seriesKey(r), Number(rows[i]!.n_obs)]));
  await addMoverStats(database, derived);
  const productLines = await planProductLines(db);
  const lineOf = new Map<number, string | null>();
  for (const [line, keys] of productLines) for (const key of keys) lineOf.set(key, line);
  describeSeries(derived, observations, lineOf, await printingFacts(db));
  const warnings = await groupWarnings(db);
  // Recorded in the run's counts; the first few named in the log.
  for (const w of warnings.slice(0, 20))
    log?.warn(w, 'a recorded TCGplayer group disagrees with the group its price rows arrive from');
  return { rows: derived, productLines, lineOf, groupWarnings: warnings.length };
}

/** Writes the product lines and replaces `latest_prices` through `database.db` (a publication's transaction, or a new one). */
export async function publishLatestPrices(
  database: Database,
  computed: ComputedLatestPrices,
): Promise<{ series: number; stale: number; markets: number; group_warnings: number }> {
  const derived = computed.rows;
  await inTransaction(database.db, async (trx) => {
    await applyProductLines(trx, computed.productLines);
    await replaceLatestPrices(trx, derived);
  });
  return {
    series: derived.length,
    stale: derived.filter((r) => r.stale === 1).length,
    markets: new Set(derived.map((r) => r.market)).size,
    group_warnings: computed.groupWarnings,
  };
}

/**
 * Rebuilds `latest_prices` on its own (one transaction); returns counts for the pipeline run record.
 *
 * @example
 * const counts = await deriveLatestPrices(database); // { series: 30000, stale: 12, markets: 2, group_warnings: 0 }
 */
export async function deriveLatestPrices(
  database: Database,
  log?: Logger,
): Promise<{ series: number; stale: number; markets: number; group_warnings: number }> {
  return publishLatestPrices(database, await computeLatestPrices(database, log));
}
