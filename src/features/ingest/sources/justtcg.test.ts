// Fixtures: shapes follow justtcg-js's published types (`Card`, `Variant`, and the v1 wire envelope
// `{ data, meta, _metadata }` its response handler reads); no recorded JustTCG responses are
// shared. Product ids follow TCGplayer's public ones; prices are made up.
import type { Card, Variant } from 'justtcg-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { recordingSleep, startReplay, type Replay } from '#test/replay-server.ts';
import { ProductMap } from '../../catalog/product-map.ts';
import { catalogWriter } from '../context.ts';
import { conditionCode, importJusttcgPrices, mapJusttcgCards, type JusttcgOptions } from './justtcg.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const variant = (
  condition: string,
  printing: string,
  history: [string, number | null][],
  language: string | null = 'English',
): Variant => ({
  id: `v-${condition}-${printing}-${language}`.toLowerCase().replace(/\s+/g, '-'),
  uuid: '00000000-0000-4000-8000-000000000000',
  condition: condition as Variant['condition'],
  printing,
  language,
  price: history.at(-1)?.[1] ?? 0,
  lastUpdated: at('2025-10-20T12:00:00Z'),
  priceHistory: history.map(([iso, p]) => ({ t: at(iso), p: p as number })),
});
const card = (tcgplayerId: string, name: string, variants: Variant[]): Card => ({
  id: `pokemon-base-set-${name.toLowerCase()}`,
  uuid: '00000000-0000-4000-8000-000000000001',
  name,
  game: 'Pokemon',
  set: 'base-set-pokemon',
  number: '4/102',
  rarity: 'Holo Rare',
  tcgplayerId,
  scryfallId: null,
  mtgjsonId: null,
  variants,
});
const CARDS: Record<string, Card[]> = {
  '42382': [
    card('42382', 'Charizard', [
      variant('Near Mint', 'Holofoil', [
        ['2025-10-17T00:00:00Z', 365],
        ['2025-10-18T00:00:00Z', 370],
        ['2025-10-19T00:00:00Z', 372.5],
        ['2025-10-20T00:00:00Z', 374],
        ['2025-10-20T12:00:00Z', 375.5],
      ]),
      variant('Lightly Played', 'Holofoil', [
        ['2025-10-19T00:00:00Z', 300],
        ['2025-10-20T00:00:00Z', 301.25],
      ]),
      variant('Damaged', 'Holofoil', [
        ['2025-10-19T00:00:00Z', null],
        ['2025-10-20T00:00:00Z', 120],
      ]),
      variant('Near Mint', 'Holofoil', [['2025-10-20T00:00:00Z', 500]], 'Japanese'),
      variant('Mint', 'Holofoil', [['2025-10-20T00:00:00Z', 999]]),
    ]),
  ],
  '42480': [
    card('42480', 'Pikachu', [
      variant(
        'Near Mint',
        'Normal',
        [
          ['2025-10-19T00:00:00Z', 0.89],
          ['2025-10-20T00:00:00Z', 0.91],
        ],
        null,
      ),
    ]),
  ],
  '77777': [card('77777', 'Booster', [variant('Sealed', 'Normal', [['2025-10-20T00:00:00Z', 4.5]])])],
  '99999': [],
};
const usage = {
  apiRequestLimit: 1000,
  apiDailyLimit: 100,
  apiRateLimit: 10,
  apiRequestsUsed: 1,
  apiDailyRequestsUsed: 1,
  apiRequestsRemaining: 999,
  apiDailyRequestsRemaining: 99,
  apiPlan: 'Free Tier',
};

let replay: Replay;
const rec = recordingSleep();
const RANGE = { from: '2025-10-18', to: '2025-10-20' };
const options = (extra: Partial<JusttcgOptions> = {}): JusttcgOptions => ({
  apiKey: 'test-key',
  baseUrl: replay.baseUrl,
  ...RANGE,
  retries: 2,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  sleep: rec.sleep,
  ...extra,
});
const keys = () => replay.requests.map((r) => r.key);

