import { OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../app.ts';
import type { Database } from '../db/database.ts';
import { jsonResponse, versionedRead } from './conditional.ts';
import type { AppEnv, Platform } from './context.ts';
import { RateLimits } from './rate-limit.ts';
import { ResponseCache } from './response-cache.ts';
import { createRouter, defineRoute } from './route.ts';

const itemsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/items',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }) },
    responses: { 200: { description: 'Items.' } },
  },
);

/** A public read on a version the test sets, counting the handler's runs and the version reads. */
function itemsApp(anonymousPoints = 1000) {
  const state = { version: 'v1', versionReads: 0, handlerRuns: 0 };
  const platform = {
    responseCache: new ResponseCache(1_000_000),
    database: { dialect: 'postgres' } as Database,
    rateLimits: new RateLimits({
      windowSeconds: 60,
      anonymousPoints,
      authenticatedPoints: 1000,
      authFailurePoints: 10,
      portfolioCreationsPerHour: 10,
      alertCreationsPerHour: 10,
    }),
  } as Platform;
  const readVersion = () => {
    state.versionReads++;
    return Promise.resolve(state.version);
  };
  const router = createRouter();
  router.openapi(itemsRoute, (c) => {
    state.handlerRuns++;
    const { limit } = c.req.valid('query');
    return versionedRead(c, readVersion, () => Promise.resolve(jsonResponse({ limit, version: state.version })));
  });
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('platform', platform);
    c.set('principal', null);
    c.set('clientIp', '192.0.2.1');
    await next();
  });
  app.route('/', router);
  app.onError(handleError);
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const before = { versionReads: state.versionReads, handlerRuns: state.handlerRuns };
    const res = await app.request(path, { headers });
    return {
      res,
      text: await res.text(),
      headers: Object.fromEntries(res.headers),
      versionReads: state.versionReads - before.versionReads,
      handlerRuns: state.handlerRuns - before.handlerRuns,
    };
  };
  return { state, platform, get };
}

describe('a cached public read answered before validation', () => {
  it('answers a URL whose answer is cached without running the route again: same bytes, same headers, one version read', async () => {
    const { get } = itemsApp();
    const first = await get('/v1/items?limit=3');
    expect(first.res.status).toBe(200);
    expect(first).toMatchObject({ versionReads: 1, handlerRuns: 1, text: '{"limit":3,"version":"v1"}' });
    const again = await get('/v1/items?limit=3');
    expect(again).toMatchObject({ versionReads: 1, handlerRuns: 0, text: first.text });
    expect({ ...again.headers, ratelimit: '' }).toEqual({ ...first.headers, ratelimit: '' });
    expect(first.headers).toMatchObject({
      etag: 'W/"2-v1"',
      'cache-control': 'public, max-age=60, stale-while-revalidate=30',
      'content-type': 'application/json',
      ratelimit: '"anonymous";r=999;t=60',
    });
    expect(again.headers.ratelimit).toBe('"anonymous";r=998;t=60');
  });

  it('answers 304 there when the client holds the ETag, and counts hits as the route would', async () => {
    const { get, platform } = itemsApp();
    await get('/v1/items');
    const cache = platform.responseCache;
    const hits = cache.hits;
    const notModified = await get('/v1/items', { 'If-None-Match': 'W/"2-v1"' });
    expect(notModified).toMatchObject({ versionReads: 1, handlerRuns: 0, text: '' });
    expect(notModified.res.status).toBe(304);
    expect(notModified.headers).toMatchObject({ etag: 'W/"2-v1"' });
    expect(cache.hits).toBe(hits);
    await get('/v1/items');
    expect(cache.hits).toBe(hits + 1);
  });

  it('hands the version it read on to the route when the data changed, so the request still reads it once', async () => {
    const { get, state, platform } = itemsApp();
    await get('/v1/items?limit=2');
    state.version = 'v2';
    const misses = platform.responseCache.misses;
    const changed = await get('/v1/items?limit=2');
    expect(changed).toMatchObject({ versionReads: 1, handlerRuns: 1, text: '{"limit":2,"version":"v2"}' });
    expect(changed.headers.etag).toBe('W/"2-v2"');
    expect(platform.responseCache.misses).toBe(misses + 1);
    expect(await get('/v1/items?limit=2')).toMatchObject({ handlerRuns: 0, text: changed.text });
  });

  it('validates every other URL: a bad query is refused though a good one of the same route is cached', async () => {
    const { get } = itemsApp();
    await get('/v1/items?limit=3');
    const refused = await get('/v1/items?limit=30');
    expect(refused.res.status).toBe(422);
    expect(refused).toMatchObject({ versionReads: 0, handlerRuns: 0 });
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'validation_failed', errors: [{ field: 'query.limit' }] });
  });

  it('still refuses control characters in headers and counts cache hits against the rate limit', async () => {
    const { get } = itemsApp(3);
    expect((await get('/v1/items')).res.status).toBe(200);
    const control = await get('/v1/items', { 'X-Note': 'a\u0001b' });
    expect(control.res.status).toBe(422);
    expect(JSON.parse(control.text)).toMatchObject({ errors: [{ field: 'header.x-note' }] });
    expect(control.versionReads).toBe(0);
    expect((await get('/v1/items')).res.status).toBe(200);
    const limited = await get('/v1/items');
    expect(limited.res.status).toBe(429);
    expect(limited).toMatchObject({ versionReads: 0, handlerRuns: 0 });
    expect(JSON.parse(limited.text)).toMatchObject({ code: 'rate_limited' });
  });
});
