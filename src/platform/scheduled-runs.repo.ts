/** The `scheduled_runs` table: one row per (job, slot), claimed by the first process to insert it. */
import type { Kysely } from 'kysely';
import type { Tables } from './db/schema.ts';

/** Inserts the (job, slot) row as `running`; false when another process (or an earlier call) holds it. */
export async function claimSlot(
  db: Kysely<Tables>,
  s: { job: string; slot: string; instance: string; startedAt: string },
): Promise<boolean> {
  const claimed = await db
    .insertInto('scheduled_runs')
    .values({
      job: s.job,
      slot: s.slot,
      instance: s.instance,
      started_at: s.startedAt,
      finished_at: null,
      status: 'running',
      error: null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(claimed.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Records how the run of (job, slot) ended. */
export async function finishSlot(
  db: Kysely<Tables>,
  s: { job: string; slot: string; status: 'succeeded' | 'failed'; error: string | null; finishedAt: string },
): Promise<void> {
  await db
    .updateTable('scheduled_runs')
    .set({ status: s.status, error: s.error, finished_at: s.finishedAt })
    .where('job', '=', s.job)
    .where('slot', '=', s.slot)
    .execute();
}
