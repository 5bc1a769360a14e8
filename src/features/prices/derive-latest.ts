/**
 * Derives `latest_prices`: per printing, market, condition and currency, the latest market price
 * and its 1/7/30/90-day changes, as of the latest date that has data for that market (never the
 * wall clock). Rules (DESIGN §10, docs/METHODS.md "Changes"):
 *
 * - Only market prices count; a null market price is no observation.
 * - `to_date` is the series' latest observation. The base of an N-day change is the last
 *   observation on or before `to_date − N`, at most 3 days older than that; none → null change.
 * - A series whose latest observation is more than 3 days behind its market's latest date is
 *   marked stale (kept for card pages, left out of movers).
 *
 * The table is rebuilt whole in one transaction, so the step is idempotent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, DialectName } from '../../platform/db/database.ts';
import type { LatestPricesTable, Tables } from '../../platform/db/schema.ts';

export const CHANGE_WINDOWS = [1, 7, 30, 90] as const;
/** How much older than `to_date − N` a base may be, and how far behind a series may fall. */
export const MAX_GAP_DAYS = 3;

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

function selectSql(dialect: DialectName): string {
  const baseDate = (w: number) =>
    `(select max(x.date) from prices x where ${SERIES('x', 'l')} and x.market_cents is not null
       and x.date <= ${minusDays(dialect, 'l.last_date', w)} and x.date >= ${minusDays(dialect, 'l.last_date', w + MAX_GAP_DAYS)}) as d${w}`;
  const dateText = (c: string) => (dialect === 'postgres' ? `to_char(${c}, 'YYYY-MM-DD')` : c);
  return `
    with asof as (
      select market, max(date) as as_of from prices where market_cents is not null group by market
    ), series as (
      select p.printing_key, p.market, p.condition, p.currency, max(p.date) as last_date
      from prices p where p.market_cents is not null
      group by p.printing_key, p.market, p.condition, p.currency
    ), base as (
      select l.*, a.as_of, ${CHANGE_WINDOWS.map(baseDate).join(', ')}
      from series l join asof a on a.market = l.market
    )
    select b.printing_key, b.market, b.condition, b.currency, pr.card_id, c.set_id,
      ${dateText('b.as_of')} as as_of, ${dateText('b.last_date')} as last_date, lp.market_cents as last_cents,
      case when b.last_date < ${minusDays(dialect, 'b.as_of', MAX_GAP_DAYS)} then 1 else 0 end as stale,
      ${CHANGE_WINDOWS.map((w) => `${dateText(`b.d${w}`)} as d${w}, p${w}.market_cents as c${w}`).join(', ')}
    from base b
    join printings pr on pr.key = b.printing_key
    join cards c on c.id = pr.card_id
    join prices lp on ${SERIES('lp', 'b')} and lp.date = b.last_date
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
    as_of: r.as_of,
    last_date: r.last_date,
    last_cents: Number(r.last_cents),
    stale: Number(r.stale),
  };
  for (const w of CHANGE_WINDOWS) {
    const from = r[`c${w}`] === null || r[`c${w}`] === undefined ? null : Number(r[`c${w}`]);
    const usable = from !== null && from > 0;
    row[`from_date_${w}d`] = usable ? r[`d${w}`] : null;
    row[`from_cents_${w}d`] = usable ? from : null;
    row[`change_pct_${w}d`] = usable ? changePct(from, Number(r.last_cents)) : null;
  }
  return row as LatestPricesTable;
}

/**
 * Rebuilds `latest_prices`; returns counts for the pipeline run record.
 *
 * @example
 * const counts = await deriveLatestPrices(database); // { series: 30000, stale: 12, markets: 2 }
 */
export async function deriveLatestPrices(database: Database): Promise<{ series: number; stale: number; markets: number }> {
  const db: Kysely<Tables> = database.db;
  const { rows } = await sql.raw<Derived>(selectSql(database.dialect)).execute(db);
  const derived = rows.map(toRow);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('latest_prices').execute();
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < derived.length; i += 500) {
      await trx.insertInto('latest_prices').values(derived.slice(i, i + 500)).execute();
    }
  });
  return {
    series: derived.length,
    stale: derived.filter((r) => r.stale === 1).length,
    markets: new Set(derived.map((r) => r.market)).size,
  };
}
