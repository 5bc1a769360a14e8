/**
 * The abandoned-runs migration keeps what was stored: ingestion runs, their payloads (and the
 * reference from payloads to runs, with its cascade) and pipeline runs survive the table rebuild
 * (SQLite) or constraint change (PostgreSQL); `abandoned` is accepted afterwards, unknown
 * statuses are still refused.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from './migrator.ts';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT, migratedUpTo } from '#test/migrations.ts';

const NAME = '20261204_10_abandoned_runs_and_heartbeats';
const now = () => '2026-12-04T12:00:00.000Z';

function ingestionRun(id: string, status: string) {
  return {
    id,
    source: 'tcgcsv-files',
    feed: 'tcgcsv',
    kind: 'prices',
    range_from: null,
    range_to: null,
    params: null,
    status,
    started_at: now(),
    finished_at: null,
    rows_read: 3,
    accepted: 2,
    updated: 0,
    unchanged: 0,
    rejected: 1,
    rejected_by_reason: '{"malformed_row":1}',
    failures: '[]',
    checkpoint: null,
    resumes: null,
    error: null,
    dropped_placeholder_fields: 0,
    rejected_examples: '[]',
  };
}

describe.each(dialects)('abandoned-runs migration on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const fresh = freshDatabasePerTest(d);

    it('keeps runs, payloads and their reference, then accepts abandoned only', async () => {
      const { database, db, all, at } = await migratedUpTo(fresh(), NAME);
      await db
        .insertInto('ingestion_runs')
        .values([ingestionRun('run_a', 'succeeded'), ingestionRun('run_b', 'running')])
        .execute();
      await db
        .insertInto('ingestion_payloads')
        .values([
          { run_id: 'run_a', name: 'a.json', encoding: 'gzip', bytes: 3, body: Buffer.from('abc'), created_at: now() },
          { run_id: 'run_b', name: 'b.json', encoding: 'gzip', bytes: 3, body: Buffer.from('def'), created_at: now() },
        ])
        .execute();
      await db
        .insertInto('pipeline_runs')
        .values({
          id: 'run_p',
          step: 'derive',
          trigger: 'cli',
          status: 'running',
          range_from: null,
          range_to: null,
          started_at: now(),
          finished_at: null,
          duration_ms: null,
          counts: null,
          error: null,
        })
        .execute();
      await db.insertInto('step_locks').values({ step: 'derive', holder: 'old', lease_until: now() }).execute();

      expect(await migrate(database, MIGRATED_AT, all)).toEqual(all.slice(at).map((f) => f.name));

      expect(
        await db
          .selectFrom('ingestion_runs')
          .select(['id', 'status', 'accepted', 'rejected_by_reason', 'holder', 'heartbeat_at'])
          .orderBy('id')
          .execute(),
      ).toEqual([
        {
          id: 'run_a',
          status: 'succeeded',
          accepted: 2,
          rejected_by_reason: '{"malformed_row":1}',
          holder: null,
          heartbeat_at: null,
        },
        {
          id: 'run_b',
          status: 'running',
          accepted: 2,
          rejected_by_reason: '{"malformed_row":1}',
          holder: null,
          heartbeat_at: null,
        },
      ]);
      const payloads = await db
        .selectFrom('ingestion_payloads')
        .select(['id', 'run_id', 'name', 'body'])
        .orderBy('id')
        .execute();
      expect(payloads.map((p) => ({ run_id: p.run_id, name: p.name, body: Buffer.from(p.body).toString() }))).toEqual([
        { run_id: 'run_a', name: 'a.json', body: 'abc' },
        { run_id: 'run_b', name: 'b.json', body: 'def' },
      ]);
      expect(await db.selectFrom('pipeline_runs').select(['id', 'status']).execute()).toEqual([
        { id: 'run_p', status: 'running' },
      ]);
      // A later migration (20261204_32) renames the step derive to read-models, lock included.
      expect(await db.selectFrom('step_locks').select(['step', 'holder', 'token']).execute()).toEqual([
        { step: 'read-models', holder: 'old', token: 0 },
      ]);

      await db.updateTable('ingestion_runs').set({ status: 'abandoned' }).where('id', '=', 'run_b').execute();
      await db.updateTable('pipeline_runs').set({ status: 'abandoned' }).where('id', '=', 'run_p').execute();
      await expect(
        db.updateTable('ingestion_runs').set({ status: 'bogus' }).where('id', '=', 'run_a').execute(),
      ).rejects.toThrow();
      await expect(
        db.updateTable('pipeline_runs').set({ status: 'bogus' }).where('id', '=', 'run_p').execute(),
      ).rejects.toThrow();
      // The accounting check survived the rebuild.
      await expect(
        db.updateTable('ingestion_runs').set({ rows_read: 99 }).where('id', '=', 'run_a').execute(),
      ).rejects.toThrow();

      // Payloads still reference their run: a payload of no run is refused, deleting a run deletes its payloads.
      await expect(
        db
          .insertInto('ingestion_payloads')
          .values({
            run_id: 'run_none',
            name: 'x',
            encoding: 'gzip',
            bytes: 1,
            body: Buffer.from('x'),
            created_at: now(),
          })
          .execute(),
      ).rejects.toThrow();
      await db.deleteFrom('ingestion_runs').where('id', '=', 'run_a').execute();
      expect((await db.selectFrom('ingestion_payloads').select('run_id').execute()).map((p) => p.run_id)).toEqual([
        'run_b',
      ]);
    });
  });
});
