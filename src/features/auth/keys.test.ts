import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, ADMIN_TOKEN_NEXT, bearer, json, harnessDatabase, startHarness } from '#test/harness.ts';

type KeyBody = {
  key: string;
  api_key: { id: string; role: string; prefix: string; owner_id: string; last_used_at: string | null };
};

describe.each(dialects)('API keys on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);

    const createKey = async (body: Record<string, unknown>, token = ADMIN_TOKEN) => {
      const res = await h.request('/v1/admin/keys', json(body, bearer(token)));
      return { res, body: (await res.json()) as KeyBody };
    };

    it('creates a key that is shown once, stored only as a hash, and works as a bearer token', async () => {
      const { res, body } = await createKey({ name: 'reporting', role: 'viewer' });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(body.key).toMatch(/^cqk_[0-9a-z]{38}$/);
      expect(body.key.startsWith(body.api_key.prefix)).toBe(true);

      const stored = await h.runtime.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', body.api_key.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain(body.key);
      expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);

      const list = await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN) });
      const text = await list.text();
      expect(text).toContain(body.api_key.id);
      expect(text).not.toContain(body.key);
      expect(text).not.toContain(stored.key_hash);

      // Viewer may read metrics but not administer keys.
      expect((await h.request('/metrics', { headers: bearer(body.key) })).status).toBe(200);
      expect((await h.request('/v1/admin/keys', { headers: bearer(body.key) })).status).toBe(403);
    });

    it('gives each key an owner principal, new or given', async () => {
      const { body: a } = await createKey({ name: 'svc-a', role: 'operator' });
      const owner = await h.runtime.database.db
        .selectFrom('principals')
        .selectAll()
        .where('id', '=', a.api_key.owner_id)
        .executeTakeFirstOrThrow();
      expect(owner).toMatchObject({ kind: 'service', name: 'svc-a' });
      const { res, body: b } = await createKey({ name: 'svc-a-2', role: 'viewer', owner_id: a.api_key.owner_id });
      expect(res.status).toBe(201);
      expect(b.api_key.owner_id).toBe(a.api_key.owner_id);
      const missing = await createKey({ name: 'x', role: 'viewer', owner_id: 'prn_nobody' });
      expect(missing.res.status).toBe(422);
    });

    it('revokes a key at once and keeps the record', async () => {
      const { body } = await createKey({ name: 'to-revoke', role: 'admin' });
      expect((await h.request('/v1/admin/keys', { headers: bearer(body.key) })).status).toBe(200);
      const del = await h.request(`/v1/admin/keys/${body.api_key.id}`, {
        method: 'DELETE',
        headers: bearer(ADMIN_TOKEN),
      });
      expect(del.status).toBe(200);
      expect(((await del.json()) as { revoked_at: string }).revoked_at).toBe('2026-11-25T12:00:00.000Z');
      expect((await h.request('/v1/admin/keys', { headers: bearer(body.key) })).status).toBe(401);
      const again = await h.request(`/v1/admin/keys/${body.api_key.id}`, {
        method: 'DELETE',
        headers: bearer(ADMIN_TOKEN),
      });
      expect(again.status).toBe(409);
      expect(
        (await h.request('/v1/admin/keys/key_missing', { method: 'DELETE', headers: bearer(ADMIN_TOKEN) })).status,
      ).toBe(404);
      const active = await (
        await h.request('/v1/admin/keys?include_revoked=false', { headers: bearer(ADMIN_TOKEN) })
      ).text();
      expect(active).not.toContain(body.api_key.id);
      const all = await (await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN) })).text();
      expect(all).toContain(body.api_key.id);
    });

    it('refuses a key after its expiry', async () => {
      const { body } = await createKey({ name: 'short-lived', role: 'viewer', expires_at: '2026-11-25T13:00:00Z' });
      expect((await h.request('/metrics', { headers: bearer(body.key) })).status).toBe(200);
      h.clock.set('2026-11-25T13:00:00.000Z');
      expect((await h.request('/metrics', { headers: bearer(body.key) })).status).toBe(401);
      h.clock.set('2026-11-25T12:00:00.000Z');
      const past = await createKey({ name: 'past', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' });
      expect(past.res.status).toBe(422);
    });

    it('refuses a malformed key before any database lookup, but audits it', async () => {
      const { body } = await createKey({ name: 'typo', role: 'viewer' });
      const typo = body.key.slice(0, -1) + (body.key.endsWith('a') ? 'b' : 'a');
      const before = h.runtime.database.queryCount;
      const res = await h.request('/healthz', { headers: bearer(typo) });
      expect(res.status).toBe(401);
      // Exactly one statement: the audit insert. No key lookup.
      expect(h.runtime.database.queryCount - before).toBe(1);
      const audit = await h.runtime.audit.list({ action: 'auth.failure', limit: 1 });
      expect(audit[0]?.detail).toMatchObject({ reason: 'malformed_token' });
    });

    it('accepts the next admin token during rotation', async () => {
      expect((await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN_NEXT) })).status).toBe(200);
    });

    it('batches last_used_at and writes it on flush', async () => {
      const { body } = await createKey({ name: 'usage', role: 'viewer' });
      h.clock.set('2026-11-25T12:30:00.000Z');
      await h.request('/metrics', { headers: bearer(body.key) });
      const row = () =>
        h.runtime.database.db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', body.api_key.id)
          .executeTakeFirstOrThrow();
      expect((await row()).last_used_at).toBeNull();
      await h.runtime.keyUsage.flush();
      expect((await row()).last_used_at).toBe('2026-11-25T12:30:00.000Z');
      h.clock.set('2026-11-25T12:00:00.000Z');
    });

    it('pages through keys with a cursor, newest first', async () => {
      for (let i = 0; i < 3; i++) await createKey({ name: `page-${i}`, role: 'viewer' });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = cursor ? `&cursor=${cursor}` : '';
        const res = await h.request(`/v1/admin/keys?limit=2${qs}`, { headers: bearer(ADMIN_TOKEN) });
        const page = (await res.json()) as { items: { id: string }[]; next_cursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((k) => k.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort().reverse());
      expect(new Set(seen).size).toBe(seen.length);
      const total = await h.runtime.database.db.selectFrom('api_keys').select('id').execute();
      expect(seen.length).toBe(total.length);
    });

    it('audits key creation and revocation with actor, request id and IP', async () => {
      const { body } = await createKey({ name: 'audited', role: 'viewer' });
      await h.request(`/v1/admin/keys/${body.api_key.id}`, {
        method: 'DELETE',
        headers: { ...bearer(ADMIN_TOKEN), 'X-Request-Id': 'req-audit-1' },
        ip: '192.0.2.77',
      });
      const res = await h.request(`/v1/admin/audit?action=api_key.revoke&limit=5`, { headers: bearer(ADMIN_TOKEN) });
      const page = (await res.json()) as { items: Record<string, unknown>[] };
      expect(page.items[0]).toMatchObject({
        actor: 'admin-token',
        role: 'admin',
        action: 'api_key.revoke',
        target: body.api_key.id,
        request_id: 'req-audit-1',
        ip: '192.0.2.77',
        result: 'success',
      });
      const created = await (
        await h.request(`/v1/admin/audit?action=api_key.create&actor=admin-token`, { headers: bearer(ADMIN_TOKEN) })
      ).json();
      expect((created as { items: { target: string }[] }).items.map((i) => i.target)).toContain(body.api_key.id);
    });

    it('filters the audit log by result and time', async () => {
      await h.request('/v1/admin/keys', { headers: bearer('not-a-token') });
      const failures = (await (
        await h.request('/v1/admin/audit?result=failure', { headers: bearer(ADMIN_TOKEN) })
      ).json()) as { items: { result: string }[] };
      expect(failures.items.length).toBeGreaterThan(0);
      expect(failures.items.every((i) => i.result === 'failure')).toBe(true);
      const future = (await (
        await h.request('/v1/admin/audit?from=2030-01-01T00:00:00Z', { headers: bearer(ADMIN_TOKEN) })
      ).json()) as { items: unknown[] };
      expect(future.items).toEqual([]);
    });

    it('creates the bootstrap admin key only when no usable admin key exists', async () => {
      const fresh = await d.create();
      const other = await startHarness(fresh);
      try {
        const key = await other.runtime.keys.ensureBootstrapAdmin();
        expect(key).toMatch(/^cqk_/);
        expect(await other.runtime.keys.ensureBootstrapAdmin()).toBeNull();
        expect((await other.request('/v1/admin/keys', { headers: bearer(key!) })).status).toBe(200);
        const audit = await other.runtime.audit.list({ action: 'admin_key.bootstrap', limit: 5 });
        expect(audit).toHaveLength(1);
      } finally {
        await other.close();
        await d.drop(fresh);
      }
    });
  });
});
