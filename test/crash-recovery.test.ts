/**
 * Crash recovery (docs/RUNBOOK.md "Crash recovery"): a process killed with SIGKILL in the middle
 * of an idempotent create or of a pipeline step leaves nothing stuck. Each case starts a real
 * process that dies by SIGKILL at a chosen point, then recovers from a fresh process with a
 * clock it moves (no sleeps: the test waits on what the killed process printed).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';
import { runCli, stopAll } from './process.ts';

const CHILD = new URL('./fixtures/idempotency-crash-process.ts', import.meta.url).pathname;
const DATA_KEY = randomBytes(32).toString('base64');
const LEASE_MS = 60_000;

/** Runs the crashing process to its end; resolves with how it ended. */
function crash(
  url: string,
  route: 'keys' | 'portfolios',
  where: 'at-answer' | 'after-write',
  key: string,
): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, url, route, where, key, DATA_KEY],
      { timeout: 120_000 },
      (err, stdout) => {
        resolve({ signal: (err as { signal?: string } | null)?.signal ?? null, stdout });
      },
    );
  });
}

describe.each(dialects)('crash recovery of Idempotency-Key on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    let h: Harness;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cq-crash-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'db.sqlite')}` : await d.create();
      h = await startHarness(url, { IDEMPOTENCY_LEASE_SECONDS: '60', DATA_ENCRYPTION_KEY: DATA_KEY });
    });
    afterAll(async () => {
      await h.close();
      if (d.name === 'postgres') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const createKey = (key: string) =>
      h.request(
        '/v1/admin/keys',
        json({ name: `crash-${key}`, role: 'viewer' }, { ...bearer(ADMIN_TOKEN), 'Idempotency-Key': key }),
      );
    const keysNamed = (name: string) =>
      h.runtime.database.db.selectFrom('api_keys').select('id').where('name', '=', name).execute();

    it('a key left in flight by a killed process is released when its lease runs out, and the retry runs once', async () => {
      const died = await crash(url, 'keys', 'at-answer', 'lease-1');
      expect(died.signal).toBe('SIGKILL');
      expect(died.stdout).toContain('ready');
      const row = await h.runtime.database.db
        .selectFrom('idempotency_keys')
        .select('status')
        .where('key', '=', 'lease-1')
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('in_flight');

      // Within the lease the first attempt might still be running: 409.
      expect((await createKey('lease-1')).status).toBe(409);
      h.clock.advance(LEASE_MS + 1);
      const retry = await createKey('lease-1');
      expect(retry.status).toBe(201);
      const body = (await retry.json()) as { api_key: { id: string } };
      // The killed attempt's write never committed: the retry made the one key there is.
      expect((await keysNamed('crash-lease-1')).map((k) => k.id)).toEqual([body.api_key.id]);
    });

    it('a key created just before the kill is replayed to the retry, never created twice', async () => {
      const died = await crash(url, 'keys', 'after-write', 'committed-1');
      expect(died.signal).toBe('SIGKILL');
      const stored = await keysNamed('crash-committed-1');
      expect(stored).toHaveLength(1);

      const retry = await createKey('committed-1');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const body = (await retry.json()) as { key: string; api_key: { id: string } };
      expect(body.api_key.id).toBe(stored[0]!.id);
      // The client learns a key that works.
      expect((await h.request('/v1/admin/keys', { headers: bearer(body.key) })).status).not.toBe(401);
      h.clock.advance(LEASE_MS + 1);
      expect((await createKey('committed-1')).headers.get('idempotent-replayed')).toBe('true');
      expect(await keysNamed('crash-committed-1')).toHaveLength(1);
    });

    it('a portfolio created just before the kill is replayed with its secret', async () => {
      const died = await crash(url, 'portfolios', 'after-write', 'committed-2');
      expect(died.signal).toBe('SIGKILL');
      const stored = await h.runtime.database.db
        .selectFrom('portfolios')
        .select('id')
        .where('name', '=', 'crash-committed-2')
        .execute();
      expect(stored).toHaveLength(1);
      const retry = await h.request(
        '/v1/portfolios',
        json({ name: 'crash-committed-2' }, { 'Idempotency-Key': 'committed-2' }),
      );
      expect(retry.status).toBe(201);
      const body = (await retry.json()) as { id: string; secret: string };
      expect(body.id).toBe(stored[0]!.id);
      expect(
        (
          await h.request(`/v1/portfolios/${body.id}/watchlist`, {
            headers: { 'X-Portfolio-Id': body.id, 'X-Portfolio-Secret': body.secret },
          })
        ).status,
      ).toBe(200);
    });
  });
});

