import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from '../../../test/harness.ts';

let h: Harness;
beforeEach(async () => {
  // The limiter's store reads Date; only Date is faked, so time moves when the test says so.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-25T12:00:00Z'));
  h = await startHarness('sqlite::memory:', {
    METRICS_PUBLIC: 'true',
    RATE_LIMIT_ANONYMOUS: '3',
    RATE_LIMIT_AUTHENTICATED: '5',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });
});
afterEach(async () => {
  await h.close();
  vi.useRealTimers();
});

describe('rate limits', () => {
  it('lets an anonymous IP through its budget, then answers 429 with Retry-After and RateLimit fields', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await h.request('/metrics', { ip: '198.51.100.7' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"anonymous";q=3;w=60');
      expect(ok.headers.get('ratelimit')).toBe(`"anonymous";r=${2 - i};t=60`);
    }
    const refused = await h.request('/metrics', { ip: '198.51.100.7' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit')).toBe('"anonymous";r=0;t=60');
    const body = (await refused.json()) as { code: string };
    expect(body.code).toBe('rate_limited');

    // Another IP has its own budget.
    expect((await h.request('/metrics', { ip: '198.51.100.8' })).status).toBe(200);
  });

  it('refills after the window', async () => {
    for (let i = 0; i < 3; i++) await h.request('/metrics', { ip: '203.0.113.1' });
    expect((await h.request('/metrics', { ip: '203.0.113.1' })).status).toBe(429);
    vi.setSystemTime(new Date('2026-11-25T12:00:30Z'));
    const midway = await h.request('/metrics', { ip: '203.0.113.1' });
    expect(midway.status).toBe(429);
    expect(midway.headers.get('retry-after')).toBe('30');
    vi.setSystemTime(new Date('2026-11-25T12:01:01Z'));
    expect((await h.request('/metrics', { ip: '203.0.113.1' })).status).toBe(200);
  });

  it('counts an authenticated caller per identity, not per IP', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN), ip: `192.0.2.${i}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"authenticated";q=5;w=60');
    }
    expect((await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN), ip: '192.0.2.99' })).status).toBe(429);
    // The IP's anonymous budget is untouched.
    expect((await h.request('/metrics', { ip: '192.0.2.1' })).status).toBe(200);
  });

  it('blocks an IP after repeated authentication failures, before any key lookup', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await h.request('/healthz', { headers: bearer(`wrong-token-${i}`), ip: '192.0.2.50' })).status).toBe(401);
    }
    const before = h.runtime.database.queryCount;
    const blocked = await h.request('/healthz', { headers: bearer(ADMIN_TOKEN), ip: '192.0.2.50' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).not.toBeNull();
    expect(h.runtime.database.queryCount).toBe(before);
    // Other IPs may still authenticate.
    expect((await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN), ip: '192.0.2.51' })).status).toBe(200);
  });
});
