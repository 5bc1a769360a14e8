/** SQL of the per-minute request roll-ups (docs/OBSERVABILITY.md "Request roll-ups"). */
import { sql, type Kysely } from 'kysely';
import type { RequestRollupsTable, Tables } from '../db/schema.ts';

export type RollupRow = RequestRollupsTable;

/** The cumulative latency columns, in bucket order (SLO_LATENCY_BUCKETS_SECONDS). */
export const LATENCY_COLUMNS = [
  'le_5ms',
  'le_10ms',
  'le_25ms',
  'le_50ms',
  'le_100ms',
  'le_250ms',
  'le_500ms',
  'le_1000ms',
  'le_2500ms',
  'le_5000ms',
  'le_10000ms',
] as const satisfies readonly (keyof RequestRollupsTable)[];

const ADDED = ['requests', 'duration_seconds_sum', ...LATENCY_COLUMNS] as const;

/** Rows per statement: 18 parameters a row stays far below either dialect's parameter limit. */
const CHUNK = 500;

/** The unique key's columns: rows are written in this order (see addRollups). */
const KEY = ['minute', 'route', 'method', 'status_class', 'code'] as const;

/** The rows sorted by their key (minute, route, method, status class, code). */
export function inKeyOrder(rows: readonly RollupRow[]): RollupRow[] {
  return [...rows].sort((a, b) => {
    for (const column of KEY) {
      if (a[column] !== b[column]) return a[column] < b[column] ? -1 : 1;
    }
    return 0;
  });
}

/**
 * Adds the rows to the stored ones (one multi-row upsert per chunk): concurrent writers (replicas)
 * and a restarted process add up instead of overwriting one another. All chunks are written in
 * one transaction, so a failure leaves none of them added (the caller may retry the whole batch),
 * and in key order, so two replicas upserting the same keys lock them in the same order and cannot
 * deadlock on PostgreSQL.
 */
export async function addRollups(db: Kysely<Tables>, rows: readonly RollupRow[]): Promise<void> {
  const sorted = inKeyOrder(rows);
  if (sorted.length <= CHUNK) return upsert(db, sorted);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < sorted.length; i += CHUNK) await upsert(trx, sorted.slice(i, i + CHUNK));
  });
}

async function upsert(db: Kysely<Tables>, rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('request_rollups')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns([...KEY])
        .doUpdateSet(
          Object.fromEntries(
            ADDED.map((column) => [column, sql`request_rollups.${sql.ref(column)} + excluded.${sql.ref(column)}`]),
          ),
        ),
    )
    .execute();
}

/** Every roll-up row of the minutes in [fromIso, toIso). */
export async function rollupsBetween(db: Kysely<Tables>, fromIso: string, toIso: string): Promise<RollupRow[]> {
  return db
    .selectFrom('request_rollups')
    .selectAll()
    .where('minute', '>=', fromIso)
    .where('minute', '<', toIso)
    .orderBy('minute')
    .execute();
}
