/**
 * The statements behind backtests: the signal universe of a range, reads of stored scores and
 * primary-series prices (a block of printings per statement, each printing an index seek; never a
 * statement per printing or per date), and the run records of the `backtests` table.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { BacktestsTable, Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { unflagged } from '../prices/price-flags.repo.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import { type SignalKey } from '../signals/signals.repo.ts';

export type BacktestRow = Selectable<BacktestsTable>;
export type BacktestStatus = BacktestsTable['status'];

/** Printings per price statement (one index seek each): under SQLite's parameter limit. */
const KEYS_PER_READ = 500;

type Range = { from: string; to: string };

/**
 * SQLite plans a date range on the signals primary key without statistics, which makes a
 * per-printing lookup scan the whole range; the hint keeps it on signals_printing_idx (printing
 * first), one index seek per printing. PostgreSQL plans from its statistics.
 */
const bySignalPrinting = (database: Database) =>
  database.dialect === 'sqlite' ? 'indexed by signals_printing_idx' : '';

/** "Printing `p` has an `ok` signal of `key` in the range." */
function hasSignal(database: Database, key: SignalKey, range: Range) {
  return sql`exists (select 1 from signals s ${sql.raw(bySignalPrinting(database))}
    where s.printing_key = p.key and s.engine = ${key.engine} and s.engine_version = ${key.engineVersion} and s.weights_version = ${key.weightsVersion}
      and s.date >= ${range.from} and s.date <= ${range.to} and s.status = 'ok' and s.score is not null)`;
}

