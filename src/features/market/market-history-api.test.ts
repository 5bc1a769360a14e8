/**
 * GET /v1/cards/{id}/history and /history.csv through the full app: the default printing and
 * window, markets and currencies, weekly points, search interest, CSV quoting, 404 and 422
 * problems, conditional GETs and statements per request.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';

const NOW = '2026-11-25T12:00:00.000Z';
const CHARIZARD = 'Charizard, "the" Flame';

interface Price {
  printing: string;
  date: string;
  market: number | null;
  low?: number;
  mid?: number;
  high?: number;
  source?: 'tcgplayer' | 'cardmarket';
  condition?: string;
}

/**
 * base1-4 (CHARIZARD): holofoil is its headline (card summary) although its normal printing has
 * more rows. Holofoil, TCGplayer NM: 2024-01-01 (more than 365 days before its latest date,
 * 2025-01-15), then 2025-01-06, 08, 12 (no market price), 13 and 15; Cardmarket NM on 01-10 and 11.
 * base1-5 has no summary: its reverse holofoil has the most rows. base1-6 has no printings.
 */
const PRICES: Price[] = [
  { printing: 'base1-4-holofoil', date: '2024-01-01', market: 500 },
  { printing: 'base1-4-holofoil', date: '2025-01-06', market: 1000, low: 900, mid: 1050, high: 1200 },
  { printing: 'base1-4-holofoil', date: '2025-01-08', market: 1100 },
  { printing: 'base1-4-holofoil', date: '2025-01-12', market: null, low: 950 },
  { printing: 'base1-4-holofoil', date: '2025-01-13', market: 1234, low: 1100, mid: 1250, high: 2000 },
  { printing: 'base1-4-holofoil', date: '2025-01-15', market: 1200 },
  { printing: 'base1-4-holofoil', date: '2025-01-15', market: 100, condition: 'LP' },
  { printing: 'base1-4-holofoil', date: '2025-01-10', market: 800, source: 'cardmarket' },
  { printing: 'base1-4-holofoil', date: '2025-01-11', market: 850, source: 'cardmarket' },
  ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((dd) => ({
    printing: 'base1-4-normal',
    date: `2025-01-${dd}`,
    market: 100,
  })),
  ...['01', '02', '03'].map((dd) => ({ printing: 'base1-5-normal', date: `2025-01-${dd}`, market: 200 })),
  ...['01', '02', '03', '04'].map((dd) => ({
    printing: 'base1-5-reverse-holofoil',
    date: `2025-01-${dd}`,
    market: 300,
  })),
];

