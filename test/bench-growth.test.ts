/**
 * The growth benchmark's own parts: wrk with random paths (a real wrk process against a local
 * server), GNU time's report, and the cost curve between the two sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costCurve, parseTimeV } from '../bench/growth.ts';
import { runWrk } from '../bench/wrk.ts';

const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();

describe.skipIf(!hasWrk)('runWrk with a paths file (skipped when no wrk binary is installed)', () => {
  const seen = new Map<string, number>();
  let server: Server;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'cardquant-wrk-test-'));
    server = createServer((req, res) => {
      seen.set(req.url ?? '', (seen.get(req.url ?? '') ?? 0) + 1);
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Length': 2 }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('requests every listed path, and only those', async () => {
    const file = join(dir, 'paths.txt');
    writeFileSync(file, '/v1/cards/a\n/v1/cards/b?x=1\n/v1/movers?window=7d\n');
    const port = (server.address() as AddressInfo).port;
    const run = await runWrk({ url: `http://127.0.0.1:${port}/`, pathsFile: file }, { connections: 2, seconds: 1 });
    expect(run.failures).toBe(0);
    expect(run.requests).toBeGreaterThan(30);
    expect([...seen.keys()].sort()).toEqual(['/v1/cards/a', '/v1/cards/b?x=1', '/v1/movers?window=7d']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(run.requests / 10);
  });

  it('counts an answer with another status as a failure', async () => {
    const file = join(dir, 'missing.txt');
    writeFileSync(file, '/missing\n');
    const port = (server.address() as AddressInfo).port;
    const run = await runWrk({ url: `http://127.0.0.1:${port}/`, pathsFile: file }, { connections: 1, seconds: 1 });
    expect(run.requests).toBeGreaterThan(0);
    expect(run.failures).toBe(run.requests);
  });
});

describe('parseTimeV', () => {
  it("reads wall time, CPU, peak RSS and exit status from GNU time's -v report", () => {
    const report = [
      '\tCommand being timed: "node bin/cardquant.js pipeline run --step signals"',
      '\tUser time (seconds): 12.34',
      '\tSystem time (seconds): 1.50',
      '\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50',
      '\tMaximum resident set size (kbytes): 512000',
      '\tExit status: 0',
    ].join('\n');
    expect(parseTimeV(report)).toEqual({
      wall_s: 62.5,
      user_s: 12.34,
      system_s: 1.5,
      peak_rss_mb: 500,
      exit_status: 0,
    });
    expect(parseTimeV('\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:01\n').wall_s).toBe(3601);
  });
});

describe('costCurve', () => {
  const step = (duration_ms: number, wall_s: number, peak_rss_mb: number, total_mb: number) => ({
    step: 'x',
    finished_at: '2026-01-01T00:00:00Z',
    load_before: [0, 0, 0],
    load_after: [0, 0, 0],
    process: { wall_s, user_s: 0, system_s: 0, peak_rss_mb, exit_status: 0 },
    recorded: { status: 'succeeded', duration_ms, counts: null, error: null },
    disk: { db_mb: total_mb, wal_mb: 0, total_mb, tables_mb: null },
  });
  const state = (size: 30000 | 100000, steps: Record<string, ReturnType<typeof step>>) =>
    ({
      size,
      cards: 0,
      database: '',
      started_at: '',
      commit: null,
      revision: { commit: null, appFilesModified: null, appChangesDigest: null },
      machine: {} as never,
      dataset: { cards: 0, printings: size, price_rows: size * 365 },
      steps,
    }) as Parameters<typeof costCurve>[0][30000];

  it('gives the ratio of the recorded times and peak RSS, the cost per printing and the disk per printing-year', () => {
    const curve = costCurve({
      30000: state(30000, { signals: step(10_000, 12, 400, 1500) }),
      100000: state(100000, { signals: step(40_000, 45, 1000, 5000) }),
    });
    const signals = curve.steps.find((s) => s.step === 'signals')!;
    expect(signals.time_ratio).toBe(4);
    expect(signals.rss_ratio).toBe(2.5);
    expect(signals.ms_per_1000_printings).toEqual({ 30000: 333.3, 100000: 400 });
    expect(curve.disk[30000]!.mb_per_1000_printing_years).toBe(50);
    expect(curve.disk[100000]!.mb_per_1000_printing_years).toBe(50);
    expect(curve.steps.map((s) => s.step)).toEqual(['signals']);
  });

  it('leaves the ratio out when only one size has the step', () => {
    const curve = costCurve({ 30000: state(30000, { factors: step(1000, 2, 200, 1500) }) });
    expect(curve.steps[0]).toMatchObject({ step: 'factors', time_ratio: null, rss_ratio: null });
    expect(curve.disk[100000]).toBeUndefined();
  });
});
