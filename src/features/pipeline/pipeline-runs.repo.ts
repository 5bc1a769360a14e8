/** The `pipeline_runs` table: one row per step run, opened as `running` and closed with its outcome. */
import type { Kysely } from 'kysely';
import type { PipelineRunsTable, Tables } from '../../platform/db/schema.ts';

export async function insertPipelineRun(db: Kysely<Tables>, row: PipelineRunsTable): Promise<void> {
  await db.insertInto('pipeline_runs').values(row).execute();
}

/** Closes a run with its outcome; its last heartbeat is its finish. */
export async function finishPipelineRun(
  db: Kysely<Tables>,
  id: string,
  outcome: Pick<PipelineRunsTable, 'status' | 'finished_at' | 'duration_ms' | 'counts' | 'error'>,
): Promise<void> {
  await db
    .updateTable('pipeline_runs')
    .set({ ...outcome, heartbeat_at: outcome.finished_at })
    .where('id', '=', id)
    .execute();
}

/** Runs newest first, optionally of one step and before a run id (keyset paging). */
export async function listPipelineRuns(
  db: Kysely<Tables>,
  filter: { step?: string; beforeId?: string; limit: number },
): Promise<PipelineRunsTable[]> {
  let q = db.selectFrom('pipeline_runs').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.step) q = q.where('step', '=', filter.step);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}
