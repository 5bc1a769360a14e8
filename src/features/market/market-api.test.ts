import { beforeAll, describe, expect, it } from 'vitest';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { day, END, seedMarket } from '#test/market-fixtures.ts';

type Json = Record<string, any>;

describe.each(dialects)('public market API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const { res, statements } = await h.counted(path, { headers });
      const body = res.status === 304 ? null : ((await res.json()) as Json);
      return { res, body: body as Json, statements };
    };
    const ids = (body: Json) => (body.items as Json[]).map((i) => i.id as string);

    describe('GET /v1/cards', () => {
      it('sorts by name by default, each card with its headline price, changes and thumbnail', async () => {
        const { res, body } = await get('/v1/cards');
        expect(res.status).toBe(200);
        expect(ids(body)).toEqual(['s1-4', 's1-6', 's1-5', 's2-1', 's2-2', 's2-3']);
        expect(body.next_cursor).toBeNull();
        const charizard = body.items[0];
        expect(charizard).toMatchObject({
          name: 'Charizard',
          set_id: 's1',
          number: '4',
          rarity: 'Rare Holo',
          types: ['Fire'],
          thumbnail: 'https://img.example/s1-4.png',
          printings: 2,
          headline: { finish: 'holofoil', market: 'tcgplayer', condition: 'NM' },
          price: 140,
          currency: 'USD',
          price_date: END,
          as_of: END,
          stale: false,
          change_1d: 0.7194,
          change_7d: 5.2632,
          score: null,
        });
        expect(charizard.changes['7d']).toEqual({
          change_pct: 5.2632,
          from_date: day(-7),
          to_date: END,
          from_price: 133,
          to_price: 140,
          currency: 'USD',
        });
        expect(charizard.changes['30d']).toMatchObject({ from_date: day(-30), from_price: 110 });
        const pikachu = body.items[5];
        expect(pikachu).toMatchObject({
          id: 's2-3',
          price: null,
          headline: null,
          changes: { '1d': null, '7d': null, '30d': null },
        });
      });

      it('headline printing: standard finish first, but a fresh series beats a stale one', async () => {
        const { body } = await get('/v1/cards?set=s2');
        const flabebe = (body.items as Json[]).find((i) => i.id === 's2-1')!;
        expect(flabebe.headline).toMatchObject({ finish: 'reverse-holofoil' });
        expect(flabebe).toMatchObject({ price: 3.3, stale: false, change_1d: 10 });
      });

      it('numeric sorts default to descending and put cards without a value last in either order', async () => {
        expect(ids((await get('/v1/cards?sort=price')).body)).toEqual(['s1-4', 's2-2', 's1-5', 's2-1', 's1-6', 's2-3']);
        expect(ids((await get('/v1/cards?sort=price&order=asc')).body)).toEqual([
          's1-6',
          's2-1',
          's1-5',
          's2-2',
          's1-4',
          's2-3',
        ]);
        const byChange = ids((await get('/v1/cards?sort=change_1d')).body);
        expect(byChange.slice(0, 2)).toEqual(['s2-2', 's1-6']);
        expect(byChange.at(-1)).toBe('s2-3');
        expect(ids((await get('/v1/cards?sort=number&set=s1')).body)).toEqual(['s1-4', 's1-5', 's1-6']);
        expect(ids((await get('/v1/cards?sort=score')).body)).toHaveLength(6);
      });

      it('walks every sort page by page with cursors: each card once, in the same order as one page', async () => {
        for (const sort of ['name', 'number', 'price', 'change_1d', 'change_7d', 'change_30d', 'score']) {
          for (const order of ['asc', 'desc']) {
            const whole = ids((await get(`/v1/cards?sort=${sort}&order=${order}`)).body);
            const walked: string[] = [];
            let cursor: string | null = null;
            do {
              const { res, body } = await get(
                `/v1/cards?sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
              );
              expect(res.status).toBe(200);
              walked.push(...ids(body));
              cursor = body.next_cursor;
            } while (cursor);
            expect(walked, `${sort} ${order}`).toEqual(whole);
          }
        }
      });

      it('searches name prefixes (accents and case ignored) and set numbers', async () => {
        expect(ids((await get('/v1/cards?q=char')).body)).toEqual(['s1-4', 's1-6', 's1-5']);
        expect(ids((await get('/v1/cards?q=CHARI')).body)).toEqual(['s1-4', 's1-5']);
        expect(ids((await get('/v1/cards?q=dark%20char')).body)).toEqual(['s1-5']);
        expect(ids((await get('/v1/cards?q=flabebe')).body)).toEqual(['s2-1']);
        expect(ids((await get('/v1/cards?q=4%2F102')).body)).toEqual(['s1-4']);
        expect(ids((await get('/v1/cards?q=4%2F103')).body)).toEqual([]);
        expect(ids((await get('/v1/cards?q=zzz')).body)).toEqual([]);
      });

      it('filters by set, rarity (id or name), type, supertype and price', async () => {
        expect(ids((await get('/v1/cards?set=s2')).body)).toEqual(['s2-1', 's2-2', 's2-3']);
        expect(ids((await get('/v1/cards?rarity=rare-holo')).body)).toEqual(['s1-4', 's1-5']);
        expect(ids((await get('/v1/cards?rarity=Rare%20Holo')).body)).toEqual(['s1-4', 's1-5']);
        expect(ids((await get('/v1/cards?type=fire&sort=price')).body)).toEqual(['s1-4', 's1-5', 's1-6']);
        expect(ids((await get('/v1/cards?supertype=pokemon')).body)).toHaveLength(6);
        expect(ids((await get('/v1/cards?min_price=3&max_price=50')).body)).toEqual(['s1-5', 's2-1', 's2-2']);
        expect(ids((await get('/v1/cards?min_price=3&currency=EUR')).body)).toEqual([]);
      });

      it('refuses bad parameters with 422 naming the field', async () => {
        const cases: [string, string][] = [
          ['/v1/cards?sort=hype', 'query.sort'],
          ['/v1/cards?order=up', 'query.order'],
          ['/v1/cards?limit=0', 'query.limit'],
          ['/v1/cards?limit=201', 'query.limit'],
          ['/v1/cards?min_price=-1', 'query.min_price'],
          ['/v1/cards?min_price=abc', 'query.min_price'],
          ['/v1/cards?min_price=9&max_price=3', 'query.min_price'],
          ['/v1/cards?currency=usd', 'query.currency'],
          ['/v1/cards?q=%21%21', 'query.q'],
          ['/v1/cards?cursor=nonsense', 'query.cursor'],
          ['/v1/cards?set=', 'query.set'],
        ];
        for (const [path, field] of cases) {
          const { res, body } = await get(path);
          expect(res.status, path).toBe(422);
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(
            body.errors.map((e: Json) => e.field),
            path,
          ).toContain(field);
        }
        const { body } = await get('/v1/cards?sort=price&limit=1');
        const wrongSort = await get(`/v1/cards?sort=name&cursor=${body.next_cursor}`);
        expect(wrongSort.res.status).toBe(422);
      });
    });

    describe('GET /v1/cards/{id}', () => {
      it('answers the card, its printings with external ids, and every series with changes and freshness', async () => {
        const { res, body } = await get('/v1/cards/s1-4');
        expect(res.status).toBe(200);
        expect(body).toMatchObject({
          id: 's1-4',
          name: 'Charizard',
          set: { id: 's1', name: 'Alpha Set', printed_total: 102, release_date: '2020-01-01' },
          images: { pokemontcg: { small: 'https://img.example/s1-4.png' } },
          freshness: { as_of: END, price_date: END, days_behind: 0, stale: false },
        });
        expect(body.printings).toHaveLength(2);
        const holo = (body.printings as Json[]).find((p) => p.finish === 'holofoil')!;
        expect(body.headline_printing_id).toBe(holo.id);
        expect(holo).toMatchObject({
          tcgplayer_product_id: 42382,
          tcgplayer_sub_type: 'Holofoil',
          cardmarket_product_id: null,
        });
        expect(holo.prices).toEqual([
          expect.objectContaining({
            market: 'tcgplayer',
            condition: 'NM',
            currency: 'USD',
            price: 140,
            headline: true,
            stale: false,
            days_behind: 0,
          }),
        ]);
        expect(holo.prices[0].changes['30d']).toEqual({
          change_pct: 27.2727,
          from_date: day(-30),
          to_date: END,
          from_price: 110,
          to_price: 140,
          currency: 'USD',
        });
        expect(holo.prices[0].changes['90d']).toBeNull();
      });

      it('shows a stale series as stale, days behind its market', async () => {
        const { body } = await get('/v1/cards/s2-1');
        const normal = (body.printings as Json[]).find((p) => p.finish === 'normal')!;
        expect(normal.prices[0]).toMatchObject({
          price: 10,
          price_date: day(-5),
          stale: true,
          days_behind: 5,
          headline: false,
        });
      });

      it('404 problem for an unknown card; a card without printings has none', async () => {
        const missing = await get('/v1/cards/nope-1');
        expect(missing.res.status).toBe(404);
        expect(missing.body.code).toBe('card_not_found');
        const { body } = await get('/v1/cards/s2-3');
        expect(body).toMatchObject({ printings: [], headline_printing_id: null, freshness: null });
      });
    });

    describe('GET /v1/movers', () => {
      it('ranks rises by change_pct with the compared dates and prices; jumps and stale series are left out', async () => {
        const { res, body } = await get('/v1/movers?window=1d');
        expect(res.status).toBe(200);
        const items = body.items as Json[];
        // Jumpluff's 50× step is filtered; Flabébé's stale normal printing is out; its fresh reverse holo is in.
        expect(items.map((i) => i.card.id)).toEqual(['s1-6', 's2-1', 's1-4']);
        expect(items[0]).toMatchObject({
          rank: 1,
          card: { id: 's1-6', name: 'Charmander', set_id: 's1', number: '6', rarity: 'Common' },
          printing: { finish: 'normal', tcgplayer_product_id: null },
          market: 'tcgplayer',
          condition: 'NM',
          window: '1d',
          from_date: day(-1),
          to_date: END,
          from_price: 2,
          to_price: 2.5,
          change_pct: 25,
          currency: 'USD',
          observations: 2,
        });
        expect(items[2]).toMatchObject({
          printing: { tcgplayer_product_id: 42382, tcgplayer_sub_type: 'Holofoil' },
          change_pct: 0.7194,
        });
      });

      it('falls, filters, limits and pages', async () => {
        const down = await get('/v1/movers?window=7d&direction=down');
        expect((down.body.items as Json[]).map((i) => [i.card.id, i.change_pct])).toEqual([['s1-5', -20]]);
        expect(((await get('/v1/movers?window=1d&min_price=3')).body.items as Json[]).map((i) => i.card.id)).toEqual([
          's2-1',
          's1-4',
        ]);
        expect(((await get('/v1/movers?window=1d&set=s1')).body.items as Json[]).map((i) => i.card.id)).toEqual([
          's1-6',
          's1-4',
        ]);
        expect(
          ((await get('/v1/movers?window=1d&rarity=rare-holo')).body.items as Json[]).map((i) => i.card.id),
        ).toEqual(['s1-4']);
        const first = await get('/v1/movers?window=1d&limit=2');
        expect(first.body.items).toHaveLength(2);
        const second = await get(`/v1/movers?window=1d&limit=2&cursor=${first.body.next_cursor}`);
        expect((second.body.items as Json[]).map((i) => [i.rank, i.card.id])).toEqual([[3, 's1-4']]);
        expect(second.body.next_cursor).toBeNull();
        expect((await get(`/v1/movers?window=7d&limit=2&cursor=${first.body.next_cursor}`)).res.status).toBe(422);
      });

      it('ranks by z-score when asked, and validates every parameter', async () => {
        const { body } = await get('/v1/movers?window=7d&rank=zscore');
        for (const item of body.items as Json[]) expect(typeof item.zscore).toBe('number');
        const zs = (body.items as Json[]).map((i) => i.zscore as number);
        expect([...zs].sort((a, b) => b - a)).toEqual(zs);
        for (const [path, field] of [
          ['/v1/movers?window=2d', 'query.window'],
          ['/v1/movers?direction=sideways', 'query.direction'],
          ['/v1/movers?rank=hype', 'query.rank'],
          ['/v1/movers?limit=101', 'query.limit'],
          ['/v1/movers?min_price=x', 'query.min_price'],
        ]) {
          const res = await get(path!);
          expect(res.res.status, path).toBe(422);
          expect(res.body.errors.map((e: Json) => e.field)).toContain(field);
        }
      });
    });

    describe('facets', () => {
      it('sets newest first with counts and value; one set; 404', async () => {
        const { body } = await get('/v1/sets');
        expect(body.items.map((s: Json) => s.id)).toEqual(['s2', 's1']);
        expect(body.items[1]).toMatchObject({
          id: 's1',
          name: 'Alpha Set',
          cards: 3,
          priced_cards: 3,
          printings: 5,
          value: 182.5,
          currency: 'USD',
          index_id: 'set-s1',
        });
        expect((await get('/v1/sets/s2')).body).toMatchObject({ id: 's2', cards: 3, priced_cards: 2 });
        expect((await get('/v1/sets/zz')).res.status).toBe(404);
        const paged = await get('/v1/sets?limit=1');
        expect(
          (await get(`/v1/sets?limit=1&cursor=${paged.body.next_cursor}`)).body.items.map((s: Json) => s.id),
        ).toEqual(['s1']);
      });

      it('rarities and types with counts, ids usable as filters', async () => {
        expect((await get('/v1/rarities')).body.items).toEqual([
          { id: 'common', name: 'Common', cards: 3, priced_cards: 2 },
          { id: 'rare-holo', name: 'Rare Holo', cards: 2, priced_cards: 2 },
          { id: 'uncommon', name: 'Uncommon', cards: 1, priced_cards: 1 },
        ]);
        expect((await get('/v1/types')).body.items.map((t: Json) => [t.id, t.cards])).toEqual([
          ['fairy', 1],
          ['fire', 3],
          ['grass', 1],
          ['lightning', 1],
        ]);
      });
    });

    describe('GET /v1/dashboard', () => {
      it('serves the market index, top movers both ways (priced ≥ 1 USD), freshness and the demo flag', async () => {
        const { res, body } = await get('/v1/dashboard');
        expect(res.status).toBe(200);
        expect(body.dataset.demo).toBe(false);
        expect(body.markets).toEqual([
          {
            market: 'tcgplayer',
            currency: 'USD',
            latest_date: END,
            series: 8,
            current: 7,
            coverage_pct: 87.5,
            freshness_days: 5,
            stale: true,
          },
        ]);
        expect(body.movers.up.map((m: Json) => [m.card.id, m.change_pct])).toEqual([
          ['s1-6', 25],
          ['s2-1', 10],
          ['s1-4', 5.2632],
        ]);
        expect(body.movers.down.map((m: Json) => [m.card.id, m.change_pct])).toEqual([['s1-5', -20]]);
        expect(body.market_index).toMatchObject({ id: 'market', currency: 'USD', last_date: END, base_date: day(-40) });
        expect(body.market_index.history).toHaveLength(41);
        expect(body.top_signals).toBeNull();
        expect(body.counts).toEqual({ sets: 2, cards: 6, priced_cards: 5 });
      });
    });

    describe('conditional requests and statement budget', () => {
      const paths = [
        '/v1/dashboard',
        '/v1/cards',
        '/v1/cards?q=char&sort=price',
        '/v1/cards/s1-4',
        '/v1/movers?window=7d',
        '/v1/movers?rank=zscore',
        '/v1/sets',
        '/v1/sets/s1',
        '/v1/rarities',
        '/v1/types',
      ];

      it('every read costs at most 2 statements, a 304 at most 1, and carries ETag and Cache-Control', async () => {
        for (const path of paths) {
          const full = await get(path);
          expect(full.res.status, path).toBe(200);
          expect(full.statements, path).toBeLessThanOrEqual(2);
          const etag = full.res.headers.get('etag')!;
          expect(etag).toMatch(/^W\/".+"$/);
          expect(full.res.headers.get('cache-control')).toContain('max-age=');
          expect(full.res.headers.get('ratelimit')).toBeTruthy();
          const again = await get(path, { 'If-None-Match': etag });
          expect(again.res.status, path).toBe(304);
          expect(again.statements, path).toBeLessThanOrEqual(1);
          expect(again.res.headers.get('etag')).toBe(etag);
          expect(await again.res.text()).toBe('');
        }
      });

      it('repeats a read from the response cache (one statement, same bytes) until the data version changes', async () => {
        await bumpDataVersion(h.runtime.database.db, h.clock);
        const path = '/v1/cards?sort=price&limit=3';
        const first = await get(path);
        const again = await get(path);
        expect(first.statements).toBe(2);
        expect(again.statements).toBe(1);
        expect(again.body).toEqual(first.body);
        expect(again.res.headers.get('etag')).toBe(first.res.headers.get('etag'));
        await bumpDataVersion(h.runtime.database.db, h.clock);
        expect((await get(path)).statements).toBe(2);
      });

      it('a new data version changes the ETag, so clients refetch', async () => {
        const first = await get('/v1/cards');
        const etag = first.res.headers.get('etag')!;
        await bumpDataVersion(h.runtime.database.db, h.clock);
        const after = await get('/v1/cards', { 'If-None-Match': etag });
        expect(after.res.status).toBe(200);
        expect(after.res.headers.get('etag')).not.toBe(etag);
        expect((await get('/v1/cards', { 'If-None-Match': `"x", ${after.res.headers.get('etag')}` })).res.status).toBe(
          304,
        );
      });
    });
  });
});
