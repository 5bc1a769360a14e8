/**
 * Step locks with heartbeats and fencing tokens, and closing the runs of dead processes
 * (src/features/pipeline/pipeline.ts explains the protocol).
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** `lease_until` of a released lock: earlier than any instant, so the next run acquires it. */
const RELEASED = '1970-01-01T00:00:00.000Z';

export type Acquired =
  | {
      kind: 'acquired';
      token: number;
      tookOver: { holder: string; runId: string | null; heartbeat: string | null } | null;
    }
  | { kind: 'held'; holder: string; since: string | null; runId: string | null };

/**
 * Takes the lock of `step` when it is free, released, or its holder's heartbeat is overdue
 * (`lease_until` passed), raising its fencing token; otherwise says who holds it since when.
 */
export async function acquire(
  db: Kysely<Tables>,
  a: { step: string; holder: string; runId: string; nowIso: string; untilIso: string },
): Promise<Acquired> {
  const before = await db.selectFrom('step_locks').selectAll().where('step', '=', a.step).executeTakeFirst();
  const row = await db
    .insertInto('step_locks')
    .values({
      step: a.step,
      holder: a.holder,
      lease_until: a.untilIso,
      token: 1,
      run_id: a.runId,
      acquired_at: a.nowIso,
    })
    .onConflict((oc) =>
      oc
        .column('step')
        .doUpdateSet((eb) => ({
          holder: a.holder,
          lease_until: a.untilIso,
          token: eb('step_locks.token', '+', 1),
          run_id: a.runId,
          acquired_at: a.nowIso,
        }))
        .where('step_locks.lease_until', '<', a.nowIso),
    )
    .returning('token')
    .executeTakeFirst();
  if (row) {
    const tookOver =
      before && before.lease_until !== RELEASED && before.lease_until < a.nowIso
        ? { holder: before.holder, runId: before.run_id, heartbeat: before.lease_until }
        : null;
    return { kind: 'acquired', token: Number(row.token), tookOver };
  }
  const holder = await db.selectFrom('step_locks').selectAll().where('step', '=', a.step).executeTakeFirst();
  return {
    kind: 'held',
    holder: holder?.holder ?? 'unknown',
    since: holder?.acquired_at ?? null,
    runId: holder?.run_id ?? null,
  };
}

/**
 * Whether `token` is still the step's current one, checked by a write: inside a publication's
 * transaction the row stays locked until it commits, so a takeover (which raises the token) waits
 * for the publication or the publication sees the new token — never both.
 */
export async function holdsToken(db: Kysely<Tables>, step: string, token: number): Promise<boolean> {
  // A released lock (the run was interrupted and recorded as such) no longer lets its run publish.
  const res = await db
    .updateTable('step_locks')
    .set({ token })
    .where('step', '=', step)
    .where('token', '=', token)
    .where('lease_until', '<>', RELEASED)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * Moves the lock's deadline while this run still holds it, and records the run's heartbeat. A
 * released lock stays released: a beat still under way when its run finished must not hold the
 * step for another three intervals.
 */
export async function heartbeat(
  db: Kysely<Tables>,
  h: { step: string; token: number; runId: string; nowIso: string; untilIso: string },
): Promise<boolean> {
  const res = await db
    .updateTable('step_locks')
    .set({ lease_until: h.untilIso })
    .where('step', '=', h.step)
    .where('token', '=', h.token)
    .where('lease_until', '<>', RELEASED)
    .executeTakeFirst();
  await db
    .updateTable('pipeline_runs')
    .set({ heartbeat_at: h.nowIso })
    .where('id', '=', h.runId)
    .where('status', '=', 'running')
    .execute();
  return Number(res.numUpdatedRows) === 1;
}

/** Frees the lock if this run still holds it (the token stays, so the next holder's is higher). */
export async function release(db: Kysely<Tables>, step: string, token: number): Promise<void> {
  await db
    .updateTable('step_locks')
    .set({ lease_until: RELEASED, run_id: null })
    .where('step', '=', step)
    .where('token', '=', token)
    .execute();
}

/** Marks the running run `runId` (a dead holder's) abandoned; returns how many rows changed. */
export async function abandonPipelineRun(
  db: Kysely<Tables>,
  runId: string,
  nowIso: string,
  reason: string,
): Promise<number> {
  const res = await db
    .updateTable('pipeline_runs')
    .set({ status: 'abandoned', finished_at: nowIso, error: reason })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Marks every running pipeline run whose last heartbeat is before `staleIso` abandoned; returns their ids. */
export async function abandonStalePipelineRuns(
  db: Kysely<Tables>,
  staleIso: string,
  nowIso: string,
): Promise<string[]> {
  const stale = await db
    .selectFrom('pipeline_runs')
    .select(['id', 'holder', 'heartbeat_at', 'started_at'])
    .where('status', '=', 'running')
    .where(sql<string>`coalesce(heartbeat_at, started_at)`, '<', staleIso)
    .execute();
  for (const r of stale) {
    await abandonPipelineRun(
      db,
      r.id,
      nowIso,
      `process gone: no heartbeat since ${r.heartbeat_at ?? r.started_at}${r.holder ? ` (${r.holder})` : ''}`,
    );
  }
  return stale.map((r) => r.id);
}
