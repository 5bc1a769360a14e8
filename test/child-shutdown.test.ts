/**
 * SIGTERM to `cardquant start` while a pipeline child runs: the child is told to stop (SIGTERM),
 * records its step as interrupted and releases the step's lock, and the server exits within
 * SHUTDOWN_GRACE_MS leaving no process behind. Real processes: the child waits on an upstream
 * that accepts the connection and never answers, so it is surely inside its step.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { ADMIN_TOKEN } from './harness.ts';
import { spawnCli, stopAll } from './process.ts';

/** Long enough that a loaded machine still lets the child record its step; the exit is checked against it. */
const GRACE_MS = 8000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('shutdown while a pipeline child runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-child-stop-'));
  const sockets: Socket[] = [];
  let upstream: Server;
  /** The pipeline child; killed after the test if it outlived the server. */
  let childPid = 0;
  afterEach(async () => {
    await stopAll();
    if (childPid && isAlive(childPid)) process.kill(childPid, 'SIGKILL');
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'tells the child to stop, records the step as interrupted, and exits within the grace period',
    { timeout: 180_000 },
    async () => {
      let connected!: () => void;
      const upstreamReached = new Promise<void>((resolve) => (connected = resolve));
      upstream = createServer((socket) => {
        sockets.push(socket);
        connected();
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const upstreamPort = (upstream.address() as { port: number }).port;

      const databaseUrl = `sqlite:${join(dir, 'cardquant.db')}`;
      const server = spawnCli(['start'], {
        cwd: dir,
        env: {
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          ADMIN_TOKEN,
          DATABASE_URL: databaseUrl,
          SHUTDOWN_GRACE_MS: String(GRACE_MS),
          PRICE_SOURCES: 'tcgcsv',
          TCGCSV_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
          UPSTREAM_TIMEOUT_MS: '600000',
          PIPELINE_CRON: '0 0 1 1 *',
        },
      });
      // Start-up is not what is measured: it gets the test's whole budget.
      await server.waitForStdout(/"msg":"ready"/, 120_000);
      const port = server.jsonLines().find((l) => l.msg === 'listening')!.port as number;

      const res = await fetch(`http://127.0.0.1:${port}/v1/admin/pipeline/run`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ steps: ['ingest-prices'] }),
      });
      expect(res.status, await res.clone().text()).toBe(202);
      await server.waitForStdout(/"msg":"pipeline run process started"/, 60_000);
      childPid = server.jsonLines().find((l) => l.msg === 'pipeline run process started')!.pid as number;
      await upstreamReached;
      expect(isAlive(childPid)).toBe(true);

      const sent = performance.now();
      const exit = await server.stop('SIGTERM', GRACE_MS + 10_000);
      const tookMs = performance.now() - sent;
      expect(exit.code, server.stdout + server.stderr).toBe(0);
      // The child stops on SIGTERM in well under the grace; the bound allows a loaded machine.
      expect(tookMs, server.stdout).toBeLessThan(GRACE_MS + 2000);
      expect(isAlive(childPid), 'no pipeline process is left behind').toBe(false);
      const lines = server.jsonLines();
      expect(lines.find((l) => l.msg === 'background runs stopped')).toMatchObject({ stopped: 1, killed: 0 });
      expect(
        lines.some((l) => l.msg === 'stopping: recording where the run stopped' && l.signal === 'SIGTERM'),
        'the child was told to stop',
      ).toBe(true);

      const database = openDatabase(databaseUrl);
      try {
        const runs = await database.db
          .selectFrom('pipeline_runs')
          .selectAll()
          .where('step', '=', 'ingest-prices')
          .execute();
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'api' });
        expect(runs[0]!.error).toMatch(/^interrupted: stopped by SIGTERM/);
        expect(runs[0]!.finished_at).not.toBeNull();
        // Released: the row keeps its fencing token, but no run holds it and its lease has ended.
        const locks = await database.db.selectFrom('step_locks').select(['run_id', 'lease_until']).execute();
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