/** How many printings have an `ok` signal of `key` in the range (one statement). */
export async function countSignalPrintings(database: Database, key: SignalKey, range: Range): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*) as n from printings p where ${hasSignal(database, key, range)}`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The printings with an `ok` signal of `key` in the range, by key, with their public ids (one statement). */
export async function signalUniverse(
  database: Database,
  key: SignalKey,
  range: Range,
): Promise<{ key: number; id: string }[]> {
  const result = await sql<{
    key: number;
    id: string;
  }>`select p.key, p.id from printings p where ${hasSignal(database, key, range)} order by p.key`.execute(database.db);
  return result.rows.map((r) => ({ key: Number(r.key), id: r.id }));
}

/** Runs a read with `?` placeholders on either driver, handing each row over as an array. */
async function readRows(
  database: Database,
  text: string,
  values: unknown[],
  each: (row: unknown[]) => void,
): Promise<void> {
  const native = database.native;
  if (native.kind === 'sqlite') {
    for (const row of native.db
      .prepare(text)
      .raw(true)
      .iterate(...values))
      each(row as unknown[]);
    return;
  }
  let n = 0;
  const result = await native.pool.query({ text: text.replace(/\?/g, () => `$${++n}`), values, rowMode: 'array' });
  for (const row of result.rows as unknown[][]) each(row);
}

/** Runs `text` (ending in `printing_key in (:keys)`) once per block of KEYS_PER_READ printing keys. */
async function readByKeys(
  database: Database,
  text: string,
  values: unknown[],
  keys: readonly number[],
  each: (row: unknown[]) => void,
): Promise<void> {
  for (let i = 0; i < keys.length; i += KEYS_PER_READ) {
    const block = keys.slice(i, i + KEYS_PER_READ);
    if (database.dialect === 'sqlite')
      await readRows(database, text.replace(':keys', block.map(() => '?').join(', ')), [...values, ...block], each);
    else await readRows(database, text.replace('in (:keys)', '= any(?::int[])'), [...values, block], each);
  }
}

/** Rows per score statement: bounds what PostgreSQL hands over at once. */
const SCORE_ROWS_PER_READ = 500_000;

/**
 * Calls `each` with every `ok` score of `key` in the range: every printing that has one is in the
 * universe, so the read follows the signals primary key through blocks of dates (about
 * SCORE_ROWS_PER_READ rows each for `printings` printings) instead of seeking printing by printing.
 */
export async function forEachScore(
  database: Database,
  key: SignalKey,
  range: Range,
  printings: number,
  each: (printingKey: number, date: string, score: number) => void,
): Promise<void> {
  const text = `select printing_key, date, score from signals
    where engine = ? and engine_version = ? and weights_version = ? and date >= ? and date <= ? and status = 'ok' and score is not null`;
  const span = Math.max(1, Math.floor(SCORE_ROWS_PER_READ / Math.max(1, printings)));
  const last = epochDay(range.to);
  for (let first = epochDay(range.from); first <= last; first += span) {
    const values = [
      key.engine,
      key.engineVersion,
      key.weightsVersion,
      epochDate(first),
      epochDate(Math.min(last, first + span - 1)),
    ];
    await readRows(database, text, values, (r) => each(Number(r[0]), String(r[1]), Number(r[2])));
  }
}

/**
 * Calls `each` with every primary-series row in the range with a positive market price that is not
 * flagged (docs/METHODS.md, "Flagged prints"), for the given printings; low is null when absent. A
 * flagged print is a gap to the simulator, so a backtest never trades or marks at it.
 */
export async function forEachPrice(
  database: Database,
  range: Range,
  keys: readonly number[],
  each: (printingKey: number, date: string, marketCents: number, lowCents: number | null) => void,
): Promise<void> {
  const text = `select printing_key, date, market_cents, low_cents from prices
    where market = ? and condition = ? and currency = ? and date >= ? and date <= ? and market_cents > 0 and ${unflagged('prices')}
      and printing_key in (:keys)`;
  const { market, condition, currency } = PRIMARY_SERIES;
  await readByKeys(database, text, [market, condition, currency, range.from, range.to], keys, (r) =>
    each(Number(r[0]), String(r[1]), Number(r[2]), r[3] === null ? null : Number(r[3])),
  );
}

export async function insertRun(db: Kysely<Tables>, row: BacktestRow): Promise<void> {
  await db.insertInto('backtests').values(row).execute();
}

export async function findRun(db: Kysely<Tables>, id: string): Promise<BacktestRow | undefined> {
  return db.selectFrom('backtests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** queued → running, only from queued: two executors of one run cannot both start it. */
export async function claimRun(db: Kysely<Tables>, id: string, startedAt: string): Promise<boolean> {
  const res = await db
    .updateTable('backtests')
    .set({ status: 'running', started_at: startedAt })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export type RunOutcome =
  | { status: 'succeeded'; metrics: string; equity: string; trades: number; finished_at: string }
  | { status: 'failed'; error: string; finished_at: string };

/** Records how a run ended, unless it has ended already; whether it changed the row. */
export async function finishRun(db: Kysely<Tables>, id: string, outcome: RunOutcome): Promise<boolean> {
  const res = await db
    .updateTable('backtests')
    .set(outcome)
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Run summaries, newest first (ids are time-ordered), without the equity curve. */
export async function listRuns(
  db: Kysely<Tables>,
  filter: { status?: BacktestStatus; beforeId?: string; limit: number },
): Promise<Omit<BacktestRow, 'equity'>[]> {
  let q = db
    .selectFrom('backtests')
    .select([
      'id',
      'status',
      'engine',
      'engine_version',
      'weights_version',
      'params',
      'metrics',
      'trades',
      'error',
      'created_by',
      'created_at',
      'started_at',
      'finished_at',
    ]);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(filter.limit).execute();
}

/**
 * A stamp that changes whenever a run is created or changes status (runs are never deleted and
 * their status only moves forward, so the count and the status-rank sum say it in one statement).
 */
export async function runsVersion(db: Kysely<Tables>): Promise<string> {
  const row = await db
    .selectFrom('backtests')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case('status').when('queued').then(0).when('running').then(1).else(2).end()).as('ranks'),
      eb.fn.max('id').as('last'),
    ])
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}.${Number(row?.ranks ?? 0)}.${row?.last ?? 'none'}`;
}
