/**
 * A pipeline told to stop (its process got SIGTERM): the running step is recorded at once as
 * failed with an `interrupted` error, its lock is released so the next run can take the step, and
 * no later step starts. Both dialects.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline, type PipelineStep } from './pipeline.ts';
import { idFactory } from '../../platform/ids.ts';
import { createLogger } from '../../platform/log.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';

describe.each(dialects)('pipeline interruption on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);

    it('records the running step as interrupted, releases its lock and starts no further step', async () => {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const started: string[] = [];
      const steps: PipelineStep[] = [
        { name: 'slow', description: '', run: () => (started.push('slow'), entered(), new Promise(() => undefined)) },
        { name: 'after', description: '', run: async () => (started.push('after'), { counts: {} }) },
      ];
      const pipeline = new Pipeline(
        h.runtime.database.db,
        h.clock,
        createLogger('silent'),
        idFactory(h.clock),
        'stopping',
        steps,
        60_000,
      );
      const controller = new AbortController();
      const run = pipeline.run([], { trigger: 'api', signal: controller.signal });
      await inside;
      controller.abort(new Error('stopped by SIGTERM'));
      const records = await run;

      expect(started).toEqual(['slow']);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ step: 'slow', status: 'failed' });
      expect(records[0]!.error).toMatch(/^interrupted: stopped by SIGTERM; work committed before it is kept/);
      const stored = await h.runtime.database.db
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('step', '=', 'slow')
        .execute();
      expect(stored).toEqual([expect.objectContaining({ status: 'failed', error: records[0]!.error })]);
      // Released: the row keeps its fencing token, but no run holds it and its lease has ended.
      const locks = await h.runtime.database.db
        .selectFrom('step_locks')
        .select(['run_id', 'lease_until'])
        .where('step', '=', 'slow')
        .execute();
      expect(locks.every((l) => l.run_id === null && new Date(l.lease_until).getTime() <= h.clock.now())).toBe(true);

      // Another process can take the step at once.
      const next = new Pipeline(
        h.runtime.database.db,
        h.clock,
        createLogger('silent'),
        idFactory(h.clock),
        'next',
        [{ name: 'slow', description: '', run: async () => ({ counts: { ok: 1 } }) }],
        60_000,
      );
      expect((await next.run(['slow'], { trigger: 'cli' }))[0]).toMatchObject({ status: 'succeeded' });
    });
  });
});
