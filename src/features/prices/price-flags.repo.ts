/**
 * The statements behind flagged prints (docs/METHODS.md, "Flagged prints"): replacing the flags of
 * the primary series over a date range, the SQL condition every analytics read of prices uses to
 * leave flagged rows out, and the one point-in-time price lookup valuations and alert evaluations
 * use: the last unflagged print of a printing on or before a date.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { dateText } from '../../platform/db/dialect.ts';
import type { PriceFlagsTable, Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';

/** Flag rows per insert statement (7 parameters each, under SQLite's limit). */
const ROWS_PER_INSERT = 1_000;
/** Printings per lookup statement. */
const KEYS_PER_READ = 500;

export type PriceFlagRow = Insertable<PriceFlagsTable>;

/**
 * "The price row aliased `alias` is not flagged": an index seek on the flags' primary key, for
 * raw SQL reads of `prices`. Flags are rare, so the seek almost always finds nothing.
 *
 * @example
 * `select … from prices p where … and ${unflagged('p')}`
 */
export function unflagged(alias: string): string {
  return `not exists (select 1 from price_flags f where f.printing_key = ${alias}.printing_key and f.market = ${alias}.market
    and f.condition = ${alias}.condition and f.currency = ${alias}.currency and f.date = ${alias}.date)`;
}

/**
 * Replaces the flags of the primary series dated in [from, to] by `rows` (all of them primary-series
 * rows in that range), in one transaction: a re-run over the same prices gives the same table.
 */
export async function replacePrimaryFlags(
  db: Kysely<Tables>,
  range: { from: string; to: string },
  rows: readonly PriceFlagRow[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('price_flags')
      .where('market', '=', PRIMARY_SERIES.market)
      .where('condition', '=', PRIMARY_SERIES.condition)
      .where('currency', '=', PRIMARY_SERIES.currency)
      .where('date', '>=', range.from)
      .where('date', '<=', range.to)
      .execute();
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
      await trx
        .insertInto('price_flags')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
  });
}

/** The key of a (printing, day number) pair in the set `flaggedPrints` returns. */
export const printKey = (printingKey: number, day: number) => printingKey * 65_536 + day;

/**
 * The flagged primary-series prints dated in [from, to], as `printKey(printing, day)` values:
 * flags are rare, so streaming reads drop them in memory instead of probing the flags per row.
 *
 * @example
 * const flagged = await flaggedPrints(database, '2026-01-01', '2026-11-20'); flagged.has(printKey(17, 20_412));
 */
export async function flaggedPrints(database: Database, from: string, to: string): Promise<Set<number>> {
  const rows = await database.db
    .selectFrom('price_flags')
    .select(['printing_key', sql<string>`${sql.raw(dateText(database.dialect, 'date'))}`.as('date')])
    .where('market', '=', PRIMARY_SERIES.market)
    .where('condition', '=', PRIMARY_SERIES.condition)
    .where('currency', '=', PRIMARY_SERIES.currency)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .execute();
  return new Set(rows.map((r) => printKey(Number(r.printing_key), epochDay(String(r.date)))));
}

/**
 * Every flagged print dated on or after `since`, of any series, as
 * `printing|market|condition|currency|date` strings (what derived reads drop as rows stream).
 *
 * @example
 * (await flaggedSeriesPrints(database, '2026-08-01')).has('17|tcgplayer|NM|USD|2026-11-20');
 */
export async function flaggedSeriesPrints(database: Database, since: string): Promise<Set<string>> {
  const rows = await database.db
    .selectFrom('price_flags')
    .select([
      'printing_key',
      'market',
      'condition',
      'currency',
      sql<string>`${sql.raw(dateText(database.dialect, 'date'))}`.as('date'),
    ])
    .where('date', '>=', since)
    .execute();
  return new Set(
    rows.map((r) => `${Number(r.printing_key)}|${r.market}|${r.condition}|${r.currency}|${String(r.date)}`),
  );
}

export interface UnflaggedPrice {
  printingKey: number;
  date: string;
  marketCents: number;
}

/**
 * Per printing, the last primary-series market price dated on or before `date` that is not
 * flagged — what a valuation or an alert dated `date` uses. A printing without one is absent from
 * the map (a gap, never a default). Flags depend only on observations on or before their own date,
 * so the answer for `date` never changes when later prices arrive. One statement per
 * KEYS_PER_READ printings; each printing is a backward seek on the prices primary key.
 *
 * @example
 * (await lastUnflaggedPrices(database, [17], '2026-11-20')).get(17); // { printingKey: 17, date: '2026-11-19', marketCents: 401 }
 */
export async function lastUnflaggedPrices(
  database: Database,
  printingKeys: readonly number[],
  date: string,
): Promise<Map<number, UnflaggedPrice>> {
  const out = new Map<number, UnflaggedPrice>();
  const { market, condition, currency } = PRIMARY_SERIES;
  const text = (column: string) => dateText(database.dialect, column);
  for (let i = 0; i < printingKeys.length; i += KEYS_PER_READ) {
    const keys = printingKeys.slice(i, i + KEYS_PER_READ);
    const { rows } = await sql<{ printing_key: number; date: string; market_cents: number }>`
      select p.printing_key, ${sql.raw(text('p.date'))} as date, p.market_cents from prices p
      where p.market = ${market} and p.condition = ${condition} and p.currency = ${currency}
        and p.printing_key in (${sql.join(keys)})
        and p.date = (select max(q.date) from prices q
          where q.printing_key = p.printing_key and q.market = ${market} and q.condition = ${condition} and q.currency = ${currency}
            and q.date <= ${date} and q.market_cents > 0 and ${sql.raw(unflagged('q'))})`.execute(database.db);
    for (const r of rows)
      out.set(Number(r.printing_key), {
        printingKey: Number(r.printing_key),
        date: String(r.date),
        marketCents: Number(r.market_cents),
      });
  }
  return out;
}
