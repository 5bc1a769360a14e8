/**
 * No plaintext secret at rest: after creating API keys and portfolios (with and without
 * `Idempotency-Key`) and replaying them, no table holds a key or portfolio secret; replays still
 * hand the secret to a client whose first answer was lost, for a short time only; the encryption
 * key can be rotated; a SQLite database, its -wal/-shm files and its key file are mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyStore } from '../src/platform/http/idempotency.ts';
import { dataKey, SecretBox } from '../src/platform/secret-box.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { listMigrations, migrate } from '../src/platform/db/migrator.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, harnessDatabase, startHarness } from './harness.ts';

interface CreatedKey {
  key: string;
  api_key: { id: string };
}
interface CreatedPortfolio {
  id: string;
  secret: string;
}

/** Every row of every table, as text. */
async function dumpAllTables(database: Database): Promise<Map<string, string>> {
  const names =
    database.dialect === 'sqlite'
      ? (
          await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database.db)
        ).rows.map((r) => r.name)
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
            database.db,
          )
        ).rows.map((r) => r.name);
  const dump = new Map<string, string>();
  for (const name of names) {
    const rows = (await sql`select * from ${sql.table(name)}`.execute(database.db)).rows;
    dump.set(name, JSON.stringify(rows));
  }
  return dump;
}

const HOUR = 3_600_000;

