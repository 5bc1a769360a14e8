/**
 * The operator's path with real processes: the first `start` without ADMIN_TOKEN prints a
 * one-time admin key; once it is revoked, the next `start` prints none; `keys create --role admin`
 * recovers admin access while the server runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { runCli, spawnCli, stopAll, type CliProcess } from './process.ts';

const KEY_PATTERN = /cqk_[0-9a-z]{38}/g;
// Budgets for start-up on a loaded machine; nothing here measures speed.
const START_BUDGET_MS = 120_000;

const dir = mkdtempSync(join(tmpdir(), 'cq-bootstrap-'));
const env = {
  DATABASE_URL: `sqlite:${join(dir, 'cardquant.db')}`,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  DEMO_CARDS: '10',
  DEMO_DAYS: '20',
};

afterEach(() => stopAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function started(): Promise<{ p: CliProcess; base: string }> {
  const p = spawnCli(['start'], { cwd: dir, env });
  await p.waitForStdout(/"msg":"ready"/, START_BUDGET_MS);
  const port = p.jsonLines().find((l) => l.msg === 'listening')!.port as number;
  return { p, base: `http://127.0.0.1:${port}` };
}

it(
  'prints the one-time admin key once per database, not again after it is revoked; keys create --role admin recovers',
  { timeout: 5 * START_BUDGET_MS },
  async () => {
    const first = await started();
    const keys = first.p.stdout.match(KEY_PATTERN) ?? [];
    expect(keys).toHaveLength(1);
    const auth = { Authorization: `Bearer ${keys[0]}` };
    const listed = (await (await fetch(`${first.base}/v1/admin/keys`, { headers: auth })).json()) as {
      items: { id: string }[];
    };
    expect(
      (await fetch(`${first.base}/v1/admin/keys/${listed.items[0]!.id}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    expect((await first.p.stop('SIGTERM', START_BUDGET_MS)).code).toBe(0);

    const second = await started();
    try {
      expect(second.p.stdout).not.toMatch(KEY_PATTERN);
      expect(second.p.stdout).not.toMatch(/one-time admin API key/);
      expect((await fetch(`${second.base}/v1/admin/keys`, { headers: auth })).status).toBe(401);

      const recovered = await runCli(['keys', 'create', '--role', 'admin', '--name', 'recovered'], {
        cwd: dir,
        env,
        timeoutMs: START_BUDGET_MS,
      });
      expect(recovered.code, recovered.stderr).toBe(0);
      const key = recovered.stdout.match(KEY_PATTERN)?.[0];
      expect(key).toBeDefined();
      const res = await fetch(`${second.base}/v1/admin/keys`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      expect((await second.p.stop('SIGTERM', START_BUDGET_MS)).code).toBe(0);
    }
  },
);
