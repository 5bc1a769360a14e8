import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { startHarness, type Harness } from '#test/harness.ts';
import { dropRedisPrefix, REDIS_TEST_URL, redisSkip, redisTestPrefix } from '#test/redis.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { openMigrated } from '../../runtime.ts';
import { RateLimits } from './rate-limit.ts';
import { chooseRateLimitStore, openRateLimitStore, postgresStore } from './rate-limit-store.ts';

const postgres = dialects.find((d) => d.name === 'postgres')!;
const LIMITS = { RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_WINDOW_SECONDS: '60', METRICS_PUBLIC: 'true' };
const settings = {
  windowSeconds: 60,
  anonymousPoints: 3,
  authenticatedPoints: 5,
  authFailurePoints: 30,
  portfolioCreationsPerHour: 20,
  alertCreationsPerHour: 60,
};

describe('choosing the rate-limit store', () => {
  const pg = 'postgres://u@db:5432/cq';
  const lite = 'sqlite:./x.db';
  const choose = (
    env: { RATE_LIMIT_STORE?: 'auto' | 'memory' | 'postgres' | 'redis' | 'cluster'; REDIS_URL?: string },
    url: string,
    replicated: boolean,
    inClusterWorker = false,
  ) => chooseRateLimitStore({ RATE_LIMIT_STORE: 'auto', DATABASE_URL: url, ...env }, { replicated, inClusterWorker });

  it('auto: redis when REDIS_URL is set, postgres for serve on PostgreSQL, cluster in a worker, else memory', () => {
    expect(choose({ REDIS_URL: 'redis://r:6379' }, lite, false)).toBe('redis');
    expect(choose({ REDIS_URL: 'redis://r:6379' }, pg, true)).toBe('redis');
    expect(choose({}, pg, true)).toBe('postgres');
    expect(choose({}, pg, false)).toBe('memory');
    expect(choose({}, lite, true, true)).toBe('cluster');
    expect(choose({}, lite, true, false)).toBe('memory');
  });

  it('an explicit choice wins', () => {
    expect(choose({ RATE_LIMIT_STORE: 'memory', REDIS_URL: 'redis://r:6379' }, pg, true)).toBe('memory');
    expect(choose({ RATE_LIMIT_STORE: 'postgres' }, pg, false)).toBe('postgres');
  });

  it('refuses redis without REDIS_URL and postgres on SQLite', () => {
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/REDIS_URL: required/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'postgres', DATABASE_URL: lite })).toThrow(/needs a PostgreSQL/);
  });
});

/**
 * Two app instances (as two processes or replicas would be) on one database: the anonymous budget
 * of 3 per IP is spent across both when the store is shared, and per instance when it is memory.
 */
function twoInstances(url: () => string, overrides: () => Record<string, string>): [Harness, Harness] {
  const pair: Harness[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++)
      pair.push(await startHarness(url(), { ...LIMITS, ...overrides() }, { replicated: true }));
  });
  afterAll(async () => {
    for (const h of pair) await h.close();
  });
  return [
    new Proxy({} as Harness, { get: (_t, p) => Reflect.get(pair[0]!, p) }),
    new Proxy({} as Harness, { get: (_t, p) => Reflect.get(pair[1]!, p) }),
  ];
}

async function expectSharedBudget(a: Harness, b: Harness, ip: string): Promise<void> {
  const seen = [];
  for (const h of [a, b, a]) {
    const res = await h.request('/metrics', { ip });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('"anonymous";q=3;w=60');
    seen.push(res.headers.get('ratelimit'));
  }
  // The window's reset (t) counts down in real time while the requests run.
  expect(seen.map((v) => v?.replace(/;t=(5\d|60)$/, ''))).toEqual([
    '"anonymous";r=2',
    '"anonymous";r=1',
    '"anonymous";r=0',
  ]);
  for (const h of [b, a]) {
    const refused = await h.request('/metrics', { ip });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/^"anonymous";r=0;t=(5\d|60)$/);
    expect(refused.headers.get('retry-after')).toMatch(/^(5\d|60)$/);
    expect(((await refused.json()) as { code: string }).code).toBe('rate_limited');
  }
  // Another IP has its own budget in the shared store.
  expect((await b.request('/metrics', { ip: `${ip}1` })).status).toBe(200);
}

