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

/**
 * Adds the rows to the stored ones (one multi-row upsert per chunk): concurrent writers (replicas)
 * and a restarted process add up instead of overwriting one another.
 */
export async function addRollups(db: Kysely<Tables>, rows: readonly RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('request_rollups')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['minute', 'route', 'method', 'status_class', 'code'])
          .doUpdateSet(
            Object.fromEntries(
              ADDED.map((column) => [column, sql`request_rollups.${sql.ref(column)} + excluded.${sql.ref(column)}`]),
            ),
          ),
      )
      .execute();
  }
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
