import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext, ingestDatabase } from '#test/ingest-harness.ts';
import { importPokemontcgCatalog, importPokemontcgPrices, type PokemontcgApiOptions } from './pokemontcg-api.ts';

// --- Fixtures in the /v2 response format (invented cards, real field names) -------------------

const setObj = (id: string, name: string, total: number) => ({
  id,
  name,
  series: 'Test Series',
  printedTotal: total,
  total,
  legalities: { unlimited: 'Legal' },
  ptcgoCode: id.toUpperCase(),
  releaseDate: '1999/01/09',
  updatedAt: '2022/10/10 15:12:00',
  images: {
    symbol: `https://images.pokemontcg.io/${id}/symbol.png`,
    logo: `https://images.pokemontcg.io/${id}/logo.png`,
  },
});

const GOOD_SETS = [setObj('tst1', 'Test Base', 5), setObj('tst2', 'Test Jungle', 3), setObj('empty', 'Test Empty', 0)];
const BROKEN_SETS = [setObj('trunc', 'Truncated', 1), setObj('cut', 'Cut Off', 1), setObj('bad', 'Malformed', 1)];
const setOf = (id: string) => [...GOOD_SETS, ...BROKEN_SETS].find((s) => s.id === id)!;

const cardObj = (setId: string, n: number, extra: Record<string, unknown> = {}) => ({
  id: `${setId}-${n}`,
  name: `Testmon ${n}`,
  supertype: 'Pokémon',
  subtypes: ['Basic'],
  hp: '60',
  types: ['Grass'],
  attacks: [{ name: 'Tackle', cost: ['Colorless'], convertedEnergyCost: 1, damage: '10', text: '' }],
  set: setOf(setId),
  number: String(n),
  artist: 'Test Artist',
  rarity: 'Common',
  legalities: { unlimited: 'Legal' },
  images: {
    small: `https://images.pokemontcg.io/${setId}/${n}.png`,
    large: `https://images.pokemontcg.io/${setId}/${n}_hires.png`,
  },
  ...extra,
});

const CARDS: Record<string, unknown[]> = {
  tst1: [
    cardObj('tst1', 1, {
      rarity: 'Rare Holo',
      tcgplayer: {
        url: 'https://prices.pokemontcg.io/tcgplayer/tst1-1',
        updatedAt: '2025/10/20',
        prices: {
          holofoil: { low: 3.79, mid: 5.96, high: 22, market: 5.68, directLow: 3.89 },
          reverseHolofoil: { low: 1.1, mid: 2, high: 9999, market: 1.57, directLow: null },
        },
      },
      cardmarket: {
        url: 'https://prices.pokemontcg.io/cardmarket/tst1-1',
        updatedAt: '2025/10/19',
        prices: {
          averageSellPrice: 5.6,
          lowPrice: 2,
          trendPrice: 5.51,
          germanProLow: 0,
          suggestedPrice: 0,
          reverseHoloSell: 0,
          reverseHoloLow: 0,
          reverseHoloTrend: 1.2,
          lowPriceExPlus: 4.5,
          avg1: 5.15,
          avg7: 4.74,
          avg30: 5.41,
          reverseHoloAvg1: 0,
          reverseHoloAvg7: 1.3,
          reverseHoloAvg30: 1.25,
        },
      },
    }),
    cardObj('tst1', 2, {
      tcgplayer: {
        updatedAt: '2025/10/20',
        prices: { normal: { low: null, mid: null, high: null, market: null, directLow: null } },
      },
    }),
    cardObj('tst1', 3, {
      hp: 70,
      cardmarket: {
        updatedAt: '2025/10/19',
        prices: { averageSellPrice: 0, lowPrice: 0, trendPrice: 0, avg1: 0, avg7: 0, avg30: 0 },
      },
    }),
    cardObj('tst1', 4),
    cardObj('tst1', 5, { supertype: 'Trainer', subtypes: ['Item'], hp: undefined, types: undefined }),
  ],
  tst2: [
    cardObj('tst2', 1),
    // No number: malformed.
    {
      ...cardObj('tst2', 2),
      number: undefined,
      tcgplayer: { updatedAt: '2025/10/20', prices: { normal: { market: 0.5 } } },
    },
    // Names a set the API never listed.
    { ...cardObj('tst2', 3), set: setObj('nosuch', 'Nowhere', 1) },
  ],
  trunc: [cardObj('trunc', 1)],
  cut: [cardObj('cut', 1)],
  bad: [cardObj('bad', 1)],
};