const PIPELINE_CHILD = new URL('./fixtures/pipeline-crash-process.ts', import.meta.url).pathname;
const HEARTBEAT_MS = 60_000;

/** Starts a pipeline run of `ingest-prices` in its own process and SIGKILLs it mid-run; resolves with its ingestion run id. */
function killMidRun(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PIPELINE_CHILD, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let runId: string | null = null;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /wrote chunk 2 of run (\S+)/.exec(out);
      if (m && runId === null) {
        runId = m[1]!;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
    child.once('close', (_code, signal) => {
      clearTimeout(deadline);
      if (runId !== null && signal === 'SIGKILL') resolve(runId);
      else reject(new Error(`the pipeline process ended before it was killed (signal ${signal}): ${out}${err}`));
    });
  });
}

describe.each(dialects)('crash recovery of pipeline and ingestion runs on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cq-crash-pipeline-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'db.sqlite')}` : await d.create();
    });
    afterAll(async () => {
      await stopAll();
      if (d.name === 'postgres') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it('a killed run holds its step until its heartbeat is overdue, then is marked abandoned with counts from its rows', async () => {
      const ingestionRunId = await killMidRun(url);

      // Another live process (a real `cardquant pipeline run`) is refused while the heartbeat is
      // fresh: it says who holds the step since when, and exits non-zero.
      const cli = await runCli(['pipeline', 'run', '--step', 'ingest-prices'], {
        cwd: dir,
        env: { DATABASE_URL: url, RUN_HEARTBEAT_SECONDS: '60', LOG_LEVEL: 'info' },
      });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/step ingest-prices did not run: held by \S+\/crash-fixture since \d{4}-\d\d-\d\dT/);

      const h = await startHarness(url, { RUN_HEARTBEAT_SECONDS: '60' });
      try {
        const db = h.runtime.database.db;
        const before = await db
          .selectFrom('ingestion_runs')
          .selectAll()
          .where('id', '=', ingestionRunId)
          .executeTakeFirstOrThrow();
        expect(before.status).toBe('running');
        expect(before.accepted).toBe(2); // only the first chunk was checkpointed
        const killedStep = await db
          .selectFrom('pipeline_runs')
          .selectAll()
          .where('step', '=', 'ingest-prices')
          .where('holder', 'like', '%/crash-fixture')
          .executeTakeFirstOrThrow();
        expect(killedStep.status).toBe('running');

        // Once three heartbeats are missed the step is taken over and the dead runs are closed.
        h.clock.set(Date.parse(before.heartbeat_at!) + 3 * HEARTBEAT_MS + 1);
        const records = await h.runtime.pipeline.run(['ingest-prices'], { trigger: 'cli' });
        expect(records[0]?.held_by).toBeUndefined();
        expect(records[0]?.counts).toEqual({ reason: 'no source configured' });

        const after = await db
          .selectFrom('ingestion_runs')
          .selectAll()
          .where('id', '=', ingestionRunId)
          .executeTakeFirstOrThrow();
        const written = await db.selectFrom('prices').select('date').where('run_id', '=', ingestionRunId).execute();
        expect(written).toHaveLength(5);
        expect(after).toMatchObject({ status: 'abandoned', accepted: 5, updated: 0, rows_read: 5 });
        expect(after.error).toMatch(/process gone: no heartbeat since/);
        expect(
          (
            await db
              .selectFrom('pipeline_runs')
              .select(['status', 'error'])
              .where('id', '=', killedStep.id)
              .executeTakeFirstOrThrow()
          ).status,
        ).toBe('abandoned');
        const listed = (await (
          await h.request(`/v1/admin/ingestion/runs?status=abandoned`, { headers: bearer(ADMIN_TOKEN) })
        ).json()) as { items: { id: string }[] };
        expect(listed.items.map((r) => r.id)).toEqual([ingestionRunId]);
      } finally {
        await h.close();
      }
    });
  });
});
