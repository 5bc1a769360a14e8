/**
 * Bootstrap and rotation: the one-time admin key is created on the very first start of a database
 * only, never again after it is revoked; admin answers are `no-store`; `/readyz` tells the public
 * only ready or not (viewers and the log learn why); reads answer 503 problems while the database
 * cannot be reached (a PostgreSQL database dropped under the running app), and writes do the
 * same on a SQLite file whose write lock another connection holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label, PG_ADMIN_URL } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';

interface Problem {
  status: number;
  code: string;
  detail: string;
}

describe.each(dialects)('bootstrap and readiness on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let h: Harness;
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
    });
    afterAll(async () => {
      await h.close();
      await d.drop(url);
    });

    it('creates the one-time admin key once per database, never again after it is revoked', async () => {
      const key = await h.runtime.keys.ensureBootstrapAdmin();
      expect(key).toMatch(/^cqk_/);
      const listed = (await (await h.request('/v1/admin/keys', { headers: bearer(key!) })).json()) as {
        items: { id: string; name: string }[];
      };
      const id = listed.items.find((k) => k.name === 'bootstrap-admin')!.id;
      expect((await h.request(`/v1/admin/keys/${id}`, { method: 'DELETE', headers: bearer(ADMIN_TOKEN) })).status).toBe(
        200,
      );
      // No usable admin key is left, yet the next start prints none: recovery is `keys create --role admin`.
      expect(await h.runtime.keys.ensureBootstrapAdmin()).toBeNull();
      expect(await h.runtime.keys.ensureBootstrapAdmin()).toBeNull();
      const entries = await h.runtime.audit.list({ action: 'admin_key.bootstrap', limit: 10 });
      expect(entries).toHaveLength(1);
      expect(entries[0]!.detail).toEqual({ printed_once: true });
    });

    it('gives a database that already has an admin key none, and none after that key is revoked', async () => {
      const fresh = await d.create();
      const other = await startHarness(fresh);
      try {
        const { record } = await other.runtime.keys.create(
          { name: 'ops-admin', role: 'admin' },
          { actor: 'cli', role: 'admin' },
        );
        expect(await other.runtime.keys.ensureBootstrapAdmin()).toBeNull();
        await other.runtime.keys.revoke(record.id, { actor: 'cli', role: 'admin' });
        expect(await other.runtime.keys.ensureBootstrapAdmin()).toBeNull();
        const entries = await other.runtime.audit.list({ action: 'admin_key.bootstrap', limit: 10 });
        expect(entries.map((e) => e.detail)).toEqual([{ printed_once: false, reason: 'an admin key already exists' }]);
      } finally {
        await other.close();
        await d.drop(fresh);
      }
    });

    it('answers every admin route with Cache-Control: no-store, successes and problems alike', async () => {
      const doc = (await (await h.request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const admin = Object.entries(doc.paths)
        .filter(([path, ops]) => path.startsWith('/v1/admin/') && 'get' in ops)
        .map(([path]) => path.replace(/\{[^}]+\}/g, 'unknown-id'));
      expect(admin.length).toBeGreaterThanOrEqual(5);
      for (const path of admin) {
        for (const headers of [bearer(ADMIN_TOKEN), {}]) {
          const res = await h.request(path, { headers });
          expect(res.headers.get('cache-control'), `${path} → ${res.status}`).toBe('no-store');
        }
      }
      const created = await h.request(
        '/v1/admin/keys',
        json({ name: 'no-store', role: 'viewer' }, bearer(ADMIN_TOKEN)),
      );
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
    });

    it('/readyz tells the public only ready or not; a viewer and the log learn why', async () => {
      expect(await (await h.request('/readyz')).json()).toEqual({ status: 'ready' });
      const viewer = (
        (await (
          await h.request('/v1/admin/keys', json({ name: 'watcher', role: 'viewer' }, bearer(ADMIN_TOKEN)))
        ).json()) as { key: string }
      ).key;
      // A migration this code does not know, among its own: the schema is not what this code expects.
      await h.runtime.database.db
        .insertInto('schema_migrations')
        .values({ name: '20000101_01_unknown_here', checksum: 'x', applied_at: '2000-01-01T00:00:00.000Z' })
        .execute();
      try {
        const pub = await h.request('/readyz');
        expect(pub.status).toBe(503);
        const pubText = await pub.text();
        expect(pubText).not.toContain('20000101_01_unknown_here');
        expect(pubText).not.toContain(h.runtime.database.describe());
        expect((JSON.parse(pubText) as Problem).code).toBe('not_ready');

        const detailed = await h.request('/readyz', { headers: bearer(viewer) });
        expect(detailed.status).toBe(503);
        expect(((await detailed.json()) as Problem).detail).toContain('20000101_01_unknown_here');
        expect(
          h.logs.filter((l) => l.includes('"not ready"') && l.includes('20000101_01_unknown_here')).length,
        ).toBeGreaterThanOrEqual(2);
      } finally {
        await h.runtime.database.db
          .deleteFrom('schema_migrations')
          .where('name', '=', '20000101_01_unknown_here')
          .execute();
      }
      expect((await h.request('/readyz')).status).toBe(200);

      // A newer release's migration (named after all of this code's): a rolling upgrade is under
      // way, and this process keeps serving until it is replaced.
      await h.runtime.database.db
        .insertInto('schema_migrations')
        .values({ name: '29990101_01_from_the_future', checksum: 'x', applied_at: '2999-01-01T00:00:00.000Z' })
        .execute();
      try {
        expect((await h.request('/readyz')).status).toBe(200);
      } finally {
        await h.runtime.database.db
          .deleteFrom('schema_migrations')
          .where('name', '=', '29990101_01_from_the_future')
          .execute();
      }
    });
  });
});

/** Reads while the database cannot serve: a 503 problem with Retry-After, never a 500. */
async function expectUnavailable(h: Harness): Promise<void> {
  for (const path of ['/v1/cards', '/v1/meta', '/v1/movers', '/v1/analytics/weights']) {
    const res = await h.request(path);
    expect(res.status, path).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as Problem).code, path).toBe('database_unavailable');
  }
  const admin = await h.request('/v1/admin/audit', { headers: bearer(ADMIN_TOKEN) });
  expect(admin.status).toBe(503);
  expect((await h.request('/readyz')).status).toBe(503);
  expect((await h.request('/healthz')).status).toBe(200);
  expect(h.logs.some((l) => l.includes('"database unavailable"'))).toBe(true);
  expect(h.logs.some((l) => l.includes('"unhandled error"'))).toBe(false);
}

