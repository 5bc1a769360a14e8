import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from '#test/harness.ts';
import { seedDemo } from '../demo/demo.service.ts';
import { deriveLatestPrices } from '../prices/derive-latest.ts';

let h: Harness;
let runId: string;
beforeAll(async () => {
  h = await startHarness('sqlite::memory:');
  runId = (await seedDemo(h.runtime.ingest, { cards: 20, printingsPerCard: 1, days: 30, seed: 3, end: '2026-11-24' }))
    .id;
  await deriveLatestPrices(h.runtime.database);
});
afterAll(() => h.close());

describe('GET /v1/meta', () => {
  it('labels demo data and reports per-market latest date, freshness and coverage', async () => {
    const res = await h.request('/v1/meta');
    expect(res.status).toBe(200);
    const meta = (await res.json()) as {
      dataset: { kind: string; demo: boolean };
      markets: Record<string, unknown>[];
      sources: { feed: string }[];
    };
    expect(meta.dataset).toMatchObject({ kind: 'demo', demo: true });
    expect(meta.markets).toHaveLength(1);
    expect(meta.markets[0]).toMatchObject({
      market: 'tcgplayer',
      currency: 'USD',
      latest_date: '2026-11-24',
      freshness_days: 1,
      stale: false,
      series: 20,
    });
    expect(Number(meta.markets[0]!.current)).toBeLessThanOrEqual(20);
    expect(meta.sources.map((s) => s.feed)).toContain('tcgcsv');
  });

  it('reports staleness by the clock, not by the data', async () => {
    h.clock.set('2026-12-01T12:00:00.000Z');
    const meta = (await (await h.request('/v1/meta')).json()) as {
      markets: { freshness_days: number; stale: boolean }[];
    };
    expect(meta.markets[0]).toMatchObject({ freshness_days: 7, stale: true });
    h.clock.set('2026-11-25T12:00:00.000Z');
  });
});

describe('ingestion runs (viewer role)', () => {
  it('lists runs with their accounting and shows one by id', async () => {
    const { key } = await h.runtime.keys.create({ name: 'v', role: 'viewer' }, { actor: 'test', role: 'admin' });
    const list = await h.request('/v1/admin/ingestion/runs?source=demo', { headers: bearer(key) });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      items: {
        id: string;
        rows_read: number;
        accepted: number;
        updated: number;
        unchanged: number;
        rejected: number;
        rejected_by_reason: object;
      }[];
    };
    expect(body.items).toHaveLength(1);
    const run = body.items[0]!;
    expect(run.id).toBe(runId);
    expect(run.rows_read).toBe(run.accepted + run.updated + run.unchanged + run.rejected);
    expect(run.accepted).toBeGreaterThan(500);
    const one = await h.request(`/v1/admin/ingestion/runs/${runId}`, { headers: bearer(ADMIN_TOKEN) });
    expect(((await one.json()) as { status: string }).status).toBe('succeeded');
    expect((await h.request('/v1/admin/ingestion/runs/run_nope', { headers: bearer(key) })).status).toBe(404);
  });
});
