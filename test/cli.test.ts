/**
 * The `cardquant` command as an operator uses it: real child processes, a temporary working
 * directory (so the default `./data` database lands there) and SQLite files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { listMigrations, migrate } from '../src/platform/db/migrator.ts';
import { BUDGET } from './budget.ts';
import { ADMIN_TOKEN } from './harness.ts';
import { jsonLines, plainLines, runCli, spawnCli, startCliReady, stopAll, type CliProcess } from './process.ts';

const migrationNames = listMigrations().map((m) => m.name);
const KEY_PATTERN = /cqk_[0-9a-z]{38}/g;
const SHUTDOWN_GRACE_MS = 5000;

const dirs: string[] = [];
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cq-cli-'));
  dirs.push(dir);
  return dir;
}
const sqliteUrl = (dir: string) => `sqlite:${join(dir, 'cardquant.db')}`;

/** Ends every child and removes every directory of the finished test (sequential blocks only). */
function cleanUpAfterEach(): void {
  afterEach(async () => {
    await stopAll();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** Waits for the `ready` log line and returns the port from the `listening` line. */
async function whenReady(p: CliProcess): Promise<number> {
  await p.waitForStdout(/"msg":"ready"/);
  const listening = p.jsonLines().find((l) => l.msg === 'listening');
  expect(listening, p.stdout).toBeDefined();
  return listening!.port as number;
}

const startEnv = (extra: Record<string, string> = {}) => ({
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  ...extra,
});

/** SIGTERM, then the exit must come within the shutdown grace. */
async function terminate(p: CliProcess): Promise<{ code: number | null; ms: number }> {
  const sent = performance.now();
  const exit = await p.stop('SIGTERM', SHUTDOWN_GRACE_MS);
  return { code: exit.code, ms: performance.now() - sent };
}

describe('invalid configuration', () => {
  cleanUpAfterEach();

  const badToken = 'short-s3cret-value';
  const badEnv = { PORT: 'abc', ADMIN_TOKEN: badToken, LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' };

  it.for(['migrate up', 'start'])(
    '`%s` exits 2 and lists every problem in one message without echoing the token',
    async (command) => {
      const cwd = workDir();
      const r = await runCli(command.split(' '), { cwd, env: badEnv });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.match(/Invalid configuration/g)).toHaveLength(1);
      const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
      expect(problems.map((l) => l.slice(4).split(':')[0]).sort()).toEqual([
        'ADMIN_TOKEN',
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
      ]);
      expect(r.stderr).toMatch(/ADMIN_TOKEN: must be at least 32 characters/);
      expect(r.stderr + r.stdout).not.toContain(badToken);
      expect(r.stdout).toBe('');
      expect(existsSync(join(cwd, 'data')), 'no database is created').toBe(false);
    },
  );
});

// Each case only prints text and exits, so they run side by side (each with its own directory).
// Ten processes loading TypeScript at once take many seconds each on a busy 2-core machine: the
// deadline is the start-up budget, not a guess at how fast the machine is.
describe.concurrent('--help', () => {
  const commands = [
    'start',
    'serve',
    'worker',
    'migrate',
    'migrate up',
    'migrate status',
    'keys',
    'keys create',
    'keys list',
    'keys revoke',
  ];
  it.for(commands)(
    '`%s --help` prints usage, exits 0 and touches no database',
    async (command, { expect, onTestFinished }) => {
      const cwd = mkdtempSync(join(tmpdir(), 'cq-cli-help-'));
      onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
      const r = await runCli([...command.split(' '), '--help'], { cwd, timeoutMs: BUDGET.processStartMs });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Usage: cardquant ${command} [options]`);
      expect(r.stdout).toMatch(/-h, --help +display help for command/);
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    },
  );
});

describe('migrate', () => {
  cleanUpAfterEach();

  it('status reports pending on an empty database, up applies, and a second up changes nothing', async () => {
    const cwd = workDir();
    const env = { DATABASE_URL: sqliteUrl(cwd) };

    const before = await runCli(['migrate', 'status'], { cwd, env });
    expect(before.code, before.stderr).toBe(0);
    expect(plainLines(before.stdout)).toEqual(migrationNames.map((n) => `pending  ${n}`));

    const up = await runCli(['migrate', 'up'], { cwd, env });
    expect(up.code, up.stderr).toBe(0);
    expect(jsonLines(up.stdout).find((l) => l.msg === 'migrations applied')?.applied).toEqual(migrationNames);

    const after = await runCli(['migrate', 'status'], { cwd, env });
    expect(after.code, after.stderr).toBe(0);
    const lines = plainLines(after.stdout);
    expect(lines).toHaveLength(migrationNames.length);
    migrationNames.forEach((n, i) =>
      expect(lines[i]).toMatch(new RegExp(`^applied  ${n}  \\(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\)$`)),
    );

    const database = openDatabase(env.DATABASE_URL);
    const rowsBefore = await database.db.selectFrom('schema_migrations').selectAll().orderBy('name').execute();
    await database.close();

    const again = await runCli(['migrate', 'up'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout).some((l) => l.msg === 'migrations applied')).toBe(false);

    const check = openDatabase(env.DATABASE_URL);
    try {
      expect(await check.db.selectFrom('schema_migrations').selectAll().orderBy('name').execute()).toEqual(rowsBefore);
    } finally {
      await check.close();
    }
  });

  /** Applies the migrations, then lets `tamper` change `schema_migrations` directly. */
  async function migratedThenTampered(tamper: (db: ReturnType<typeof openDatabase>) => Promise<void>) {
    const cwd = workDir();
    const env = { DATABASE_URL: sqliteUrl(cwd) };
    const database = openDatabase(env.DATABASE_URL);
    try {
      expect(await migrate(database, () => '2026-11-25T12:00:00.000Z')).toEqual(migrationNames);
      await tamper(database);
    } finally {
      await database.close();
    }
    return { cwd, env };
  }

  it('refuses to migrate or start a database holding a migration this version does not know', async () => {
    const unknown = '20991231_01_from_a_newer_version';
    const { cwd, env } = await migratedThenTampered(async (database) => {
      await database.db
        .insertInto('schema_migrations')
        .values({ name: unknown, checksum: 'f'.repeat(64), applied_at: '2099-12-31T00:00:00.000Z' })
        .execute();
    });

    for (const command of [['migrate', 'up'], ['start']]) {
      const r = await runCli(command, { cwd, env: { ...env, ...startEnv() } });
      expect(r.code, `${command.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(unknown);
      expect(r.stderr).toMatch(/does not know/);
    }

    const status = await runCli(['migrate', 'status'], { cwd, env });
    expect(status.code).toBe(1);
    expect(plainLines(status.stdout)).toContain(`unknown  ${unknown}  (2099-12-31T00:00:00.000Z)`);
  });

  it('refuses to migrate or start when an applied migration was modified', async () => {
    const first = migrationNames[0]!;
    const { cwd, env } = await migratedThenTampered(async (database) => {
      await database.db
        .updateTable('schema_migrations')
        .set({ checksum: '0'.repeat(64) })
        .where('name', '=', first)
        .execute();
    });

    for (const command of [['migrate', 'up'], ['start']]) {
      const r = await runCli(command, { cwd, env: { ...env, ...startEnv() } });
      expect(r.code, `${command.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`Migration ${first} was changed after it was applied`);
    }

    const status = await runCli(['migrate', 'status'], { cwd, env });
    expect(status.code).toBe(1);
    expect(plainLines(status.stdout)[0]).toMatch(new RegExp(`^modified ${first}`));
  });
});

describe('keys', () => {
  cleanUpAfterEach();

  it('creates a key shown once, lists it by prefix only, and revokes it', async () => {
    const cwd = workDir();
    const env = { DATABASE_URL: sqliteUrl(cwd) };

    const created = await runCli(['keys', 'create', '--role', 'viewer', '--name', 'ci'], { cwd, env });
    expect(created.code, created.stderr).toBe(0);
    const [summary, key] = plainLines(created.stdout);
    const id = summary!.match(/^(key_[0-9A-Z]{26}) viewer ci$/)?.[1];
    expect(id, created.stdout).toBeDefined();
    expect(key).toMatch(/^cqk_[0-9a-z]{38}$/);
    expect(created.stdout.match(KEY_PATTERN)).toHaveLength(1);
    for (const line of jsonLines(created.stdout)) expect(JSON.stringify(line)).not.toContain(key);

    const listed = await runCli(['keys', 'list'], { cwd, env });
    expect(listed.code, listed.stderr).toBe(0);
    const row = plainLines(listed.stdout).find((l) => l.startsWith(`${id}\t`));
    expect(row?.split('\t')).toEqual([id, key!.slice(0, 10), 'viewer', 'ci', 'active', 'never used']);
    expect(listed.stdout + listed.stderr).not.toContain(key!);

    const revoked = await runCli(['keys', 'revoke', id!], { cwd, env });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(plainLines(revoked.stdout)).toEqual([expect.stringMatching(new RegExp(`^revoked ${id} at \\d{4}-`))]);

    const active = await runCli(['keys', 'list'], { cwd, env });
    expect(active.code, active.stderr).toBe(0);
    expect(active.stdout).not.toContain(id!);

    const all = await runCli(['keys', 'list', '--all'], { cwd, env });
    expect(all.code, all.stderr).toBe(0);
    const revokedRow = plainLines(all.stdout).find((l) => l.startsWith(`${id}\t`));
    expect(revokedRow?.split('\t')[4]).toMatch(/^revoked \d{4}-/);
    expect(all.stdout).not.toContain(key!);
  });

  it('refuses to create a key without --role', async () => {
    const cwd = workDir();
    const r = await runCli(['keys', 'create', '--name', 'ci'], { cwd, env: { DATABASE_URL: sqliteUrl(cwd) } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/required option '--role <role>' not specified/);
    expect(r.stdout).not.toMatch(/cqk_/);
  });
});

describe('start', () => {
  cleanUpAfterEach();

  it('prints a one-time admin key on first start without ADMIN_TOKEN, never logs it, and prints none on the next start', async () => {
    const cwd = workDir();
    const first = spawnCli(['start'], { cwd, env: startEnv() });
    const port = await whenReady(first);
    expect(existsSync(join(cwd, 'data', 'cardquant.db')), 'default database lands in ./data').toBe(true);

    const keys = first.stdout.match(KEY_PATTERN) ?? [];
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    const base = `http://127.0.0.1:${port}`;
    const auth = { Authorization: `Bearer ${key}` };

    expect((await fetch(`${base}/v1/admin/keys`)).status).toBe(401);
    const list = await fetch(`${base}/v1/admin/keys`, { headers: auth });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { name: string; role: string; prefix: string }[] };
    expect(items).toEqual([
      expect.objectContaining({ name: 'bootstrap-admin', role: 'admin', prefix: key.slice(0, 10) }),
    ]);

    const audit = await fetch(`${base}/v1/admin/audit?action=admin_key.bootstrap`, { headers: auth });
    expect(audit.status).toBe(200);
    const entries = ((await audit.json()) as { items: { action: string; actor: string }[] }).items;
    expect(entries).toEqual([expect.objectContaining({ action: 'admin_key.bootstrap', actor: 'system' })]);

    const stopped = await terminate(first);
    expect(stopped.code, first.stderr).toBe(0);
    expect(stopped.ms).toBeLessThan(SHUTDOWN_GRACE_MS);
    expect(first.jsonLines().find((l) => l.msg === 'stopped')).toMatchObject({ cutConnections: false });

    const logLines = first.jsonLines();
    expect(logLines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['migrations applied', 'listening', 'ready', 'request', 'stopped']),
    );
    for (const line of logLines) expect(JSON.stringify(line)).not.toContain(key);
    expect(first.stderr).not.toContain(key);

    const second = spawnCli(['start'], { cwd, env: startEnv() });
    const port2 = await whenReady(second);
    expect(second.stdout).not.toMatch(/cqk_/);
    expect(second.stdout).not.toMatch(/one-time admin API key/);
    expect((await fetch(`http://127.0.0.1:${port2}/v1/admin/keys`, { headers: auth })).status).toBe(200);
    const again = await terminate(second);
    expect(again.code, second.stderr).toBe(0);
  });

  it('prints no key and creates none when ADMIN_TOKEN is set', async () => {
    const cwd = workDir();
    // Starting twice changes nothing here (no bootstrap key with ADMIN_TOKEN): a slow start may be retried.
    const p = await startCliReady(['start'], { cwd, env: startEnv({ ADMIN_TOKEN }) });
    const port = await whenReady(p);
    expect(p.stdout).not.toMatch(/cqk_/);
    expect(p.stdout).not.toMatch(/one-time admin API key/);

    const list = await fetch(`http://127.0.0.1:${port}/v1/admin/keys`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);

    const stopped = await terminate(p);
    expect(stopped.code, p.stderr).toBe(0);
    expect(p.stdout).not.toContain(ADMIN_TOKEN);
  });
});
