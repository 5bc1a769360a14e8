import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, ADMIN_TOKEN_NEXT, bearer, json, harnessDatabase } from '#test/harness.ts';

describe.each(dialects)('Idempotency-Key on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d, { IDEMPOTENCY_TTL_HOURS: '1' });

    const create = (name: string, key: string, token = ADMIN_TOKEN) =>
      h.request('/v1/admin/keys', json({ name, role: 'viewer' }, { ...bearer(token), 'Idempotency-Key': key }));
    const countKeys = async (name: string) =>
      (await h.runtime.database.db.selectFrom('api_keys').select('id').where('name', '=', name).execute()).length;

    it('replays the first answer to a retry and creates nothing twice', async () => {
      const first = await create('replayed', 'idem-1');
      expect(first.status).toBe(201);
      const firstBody = await first.text();
      const second = await create('replayed', 'idem-1');
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.headers.get('content-type')).toContain('application/json');
      expect(await second.text()).toBe(firstBody);
      expect(await countKeys('replayed')).toBe(1);
    });

    it('answers 422 when the same key comes with a different body', async () => {
      expect((await create('body-a', 'idem-2')).status).toBe(201);
      const res = await create('body-b', 'idem-2');
      expect(res.status).toBe(422);
      expect(((await res.json()) as { code: string }).code).toBe('idempotency_key_reused');
      expect(await countKeys('body-b')).toBe(0);
    });

    it('answers 409 while the first request is still in flight', async () => {
      const body = JSON.stringify({ name: 'in-flight', role: 'viewer' });
      const { sha256Hex } = await import('../crypto.ts');
      const hash = await sha256Hex(`POST\n/v1/admin/keys\n${body}`);
      const claim = await h.runtime.platform.idempotency.claim(
        'principal:admin-token',
        'POST /v1/admin/keys',
        'idem-3',
        hash,
      );
      expect(claim.kind).toBe('claimed');
      const res = await create('in-flight', 'idem-3');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe('idempotency_in_flight');
      expect(await countKeys('in-flight')).toBe(0);
    });

    it('scopes keys to the caller', async () => {
      expect((await create('scoped', 'idem-4', ADMIN_TOKEN)).status).toBe(201);
      const other = await create('scoped', 'idem-4', ADMIN_TOKEN_NEXT);
      expect(other.status).toBe(201);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(await countKeys('scoped')).toBe(2);
    });

    it('releases the key when the request fails, so a corrected retry runs', async () => {
      const bad = await h.request(
        '/v1/admin/keys',
        json({ name: 'fixed', role: 'nope' }, { ...bearer(ADMIN_TOKEN), 'Idempotency-Key': 'idem-5' }),
      );
      expect(bad.status).toBe(422);
      expect((await create('fixed', 'idem-5')).status).toBe(201);
    });

    it('expires keys after the TTL, and the purge deletes them', async () => {
      expect((await create('expiring', 'idem-6')).status).toBe(201);
      h.clock.advance(3_600_000 + 1);
      const again = await create('expiring', 'idem-6');
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(await countKeys('expiring')).toBe(2);
      h.clock.advance(3_600_000 + 1);
      expect(await h.runtime.platform.idempotency.purgeExpired()).toBeGreaterThanOrEqual(1);
      const left = await h.runtime.database.db.selectFrom('idempotency_keys').select('key').execute();
      expect(left).toEqual([]);
    });

    it('rejects a malformed key', async () => {
      const res = await create('x', 'has spaces in it');
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('header.idempotency-key');
    });
  });
});