beforeAll(async () => {
  replay = await startReplay((url, headers) => {
    if (url.pathname !== '/v1/cards') return null;
    const id = url.searchParams.get('tcgplayerId') ?? '';
    if (headers['x-api-key'] === 'revoked')
      return {
        key: `cards:${id}`,
        status: 401,
        body: JSON.stringify({ error: 'Invalid API key', code: 'UNAUTHORIZED' }),
      };
    const data = CARDS[id] ?? [];
    return {
      key: `cards:${id}`,
      body: JSON.stringify({
        data,
        meta: { total: data.length, limit: 20, offset: 0, hasMore: false },
        _metadata: usage,
      }),
    };
  });
});
afterAll(() => replay.close());
beforeEach(() => {
  replay.reset();
  rec.waits.length = 0;
});

describe('JustTCG mapping', () => {
  it('maps condition names and abbreviations to short codes', () => {
    expect(
      [
        'Near Mint',
        'Lightly Played',
        'Moderately Played',
        'Heavily Played',
        'Damaged',
        'Sealed',
        'nm',
        'DMG',
        'Mint',
        7,
      ].map(conditionCode),
    ).toEqual(['NM', 'LP', 'MP', 'HP', 'DMG', 'S', 'NM', 'DMG', null, null]);
  });

  it('turns history points into dated tcgplayer observations within the range', () => {
    const m = mapJusttcgCards(CARDS['42382']!, 42382, RANGE);
    expect(m.rejected).toEqual({ other_language: 1, unknown_condition: 1 });
    expect(m.observations.filter((o) => o.condition === 'NM').map((o) => [o.date, o.prices.market])).toEqual([
      ['2025-10-18', 370],
      ['2025-10-19', 372.5],
      ['2025-10-20', 374],
      ['2025-10-20', 375.5],
    ]);
    expect(m.observations[0]).toEqual({
      ref: { kind: 'tcgplayer', productId: 42382, subType: 'Holofoil' },
      market: 'tcgplayer',
      currency: 'USD',
      condition: 'NM',
      date: '2025-10-18',
      sourceAsOf: '2025-10-18',
      prices: { market: 370 },
    });
    expect(
      mapJusttcgCards(
        [{ variants: [{ condition: 'Near Mint', printing: 'Normal', priceHistory: [{ t: 'x', p: 1 }] }] }],
        1,
        {},
      ).rejected,
    ).toEqual({ malformed_row: 1 });
    expect(
      mapJusttcgCards([{ variants: [{ condition: 'Near Mint', priceHistory: [{ t: 1760918400, p: 1 }] }] }], 1, {})
        .rejected,
    ).toEqual({ malformed_row: 1 });
  });
});

