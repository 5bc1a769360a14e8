/**
 * SQL the two dialects spell differently, written once: raw array rows through the driver
 * underneath, dates as `YYYY-MM-DD` text, day arithmetic on date columns, planner statistics, and
 * multi-row inserts kept under the bound-parameter limits.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database, DialectName } from './database.ts';
import type { Tables } from './schema.ts';

/**
 * Runs `text` on the driver underneath (no query builder: for reads of hundreds of thousands of
 * rows) and returns each row as an array. Parameters are positional `$1`, `$2`, … on both
 * dialects, and a number may appear more than once. It reads outside Kysely — on PostgreSQL from
 * the pool, not from a transaction in progress, and uncounted by the statement counter — so never
 * call it inside `inTransaction`/`publish` for rows that transaction has written.
 *
 * @example
 * const rows = await rawRows(database, 'select key from printings where card_id = $1', ['base1-4']);
 */
export async function rawRows(database: Database, text: string, values: readonly unknown[]): Promise<unknown[][]> {
  const native = database.native;
  if (native.kind === 'postgres')
    return (await native.pool.query({ text, values: [...values], rowMode: 'array' })).rows as unknown[][];
  const statement = native.db.prepare(text.replace(/\$(\d+)/g, '@p$1')).raw(true);
  if (values.length === 0) return statement.all() as unknown[][];
  return statement.all(Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]))) as unknown[][];
}

/**
 * A date column as `YYYY-MM-DD` text (PostgreSQL's `date` type reads back as text through `to_char`;
 * SQLite stores the text already).
 *
 * @example
 * dateText('postgres', 'p.date'); // "to_char(p.date, 'YYYY-MM-DD')"
 */
export function dateText(dialect: DialectName, column: string): string {
  return dialect === 'postgres' ? `to_char(${column}, 'YYYY-MM-DD')` : column;
}

/**
 * The date `days` days before a date column (a date on PostgreSQL, `YYYY-MM-DD` text on SQLite),
 * comparable with the column itself.
 *
 * @example
 * daysBefore('sqlite', 'last_date', 30); // "date(last_date, '-30 days')"
 */
export function daysBefore(dialect: DialectName, column: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return dialect === 'postgres' ? `(${column} - ${days})` : `date(${column}, '-${days} days')`;
}

/**
 * Refreshes the planner's statistics (SQLite: the whole database; PostgreSQL: the given tables).
 *
 * @example
 * await analyzeTables(database, ['latest_prices', 'card_summary']);
 */
export async function analyzeTables(database: Database, tables: readonly (keyof Tables)[]): Promise<void> {
  if (database.native.kind === 'sqlite') database.native.db.exec('analyze');
  else await sql.raw(`analyze ${tables.join(', ')}`).execute(database.db);
}

/**
 * Inserts `rows` into `table` `perStatement` rows at a time, so a statement stays under both
 * dialects' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535: columns × rows).
 *
 * @example
 * await insertInChunks(trx, 'factor_stats', rows, 500);
 */
export async function insertInChunks<T extends keyof Tables>(
  db: Kysely<Tables>,
  table: T,
  rows: readonly Insertable<Tables[T]>[],
  perStatement: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += perStatement)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + perStatement) as never)
      .execute();
}
