/**
 * `cardquant serve --processes 2` as operators run it: a primary and two workers sharing one
 * port, on SQLite (rate limits counted by the primary) and PostgreSQL (the rate_limits table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET } from './budget.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN } from './harness.ts';
import { spawnCli, stopAll, type CliProcess } from './process.ts';

const postgres = dialects.find((d) => d.name === 'postgres')!;
const TWO_READY = /"msg":"ready"[\s\S]*"msg":"ready"/;

/** One GET on a connection of its own (so the primary hands each to the next worker). */
function get(port: number, path: string, ip: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent: false, headers: { 'X-Forwarded-For': ip, Connection: 'close' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const portOf = (p: CliProcess) => Number(p.jsonLines().find((l) => l.msg === 'listening')!.port);
const workersAnswering = (p: CliProcess, ip: string) =>
  new Set(
    p
      .jsonLines()
      .filter((l) => l.msg === 'request' && l.ip === ip)
      .map((l) => l.worker),
  );

async function startServe(env: Record<string, string>, cwd: string): Promise<CliProcess> {
  const p = spawnCli(['serve', '--processes', '2'], {
    cwd,
    env: { PORT: '0', ADMIN_TOKEN, TRUST_PROXY: 'true', METRICS_PUBLIC: 'true', ...env },
  });
  await p.waitForStdout(TWO_READY, BUDGET.processStartMs * 2);
  return p;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cq-processes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopAll);

describe('serve --processes 2 on SQLite', () => {
  it('answers from both workers, shares rate limits and metrics, replaces a killed worker, stops on SIGTERM', async () => {
    const serve = await startServe(
      { DATABASE_URL: `sqlite:${join(dir, 'cq.db')}`, RATE_LIMIT_ANONYMOUS: '4', RATE_LIMIT_WINDOW_SECONDS: '600' },
      dir,
    );
    const port = portOf(serve);
    const lines = serve.jsonLines();
    expect(lines.find((l) => l.msg === 'starting the serve workers')).toMatchObject({ processes: 2 });

    // Each request on a new connection: the primary hands connections to the workers in turn.
    const healthz = [];
    for (let i = 0; i < 8; i++) healthz.push((await get(port, '/healthz', `198.51.100.${i}`)).status);
    expect(healthz).toEqual(Array(8).fill(200));
    await serve.waitForStdout(/"ip":"198\.51\.100\.7"/);
    const answered = new Set(
      serve
        .jsonLines()
        .filter((l) => l.route === '/healthz')
        .map((l) => l.worker),
    );
    expect(answered).toEqual(new Set([1, 2]));

    // One budget of 4 for the IP, whichever worker answers (the primary counts).
    const limited = [];
    for (let i = 0; i < 6; i++) limited.push((await get(port, '/v1/meta', '203.0.113.9')).status);
    expect(limited).toEqual([200, 200, 200, 200, 429, 429]);
    await serve.waitForStdout(/("ip":"203\.0\.113\.9"[\s\S]*){6}/);
    expect(workersAnswering(serve, '203.0.113.9')).toEqual(new Set([1, 2]));

    // /metrics, whichever worker answers, covers both: the 8 /healthz requests and the store in use.
    const metrics = (await get(port, '/metrics', '192.0.2.200')).body;
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{route="\/healthz",method="GET",status_class="2xx"\} 8\n/,
    );
    expect(metrics).toContain('cardquant_rate_limit_store_info{store="cluster"} 1');
    expect(metrics).toContain('cardquant_serve_workers 2');

    // A worker killed outright is replaced; requests keep being answered meanwhile.
    const victim = Number(serve.jsonLines().find((l) => l.msg === 'ready' && l.worker === 1)!.pid);
    process.kill(victim, 'SIGKILL');
    await serve.waitForStdout(/"msg":"worker exited; starting another"/);
    for (let i = 0; i < 4; i++) expect((await get(port, '/healthz', `198.51.100.${50 + i}`)).status).toBe(200);
    await serve.waitForStdout(/"worker":3,[^\n]*"msg":"ready"/, BUDGET.processStartMs);
    const after = [];
    for (let i = 0; i < 6; i++) after.push((await get(port, '/healthz', `198.51.100.${60 + i}`)).status);
    expect(after).toEqual(Array(6).fill(200));
    const exited = serve.jsonLines().find((l) => l.msg === 'worker exited; starting another')!;
    expect(exited).toMatchObject({ pid: victim, signal: 'SIGKILL' });
    expect((await get(port, '/metrics', '192.0.2.201')).body).toContain('cardquant_serve_worker_restarts_total 1');

    const exit = await serve.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = serve.jsonLines().filter((l) => l.msg === 'stopped');
    expect(stopped.map((l) => l.worker ?? 'primary').sort()).toEqual([2, 3, 'primary']);
    expect(stopped.find((l) => l.worker === undefined)).toMatchObject({ exitCode: 0 });
  });

  it('exits 1 when workers keep failing to start', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const p = spawnCli(['serve', '--processes', '2'], {
        cwd: dir,
        env: { DATABASE_URL: `sqlite:${join(dir, 'busy.db')}`, PORT: String((taken.address() as AddressInfo).port) },
      });
      const exit = await p.waitForExit(BUDGET.processRunMs * 2);
      expect(exit.code).toBe(1);
      expect(
        p
          .jsonLines()
          .some((l) => l.msg === 'workers keep exiting before they listen; stopping (the log lines above say why)'),
      ).toBe(true);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe.skipIf(postgres.skip !== null)(`serve --processes 2 on ${label(postgres)}`, () => {
  let url = '';
  beforeAll(async () => {
    url = await postgres.create();
  });
  afterAll(async () => {
    if (url) await postgres.drop(url);
  });

  it('shares rate limits between the workers through PostgreSQL', async () => {
    const serve = await startServe({ DATABASE_URL: url, RATE_LIMIT_ANONYMOUS: '4', PG_POOL_MAX: '3' }, dir);
    const port = portOf(serve);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(port, '/v1/meta', '203.0.113.19')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    await serve.waitForStdout(/("ip":"203\.0\.113\.19"[\s\S]*){6}/);
    expect(workersAnswering(serve, '203.0.113.19')).toEqual(new Set([1, 2]));
    expect((await get(port, '/metrics', '192.0.2.210')).body).toContain(
      'cardquant_rate_limit_store_info{store="postgres"} 1',
    );
    expect((await serve.stop('SIGTERM')).code).toBe(0);
  });
});
