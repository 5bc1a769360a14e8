import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from '#test/harness.ts';

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

  it('refuses further failing attempts from an IP after repeated failures, but never its valid credentials', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await h.request('/healthz', { headers: bearer(`wrong-token-${i}`), ip: '192.0.2.50' })).status).toBe(401);
    }
    const blocked = await h.request('/healthz', { headers: bearer('wrong-token-again'), ip: '192.0.2.50' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).not.toBeNull();
    expect(blocked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Someone else behind the same address with a valid admin token or API key still gets in.
    expect((await h.request('/v1/admin/keys', { headers: bearer(ADMIN_TOKEN), ip: '192.0.2.50' })).status).toBe(200);
    const { key } = await h.runtime.keys.create({ name: 'office', role: 'viewer' }, { actor: 'test', role: 'admin' });
    expect((await h.request('/metrics', { headers: bearer(key), ip: '192.0.2.50' })).status).toBe(200);
    // The guesser stays refused until the window ends, and the refusals are not audited one by one.
    const audited = async () =>
      (
        await h.runtime.database.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'auth.failure')
          .where('ip', '=', '192.0.2.50')
          .execute()
      ).length;
    const before = await audited();
    expect((await h.request('/healthz', { headers: bearer('wrong-token-more'), ip: '192.0.2.50' })).status).toBe(429);
    expect(await audited()).toBe(before);
    vi.setSystemTime(new Date('2026-11-25T12:01:01Z'));
    expect((await h.request('/healthz', { headers: bearer('wrong-token-later'), ip: '192.0.2.50' })).status).toBe(401);
  });

  it('takes the client IP behind the proxy, so a forged X-Forwarded-For does not buy a fresh budget', async () => {
    // The proxy appends the peer it saw (198.51.100.7) to whatever the client sent.
    for (let i = 0; i < 3; i++) {
      const res = await h.request('/metrics', { headers: { 'X-Forwarded-For': `203.0.113.${i}, 198.51.100.7` } });
      expect(res.status).toBe(200);
    }
    expect((await h.request('/metrics', { headers: { 'X-Forwarded-For': '203.0.113.99, 198.51.100.7' } })).status).toBe(
      429,
    );
    expect((await h.request('/metrics', { headers: { 'X-Forwarded-For': '198.51.100.7, 203.0.113.99' } })).status).toBe(
      200,
    );
  });

  it("counts a portfolio on public routes against its IP's anonymous budget", async () => {
    const created = await h.request('/v1/portfolios', { method: 'POST', ip: '198.51.100.20' });
    expect(created.status).toBe(201);
    const p = (await created.json()) as { id: string; secret: string };
    const creds = { 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret };
    const first = await h.request('/metrics', { headers: creds, ip: '198.51.100.20' });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBe('"anonymous";r=1;t=60');
    expect((await h.request('/metrics', { ip: '198.51.100.20' })).status).toBe(200);
    expect((await h.request('/metrics', { headers: creds, ip: '198.51.100.20' })).status).toBe(429);
    // Its own routes keep the portfolio's budget.
    const own = await h.request(`/v1/portfolios/${p.id}/watchlist`, { headers: creds, ip: '198.51.100.20' });
    expect(own.status).toBe(200);
    expect(own.headers.get('ratelimit-policy')).toBe('"authenticated";q=5;w=60');
  });
});

describe('portfolio creation per IP and hour', () => {
  let h: Harness;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-25T12:00:00Z'));
    h = await startHarness('sqlite::memory:', { RATE_LIMIT_ANONYMOUS: '1000', PORTFOLIO_CREATE_PER_HOUR: '3' });
  });
  afterEach(async () => {
    await h.close();
    vi.useRealTimers();
  });

  it('allows PORTFOLIO_CREATE_PER_HOUR creations per IP, replays free, then 429 until the hour ends', async () => {
    const create = (ip: string, headers: Record<string, string> = {}) =>
      h.request('/v1/portfolios', { method: 'POST', ip, headers });
    expect((await create('198.51.100.30', { 'Idempotency-Key': 'first' })).status).toBe(201);
    const replay = await create('198.51.100.30', { 'Idempotency-Key': 'first' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await create('198.51.100.30')).status).toBe(201);
    expect((await create('198.51.100.30')).status).toBe(201);
    const refused = await create('198.51.100.30');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-policy')).toBe('"portfolio-creations";q=3;w=3600');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(((await refused.json()) as { code: string }).code).toBe('rate_limited');
    // A retry of the refused request with a key is not stuck: it is refused again, then created later.
    expect((await create('198.51.100.30', { 'Idempotency-Key': 'late' })).status).toBe(429);
    expect((await create('198.51.100.31')).status).toBe(201);
    vi.setSystemTime(new Date('2026-11-25T13:00:01Z'));
    expect((await create('198.51.100.30', { 'Idempotency-Key': 'late' })).status).toBe(201);
    expect(await h.runtime.database.db.selectFrom('portfolios').select('id').execute()).toHaveLength(5);
  });
});

describe('/openapi.json', () => {
  let h: Harness;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-25T12:00:00Z'));
    h = await startHarness('sqlite::memory:', { RATE_LIMIT_ANONYMOUS: '3' });
  });
  afterEach(async () => {
    await h.close();
    vi.useRealTimers();
  });

  it('is generated once, served with an ETag (304 on a match) and rate limited', async () => {
    const generate = vi.spyOn(h.runtime.app, 'getOpenAPI31Document');
    const first = await h.request('/openapi.json', { ip: '198.51.100.40' });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(((await first.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const again = await h.request('/openapi.json', { ip: '198.51.100.40', headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const third = await h.request('/openapi.json', { ip: '198.51.100.40' });
    expect(third.headers.get('etag')).toBe(etag);
    expect(generate).toHaveBeenCalledTimes(1);
    const limited = await h.request('/openapi.json', { ip: '198.51.100.40' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