describe.each(dialects)('JustTCG price history on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    beforeAll(async () => {
      const w = catalogWriter(ctx);
      await w.upsertSets([{ id: 'base1', name: 'Base' }], '2025-10-01T00:00:00.000Z');
      await w.upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'base1-58', setId: 'base1', number: '58', name: 'Pikachu' },
        ],
        '2025-10-01T00:00:00.000Z',
      );
      const map = await ProductMap.load(ctx.database.db);
      await map.upsert(
        [
          { productId: 42382, cardId: 'base1-4', kind: 'card', feed: 'test' },
          { productId: 42480, cardId: 'base1-58', kind: 'card', feed: 'test' },
          { productId: 77777, cardId: null, kind: 'sealed', feed: 'test' },
        ],
        '2025-10-01T00:00:00.000Z',
      );
    });

    it('fails the run with a clear reason and calls nobody without an API key', async () => {
      const run = await importJusttcgPrices(ctx, options({ apiKey: undefined }));
      expect(run).toMatchObject({
        status: 'failed',
        rows_read: 0,
        error: 'JustTCG needs an API key: set JUSTTCG_API_KEY (the justtcg source is paid)',
      });
      expect(replay.requests).toHaveLength(0);
    });

    it('imports a year of history by product and condition, with exact cents; a re-run is unchanged', async () => {
      const run = await importJusttcgPrices(ctx, options({ productIds: [99999, 42480, 77777, 42382] }));
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 8,
        updated: 0,
        unchanged: 0,
        rejected: 5,
        failures: [],
      });
      expect(run.rejected_by_reason).toEqual({
        other_language: 1,
        unknown_condition: 1,
        duplicate_row: 1,
        all_prices_null: 1,
        sealed_product: 1,
      });
      expect(keys()).toEqual(['cards:42382', 'cards:42480', 'cards:77777', 'cards:99999']);
      for (const r of replay.requests) {
        expect(r.headers['x-api-key']).toBe('test-key');
        expect(r.url.searchParams.get('include_price_history')).toBe('true');
        expect(r.url.searchParams.get('priceHistoryDuration')).toBe('1y');
      }
      const prices = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select([
          'printings.id',
          'printings.tcgplayer_product_id',
          'printings.tcgplayer_sub_type',
          'condition',
          'date',
          'currency',
          'feed',
          'market_cents',
        ])
        .orderBy('printings.id')
        .orderBy('condition')
        .orderBy('date')
        .execute();
      const row = (id: string, pid: number, sub: string, condition: string, date: string, cents: number) => ({
        id,
        tcgplayer_product_id: pid,
        tcgplayer_sub_type: sub,
        condition,
        date,
        currency: 'USD',
        feed: 'justtcg',
        market_cents: cents,
      });
      expect(prices).toEqual([
        row('base1-4.holofoil', 42382, 'Holofoil', 'DMG', '2025-10-20', 12000),
        row('base1-4.holofoil', 42382, 'Holofoil', 'LP', '2025-10-19', 30000),
        row('base1-4.holofoil', 42382, 'Holofoil', 'LP', '2025-10-20', 30125),
        row('base1-4.holofoil', 42382, 'Holofoil', 'NM', '2025-10-18', 37000),
        row('base1-4.holofoil', 42382, 'Holofoil', 'NM', '2025-10-19', 37250),
        row('base1-4.holofoil', 42382, 'Holofoil', 'NM', '2025-10-20', 37550),
        row('base1-58.normal', 42480, 'Normal', 'NM', '2025-10-19', 89),
        row('base1-58.normal', 42480, 'Normal', 'NM', '2025-10-20', 91),
      ]);
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.checkpoint!)).toEqual({ afterProductId: 99999 });
      const again = await importJusttcgPrices(ctx, options({ productIds: [42382, 42480, 77777, 99999] }));
      expect(again).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 0,
        updated: 0,
        unchanged: 8,
        rejected: 5,
      });
    });

    it('defaults to the products our printings carry, and resumes after a checkpoint', async () => {
      const run = await importJusttcgPrices(ctx, options());
      expect(keys()).toEqual(['cards:42382', 'cards:42480']);
      expect(run).toMatchObject({ status: 'succeeded', unchanged: 8 });
      replay.reset();
      await importJusttcgPrices(ctx, options({ resume: { afterProductId: 42382 } }));
      expect(keys()).toEqual(['cards:42480']);
    });

    it('waits out a 429 with Retry-After, records a malformed product and keeps the checkpoint before it', async () => {
      replay.script.set('cards:42382', [{ status: 429, retryAfter: '12' }, { status: 502 }]);
      replay.script.set('cards:42480', ['malformed']);
      const run = await importJusttcgPrices(ctx, options({ productIds: [42382, 42480, 77777] }));
      expect(run.status).toBe('partial');
      expect(run.failures).toEqual([
        { item: 'product 42480', error: expect.stringMatching(/^malformed: invalid JSON from JustTCG/) },
      ]);
      expect(run).toMatchObject({ rows_read: 11, unchanged: 6, rejected: 5 });
      expect(rec.waits[0]).toBe(12_000);
      expect(rec.waits).toHaveLength(2);
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.checkpoint!)).toEqual({ afterProductId: 42382 });
    });

    it('fails the run on a refused key after one request', async () => {
      const run = await importJusttcgPrices(ctx, options({ apiKey: 'revoked', productIds: [42382, 42480] }));
      expect(run).toMatchObject({ status: 'failed', error: 'JustTCG refused the API key (HTTP 401)' });
      expect(replay.requests).toHaveLength(1);
    });

    it('fails an empty product list and an empty result, saying so: a run that reads nothing never succeeds', async () => {
      const none = await importJusttcgPrices(ctx, options({ productIds: [] }));
      expect(none).toMatchObject({
        status: 'failed',
        rows_read: 0,
        error: 'no TCGplayer product ids to ask JustTCG for',
      });
      const empty = await importJusttcgPrices(ctx, options({ productIds: [99999] }));
      expect(empty).toMatchObject({
        status: 'failed',
        rows_read: 0,
        failures: [],
        error: 'JustTCG returned no prices for the given products',
      });
      expect(keys()).toEqual(['cards:99999']);
    });
  });
});