describe.each(dialects)('secrets at rest on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);

    const createKey = (name: string, idem?: string) =>
      h.request(
        '/v1/admin/keys',
        json({ name, role: 'admin' }, { ...bearer(ADMIN_TOKEN), ...(idem ? { 'Idempotency-Key': idem } : {}) }),
      );
    const createPortfolio = (name: string, idem?: string) =>
      h.request('/v1/portfolios', json({ name }, idem ? { 'Idempotency-Key': idem } : {}));

    it('no table holds an API key or portfolio secret after creates and replays, and replays still return them', async () => {
      const secrets: string[] = [];
      const first = await createKey('at-rest-1', 'rest-key-1');
      expect(first.status).toBe(201);
      const key = ((await first.json()) as CreatedKey).key;
      const replay = await createKey('at-rest-1', 'rest-key-1');
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as CreatedKey).key).toBe(key);
      secrets.push(key);
      secrets.push(((await (await createKey('at-rest-2')).json()) as CreatedKey).key);

      const pf = await createPortfolio('at-rest', 'rest-pf-1');
      expect(pf.status).toBe(201);
      const portfolio = (await pf.json()) as CreatedPortfolio;
      const pfReplay = await createPortfolio('at-rest', 'rest-pf-1');
      expect(pfReplay.headers.get('idempotent-replayed')).toBe('true');
      // The replayed secret is as uncacheable as the first answer.
      expect(pf.headers.get('cache-control')).toContain('no-store');
      expect(pfReplay.headers.get('cache-control')).toBe(pf.headers.get('cache-control'));
      expect(((await pfReplay.json()) as CreatedPortfolio).secret).toBe(portfolio.secret);
      secrets.push(portfolio.secret);
      secrets.push(((await (await createPortfolio('at-rest-2')).json()) as CreatedPortfolio).secret);

      // Use the credentials, so that usage tracking and audit rows are written too.
      expect((await h.request('/v1/admin/keys', { headers: bearer(key) })).status).toBe(200);
      expect(
        (
          await h.request(`/v1/portfolios/${portfolio.id}/watchlist`, {
            headers: { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret },
          })
        ).status,
      ).toBe(200);
      await h.runtime.keyUsage.flush();

      const dump = await dumpAllTables(h.runtime.database);
      expect(dump.size).toBeGreaterThan(20);
      expect(dump.get('idempotency_keys')).toContain('cqe1.'); // the replays are stored, sealed
      for (const [table, text] of dump) {
        for (const secret of secrets) {
          expect(text.includes(secret), `${table} holds a secret`).toBe(false);
          // Nor the random part alone (without its cqk_/cqp_ prefix).
          expect(text.includes(secret.slice(4)), `${table} holds a secret's random part`).toBe(false);
        }
      }
    });

    it('no table holds a webhook signing secret or endpoint URL, through create, replay and rotation', async () => {
      const portfolio = (await (await createPortfolio('hooks')).json()) as CreatedPortfolio;
      const creds = { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret };
      const url = 'https://203.0.113.10/hooks/private-path-7f3a9c';
      const create = () => h.request('/v1/webhook-endpoints', json({ url }, { ...creds, 'Idempotency-Key': 'hook-1' }));
      const created = (await (await create()).json()) as { id: string; secret: string };
      const replay = await create();
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as { secret: string }).secret).toBe(created.secret);
      const rotated = (await (
        await h.request(`/v1/webhook-endpoints/${created.id}/rotate-secret`, { method: 'POST', headers: creds })
      ).json()) as { secret: string };
      expect(rotated.secret).toMatch(/^whsec_/);

      const dump = await dumpAllTables(h.runtime.database);
      expect(dump.get('webhook_endpoints')).toContain('cqe1.');
      for (const [table, text] of dump) {
        for (const secret of [created.secret, rotated.secret]) {
          expect(text.includes(secret.slice('whsec_'.length)), `${table} holds a webhook secret`).toBe(false);
        }
        expect(text.includes('private-path-7f3a9c'), `${table} holds an endpoint URL`).toBe(false);
      }
    });

    it('replays an answer with a secret only for IDEMPOTENCY_SECRET_TTL_MINUTES; other answers for the full TTL', async () => {
      const first = (await (await createKey('short-ttl', 'ttl-key')).json()) as CreatedKey;
      h.clock.advance(59 * 60_000);
      const within = await createKey('short-ttl', 'ttl-key');
      expect(within.headers.get('idempotent-replayed')).toBe('true');
      expect(((await within.json()) as CreatedKey).key).toBe(first.key);
      h.clock.advance(2 * 60_000);
      const after = await createKey('short-ttl', 'ttl-key');
      expect(after.status).toBe(201);
      expect(after.headers.get('idempotent-replayed')).toBeNull();
      expect(((await after.json()) as CreatedKey).key).not.toBe(first.key);

      const row = await h.runtime.database.db
        .selectFrom('idempotency_keys')
        .select(['created_at', 'expires_at'])
        .where('key', '=', 'ttl-key')
        .executeTakeFirstOrThrow();
      expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(HOUR);
    });

    it('opens answers sealed with DATA_ENCRYPTION_KEY_PREVIOUS; an answer under a key no longer configured runs the request again', async () => {
      const { db } = h.runtime.database;
      const oldKey = dataKey(randomBytes(32));
      const newKey = dataKey(randomBytes(32));
      const before = new IdempotencyStore(db, h.clock, 24 * HOUR, new SecretBox(oldKey));
      expect((await before.claim('ip:rotation', 'POST /x', 'rot-1', 'hash')).kind).toBe('claimed');
      await before.complete('ip:rotation', 'POST /x', 'rot-1', {
        status: 201,
        headers: {},
        body: '{"secret":"s3cr3t"}',
      });

      const rotating = new IdempotencyStore(db, h.clock, 24 * HOUR, new SecretBox(newKey, [oldKey]));
      const replay = await rotating.claim('ip:rotation', 'POST /x', 'rot-1', 'hash');
      expect(replay).toEqual({ kind: 'replay', response: { status: 201, headers: {}, body: '{"secret":"s3cr3t"}' } });

      const rotated = new IdempotencyStore(db, h.clock, 24 * HOUR, new SecretBox(newKey));
      expect(await rotated.claim('ip:rotation', 'POST /x', 'rot-1', 'hash')).toEqual({
        kind: 'claimed',
        discarded: 'unknown_key',
      });
    });

    it('an upgrade deletes the plaintext answers stored by earlier versions and keeps keys in flight', async () => {
      const fresh = await d.create();
      const database = openDatabase(fresh);
      try {
        const all = listMigrations();
        const at = all.findIndex((f) => f.name.startsWith('20261204_06_'));
        expect(at).toBeGreaterThan(0);
        const now = () => '2026-12-04T00:00:00.000Z';
        await migrate(database, now, all.slice(0, at));
        const row = {
          scope: 'principal:admin-token',
          route: 'POST /v1/admin/keys',
          request_hash: 'h',
          created_at: now(),
          expires_at: '2026-12-05T00:00:00.000Z',
        };
        await database.db
          .insertInto('idempotency_keys')
          .values([
            {
              ...row,
              key: 'old-done',
              status: 'done',
              response_status: 201,
              response_headers: '{}',
              response_body: '{"key":"cqk_plaintext"}',
            },
            {
              ...row,
              key: 'old-in-flight',
              status: 'in_flight',
              response_status: null,
              response_headers: null,
              response_body: null,
            },
          ])
          .execute();
        await migrate(database, now, all);
        const left = await database.db.selectFrom('idempotency_keys').select(['key', 'response_body']).execute();
        expect(left).toEqual([{ key: 'old-in-flight', response_body: null }]);
      } finally {
        await database.close();
        await d.drop(fresh);
      }
    });
  });
});

describe('a SQLite database file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cq-modes-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created 0600 with its -wal, -shm and key files, and the key file keeps replays working across restarts', async () => {
    const file = join(dir, 'cardquant.db');
    const first = await startHarness(`sqlite:${file}`);
    const created = await first.request(
      '/v1/portfolios',
      json({ name: 'restart' }, { 'Idempotency-Key': 'restart-1' }),
    );
    expect(created.status).toBe(201);
    const secret = ((await created.json()) as CreatedPortfolio).secret;
    for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}.key`]) {
      expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
    }
    expect(first.logs.some((l) => l.includes('data encryption key file created'))).toBe(true);
    await first.close();

    const second = await startHarness(`sqlite:${file}`);
    try {
      const replay = await second.request(
        '/v1/portfolios',
        json({ name: 'restart' }, { 'Idempotency-Key': 'restart-1' }),
      );
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as CreatedPortfolio).secret).toBe(secret);
      expect(second.logs.some((l) => l.includes('data encryption key file created'))).toBe(false);
    } finally {
      await second.close();
    }
  });
});
