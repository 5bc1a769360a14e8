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
import { sql } from 'kysely';
import { epochDate, epochDay } from '../../platform/clock.ts';
import type { Database, DialectName } from '../../platform/db/database.ts';
import type { LatestPricesTable } from '../../platform/db/schema.ts';
import { robustSigma } from '../../quant/robust.ts';
import { slug } from './search-terms.ts';
import { productRank, seriesOrder, type SeriesCandidate } from './series.ts';
import { applyProductLines, groupWarnings, planProductLines } from '../catalog/printings.repo.ts';
import type { Logger } from '../../platform/log.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { printingProduct, thumbnailOf } from './wire.ts';
import { flaggedSeriesPrints, unflagged } from './price-flags.repo.ts';

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

function minusDays(dialect: DialectName, column: string, days: number): string {
  return dialect === 'postgres' ? `(${column} - ${days})` : `date(${column}, '-${days} days')`;
}

const SERIES = (a: string, b: string) =>
  `${a}.printing_key = ${b}.printing_key and ${a}.market = ${b}.market and ${a}.condition = ${b}.condition and ${a}.currency = ${b}.currency`;

/**
 * One statement for every series. Flagged prints are left out without probing the flags for each
 * of the millions of price rows: the series are aggregated over every print, and only a series
 * whose latest print is flagged seeks its last unflagged one (a backward range of the prices
 * primary key, newest first); its observation count subtracts its flagged prints. The base seeks
 * probe the flags' primary key for the few rows they visit, and each price is a primary-key seek
 * (a scalar subquery, so that PostgreSQL seeks on the computed date instead of filtering the
 * series' rows).
 */
export function selectSql(dialect: DialectName): string {
  const baseDate = (w: number) =>
    `(select max(x.date) from prices x where ${SERIES('x', 'l')} and x.market_cents is not null
       and x.date <= ${minusDays(dialect, 'l.last_date', w)} and x.date >= ${minusDays(dialect, 'l.last_date', w + MAX_GAP_DAYS)}
       and ${unflagged('x')}) as d${w}`;
  const dateText = (c: string) => (dialect === 'postgres' ? `to_char(${c}, 'YYYY-MM-DD')` : c);
  return `
    with asof as (
      select market, max(date) as as_of from prices where market_cents is not null group by market
    ), every_print as (
      select p.printing_key, p.market, p.condition, p.currency, max(p.date) as last_date, count(*) as n_obs
      from prices p where p.market_cents is not null
      group by p.printing_key, p.market, p.condition, p.currency
    ), flagged as (
      select f.printing_key, f.market, f.condition, f.currency, max(f.date) as last_flagged, count(*) as n_flagged
      from price_flags f join prices p on ${SERIES('p', 'f')} and p.date = f.date and p.market_cents is not null
      group by f.printing_key, f.market, f.condition, f.currency
    ), series as (
      select e.printing_key, e.market, e.condition, e.currency, e.n_obs - coalesce(g.n_flagged, 0) as n_obs,
        case when g.last_flagged is null or g.last_flagged < e.last_date then e.last_date
          else (select x.date from prices x where ${SERIES('x', 'e')} and x.market_cents is not null and ${unflagged('x')}
            order by x.date desc limit 1) end as last_date
      from every_print e left join flagged g on ${SERIES('g', 'e')}
    ), base as (
      select l.*, a.as_of, ${CHANGE_WINDOWS.map(baseDate).join(', ')}
      from series l join asof a on a.market = l.market
      where l.last_date is not null
    )
    select b.printing_key, b.market, b.condition, b.currency, pr.card_id, c.set_id, c.kind,
      ${dateText('b.as_of')} as as_of, ${dateText('b.last_date')} as last_date,
      (select lp.market_cents from prices lp where ${SERIES('lp', 'b')} and lp.date = b.last_date) as last_cents, b.n_obs,
      case when b.last_date < ${minusDays(dialect, 'b.as_of', MAX_GAP_DAYS)} then 1 else 0 end as stale,
      ${CHANGE_WINDOWS.map((w) => `${dateText(`b.d${w}`)} as d${w}, p${w}.market_cents as c${w}`).join(', ')}
    from base b
    join printings pr on pr.key = b.printing_key
    join cards c on c.id = pr.card_id
    ${CHANGE_WINDOWS.map((w) => `left join prices p${w} on ${SERIES(`p${w}`, 'b')} and p${w}.date = b.d${w}`).join('\n    ')}`;
}

type Derived = Record<string, string | number | null>;

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
    const prices = await database.db
      .selectFrom('prices')
      .select(['printing_key', 'market', 'condition', 'currency', 'date', 'market_cents'])
      .where('printing_key', '>=', chunk[0]!)
      .where('printing_key', '<=', chunk.at(-1)!)
      .where('market_cents', 'is not', null)
      .where('date', '>=', since)
      .orderBy('printing_key')
      .orderBy('market')
      .orderBy('condition')
      .orderBy('currency')
      .orderBy('date')
      .execute();
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
async function describeSeries(
  database: Database,
  rows: LatestPricesTable[],
  observations: Map<string, number>,
  lineOf: ReadonlyMap<number, string | null>,
): Promise<void> {
  const printings = await database.db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .innerJoin('sets as s', 's.id', 'c.set_id')
    .select([
      'p.key',
      'p.id',
      'p.finish',
      'p.tcgplayer_product_id',
      'p.tcgplayer_sub_type',
      'p.tcgplayer_group_id',
      'p.product_line',
      'p.cardmarket_product_id',
      's.tcgplayer_group_id as set_group',
      'c.id as card_id',
      'c.kind',
      'c.name',
      'c.set_id',
      'c.number',
      'c.rarity',
      'c.images',
    ])
    .execute();
  // The product lines this derive will publish, not the stored ones.
  for (const p of printings) if (lineOf.has(Number(p.key))) p.product_line = lineOf.get(Number(p.key))!;
  const byKey = new Map(printings.map((p) => [Number(p.key), p]));
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
  const { rows } = await sql.raw<Derived>(selectSql(database.dialect)).execute(db);
  const derived = rows.map(toRow);
  const observations = new Map(derived.map((r, i) => [seriesKey(r), Number(rows[i]!.n_obs)]));
  await addMoverStats(database, derived);
  const productLines = await planProductLines(db);
  const lineOf = new Map<number, string | null>();
  for (const [line, keys] of productLines) for (const key of keys) lineOf.set(key, line);
  await describeSeries(database, derived, observations, lineOf);
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
    await trx.deleteFrom('latest_prices').execute();
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < derived.length; i += 500) {
      await trx
        .insertInto('latest_prices')
        .values(derived.slice(i, i + 500))
        .execute();
    }
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
