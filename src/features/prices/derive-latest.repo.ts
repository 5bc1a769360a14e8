/**
 * Reads and the write of the latest-prices read model (src/features/prices/derive-latest.ts holds
 * the rules and the calculation).
 *
 * The series' latest prices and change bases are one set-based statement over every price row
 * (millions): it stays SQL by design, since pulling the rows into JS would be far slower. The
 * movers statistics and headlines are computed in JS from the rows read here.
 */
import type { Kysely } from 'kysely';
import type { Database, DialectName } from '../../platform/db/database.ts';
import { dateText, daysBefore, insertInChunks, rawRows } from '../../platform/db/dialect.ts';
import type { LatestPricesTable, Tables } from '../../platform/db/schema.ts';
import { unflagged } from './price-flags.repo.ts';

const SERIES = (a: string, b: string) =>
  `${a}.printing_key = ${b}.printing_key and ${a}.market = ${b}.market and ${a}.condition = ${b}.condition and ${a}.currency = ${b}.currency`;

/**
 * One statement for every series, one pass over the prices: a market's latest date (`asof`) is the
 * latest of its series' last prints, so it needs no second pass. Flagged prints are left out without probing the flags for each
 * of the millions of price rows: the series are aggregated over every print, and only a series
 * whose latest print is flagged seeks its last unflagged one (a backward range of the prices
 * primary key, newest first); its observation count subtracts its flagged prints. The base seeks
 * probe the flags' primary key for the few rows they visit, and each price is a primary-key seek
 * (a scalar subquery, so that PostgreSQL seeks on the computed date instead of filtering the
 * series' rows).
 */
function latestSeriesSql(dialect: DialectName, windows: readonly number[], maxGapDays: number): string {
  const baseDate = (w: number) =>
    `(select max(x.date) from prices x where ${SERIES('x', 'l')} and x.market_cents is not null
       and x.date <= ${daysBefore(dialect, 'l.last_date', w)} and x.date >= ${daysBefore(dialect, 'l.last_date', w + maxGapDays)}
       and ${unflagged('x')}) as d${w}`;
  const text = (c: string) => dateText(dialect, c);
  return `
    with every_print as materialized (
      select p.printing_key, p.market, p.condition, p.currency, max(p.date) as last_date, count(*) as n_obs
      from prices p where p.market_cents is not null
      group by p.printing_key, p.market, p.condition, p.currency
    ), asof as (
      select market, max(last_date) as as_of from every_print group by market
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
      select l.*, a.as_of, ${windows.map(baseDate).join(', ')}
      from series l join asof a on a.market = l.market
      where l.last_date is not null
    )
    select b.printing_key, b.market, b.condition, b.currency, pr.card_id, c.set_id, c.kind,
      ${text('b.as_of')} as as_of, ${text('b.last_date')} as last_date,
      (select lp.market_cents from prices lp where ${SERIES('lp', 'b')} and lp.date = b.last_date) as last_cents, b.n_obs,
      case when b.last_date < ${daysBefore(dialect, 'b.as_of', maxGapDays)} then 1 else 0 end as stale,
      ${windows.map((w) => `${text(`b.d${w}`)} as d${w}, p${w}.market_cents as c${w}`).join(', ')}
    from base b
    join printings pr on pr.key = b.printing_key
    join cards c on c.id = pr.card_id
    ${windows.map((w) => `left join prices p${w} on ${SERIES(`p${w}`, 'b')} and p${w}.date = b.d${w}`).join('\n    ')}`;
}

/** One row of the latest-series statement: key columns, dates as text, the latest and base prices. */
export type LatestSeriesRow = Record<string, string | number | null>;

/**
 * Every series' latest observation, its change bases `d{w}`/`c{w}` per window and staleness, in one
 * statement (see `latestSeriesSql`).
 */
export async function latestSeriesRows(
  database: Database,
  windows: readonly number[],
  maxGapDays: number,
): Promise<LatestSeriesRow[]> {
  const text = latestSeriesSql(database.dialect, windows, maxGapDays);
  const columns = [
    'printing_key',
    'market',
    'condition',
    'currency',
    'card_id',
    'set_id',
    'kind',
    'as_of',
    'last_date',
    'last_cents',
    'n_obs',
    'stale',
    ...windows.flatMap((w) => [`d${w}`, `c${w}`]),
  ];
  const rows = await rawRows(database, text, []);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] as string | number | null])));
}

/**
 * Non-null market prices of printings `fromKey`..`toKey` dated `since` or later: one row per
 * series (key columns, then its prices packed into one string of `YYYY-MM-DD cents` pairs joined by
 * commas, in date order), in series order. The database does the per-price work and the driver
 * builds one string per series instead of an object per price; the primary key leads with the
 * series, so each read is a range scan.
 */
export function recentSeries(
  database: Database,
  fromKey: number,
  toKey: number,
  since: string,
): Promise<[number, string, string, string, string][]> {
  const pg = database.dialect === 'postgres';
  const packed = pg
    ? `string_agg(${dateText('postgres', 'date')} || ' ' || market_cents, ',' order by date)`
    : `group_concat(date || ' ' || market_cents, ',' order by date)`;
  const text = `select printing_key, market, condition, currency, ${packed}
    from prices where printing_key >= $1 and printing_key <= $2 and market_cents is not null
      and date >= ${pg ? 'cast($3 as date)' : '$3'}
    group by printing_key, market, condition, currency
    order by printing_key, market, condition, currency`;
  return rawRows(database, text, [fromKey, toKey, since]) as Promise<[number, string, string, string, string][]>;
}

/** Every printing with its card and set facts: what a series' `ref` and headline choice need. */
export function printingFacts(db: Kysely<Tables>) {
  return db
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
}

export type PrintingFacts = Awaited<ReturnType<typeof printingFacts>>[number];

/** Replaces every `latest_prices` row (inside the caller's transaction). */
export async function replaceLatestPrices(db: Kysely<Tables>, rows: LatestPricesTable[]): Promise<void> {
  await db.deleteFrom('latest_prices').execute();
  await insertInChunks(db, 'latest_prices', rows, 500);
}
