import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, json, harnessDatabase, startHarness } from '#test/harness.ts';
import { createLogger } from '../../platform/log.ts';
import { idFactory } from '../../platform/ids.ts';
import { FencedOut, Pipeline, UnknownStep, type HeartbeatTimer, type PipelineStep } from './pipeline.ts';
import type { PipelineLauncher, PipelineRequest } from '../../platform/launcher.ts';

describe.each(dialects)('pipeline on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const launched: PipelineRequest[] = [];
    const launcher: PipelineLauncher = {
      launch: async (request) => {
        launched.push(request);
        return { pid: null, done: Promise.resolve(0) };
      },
    };
    const h = harnessDatabase(d, {}, { launcher });

    /** Heartbeats that happen only when a test calls `beat` (and awaits its writes), never by real time. */
    const byHand = () => {
      const beats: { ms: number; beat: () => Promise<void>; stopped: boolean }[] = [];
      const timer: HeartbeatTimer = (ms, beat) => {
        const scheduled = { ms, beat, stopped: false };
        beats.push(scheduled);
        return () => {
          scheduled.stopped = true;
        };
      };
      return { timer, beats };
    };

    const make = (instance: string, steps: PipelineStep[], heartbeatMs = 60_000, timer = byHand().timer) =>
      new Pipeline(
        h.runtime.database.db,
        h.clock,
        createLogger('silent'),
        idFactory(h.clock),
        instance,
        steps,
        heartbeatMs,
        timer,
      );

    it('runs every step in order, records each, and keeps going after a failure', async () => {
      const order: string[] = [];
      const p = make('a', [
        { name: 'one', description: '', run: async () => (order.push('one'), { counts: { n: 1 } }) },
        {
          name: 'two',
          description: '',
          run: async () => (order.push('two'), Promise.reject(new Error('upstream down'))),
        },
        { name: 'three', description: '', run: async () => (order.push('three'), { skipped: 'no source configured' }) },
      ]);
      const records = await p.run([], { trigger: 'cli' });
      expect(order).toEqual(['one', 'two', 'three']);
      expect(records.map((r) => [r.step, r.status])).toEqual([
        ['one', 'succeeded'],
        ['two', 'failed'],
        ['three', 'skipped'],
      ]);
      expect(records[1]?.error).toBe('upstream down');
      const stored = await p.list({ limit: 10 });
      expect(stored.map((r) => r.status).sort()).toEqual(['failed', 'skipped', 'succeeded']);
      expect(stored.find((r) => r.step === 'one')?.counts).toEqual({ n: 1 });
    });

    it('warns that PIPELINE_LEASE_MINUTES is deprecated and ignored', async () => {
      const other = await startHarness('sqlite::memory:', { PIPELINE_LEASE_MINUTES: '360' });
      try {
        expect(other.logs.some((l) => l.includes('PIPELINE_LEASE_MINUTES is deprecated and ignored'))).toBe(true);
        expect(h.logs.some((l) => l.includes('PIPELINE_LEASE_MINUTES'))).toBe(false);
      } finally {
        await other.close();
      }
    });

    it('refuses unknown steps', async () => {
      await expect(make('a', []).run(['nope'], { trigger: 'cli' })).rejects.toThrow(UnknownStep);
    });

    it('never overlaps a step with itself, across processes, and says who holds it since when', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const slow: PipelineStep = {
        name: 'slow',
        description: '',
        run: async () => (entered(), await gate, { counts: {} }),
      };
      const first = make('process-a', [slow]).run([], { trigger: 'schedule' });
      await inside;
      const second = await make('process-b', [slow]).run([], { trigger: 'schedule' });
      expect(second[0]?.status).toBe('skipped');
      expect(second[0]?.held_by).toEqual({
        holder: expect.stringMatching(/\/process-a$/),
        since: '2026-11-25T12:00:00.000Z',
        run_id: expect.stringMatching(/^run_/),
      });
      expect(second[0]?.counts?.reason).toMatch(
        /^another live process holds this step: \S+\/process-a since 2026-11-25T12:00:00\.000Z \(run run_\w+\)$/,
      );
      release();
      expect((await first)[0]?.status).toBe('succeeded');
      // Released: the next run goes ahead.
      expect((await make('process-b', [slow]).run([], { trigger: 'schedule' }))[0]?.status).toBe('succeeded');
    });

    it('takes over a lock whose holder died once its lease has expired', async () => {
      await h.runtime.database.db
        .insertInto('step_locks')
        .values({ step: 'crashy', holder: 'dead', lease_until: '2026-11-25T12:00:30.000Z' })
        .execute();
      const step: PipelineStep = { name: 'crashy', description: '', run: async () => ({ counts: {} }) };
      expect((await make('live', [step]).run([], { trigger: 'cli' }))[0]?.status).toBe('skipped');
      h.clock.advance(60_000);
      expect((await make('live', [step]).run([], { trigger: 'cli' }))[0]?.status).toBe('succeeded');
    });

    it('a live run keeps its step by heartbeating, however long it runs', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const long: PipelineStep = {
        name: 'long',
        description: '',
        run: async () => (entered(), await gate, { counts: {} }),
      };
      const HEARTBEAT = 60_000; // the lock lasts 3 intervals past each heartbeat, on the test clock
      const beating = byHand();
      const first = make('beating', [long], HEARTBEAT, beating.timer).run([], { trigger: 'schedule' });
      await inside;
      expect(beating.beats.map((b) => b.ms)).toEqual([HEARTBEAT]);
      const db = h.runtime.database.db;
      const lockDeadline = async () =>
        (await db.selectFrom('step_locks').select('lease_until').where('step', '=', 'long').executeTakeFirstOrThrow())
          .lease_until;
      const runRow = await db
        .selectFrom('pipeline_runs')
        .select('id')
        .where('step', '=', 'long')
        .executeTakeFirstOrThrow();
      // Far past the first deadline on the test clock: only a heartbeat written since keeps the step.
      h.clock.advance(3_600_000);
      expect(Date.parse(await lockDeadline())).toBeLessThan(h.clock.now());
      await beating.beats[0]!.beat();
      expect(await lockDeadline()).toBe(new Date(h.clock.now() + 3 * HEARTBEAT).toISOString());
      expect(
        (
          await db
            .selectFrom('pipeline_runs')
            .select('heartbeat_at')
            .where('id', '=', runRow.id)
            .executeTakeFirstOrThrow()
        ).heartbeat_at,
      ).toBe(new Date(h.clock.now()).toISOString());
      const second = await make('other', [long], HEARTBEAT).run([], { trigger: 'schedule' });
      expect(second[0]?.held_by?.holder).toMatch(/\/beating$/);
      release();
      expect((await first)[0]?.status).toBe('succeeded');
      // The run stopped beating when it finished.
      expect(beating.beats[0]!.stopped).toBe(true);
    });

    it('a heartbeat still under way when its run released the step leaves the step released', async () => {
      const quick: PipelineStep = { name: 'quick', description: '', run: async () => ({ counts: {} }) };
      const beating = byHand();
      expect((await make('first', [quick], 60_000, beating.timer).run([], { trigger: 'cli' }))[0]?.status).toBe(
        'succeeded',
      );
      // The beat that was already running when the step finished writes after the release.
      await beating.beats[0]!.beat();
      const next = await make('second', [quick]).run([], { trigger: 'cli' });
      expect(next[0]?.status).toBe('succeeded');
      expect(next[0]?.held_by).toBeUndefined();
    });

    it('a slow-but-alive run that lost its step to a takeover publishes nothing (fencing token)', async () => {
      const published: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const slow: PipelineStep = {
        name: 'fenced',
        description: '',
        run: async (o) => {
          entered();
          await gate;
          await o.fence!();
          published.push('old');
          return { counts: {} };
        },
      };
      const fast: PipelineStep = {
        name: 'fenced',
        description: '',
        run: async (o) => {
          await o.fence!();
          published.push('new');
          return { counts: {} };
        },
      };
      const old = make('stalled', [slow]).run([], { trigger: 'schedule' });
      await inside;
      // No heartbeat for 3 intervals (the clock moved; the stalled run wrote none): taken over.
      h.clock.advance(3 * 60_000 + 1);
      const taken = await make('rescuer', [fast]).run([], { trigger: 'schedule' });
      expect(taken[0]?.status).toBe('succeeded');
      release();
      const late = (await old)[0]!;
      expect(late.status).toBe('failed');
      expect(late.error).toBe(new FencedOut('fenced', 1).message);
      expect(published).toEqual(['new']);
      // The lock was released by its current holder only: the next run goes ahead at once.
      expect((await make('rescuer', [fast]).run([], { trigger: 'cli' }))[0]?.status).toBe('succeeded');
    });

    it("the run that takes a step over marks the dead holder's run abandoned", async () => {
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const hangs: PipelineStep = {
        name: 'orphan',
        description: '',
        run: async () => (entered(), new Promise<never>(() => undefined)),
      };
      void make('dies', [hangs]).run([], { trigger: 'schedule' });
      await inside;
      const db = h.runtime.database.db;
      const dead = await db
        .selectFrom('pipeline_runs')
        .select(['id', 'status', 'holder'])
        .where('step', '=', 'orphan')
        .executeTakeFirstOrThrow();
      expect(dead.status).toBe('running');
      h.clock.advance(3 * 60_000 + 1);
      const ok: PipelineStep = { name: 'orphan', description: '', run: async () => ({ counts: {} }) };
      expect((await make('next', [ok]).run([], { trigger: 'cli' }))[0]?.status).toBe('succeeded');
      const after = await db
        .selectFrom('pipeline_runs')
        .select(['status', 'error'])
        .where('id', '=', dead.id)
        .executeTakeFirstOrThrow();
      expect(after.status).toBe('abandoned');
      expect(after.error).toMatch(/^process gone: no heartbeat since 2026-11-25T\S+ \(\S+\/dies\)$/);
    });

    it('POST /v1/admin/pipeline/run starts steps in a separate process (operator role) and validates step names', async () => {
      const res = await h.request('/v1/admin/pipeline/run', json({ steps: ['read-models'] }, bearer(ADMIN_TOKEN)));
      expect(res.status).toBe(202);
      expect(res.headers.get('Deprecation')).toBeNull();
      expect(launched.at(-1)).toEqual({ steps: ['read-models'], from: undefined, to: undefined, trigger: 'api' });
      const bad = await h.request(
        '/v1/admin/pipeline/run',
        json({ steps: ['read-models', 'nope'] }, bearer(ADMIN_TOKEN)),
      );
      expect(bad.status).toBe(422);
      expect(launched).toHaveLength(1);
    });

    it('POST /v1/admin/pipeline/run takes the deprecated step name derive for read-models, with deprecation headers', async () => {
      const res = await h.request('/v1/admin/pipeline/run', json({ steps: ['derive'] }, bearer(ADMIN_TOKEN)));
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ steps: ['read-models'] });
      expect(launched.at(-1)).toEqual({ steps: ['read-models'], from: undefined, to: undefined, trigger: 'api' });
      expect(res.headers.get('Deprecation')).toBe('@1796342400');
      expect(res.headers.get('Sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
      expect(res.headers.get('Link')).toContain('rel="deprecation"');
    });

    it('a replayed POST with the deprecated step name says so again (Idempotency-Key)', async () => {
      const headers = { ...bearer(ADMIN_TOKEN), 'Idempotency-Key': 'replay-derive-1' };
      const first = await h.request('/v1/admin/pipeline/run', json({ steps: ['derive'] }, headers));
      const replay = await h.request('/v1/admin/pipeline/run', json({ steps: ['derive'] }, headers));
      expect([first.status, replay.status]).toEqual([202, 202]);
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(replay.headers.get('Deprecation')).toBe('@1796342400');
      expect(replay.headers.get('Sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
      expect(replay.headers.get('Link')).toContain('rel="deprecation"');
    });

    it('the configured steps skip ingestion without sources and derive on what is there', async () => {
      const records = await h.runtime.pipeline.run([], { trigger: 'cli' });
      expect(records.map((r) => [r.step, r.status])).toEqual([
        ['ingest-catalog', 'skipped'],
        ['ingest-prices', 'skipped'],
        ['ingest-fx', 'skipped'],
        ['quality', 'succeeded'],
        ['read-models', 'succeeded'],
        ['signals', 'skipped'],
        ['factors', 'skipped'],
        ['portfolio-nav', 'skipped'],
        ['alerts', 'skipped'],
        ['retention', 'succeeded'],
        ['backup', 'skipped'],
        ['restore-drill', 'skipped'],
      ]);
      const listed = await h.request('/v1/admin/pipeline/runs?step=read-models', { headers: bearer(ADMIN_TOKEN) });
      const body = (await listed.json()) as { items: { step: string; trigger: string }[] };
      expect(body.items[0]).toMatchObject({ step: 'read-models', trigger: 'cli' });
      expect(listed.headers.get('Deprecation')).toBeNull();
      // The deprecated name lists the same runs, and says it is deprecated.
      const old = await h.request('/v1/admin/pipeline/runs?step=derive', { headers: bearer(ADMIN_TOKEN) });
      expect(((await old.json()) as typeof body).items).toEqual(body.items);
      expect(old.headers.get('Deprecation')).toBe('@1796342400');
      expect(old.headers.get('Sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    });

    it('closes a dead catalogue run as abandoned with its checkpointed counts (only price runs are recounted from prices)', async () => {
      const db = h.runtime.database.db;
      const startedAt = new Date(h.clock.now()).toISOString();
      await db
        .insertInto('ingestion_runs')
        .values({
          id: 'run_deadcatalog',
          importer: 'pokemontcg',
          feed: 'pokemontcg',
          kind: 'catalog',
          range_from: null,
          range_to: null,
          params: null,
          status: 'running',
          started_at: startedAt,
          finished_at: null,
          rows_read: 9,
          accepted: 7,
          updated: 1,
          unchanged: 1,
          rejected: 0,
          rejected_by_reason: '{}',
          failures: '[]',
          checkpoint: null,
          resumes: null,
          error: null,
          dropped_placeholder_fields: 0,
          rejected_examples: '[]',
          holder: 'gone:1/x',
          heartbeat_at: startedAt,
        })
        .execute();
      await make('sweeper', []).run([], { trigger: 'cli' });
      expect(
        (
          await db
            .selectFrom('ingestion_runs')
            .select('status')
            .where('id', '=', 'run_deadcatalog')
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('running');
      h.clock.advance(3 * 60_000 + 1);
      await make('sweeper', []).run([], { trigger: 'cli' });
      const row = await db
        .selectFrom('ingestion_runs')
        .selectAll()
        .where('id', '=', 'run_deadcatalog')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'abandoned',
        rows_read: 9,
        accepted: 7,
        updated: 1,
        unchanged: 1,
        finished_at: new Date(h.clock.now()).toISOString(),
      });
      expect(row.error).toBe(`process gone: no heartbeat since ${startedAt} (gone:1/x); counts as last checkpointed`);
    });
  });
});
