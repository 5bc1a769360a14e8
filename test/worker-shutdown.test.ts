/**
 * SIGTERM to `cardquant worker` while its scheduled pipeline runs in the process: the run is
 * aborted, the step is recorded as interrupted and its lock released, and the worker exits within
 * SHUTDOWN_GRACE_MS (well before systemd's or compose's SIGKILL). Real processes: the step waits
 * on an upstream that accepts the connection and never answers, so it is surely inside its step.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { spawnCli, stopAll } from './process.ts';

/** Long enough that a loaded machine still lets the worker record its step; the exit is checked against it. */
const GRACE_MS = 8000;

describe('worker shutdown while its scheduled pipeline runs', () => {
  let dir = '';
  const sockets: Socket[] = [];
  let upstream: Server | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cq-worker-stop-'));
  });
  afterEach(async () => {
    await stopAll();
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'aborts the run, records the step as interrupted, releases its lock and exits within the grace',
    {
      timeout: 180_000,
    },
    async () => {
      let connected!: () => void;
      const upstreamReached = new Promise<void>((resolve) => (connected = resolve));
      upstream = createServer((socket) => {
        sockets.push(socket);
        connected();
      });
      await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
      const upstreamPort = (upstream.address() as { port: number }).port;

      const databaseUrl = `sqlite:${join(dir, 'cardquant.db')}`;
      const worker = spawnCli(['worker'], {
        cwd: dir,
        env: {
          LOG_LEVEL: 'info',
          DATABASE_URL: databaseUrl,
          SHUTDOWN_GRACE_MS: String(GRACE_MS),
          PRICE_SOURCES: 'tcgcsv',
          TCGCSV_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
          UPSTREAM_TIMEOUT_MS: '600000',
          // Due every second (a seconds field): the first tick after start runs the pipeline.
          PIPELINE_CRON: '* * * * * *',
        },
      });
      await worker.waitForStdout(/"msg":"ready"/, 120_000);
      await upstreamReached;

      const sent = performance.now();
      const exit = await worker.stop('SIGTERM', GRACE_MS + 10_000);
      const tookMs = performance.now() - sent;
      expect(exit.code, worker.stdout + worker.stderr).toBe(0);
      // The bound allows a loaded machine; without the abort the worker waits on the upstream for minutes.
      expect(tookMs, worker.stdout).toBeLessThan(GRACE_MS + 2000);
      expect(worker.jsonLines().some((l) => l.msg === 'stopped')).toBe(true);

      const database = openDatabase(databaseUrl);
      try {
        const runs = await database.db.selectFrom('pipeline_runs').selectAll().orderBy('started_at').execute();
        // The catalog step has no source here; no step starts after the interrupted one.
        expect(runs.map((r) => `${r.step}:${r.status}`)).toEqual(['ingest-catalog:skipped', 'ingest-prices:failed']);
        const interrupted = runs[1]!;
        expect(interrupted).toMatchObject({ trigger: 'schedule' });
        expect(interrupted.error).toMatch(/^interrupted: stopped by SIGTERM/);
        expect(interrupted.finished_at).not.toBeNull();
        const locks = await database.db.selectFrom('step_locks').select(['run_id', 'lease_until']).execute();
        expect(locks.length).toBeGreaterThan(0);
        expect(
          locks.every((l) => l.run_id === null && new Date(l.lease_until).getTime() <= Date.now()),
          'the step lock is released',
        ).toBe(true);
      } finally {
        await database.close();
      }
    },
  );
});