async function seed(database: Database): Promise<void> {
  const db = database.db;
  await db
    .insertInto('sets')
    .values({ id: 'base1', game: 'pokemon', name: 'Base', language: 'en', updated_at: NOW })
    .execute();
  await db
    .insertInto('cards')
    .values(
      [
        ['base1-4', '4', CHARIZARD],
        ['base1-5', '5', 'Blastoise'],
        ['base1-6', '6', 'Gyarados'],
      ].map(([id, number, name]) => ({
        id: id!,
        set_id: 'base1',
        number: number!,
        name: name!,
        kind: 'card' as const,
        language: 'en',
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(
      [
        ['base1-4-normal', 'base1-4', 'normal', null, null],
        ['base1-4-holofoil', 'base1-4', 'holofoil', 42382, 'Holofoil'],
        ['base1-5-normal', 'base1-5', 'normal', null, null],
        ['base1-5-reverse-holofoil', 'base1-5', 'reverse-holofoil', null, null],
      ].map(([id, card_id, finish, product, subType]) => ({
        id: id as string,
        card_id: card_id as string,
        finish: finish as string,
        language: 'en',
        tcgplayer_product_id: product as number | null,
        tcgplayer_sub_type: subType as string | null,
        created_at: NOW,
      })),
    )
    .execute();
  const keys = new Map((await db.selectFrom('printings').select(['id', 'key']).execute()).map((r) => [r.id, r.key]));
  await db
    .insertInto('prices')
    .values(
      PRICES.map((p) => ({
        printing_key: keys.get(p.printing)!,
        market: p.source ?? 'tcgplayer',
        condition: p.condition ?? 'NM',
        currency: p.source === 'cardmarket' ? 'EUR' : 'USD',
        date: p.date,
        feed: 'test',
        market_cents: p.market,
        low_cents: p.low ?? null,
        mid_cents: p.mid ?? null,
        high_cents: p.high ?? null,
        known_at: NOW,
        run_id: 'run_test',
      })),
    )
    .execute();
  const sortKeys = Object.fromEntries(
    ['price', 'change_1d', 'change_7d', 'change_30d', 'score'].flatMap((f) => [
      [`k_${f}_asc`, 0],
      [`k_${f}_desc`, 0],
    ]),
  ) as Record<`k_${'price' | 'change_1d' | 'change_7d' | 'change_30d' | 'score'}_${'asc' | 'desc'}`, number>;
  await db
    .insertInto('card_summary')
    .values({
      card_id: 'base1-4',
      kind: 'card',
      set_id: 'base1',
      name: CHARIZARD,
      number: '4',
      types_key: '',
      printings: 2,
      printing_key: keys.get('base1-4-holofoil')!,
      k_name: 'charizard',
      k_number: '4',
      ...sortKeys,
    })
    .execute();
  const interest = (date: string, granularity: 'day' | 'week', batch: string, value: number, known_at: string) => ({
    card_id: 'base1-4',
    date,
    granularity,
    batch,
    anchor: null,
    value,
    feed: 'test',
    known_at,
  });
  await db
    .insertInto('search_interest')
    .values([
      interest('2023-12-01', 'day', 'b1', 10, NOW),
      interest('2025-01-13', 'day', 'b1', 40, '2025-01-14T00:00:00.000Z'),
      interest('2025-01-13', 'day', 'b2', 45, '2025-01-16T00:00:00.000Z'),
      interest('2025-01-13', 'week', 'w1', 30, '2025-01-16T00:00:00.000Z'),
      interest('2025-01-15', 'week', 'w1', 35, '2025-01-16T00:00:00.000Z'),
    ])
    .execute();
}

interface HistoryBody {
  card_id: string;
  printing: {
    id: string;
    finish: string;
    tcgplayer_product_id: number | null;
    tcgplayer_sub_type: string | null;
  } | null;
  market: string;
  condition: string;
  currency: string;
  interval: string;
  from: string | null;
  to: string | null;
  points: {
    date: string;
    market: number | null;
    low: number | null;
    mid: number | null;
    high: number | null;
    flag: string | null;
  }[];
  search_interest: { date: string; value: number; granularity: string; batch: string }[];
}

describe.each(dialects)('card history API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seed(h.runtime.database);
    });

    const get = (path: string, headers: Record<string, string> = {}) => h.counted(path, { headers });
    const history = async (query = '', card = 'base1-4') => {
      const { res, statements } = await get(`/v1/cards/${card}/history${query}`);
      expect(res.status).toBe(200);
      // Resolving the series reads the data version too; a series without prices needs no second statement.
      expect(statements).toBeGreaterThanOrEqual(1);
      expect(statements).toBeLessThanOrEqual(2);
      return (await res.json()) as HistoryBody;
    };

    it("answers the headline printing's last 365 days in TCGplayer NM, with search interest", async () => {
      expect(await history()).toEqual({
        card_id: 'base1-4',
        printing: {
          id: 'base1-4-holofoil',
          finish: 'holofoil',
          tcgplayer_product_id: 42382,
          tcgplayer_sub_type: 'Holofoil',
          tcgplayer_group_id: null,
          product_line: null,
          product_line_label: null,
          label: 'Holofoil',
        },
        market: 'tcgplayer',
        condition: 'NM',
        currency: 'USD',
        interval: 'day',
        from: '2024-01-17',
        to: '2025-01-15',
        points: [
          { date: '2025-01-06', market: 10, low: 9, mid: 10.5, high: 12, flag: null },
          { date: '2025-01-08', market: 11, low: null, mid: null, high: null, flag: null },
          { date: '2025-01-12', market: null, low: 9.5, mid: null, high: null, flag: null },
          { date: '2025-01-13', market: 12.34, low: 11, mid: 12.5, high: 20, flag: null },
          { date: '2025-01-15', market: 12, low: null, mid: null, high: null, flag: null },
        ],
        search_interest: [
          { date: '2025-01-13', value: 40, granularity: 'day', batch: 'b1' },
          { date: '2025-01-13', value: 45, granularity: 'day', batch: 'b2' },
          { date: '2025-01-13', value: 30, granularity: 'week', batch: 'w1' },
          { date: '2025-01-15', value: 35, granularity: 'week', batch: 'w1' },
        ],
      });
    });

    it('takes a printing, a market, a date range and weekly points', async () => {
      const normal = await history('?printing=base1-4-normal&from=2025-01-09');
      expect(normal.printing).toEqual({
        id: 'base1-4-normal',
        finish: 'normal',
        tcgplayer_product_id: null,
        tcgplayer_sub_type: null,
        tcgplayer_group_id: null,
        product_line: null,
        product_line_label: null,
        label: 'Normal',
      });
      expect(normal.points).toEqual([
        { date: '2025-01-09', market: 1, low: null, mid: null, high: null, flag: null },
        { date: '2025-01-10', market: 1, low: null, mid: null, high: null, flag: null },
      ]);
      expect(normal.search_interest.map((s) => s.date)).toEqual([]);

      const cardmarket = await history('?market=cardmarket');
      expect(cardmarket).toMatchObject({ market: 'cardmarket', currency: 'EUR', from: '2024-01-13', to: '2025-01-11' });
      expect(cardmarket.points.map((p) => [p.date, p.market])).toEqual([
        ['2025-01-10', 8],
        ['2025-01-11', 8.5],
      ]);

      const range = await history('?from=2024-01-01&to=2025-01-08');
      expect(range.points.map((p) => p.date)).toEqual(['2024-01-01', '2025-01-06', '2025-01-08']);
      expect(range.search_interest).toEqual([]);
      const upTo = await history('?to=2025-01-13');
      expect(upTo).toMatchObject({ from: '2024-01-15', to: '2025-01-13' });
      expect(upTo.search_interest.map((s) => s.value)).toEqual([40, 45, 30]);

      // Weeks Mon 01-06 … Sun 01-12 and Mon 01-13 …: the last row with a market price of each.
      const weekly = await history('?interval=week');
      expect(weekly.interval).toBe('week');
      expect(weekly.points).toEqual([
        { date: '2025-01-08', market: 11, low: null, mid: null, high: null, flag: null },
        { date: '2025-01-15', market: 12, low: null, mid: null, high: null, flag: null },
      ]);
    });

    it('takes the deprecated ?source= for ?market=, answering the same with Deprecation, Sunset and Link headers', async () => {
      for (const path of ['/v1/cards/base1-4/history', '/v1/cards/base1-4/history.csv']) {
        const current = await h.request(`${path}?market=cardmarket`);
        expect(current.status).toBe(200);
        expect(current.headers.get('Deprecation')).toBeNull();
        expect(current.headers.get('Sunset')).toBeNull();
        for (const query of ['source=cardmarket', 'source=cardmarket&market=cardmarket']) {
          const old = await h.request(`${path}?${query}`);
          expect(old.status).toBe(200);
          expect(await old.text()).toBe(await current.clone().text());
          expect(old.headers.get('Deprecation')).toBe('@1796342400');
          expect(old.headers.get('Sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
          expect(old.headers.get('Link')).toBe('</docs>; rel="deprecation"; type="text/html"');
        }
      }
      const spec = (await (await h.request('/openapi.json')).json()) as {
        paths: Record<string, { get: { parameters: { name: string; deprecated?: boolean }[] } }>;
      };
      for (const path of ['/v1/cards/{id}/history', '/v1/cards/{id}/history.csv']) {
        const byName = new Map(spec.paths[path]!.get.parameters.map((p) => [p.name, p]));
        expect(byName.get('source')?.deprecated).toBe(true);
        expect(byName.get('market')?.deprecated).toBeUndefined();
      }
    });

    it('without a card summary, defaults to the printing with the most rows; a card without printings has an empty series', async () => {
      const blastoise = await history('', 'base1-5');
      expect(blastoise.printing?.id).toBe('base1-5-reverse-holofoil');
      expect(blastoise.points).toHaveLength(4);
      expect(await history('', 'base1-6')).toMatchObject({
        card_id: 'base1-6',
        printing: null,
        currency: 'USD',
        from: null,
        to: null,
        points: [],
        search_interest: [],
      });
    });

    it('answers 404 for an unknown card or a printing of another card, 422 for bad parameters', async () => {
      for (const [path, code] of [
        ['/v1/cards/nope-1/history', 'card_not_found'],
        ['/v1/cards/nope-1/history.csv', 'card_not_found'],
        ['/v1/cards/base1-4/history?printing=base1-5-normal', 'printing_not_found'],
        ['/v1/cards/base1-4/history?printing=nope', 'printing_not_found'],
      ]) {
        const { res, statements } = await get(path!);
        expect(res.status).toBe(404);
        expect(statements).toBe(1);
        expect(((await res.json()) as { code: string }).code).toBe(code);
      }
      for (const [query, field] of [
        ['from=2025-01-10&to=2025-01-01', 'query.from'],
        ['to=2025-02-30', 'query.to'],
        ['from=yesterday', 'query.from'],
        ['interval=month', 'query.interval'],
        ['market=ebay', 'query.market'],
        ['source=ebay', 'query.source'],
        ['market=tcgplayer&source=cardmarket', 'query.market'],
      ]) {
        for (const path of ['/v1/cards/base1-4/history', '/v1/cards/base1-4/history.csv']) {
          const { res, statements } = await get(`${path}?${query}`);
          expect(res.status).toBe(422);
          expect(statements).toBe(0);
          expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
        }
      }
    });

    it('answers RFC 4180 CSV with the documented columns, quoting the card name', async () => {
      const { res, statements } = await get('/v1/cards/base1-4/history.csv');
      expect(res.status).toBe(200);
      expect(statements).toBe(2);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="base1-4-history.csv"');
      const name = '"Charizard, ""the"" Flame"';
      const text = await res.text();
      expect(text).toBe(
        [
          'date,card_id,printing_id,finish,market,condition,currency,market_price,low_price,mid_price,high_price,search_interest,card_name,flag',
          `2025-01-06,base1-4,base1-4-holofoil,holofoil,tcgplayer,NM,USD,10.00,9.00,10.50,12.00,,${name},`,
          `2025-01-08,base1-4,base1-4-holofoil,holofoil,tcgplayer,NM,USD,11.00,,,,,${name},`,
          `2025-01-12,base1-4,base1-4-holofoil,holofoil,tcgplayer,NM,USD,,9.50,,,,${name},`,
          `2025-01-13,base1-4,base1-4-holofoil,holofoil,tcgplayer,NM,USD,12.34,11.00,12.50,20.00,45,${name},`,
          `2025-01-15,base1-4,base1-4-holofoil,holofoil,tcgplayer,NM,USD,12.00,,,,35,${name},`,
          '',
        ].join('\r\n'),
      );
      const records = parse(text, { columns: true }) as Record<string, string>[];
      expect(records[0]!.card_name).toBe(CHARIZARD);

      const weekly = await (await h.request('/v1/cards/base1-4/history.csv?interval=week&market=cardmarket')).text();
      expect(weekly.split('\r\n').slice(1)).toEqual([
        `2025-01-11,base1-4,base1-4-holofoil,holofoil,cardmarket,NM,EUR,8.50,,,,,${name},`,
        '',
      ]);
    });

    it('answers 304 from the data version alone', async () => {
      for (const path of ['/v1/cards/base1-4/history', '/v1/cards/base1-4/history.csv?interval=week']) {
        const first = await h.request(path);
        const etag = first.headers.get('etag')!;
        expect(etag).toMatch(/^W\/"/);
        expect(first.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=30');
        const { res, statements } = await get(path, { 'If-None-Match': etag });
        expect(res.status).toBe(304);
        expect(statements).toBe(1);
        expect(await res.text()).toBe('');
      }
    });
  });
});