// --- A local replay server --------------------------------------------------------------------

type Behaviour = 'ok' | 'hang' | 'truncated' | 'cut' | 'malformed' | { status: number; retryAfter?: string };

const replay = {
  sets: GOOD_SETS as unknown[],
  /** Behaviours to play once, in order, per request key (`sets:1`, `cards:tst1:2`). */
  script: new Map<string, Behaviour[]>(),
  requests: [] as { key: string; headers: IncomingHttpHeaders }[],
  hanging: [] as ServerResponse[],
};
const ALWAYS: Record<string, Behaviour> = { trunc: 'truncated', cut: 'cut', bad: 'malformed' };

function respond(res: ServerResponse, behaviour: Behaviour, body: string): void {
  if (behaviour === 'hang') return void replay.hanging.push(res);
  if (typeof behaviour === 'object') {
    res.writeHead(behaviour.status, {
      'content-type': 'application/json; charset=utf-8',
      ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
    });
    return void res.end(JSON.stringify({ error: { message: 'Upstream trouble.', code: behaviour.status } }));
  }
  if (behaviour === 'cut') {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.write(body.slice(0, 40));
    return void setImmediate(() => res.destroy());
  }
  const text =
    behaviour === 'truncated'
      ? body.slice(0, Math.floor(body.length * 0.6))
      : behaviour === 'malformed'
        ? body.replace('"data":[', '"data":[,')
        : body;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

const server: Server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const page = Number(url.searchParams.get('page') ?? '1');
  const pageSize = Number(url.searchParams.get('pageSize') ?? '250');
  if (req.headers['x-api-key'] === 'revoked') return respond(res, { status: 403 }, '');
  let key: string;
  let all: unknown[];
  let fallback: Behaviour = 'ok';
  if (url.pathname === '/v2/sets') {
    key = `sets:${page}`;
    all = replay.sets;
  } else if (url.pathname === '/v2/cards') {
    const setId = /^set\.id:(.+)$/.exec(url.searchParams.get('q') ?? '')?.[1] ?? '';
    key = `cards:${setId}:${page}`;
    all = CARDS[setId] ?? [];
    fallback = ALWAYS[setId] ?? 'ok';
  } else {
    return respond(res, { status: 404 }, '');
  }
  replay.requests.push({ key, headers: req.headers });
  const data = all.slice((page - 1) * pageSize, page * pageSize);
  const body = JSON.stringify({ data, page, pageSize, count: data.length, totalCount: all.length });
  respond(res, replay.script.get(key)?.shift() ?? fallback, body);
});

let baseUrl: string;
const waits: number[] = [];
const options = (extra: Partial<PokemontcgApiOptions> = {}): PokemontcgApiOptions => ({
  baseUrl,
  pageSize: 2,
  retries: 2,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  // Backoff and Retry-After waits are recorded, never slept.
  sleep: async (ms) => void waits.push(ms),
  ...extra,
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  replay.sets = GOOD_SETS;
  replay.script.clear();
  replay.requests.length = 0;
  waits.length = 0;
});

