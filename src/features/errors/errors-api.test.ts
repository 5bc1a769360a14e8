/**
 * GET /v1/admin/errors through the full app on both databases: counts per code from roll-up rows
 * (inserted directly, as every process's roll-up writer would), the window, the registry's
 * meaning beside each code, the viewer role, and a bad window refused as a problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestRollupsTable } from '../../platform/db/schema.ts';
import { dialects, label } from '#test/dialects.ts';
import { bearer, harnessDatabase } from '#test/harness.ts';
import { windowMs } from './errors.routes.ts';

interface Answer {
  window: string;
  from: string;
  to: string;
  requests: number;
  problems: number;
  items: {
    code: string;
    status: number | null;
    status_class: string;
    registered: boolean;
    meaning: string | null;
    retry: string | null;
    count: number;
    share: number;
  }[];
}

/** The harness clock reads 2026-11-25T12:00:00Z. */
const seeded: [minute: string, route: string, status_class: string, code: string, requests: number][] = [
  ['2026-11-25T11:59:00.000Z', '/v1/cards/:id', '2xx', '', 80],
  ['2026-11-25T11:59:00.000Z', '/v1/cards/:id', '4xx', 'card_not_found', 5],
  ['2026-11-25T11:59:00.000Z', '/v1/cards', '5xx', 'database_unavailable', 1],
  ['2026-11-25T11:58:00.000Z', '/v1/cards', '4xx', 'legacy_code', 1],
  ['2026-11-25T11:30:00.000Z', '/v1/cards', '4xx', 'validation_failed', 3],
  ['2026-11-25T11:00:00.000Z', '/v1/movers', '4xx', 'validation_failed', 4],
  ['2026-11-25T10:00:00.000Z', '/v1/cards', '4xx', 'rate_limited', 50],
  ['2026-11-22T12:00:00.000Z', '/v1/cards', '5xx', 'internal_error', 2],
];
const SEEDED_CODES = new Set(seeded.map((s) => s[3]));

describe('windowMs', () => {
  it('reads a count and a unit, up to 90 days', () => {
    expect(windowMs('15m')).toBe(900_000);
    expect(windowMs('24h')).toBe(86_400_000);
    expect(windowMs('90d')).toBe(90 * 86_400_000);
    for (const bad of ['91d', '0h', '1w', 'h', '1.5h', '-1h', '01h', ' 1h']) expect(windowMs(bad), bad).toBeNull();
  });
});

describe.each(dialects)('GET /v1/admin/errors on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let viewer: Record<string, string>;
    beforeAll(async () => {
      viewer = bearer(
        (await h.runtime.keys.create({ name: 'view', role: 'viewer' }, { actor: 'test', role: 'admin' })).key,
      );
      const rows: RequestRollupsTable[] = seeded.map(([minute, route, status_class, code, requests]) => ({
        minute,
        route,
        method: 'GET',
        status_class,
        code,
        requests,
        duration_seconds_sum: requests * 0.01,
        le_5ms: 0,
        le_10ms: requests,
        le_25ms: requests,
        le_50ms: requests,
        le_100ms: requests,
        le_250ms: requests,
        le_500ms: requests,
        le_1000ms: requests,
        le_2500ms: requests,
        le_5000ms: requests,
        le_10000ms: requests,
      }));
      await h.runtime.database.db.insertInto('request_rollups').values(rows).execute();
    });

    const read = async (query = '') => {
      const res = await h.request(`/v1/admin/errors${query}`, { headers: viewer });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Answer;
      // This test's own requests are rolled up too once a writer flushes: only the seeded codes are compared.
      return { ...body, items: body.items.filter((i) => SEEDED_CODES.has(i.code)) };
    };
    const counts = (a: Answer) => a.items.map((i) => [i.code, i.count]);

    it('needs credentials (viewer is enough)', async () => {
      const res = await h.request('/v1/admin/errors');
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('unauthorized');
    });

    it('counts the last 24 hours by default, most frequent first, with the registry beside each code', async () => {
      const a = await read();
      expect(a).toMatchObject({ window: '24h', from: '2026-11-24T12:00:00.000Z', to: '2026-11-25T12:00:00.000Z' });
      expect(counts(a)).toEqual([
        ['rate_limited', 50],
        ['validation_failed', 7],
        ['card_not_found', 5],
        ['database_unavailable', 1],
        ['legacy_code', 1],
      ]);
      expect(a.requests).toBeGreaterThanOrEqual(144);
      expect(a.items[0]).toEqual({
        code: 'rate_limited',
        status: 429,
        status_class: '4xx',
        registered: true,
        meaning: expect.stringContaining('budget') as string,
        retry: 'after',
        count: 50,
        share: 50 / a.requests,
      });
      expect(a.items.find((i) => i.code === 'legacy_code')).toMatchObject({
        registered: false,
        status: null,
        meaning: null,
        retry: null,
        status_class: '4xx',
      });
    });

    it('narrows to the minutes that overlap a shorter window and widens to a longer one', async () => {
      const hour = await read('?window=1h');
      expect(hour.from).toBe('2026-11-25T11:00:00.000Z');
      expect(counts(hour)).toEqual([
        ['validation_failed', 7],
        ['card_not_found', 5],
        ['database_unavailable', 1],
        ['legacy_code', 1],
      ]);
      expect(counts(await read('?window=30m'))).toEqual([
        ['card_not_found', 5],
        ['validation_failed', 3],
        ['database_unavailable', 1],
        ['legacy_code', 1],
      ]);
      const week = await read('?window=7d');
      expect(week.items.find((i) => i.code === 'internal_error')).toMatchObject({
        status: 500,
        count: 2,
        retry: 'yes',
      });
    });

    it('refuses a bad window with a 422 problem; every problem is counted in cardquant_http_problems_total', async () => {
      for (const window of ['1w', '91d', '36d']) {
        const res = await h.request(`/v1/admin/errors?window=${window}`, { headers: viewer });
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const body = (await res.json()) as { code: string; errors: { field: string }[] };
        expect(body.code).toBe('validation_failed');
        expect(body.errors.map((e) => e.field)).toEqual(['query.window']);
        if (window === '36d') expect(JSON.stringify(body)).toContain('ROLLUP_RETENTION_DAYS');
      }
      // The default ROLLUP_RETENTION_DAYS (35) is the longest window answered.
      expect((await h.request('/v1/admin/errors?window=35d', { headers: viewer })).status).toBe(200);
      // Problems built outside any route (no route, wrong method) are counted the same way.
      expect((await h.request('/v1/no-such-route')).status).toBe(404);
      expect((await h.request('/v1/admin/errors', { method: 'PUT', headers: viewer })).status).toBe(405);
      const metrics = await (await h.request('/metrics', { headers: viewer })).text();
      expect(metrics).toContain('cardquant_http_problems_total{code="route_not_found",status="404"} 1');
      expect(metrics).toContain('cardquant_http_problems_total{code="method_not_allowed",status="405"} 1');
      expect(metrics).not.toMatch(/code="unregistered"/);
      expect(metrics).toContain('cardquant_http_problems_total{code="validation_failed",status="422"} 3');
      expect(metrics).toContain('cardquant_http_problems_total{code="unauthorized",status="401"} 1');
      expect(metrics).toContain('cardquant_http_problems_total{code="rate_limited",status="429"} 0');
    });
  });
});