const postgres = dialects.find((d) => d.name === 'postgres')!;

describe.skipIf(postgres.skip !== null)(
  `a PostgreSQL database dropped under the running app${postgres.skip ? ` (${postgres.skip})` : ''}`,
  () => {
    it('turns reads into 503 problems, not 500s', async () => {
      const url = await postgres.create();
      const h = await startHarness(url);
      try {
        expect((await h.request('/v1/cards')).status).toBe(200);
        const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
        await admin.connect();
        try {
          // Ends every connection of the app (`with (force)`), then removes the database.
          await admin.query(`drop database ${new URL(url).pathname.slice(1)} with (force)`);
        } finally {
          await admin.end();
        }
        await expectUnavailable(h);
      } finally {
        await h.close().catch(() => undefined);
        await postgres.drop(url);
      }
    });
  },
);

describe.skipIf(postgres.skip !== null)(
  `a PostgreSQL pool with no connection to give${postgres.skip ? ` (${postgres.skip})` : ''}`,
  () => {
    it('answers 503 after PG_CONNECT_TIMEOUT_MS instead of waiting for ever', async () => {
      const url = await postgres.create();
      const h = await startHarness(url, { PG_POOL_MAX: '1', PG_CONNECT_TIMEOUT_MS: '100', RESPONSE_CACHE_MB: '0' });
      try {
        expect((await h.request('/v1/cards')).status).toBe(200);
        const { native } = h.runtime.database;
        if (native.kind !== 'postgres') throw new Error('expected PostgreSQL');
        // The pool's only connection is taken (as by a long transaction or a stalled server).
        const held = await native.pool.connect();
        try {
          const res = await h.request('/v1/cards');
          expect(res.status).toBe(503);
          expect(((await res.json()) as Problem).code).toBe('database_unavailable');
        } finally {
          held.release();
        }
        expect((await h.request('/v1/cards')).status).toBe(200);
      } finally {
        await h.close();
        await postgres.drop(url);
      }
    });
  },
);

describe('a SQLite database whose write lock another connection holds', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cq-locked-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // In WAL mode readers never wait for a writer, so on SQLite it is writes that can find the
  // database unavailable: locked beyond SQLITE_BUSY_TIMEOUT_MS by another process.
  it('answers writes with 503 problems, not 500s, and keeps serving reads', async () => {
    const file = join(dir, 'cq.db');
    const h = await startHarness(`sqlite:${file}`, { SQLITE_BUSY_TIMEOUT_MS: '50' });
    const other = new SqliteDatabase(file);
    try {
      other.exec('begin immediate');
      const res = await h.request('/v1/portfolios', json({ name: 'locked out' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as Problem).code).toBe('database_unavailable');
      expect((await h.request('/v1/cards')).status).toBe(200);
      expect(h.logs.some((l) => l.includes('"unhandled error"'))).toBe(false);
      other.exec('rollback');
      expect((await h.request('/v1/portfolios', json({ name: 'after the lock' }))).status).toBe(201);
    } finally {
      other.close();
      await h.close();
    }
  });
});