describe.each(dialects)('pokemontcg.io API import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);

    it('pages through sets and cards, counts every row and archives every page', async () => {
      const run = await importPokemontcgCatalog(ctx, options({ apiKey: 'test-key' }));
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 11,
        accepted: 9,
        updated: 0,
        unchanged: 0,
        rejected: 2,
        failures: [],
      });
      expect(run.rejected_by_reason).toEqual({ malformed_row: 1, unknown_set: 1 });
      expect(run.rows_read).toBe(run.accepted + run.updated + run.unchanged + run.rejected);
      expect(replay.requests.map((r) => r.key)).toEqual([
        'sets:1',
        'sets:2',
        'cards:tst1:1',
        'cards:tst1:2',
        'cards:tst1:3',
        'cards:tst2:1',
        'cards:tst2:2',
        'cards:empty:1',
      ]);
      for (const r of replay.requests) {
        expect(r.headers['x-api-key']).toBe('test-key');
        expect(r.headers['user-agent']).toMatch(/^cardquant\//);
      }
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(run.id)) names.push(p.name);
      expect(names).toEqual([
        'sets/1',
        'sets/2',
        'cards/tst1/1',
        'cards/tst1/2',
        'cards/tst1/3',
        'cards/tst2/1',
        'cards/tst2/2',
        'cards/empty/1',
      ]);
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.checkpoint!)).toEqual({ doneSets: ['tst1', 'tst2', 'empty'] });
      const card = await ctx.database.db
        .selectFrom('cards')
        .selectAll()
        .where('id', '=', 'tst1-3')
        .executeTakeFirstOrThrow();
      expect(card).toMatchObject({ set_id: 'tst1', number: '3', hp: '70', pokemontcg_id: 'tst1-3' });
      const set = await ctx.database.db
        .selectFrom('sets')
        .selectAll()
        .where('id', '=', 'tst1')
        .executeTakeFirstOrThrow();
      expect(set).toMatchObject({ name: 'Test Base', release_date: '1999-01-09', ptcgo_code: 'TST1' });
    });

    it('re-running the import changes nothing; no X-Api-Key is sent without a key', async () => {
      const run = await importPokemontcgCatalog(ctx, options());
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 11,
        accepted: 0,
        updated: 0,
        unchanged: 9,
        rejected: 2,
      });
      expect(replay.requests.every((r) => r.headers['x-api-key'] === undefined)).toBe(true);
    });

    it('rides out a 429 with Retry-After, a 503 and a request that never answers', async () => {
      replay.script.set('cards:tst1:1', [{ status: 429, retryAfter: '2' }]);
      replay.script.set('cards:tst1:2', [{ status: 503 }]);
      replay.script.set('cards:tst2:1', ['hang']);
      const run = await importPokemontcgCatalog(ctx, options({ timeoutMs: 200 }));
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 11, accepted: 0, unchanged: 9, failures: [] });
      expect(waits).toHaveLength(3);
      expect(waits[0]).toBe(2000);
      // Exponential backoff starts at 500 ms with ±20 % jitter.
      for (const w of waits.slice(1)) {
        expect(w).toBeGreaterThanOrEqual(400);
        expect(w).toBeLessThanOrEqual(600);
      }
      expect(replay.requests.filter((r) => r.key === 'cards:tst1:1')).toHaveLength(2);
      expect(replay.requests.filter((r) => r.key === 'cards:tst2:1')).toHaveLength(2);
    });

    it('records truncated, cut-off and malformed set pages as failures and imports the other sets', async () => {
      replay.sets = [...GOOD_SETS, ...BROKEN_SETS];
      const run = await importPokemontcgCatalog(ctx, options({ sets: ['tst1', 'trunc', 'cut', 'bad', 'gone'] }));
      expect(run.status).toBe('partial');
      expect(run.failures.map((f) => f.item)).toEqual(['gone', 'trunc', 'cut', 'bad']);
      expect(run.failures[1]!.error).toMatch(/^page 1: malformed: invalid JSON/);
      expect(run.failures[2]!.error).toMatch(/^page 1: network: .*body cut off/);
      expect(run.failures[3]!.error).toMatch(/^page 1: malformed: invalid JSON/);
      // tst1 (5 cards) plus four sets, three of them new.
      expect(run).toMatchObject({ rows_read: 9, accepted: 3, unchanged: 6, rejected: 0 });
      expect(replay.requests.filter((r) => r.key === 'cards:cut:1')).toHaveLength(3);
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['status', 'checkpoint'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(stored.status).toBe('partial');
      expect(JSON.parse(stored.checkpoint!)).toEqual({ doneSets: ['tst1'] });
    });

    it('resumes after the sets a previous run finished', async () => {
      const run = await importPokemontcgCatalog(ctx, options({ resume: { doneSets: ['tst1', 'empty'] } }));
      expect(replay.requests.map((r) => r.key).filter((k) => k.startsWith('cards:'))).toEqual([
        'cards:tst2:1',
        'cards:tst2:2',
      ]);
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 6, unchanged: 4, rejected: 2 });
    });

    it('fails the run when the set list cannot be had (a refused key)', async () => {
      const run = await importPokemontcgCatalog(ctx, options({ apiKey: 'revoked' }));
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/set list: page 1: http: .*403/);
      expect(replay.requests).toHaveLength(0);
    });

    it('imports prices into an empty database, cataloguing the cards first; a re-run is unchanged', async () => {
      const url2 = await d.create();
      const fresh = await ingestContext(url2);
      try {
        const run = await importPokemontcgPrices(fresh, options({ sets: ['tst1', 'tst2'] }));
        expect(run).toMatchObject({
          status: 'succeeded',
          rows_read: 7,
          accepted: 4,
          updated: 0,
          unchanged: 0,
          rejected: 3,
        });
        expect(run.rejected_by_reason).toEqual({ all_prices_null: 2, card_not_in_catalog: 1 });
        const prices = await fresh.database.db
          .selectFrom('prices')
          .innerJoin('printings', 'printings.key', 'prices.printing_key')
          .select([
            'printings.id',
            'market',
            'currency',
            'date',
            'market_cents',
            'low_cents',
            'high_cents',
            'trend_cents',
            'avg1_cents',
            'avg7_cents',
            'source_as_of',
          ])
          .orderBy('printings.id')
          .orderBy('market')
          .execute();
        expect(prices).toEqual([
          {
            id: 'tst1-1.holofoil',
            market: 'cardmarket',
            currency: 'EUR',
            date: '2025-10-19',
            market_cents: 560,
            low_cents: 200,
            high_cents: null,
            trend_cents: 551,
            avg1_cents: 515,
            avg7_cents: 474,
            source_as_of: '2025-10-19',
          },
          {
            id: 'tst1-1.holofoil',
            market: 'tcgplayer',
            currency: 'USD',
            date: '2025-10-20',
            market_cents: 568,
            low_cents: 379,
            high_cents: 2200,
            trend_cents: null,
            avg1_cents: null,
            avg7_cents: null,
            source_as_of: '2025-10-20',
          },
          {
            id: 'tst1-1.reverse-holofoil',
            market: 'cardmarket',
            currency: 'EUR',
            date: '2025-10-19',
            market_cents: null,
            low_cents: null,
            high_cents: null,
            trend_cents: 120,
            avg1_cents: null,
            avg7_cents: 130,
            source_as_of: '2025-10-19',
          },
          {
            id: 'tst1-1.reverse-holofoil',
            market: 'tcgplayer',
            currency: 'USD',
            date: '2025-10-20',
            market_cents: 157,
            low_cents: 110,
            high_cents: null,
            trend_cents: null,
            avg1_cents: null,
            avg7_cents: null,
            source_as_of: '2025-10-20',
          },
        ]);
        const cards = await fresh.database.db.selectFrom('cards').select('id').orderBy('id').execute();
        expect(cards.map((c) => c.id)).toEqual(['tst1-1', 'tst1-2', 'tst1-3', 'tst1-4', 'tst1-5', 'tst2-1']);

        const again = await importPokemontcgPrices(fresh, options({ sets: ['tst1', 'tst2'] }));
        expect(again).toMatchObject({ rows_read: 7, accepted: 0, updated: 0, unchanged: 4, rejected: 3 });
      } finally {
        await fresh.close();
        await d.drop(url2);
      }
    });
  });
});
