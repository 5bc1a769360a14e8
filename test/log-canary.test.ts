/**
 * Sends canary secrets through every channel a client can use — headers, bodies, query strings,
 * malformed payloads, failing requests — and checks that none reaches a log line or the audit log.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ADMIN_TOKEN_NEXT, bearer, json, startHarness } from './harness.ts';

const canary = (n: number) => `canary${n}-s3cr3t-${n * 7919}`;

describe('no secret ever appears in a log line', () => {
  it('keeps canaries out of logs and audit entries on success, refusal and error paths', async () => {
    const h = await startHarness('sqlite::memory:', { LOG_LEVEL: 'trace' });
    const { key } = await h.runtime.keys.create({ name: 'canary', role: 'admin' }, { actor: 'test', role: 'admin' });
    const secrets = [ADMIN_TOKEN, ADMIN_TOKEN_NEXT, key, ...Array.from({ length: 12 }, (_, i) => canary(i + 1))];

    await h.request('/v1/admin/keys', { headers: bearer(canary(1)) });
    await h.request('/v1/admin/keys', { headers: { Authorization: `Basic ${canary(2)}` } });
    await h.request('/healthz', {
      headers: {
        'X-Portfolio-Id': 'p1',
        'X-Portfolio-Secret': canary(3),
        Cookie: `session=${canary(4)}`,
        'X-Api-Key': canary(5),
      },
    });
    await h.request(
      '/v1/admin/keys',
      json({ name: 'x', role: 'viewer', password: canary(6), secret: canary(7), token: canary(8) }, bearer(key)),
    );
    await h.request('/v1/admin/keys', {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'Content-Type': 'application/json' },
      body: `{"secret": "${canary(9)}"`,
    });
    await h.request(`/healthz?token=${canary(10)}`);
    await h.request(`/v1/admin/keys/${canary(11)}`, { method: 'DELETE', headers: bearer(ADMIN_TOKEN_NEXT) });
    await h.request(`/v1/admin/keys?cursor=${canary(12)}`, { headers: bearer(key) });
    await h.request('/v1/admin/keys', { headers: bearer(key) });
    await h.runtime.keyUsage.flush();

    // An internal failure while a valid key is presented: the database is gone.
    await h.runtime.database.close();
    const broken = await h.request('/v1/admin/keys', { headers: bearer(key) });
    expect(broken.status).toBe(500);

    const logText = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThanOrEqual(10);
    expect(logText).toContain('unhandled error');
    for (const secret of secrets) expect(logText).not.toContain(secret);
  });

  it('keeps canaries out of the audit log', async () => {
    const h = await startHarness('sqlite::memory:');
    try {
      await h.request('/v1/admin/keys', { headers: bearer(canary(20)) });
      await h.request('/v1/admin/keys', { headers: bearer(`cqk_${'a'.repeat(38)}`) });
      await h.request('/v1/admin/keys', json({ name: 'n', role: 'viewer' }, bearer(ADMIN_TOKEN)));
      const rows = await h.runtime.database.db.selectFrom('audit_log').selectAll().execute();
      expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['auth.failure', 'api_key.create']));
      const text = JSON.stringify(rows);
      for (const secret of [canary(20), 'a'.repeat(38), ADMIN_TOKEN]) expect(text).not.toContain(secret);
    } finally {
      await h.close();
    }
  });

  it('redacts secret-named fields in anything logged as an object', async () => {
    const h = await startHarness('sqlite::memory:');
    try {
      h.runtime.log.info(
        { password: canary(30), nested: { token: canary(31), headers: { authorization: canary(32) } } },
        'object',
      );
      const text = h.logs.join('\n');
      expect(text).toContain('[redacted]');
      for (const n of [30, 31, 32]) expect(text).not.toContain(canary(n));
    } finally {
      await h.close();
    }
  });
});
