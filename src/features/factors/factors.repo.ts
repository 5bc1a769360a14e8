/** Reads and writes of factor statistics (`factor_stats`) and the signal reads they are computed from. */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { dateText, insertInChunks, rawRows } from '../../platform/db/dialect.ts';
import type { FactorStatsTable, Tables } from '../../platform/db/schema.ts';
import type { SignalKey } from '../signals/signals.repo.ts';

/**
 * Distinct signal dates of a key in [from, to], ascending: one index seek per date (a recursive
 * query), not a scan of every signal row.
 */
export async function signalDates(database: Database, key: SignalKey, from: string, to: string): Promise<string[]> {
  // PostgreSQL compares the date column with the text parameters once they are cast to date.
  const asDate = (p: string) => (database.dialect === 'postgres' ? `${p}::date` : p);
  const next = (bound: string, op: '>=' | '>') =>
    `select min(date) from signals where engine = $1 and engine_version = $2 and weights_version = $3 and date ${op} ${bound} and date <= ${asDate('$5')}`;
  const text = `with recursive d(x) as (
      select (${next(asDate('$4'), '>=')})
      union all
      select (${next('d.x', '>')}) from d where d.x is not null
    ) select ${dateText(database.dialect, 'x')} from d where x is not null`;
  const rows = await rawRows(database, text, [key.engine, key.engineVersion, key.weightsVersion, from, to]);
  return rows.map((r) => String(r[0]));
}

export interface OkSignal {
  printing_key: number;
  last_cents: number;
  standardised: string | null;
  z: number;
}

/** The `ok` signals of one date, in printing order (a raw read: this runs for ~30,000 rows a date). */
export async function okSignalsOn(database: Database, key: SignalKey, date: string): Promise<OkSignal[]> {
  const text = `select printing_key, last_cents, standardised, z from signals
    where engine = $1 and engine_version = $2 and weights_version = $3 and date = $4 and status = 'ok' order by printing_key`;
  const rows = await rawRows(database, text, [key.engine, key.engineVersion, key.weightsVersion, date]);
  return rows.map((r) => ({
    printing_key: Number(r[0]),
    last_cents: Number(r[1]),
    standardised: r[2] as string | null,
    z: Number(r[3]),
  }));
}

/**
 * Replaces the statistics of `targets` on each of `dates` with `rows`, in one transaction.
 */
export async function replaceFactorStats(
  db: Kysely<Tables>,
  key: SignalKey,
  targets: ReadonlyMap<string, readonly { kind: FactorStatsTable['kind']; days: number }[]>,
  rows: FactorStatsTable[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [date, list] of targets) {
      await trx
        .deleteFrom('factor_stats')
        .where('engine', '=', key.engine)
        .where('engine_version', '=', key.engineVersion)
        .where('weights_version', '=', key.weightsVersion)
        .where('date', '=', date)
        .where((eb) => eb.or(list.map((t) => eb.and([eb('kind', '=', t.kind), eb('days', '=', t.days)]))))
        .execute();
    }
    await insertInChunks(trx, 'factor_stats', rows, 500);
  });
}

/** Stored statistics of a key in [from, to] (either bound optional), in date order, dates as text. */
export function storedFactorStats(database: Database, key: SignalKey, range: { from?: string; to?: string }) {
  let q = database.db
    .selectFrom('factor_stats')
    .select([
      'factor',
      'kind',
      'days',
      sql<string>`${sql.raw(dateText(database.dialect, 'date'))}`.as('date'),
      'ic',
      'spread',
      'beta',
    ])
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion);
  if (range.from) q = q.where('date', '>=', range.from);
  if (range.to) q = q.where('date', '<=', range.to);
  return q.orderBy('date').execute();
}