describe('rate limits across two instances', () => {
  describe('memory', () => {
    const [a, b] = twoInstances(
      () => 'sqlite::memory:',
      () => ({ RATE_LIMIT_STORE: 'memory' }),
    );
    it('counts per instance: each spends its own budget', async () => {
      for (let i = 0; i < 3; i++) expect((await a.request('/metrics', { ip: '198.51.100.20' })).status).toBe(200);
      expect((await a.request('/metrics', { ip: '198.51.100.20' })).status).toBe(429);
      const other = await b.request('/metrics', { ip: '198.51.100.20' });
      expect(other.status).toBe(200);
      expect(other.headers.get('ratelimit')).toBe('"anonymous";r=2;t=60');
      expect(a.runtime.platform.rateLimits.storeKind).toBe('memory');
    });
  });

  describe.skipIf(postgres.skip !== null)(`postgres store on ${label(postgres)}`, () => {
    let url = '';
    beforeAll(async () => {
      url = await postgres.create();
    });
    afterAll(async () => {
      if (url) await postgres.drop(url);
    });
    const [a, b] = twoInstances(
      () => url,
      () => ({}),
    );

    it('auto picks it for serve on PostgreSQL and the budget is shared', async () => {
      expect(a.runtime.platform.rateLimits.storeKind).toBe('postgres');
      await expectSharedBudget(a, b, '198.51.100.30');
    });

    it('costs one counted statement per request: the upsert', async () => {
      const database = a.runtime.database;
      const limits = new RateLimits(settings, { store: postgresStore(database) });
      const before = database.queryCount;
      await limits.take(null, '198.51.100.32');
      expect(database.queryCount - before).toBe(1);
    });

    it('falls back to per-process memory when the database does not answer, counted, never an error', async () => {
      const database = await openMigrated(loadConfig({ DATABASE_URL: url }), createLogger('silent'));
      const registry = new Registry();
      const lines: string[] = [];
      const log = createLogger('info', { write: (l: string) => void lines.push(l) });
      const opened = await openRateLimitStore(loadConfig({ DATABASE_URL: url }), database, log, registry, {
        replicated: true,
      });
      const limits = new RateLimits(settings, opened);
      await database.close();
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limits.take(null, '198.51.100.33'));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]!.headers['Retry-After']).toBe('60');
      expect(await registry.getSingleMetricAsString('cardquant_rate_limit_store_errors_total')).toContain(
        'cardquant_rate_limit_store_errors_total{store="postgres"} 4',
      );
      // Logged once, not per request.
      expect(lines.filter((l) => l.includes('rate-limit store failed'))).toHaveLength(1);
    });
  });

  describe.skipIf(redisSkip !== null)(`redis store${redisSkip ? ` (${redisSkip})` : ''}`, () => {
    const prefix = redisTestPrefix();
    afterAll(() => dropRedisPrefix(prefix));
    const [a, b] = twoInstances(
      () => 'sqlite::memory:',
      () => ({ REDIS_URL: REDIS_TEST_URL, RATE_LIMIT_REDIS_PREFIX: prefix }),
    );

    it('auto picks it when REDIS_URL is set and the budget is shared, with no database statement', async () => {
      expect(a.runtime.platform.rateLimits.storeKind).toBe('redis');
      await expectSharedBudget(a, b, '198.51.100.40');
      const database = a.runtime.database;
      const before = database.queryCount;
      await a.runtime.platform.rateLimits.take(null, '198.51.100.41');
      expect(database.queryCount).toBe(before);
    });
  });

  it('falls back to per-process memory when Redis does not answer, counted, never an error', async () => {
    // Port 1 on loopback refuses connections: the store starts without Redis and keeps trying.
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'sqlite::memory:' });
    const database = openDatabase('sqlite::memory:');
    const registry = new Registry();
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => void lines.push(l) });
    const opened = await openRateLimitStore(config, database, log, registry, { replicated: true });
    const limits = new RateLimits(settings, opened);
    try {
      expect(limits.storeKind).toBe('redis');
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limits.take(null, '198.51.100.50'));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions[0]!.headers).toEqual({
        'RateLimit-Policy': '"anonymous";q=3;w=60',
        RateLimit: '"anonymous";r=2;t=60',
      });
      expect(await registry.getSingleMetricAsString('cardquant_rate_limit_store_errors_total')).toContain(
        'cardquant_rate_limit_store_errors_total{store="redis"} 4',
      );
      expect(lines.some((l) => l.includes('redis is not answering'))).toBe(true);
    } finally {
      await limits.close();
      await database.close();
    }
  });
});
