/**
 * Heavy work beside the HTTP thread is capped (MAX_CHILD_PROCESSES): one run more than the cap
 * is refused with a 503 problem and Retry-After and records nothing; a freed slot is usable again.
 * On shutdown every running child is asked to stop and one that ignores it is killed when the
 * grace period runs out (real child processes).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestLauncher } from '../src/features/backtests/backtests.launcher.ts';
import type { LaunchedProcess, PipelineLauncher } from '../src/platform/launcher.ts';
import { BackgroundWork, BUSY_RETRY_AFTER_SECONDS } from '../src/platform/background.ts';
import { createLogger } from '../src/platform/log.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

/** A launched process that ends when the test says so. */
function heldOpen(): LaunchedProcess & { end(code: number): void } {
  let end!: (code: number) => void;
  const done = new Promise<number>((resolve) => (end = resolve));
  return { pid: null, done, end };
}

describe.each(dialects)('background slots on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    const pipelines: ReturnType<typeof heldOpen>[] = [];
    const backtests: ReturnType<typeof heldOpen>[] = [];
    const pipelineLauncher: PipelineLauncher = {
      launch: async () => {
        const p = heldOpen();
        pipelines.push(p);
        return p;
      },
    };
    const backtestLauncher: BacktestLauncher = {
      launch: async () => {
        const p = heldOpen();
        backtests.push(p);
        return p;
      },
    };

    beforeAll(async () => {
      url = await d.create();
      // Every backtest is queued (inline limit 0) so each holds its slot until the test ends it.
      h = await startHarness(
        url,
        { MAX_CHILD_PROCESSES: '2' },
        { launcher: pipelineLauncher, backtests: { launcher: backtestLauncher, inlineLimit: -1 } },
      );
    });
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    const admin = bearer(ADMIN_TOKEN);
    const startPipeline = async () => {
      const res = await h.request('/v1/admin/pipeline/run', json({ steps: ['read-models'] }, admin));
      return { res, body: (await res.json()) as Json };
    };
    const startBacktest = async () => {
      const res = await h.request('/v1/analytics/backtests', json({ from: '2026-01-01', to: '2026-01-10' }, admin));
      return { res, body: (await res.json()) as Json };
    };
    const storedBacktests = async () =>
      Number(
        (
          await h.runtime.database.db
            .selectFrom('backtests')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses a pipeline run or a backtest beyond the cap with a 503 problem and Retry-After, recording nothing, and accepts again once a run ends', async () => {
      expect((await startPipeline()).res.status).toBe(202);
      const queued = await startBacktest();
      expect(queued.res.status, JSON.stringify(queued.body)).toBe(202);
      expect(h.runtime.background.active).toBe(2);
      const before = await storedBacktests();

      for (const refused of [await startPipeline(), await startBacktest()]) {
        expect(refused.res.status).toBe(503);
        expect(refused.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.res.headers.get('retry-after')).toBe(String(BUSY_RETRY_AFTER_SECONDS));
        expect(refused.body).toMatchObject({ status: 503, code: 'background_capacity_full' });
        expect(refused.body.detail).toMatch(/MAX_CHILD_PROCESSES/);
      }
      expect(pipelines).toHaveLength(1);
      expect(backtests).toHaveLength(1);
      expect(await storedBacktests(), 'a refused backtest leaves no run behind').toBe(before);

      // The pipeline child ends: its slot is free again.
      pipelines[0]!.end(0);
      await pipelines[0]!.done;
      await new Promise((resolve) => setImmediate(resolve));
      expect(h.runtime.background.active).toBe(1);
      expect((await startPipeline()).res.status).toBe(202);
      expect(pipelines).toHaveLength(2);

      // A backtest process that fails frees its slot once its run is marked failed.
      backtests[0]!.end(1);
      await expect.poll(() => h.runtime.background.active).toBe(1);
      const run = await h.request(queued.body.url as string);
      expect(((await run.json()) as Json).status).toBe('failed');
      for (const p of pipelines) p.end(0);
    });
  });
});

describe('stopping background runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-bg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A real child: `polite` ones write a checkpoint file and exit on SIGTERM, the other ignores it. */
  function child(name: string, polite: boolean) {
    const file = join(dir, `${name}.checkpoint`);
    const script = polite
      ? `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(file)}, 'stopped'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`
      : `process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);`;
    const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const up = new Promise<void>((resolve) => proc.stdout!.once('data', () => resolve()));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { proc, up, done, file };
  }

  it('asks every child to stop with SIGTERM, kills the one that ignores it when the grace runs out, and refuses new work meanwhile', async () => {
    const work = new BackgroundWork(2, createLogger('silent'));
    const polite = child('polite', true);
    const stubborn = child('stubborn', false);
    await Promise.all([polite.up, stubborn.up]);
    for (const c of [polite, stubborn])
      work.take(c.file).hold({ done: c.done, kill: (signal) => void c.proc.kill(signal) });
    // Both slots are taken: a scheduled run waits for one (its outcome is kept to check below).
    const waiting = work.wait('a scheduled run').then(
      () => 'granted',
      (err: unknown) => err,
    );

    const grace = 1500;
    const started = performance.now();
    const result = await work.stop(grace);
    const took = performance.now() - started;

    expect(result).toEqual({ stopped: 2, killed: 1 });
    expect(await polite.done).toEqual({ code: 0, signal: null });
    expect(readFileSync(polite.file, 'utf8'), 'the polite child checkpointed').toBe('stopped');
    expect(await stubborn.done).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(stubborn.file)).toBe(false);
    // Bounded by the grace, not by the stubborn child: it waited the grace out, then killed.
    expect(took).toBeGreaterThanOrEqual(grace - 50);
    expect(took).toBeLessThan(grace + 10_000);
    expect(await waiting).toMatchObject({ status: 503, code: 'shutting_down' });
    expect(() => work.take('a backtest')).toThrow(/shutting down/);
  });
});
