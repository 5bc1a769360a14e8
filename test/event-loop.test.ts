/**
 * The HTTP thread stays free while the largest backtest answered inside a request runs: a real
 * server on a SQLite file (whose synchronous reads are what used to block), a market just under
 * the inline limit, and `/healthz` asked back to back for as long as the backtest request is open.
 * The bound calibrates itself on this machine: the same backtest computed on the test's own
 * thread blocks it for B ms (no timer fires meanwhile); while the request runs, /healthz must keep
 * answering, and its p99 must stay under B/2. The absolute p99 is measured by
 * bench/event-loop.ts (docs/BENCHMARKS.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKTEST_INLINE_LIMIT,
  BacktestParamsSchema,
  loadAndRun,
  resolveParams,
} from '../src/features/backtests/backtests.ts';
import { createLogger } from '../src/platform/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { seedBacktestMarket } from './backtest-load.ts';
import { BUDGET } from './budget.ts';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from './harness.ts';

/** 680 printings × 365 days = 248,200 cells: just under the inline limit. */
const PRINTINGS = 680;
const DAYS = 365;

describe('the event loop during a maximum-size inline backtest (SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-loop-'));
  let h: Harness;
  let server: RunningServer;
  let market: Awaited<ReturnType<typeof seedBacktestMarket>>;

  beforeAll(async () => {
    h = await startHarness(`sqlite:${join(dir, 'cardquant.db')}`, { LOG_LEVEL: 'warn' });
    market = await seedBacktestMarket(h.runtime, PRINTINGS, DAYS);
    server = await listen(h.runtime.app.fetch, { host: '127.0.0.1', port: 0 }, createLogger('silent'));
  }, 120_000);
  afterAll(async () => {
    await server?.shutdown(0);
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'keeps answering /healthz while the backtest request is open, never as slowly as the backtest would block the thread',
    { timeout: 180_000 },
    async () => {
      const base = `http://127.0.0.1:${server.port}`;
      expect(PRINTINGS * DAYS).toBeLessThanOrEqual(BACKTEST_INLINE_LIMIT);
      expect(PRINTINGS * DAYS).toBeGreaterThan(0.95 * BACKTEST_INLINE_LIMIT);

      // Baseline: the same computation on this thread, and how long it holds the thread.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const started = performance.now();
      await loadAndRun(
        h.runtime.database,
        market.key,
        resolveParams(BacktestParamsSchema.parse({ from: market.from, to: market.to })),
      );
      const blockedMs = performance.now() - started;
      clearInterval(ticker);
      expect(ticks, 'computed on a thread, the backtest holds it: no timer fires').toBeLessThanOrEqual(2);

      let open = true;
      const latencies: number[] = [];
      const request = fetch(`${base}/v1/analytics/backtests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...bearer(ADMIN_TOKEN) },
        body: JSON.stringify({ from: market.from, to: market.to }),
      }).finally(() => (open = false));
      const sampler = (async () => {
        while (open) {
          const sent = performance.now();
          const res = await fetch(`${base}/healthz`);
          await res.arrayBuffer();
          expect(res.status).toBe(200);
          // Every answer to a request sent while the backtest request was open counts, the slow last one too.
          latencies.push(performance.now() - sent);
        }
      })();
      const res = await request;
      await sampler;
      const body = (await res.json()) as { status: string; metrics: { universe: number; market_dates: number } };
      expect(res.status).toBe(201);
      expect(body.status).toBe('succeeded');
      expect(body.metrics).toMatchObject({ universe: PRINTINGS, market_dates: DAYS });

      const sorted = [...latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
      const worst = sorted[sorted.length - 1]!;
      const summary = `blocked ${blockedMs.toFixed(0)} ms on one thread; /healthz answered ${latencies.length} times, p99 ${p99.toFixed(1)} ms, worst ${worst.toFixed(1)} ms`;
      console.info(summary);
      expect(latencies.length, summary).toBeGreaterThanOrEqual(20);
      expect(p99, summary).toBeLessThan(blockedMs / 2);
    },
  );
});

describe('a request-sized backtest when the server shuts down (SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-loop-stop-'));
  let h: Harness;
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops its worker thread and records the run as failed, to be started again', { timeout: 120_000 }, async () => {
    h = await startHarness(`sqlite:${join(dir, 'cardquant.db')}`, { LOG_LEVEL: 'warn' });
    const market = await seedBacktestMarket(h.runtime, 40, 30);
    const response = h.request('/v1/analytics/backtests', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(ADMIN_TOKEN) },
      body: JSON.stringify({ from: market.from, to: market.to }),
    });
    // The run is claimed before its thread starts; the thread takes far longer to load than this poll.
    await expect
      .poll(
        async () => (await h.runtime.database.db.selectFrom('backtests').select('status').executeTakeFirst())?.status,
        { timeout: 60_000, interval: 5 },
      )
      .toBe('running');
    expect(h.runtime.background.active).toBe(1);

    expect(await h.runtime.background.stop(BUDGET.processStartMs)).toEqual({ stopped: 1, killed: 0 });
    const res = await response;
    const body = (await res.json()) as { status: string; error: string };
    expect(res.status).toBe(201);
    expect(body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/stopped before it finished because the server shut down; start it again/),
    });
    expect(h.runtime.background.active).toBe(0);
  });
});
