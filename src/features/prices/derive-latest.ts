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
  recentPrices,
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

function toRow(r: Derived): LatestPricesTable {
  const row: Record<string, unknown> = {
    printing_key: Number(r.printing_key),
    market: r.market,
    condition: r.condition,
    currency: r.currency,
    card_id: r.card_id,
    set_id: r.set_id,
    kind: r.kind === 'sealed' ? 'sealed' : 'card',
    as_of: r.as_of,
    last_date: r.last_date,
    last_cents: Number(r.last_cents),
    stale: Number(r.stale),
    vol_daily: null,
    vol_obs: null,
    headline: 0,
    ref: null,
    rarity_key: null,
  };
  for (const w of CHANGE_WINDOWS) {
    const from = r[`c${w}`] === null || r[`c${w}`] === undefined ? null : Number(r[`c${w}`]);
    const usable = from !== null && from > 0;
    row[`from_date_${w}d`] = usable ? r[`d${w}`] : null;
    row[`from_cents_${w}d`] = usable ? from : null;
    row[`change_pct_${w}d`] = usable ? changePct(from, Number(r.last_cents)) : null;
    row[`obs_${w}d`] = null;
    row[`jump_${w}d`] = null;
    row[`robust_z_${w}d`] = null;
  }
  return row as LatestPricesTable;
}

const seriesKey = (r: { printing_key: number; market: string; condition: string; currency: string }) =>
  `${r.printing_key}|${r.market}|${r.condition}|${r.currency}`;

/**
 * Fills the movers statistics of one series from its observations (ascending dates, all on or
 * before `row.last_date`).
 */
export function fillMoverStats(row: LatestPricesTable, dates: string[], cents: number[]): void {
  const last = epochDay(row.last_date);
  const days = dates.map(epochDay);
  const returns: number[] = [];
  for (let i = 1; i < days.length; i++) {
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
    for (let i = 0; i < days.length; i++) {
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

/** Reads the recent prices of the fresh series, a range of printings per statement, and fills their statistics. */
async function addMoverStats(database: Database, rows: LatestPricesTable[]): Promise<void> {
  const fresh = new Map<string, LatestPricesTable>();
  for (const r of rows) if (r.stale === 0) fresh.set(seriesKey(r), r);
  if (fresh.size === 0) return;
  const keys = [...new Set([...fresh.values()].map((r) => r.printing_key))].sort((a, b) => a - b);
  const earliest = [...fresh.values()].reduce((min, r) => (r.last_date < min ? r.last_date : min), '9999-12-31');
  const since = epochDate(epochDay(earliest) - Math.max(VOL_LOOKBACK_DAYS, CHANGE_WINDOWS.at(-1)! + MAX_GAP_DAYS));
  // Flagged prints are no observations; flags are rare, so they are dropped in memory as rows stream.
  const flagged = await flaggedSeriesPrints(database, since);
  for (let i = 0; i < keys.length; i += STATS_CHUNK) {
    const chunk = keys.slice(i, i + STATS_CHUNK);
    const prices = await recentPrices(database, chunk[0]!, chunk.at(-1)!, since);
    let current: LatestPricesTable | undefined;
    let currentKey = '';
    let dates: string[] = [];
    let cents: number[] = [];
    const close = () => {
      if (current) fillMoverStats(current, dates, cents);
    };
    for (const p of prices) {
      const key = seriesKey({ ...p, printing_key: Number(p.printing_key) });
      if (key !== currentKey) {
        close();
        currentKey = key;
        current = fresh.get(key);
        dates = [];
        cents = [];
      }
      if (current && p.date <= current.last_date && (flagged.size === 0 || !flagged.has(`${key}|${p.date}`))) {
        dates.push(p.date);
        cents.push(Number(p.market_cents));
      }
    }
    close();
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
