/**
 * SQL the two dialects spell differently, written once: raw array rows through the driver
 * underneath, dates as `YYYY-MM-DD` text, day arithmetic on date columns, planner statistics, and
 * multi-row inserts kept under the bound-parameter limits.
 */
import { CompiledQuery, sql, type Insertable, type Kysely } from 'kysely';
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
 * `rawRows`, but on SQLite the rows come one at a time as they are iterated (each row's values are
 * garbage before the next is read, instead of all of them living until the last is read); on
 * PostgreSQL they are all read first. On SQLite the cursor opens only when iteration begins, and
 * while it is open the connection refuses every write: iterate it in one synchronous loop (no
 * `await` inside), so no other statement can run on the connection in between.
 *
 * @example
 * for (const [key] of await rawRowIterator(database, 'select key from printings', [])) console.log(key);
 */
export async function rawRowIterator(
  database: Database,
  text: string,
  values: readonly unknown[],
): Promise<Iterable<unknown[]>> {
  const native = database.native;
  if (native.kind === 'postgres') return rawRows(database, text, values);
  const statement = native.db.prepare(text.replace(/\$(\d+)/g, '@p$1')).raw(true);
  const parameters = Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));
  // Not opened here: an `await` between opening and iterating would let another statement meet it.
  return { [Symbol.iterator]: () => statement.iterate(parameters) as Iterator<unknown[]> };
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
 * Refreshes the planner's statistics of the given tables. On SQLite every other table keeps its
 * statistics unless `pragma optimize` finds them missing or far out of date (then it analyzes that
 * table with a bounded sample): a whole-database `analyze` would read every price row again, which
 * costs more than the derive that calls this (docs/BENCHMARKS.md, "Speed and scale … derive").
 *
 * @example
 * await analyzeTables(database, ['latest_prices', 'card_summary']);
 */
export async function analyzeTables(database: Database, tables: readonly (keyof Tables)[]): Promise<void> {
  if (database.native.kind === 'sqlite') {
    for (const table of tables) database.native.db.exec(`analyze "${table}"`);
    // 0x10000: every table, not only those this connection used; 0x02: analyze where it pays.
    database.native.db.pragma('optimize = 0x10002');
  } else await sql.raw(`analyze ${tables.join(', ')}`).execute(database.db);
}

/**
 * Inserts `rows` into `table` `perStatement` rows at a time, so a statement stays under both
 * dialects' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535: columns × rows). Rows that
 * all carry the same columns (the read models' rows do) go in as one plain statement per chunk,
 * its text the same for every full chunk (SQLite prepares it once): building a query-builder
 * tree for each of millions of values cost more than the insert itself. Other rows go through
 * the query builder.
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
  const columns = rows.length > 0 ? sameColumns(rows as readonly Record<string, unknown>[]) : null;
  if (columns === null) {
    for (let i = 0; i < rows.length; i += perStatement)
      await db
        .insertInto(table)
        .values(rows.slice(i, i + perStatement) as never)
        .execute();
    return;
  }
  // Names are written into the statement's text: only plain identifiers (values are parameters).
  const bad = [String(table), ...columns].find((name) => !/^[a-z_][a-z0-9_]*$/.test(name));
  if (bad !== undefined) throw new Error(`insertInChunks: ${JSON.stringify(bad)} is not a plain column or table name`);
  // `?` on SQLite, `$1` on PostgreSQL: the placeholder the dialect's compiler writes.
  const numbered = sql`${0}`.compile(db).sql !== '?';
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  let text = '';
  let textRows = 0;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement) as readonly Record<string, unknown>[];
    if (chunk.length !== textRows) {
      text = head + valuesList(chunk.length, columns.length, numbered);
      textRows = chunk.length;
    }
    const parameters: unknown[] = new Array(chunk.length * columns.length);
    let k = 0;
    for (const row of chunk) for (const c of columns) parameters[k++] = row[c];
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

/** The columns every row carries, each defined (in the first row's order); null when they differ. */
function sameColumns(rows: readonly Record<string, unknown>[]): string[] | null {
  const columns = Object.keys(rows[0]!);
  for (const row of rows) {
    let n = 0;
    for (const key in row) {
      if (row[key] === undefined) return null;
      n++;
    }
    if (n !== columns.length) return null;
    for (const c of columns) if (!(c in row)) return null;
  }
  return columns;
}

/** `(?, ?), (?, ?)` or `($1, $2), ($3, $4)` for `rows` rows of `columns` values. */
function valuesList(rows: number, columns: number, numbered: boolean): string {
  const tuples: string[] = [];
  for (let r = 0, n = 1; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < columns; c++, n++) marks.push(numbered ? `$${n}` : '?');
    tuples.push(`(${marks.join(', ')})`);
  }
  return tuples.join(', ');
}
