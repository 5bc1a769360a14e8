/**
 * GET /v1/indexes and GET /v1/indexes/{id} through the full app: values and changes from a
 * rebuilt index, paging, 404 and 422 problems, conditional GETs and statements per request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveIndexes } from './indexes.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import type { Database } from '../../platform/db/database.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';

const NOW = '2026-11-25T12:00:00.000Z';
const START = Date.UTC(2026, 9, 1);
/** Day k of the series: k = 0 is 2026-10-01, k = 40 is 2026-11-10. */
const day = (k: number) => new Date(START + k * 86_400_000).toISOString().slice(0, 10);

/**
 * Set "alpha": five cards at 100 + k dollars on days 0…40, so its index is 100 + k.
 * Set "beta": five cards at 50 dollars on days 38…40 only.
 * The market index follows alpha to 138 on day 38, then moves by 945/940 and 950/945.
 */
async function seed(database: Database): Promise<void> {
  const db = database.db;
  await db
    .insertInto('sets')
    .values([
      { id: 'alpha', game: 'pokemon', name: 'Alpha', language: 'en', updated_at: NOW },
      { id: 'beta', game: 'pokemon', name: 'Beta', language: 'en', updated_at: NOW },
    ])
    .execute();
  const cards = [1, 2, 3, 4, 5].flatMap((n) => [`alpha-${n}`, `beta-${n}`]);
  await db
    .insertInto('cards')
    .values(
      cards.map((id) => ({
        id,
        set_id: id.split('-')[0]!,
        number: id.split('-')[1]!,
        name: id,
        kind: 'card' as const,
        language: 'en',
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(cards.map((id) => ({ id: `${id}-normal`, card_id: id, finish: 'normal', language: 'en', created_at: NOW })))
    .execute();
  const keys = await db.selectFrom('printings').select(['key', 'card_id']).execute();
  const rows = keys.flatMap(({ key, card_id }) => {
    const alpha = card_id.startsWith('alpha');
    const days = alpha ? Array.from({ length: 41 }, (_, k) => k) : [38, 39, 40];
    return days.map((k) => ({
      printing_key: key,
      market: 'tcgplayer',
      condition: 'NM',
      currency: 'USD',
      date: day(k),
      feed: 'test',
      market_cents: alpha ? (100 + k) * 100 : 5000,
      known_at: NOW,
      run_id: 'run_test',
    }));
  });
  for (let i = 0; i < rows.length; i += 100)
    await db
      .insertInto('prices')
      .values(rows.slice(i, i + 100))
      .execute();
  await deriveIndexes(database);
}

interface IndexBody {
  id: string;
  kind: string;
  set_id: string | null;
  name: string;
  value: number;
  change_1d: number | null;
  change_7d: number | null;
  change_30d: number | null;
  constituents: number;
  points: number;
  base_date: string;
  last_date: string;
  history?: { date: string; value: number; constituents: number }[];
}

describe.each(dialects)('indexes API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seed(h.runtime.database);
    });

    /** The response and the database statements the request caused. */
    const get = (path: string, headers: Record<string, string> = {}) => h.counted(path, { headers });

    it('lists the market index first, then sets by id, with values and changes', async () => {
      const { res, statements } = await get('/v1/indexes');
      expect(res.status).toBe(200);
      expect(statements).toBe(2);
      const body = (await res.json()) as { items: IndexBody[]; next_cursor: string | null };
      expect(body.next_cursor).toBeNull();
      expect(body.items.map((i) => i.id)).toEqual(['market', 'set-alpha', 'set-beta']);
      const [market, alpha, beta] = body.items;
      expect(market).toEqual({
        id: 'market',
        kind: 'market',
        set_id: null,
        name: 'Market index (TCGplayer, USD)',
        market: 'tcgplayer',
        currency: 'USD',
        base_date: '2026-10-01',
        last_date: '2026-11-10',
        value: 139.4681,
        change_1d: 0.5291,
        change_7d: 4.8632,
        change_30d: 26.7892,
        constituents: 10,
        points: 41,
      });
      expect(alpha).toMatchObject({
        name: 'Alpha index',
        set_id: 'alpha',
        value: 140,
        change_1d: 0.7194,
        change_7d: 5.2632,
        change_30d: 27.2727,
        constituents: 5,
      });
      expect(beta).toMatchObject({
        name: 'Beta index',
        base_date: '2026-11-08',
        value: 100,
        change_1d: 0,
        change_7d: null,
        change_30d: null,
        points: 3,
      });
    });

    it('pages with limit and cursor, and refuses bad paging parameters', async () => {
      const first = (await (await h.request('/v1/indexes?limit=2')).json()) as {
        items: IndexBody[];
        next_cursor: string;
      };
      expect(first.items.map((i) => i.id)).toEqual(['market', 'set-alpha']);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = (await (await h.request(`/v1/indexes?limit=2&cursor=${first.next_cursor}`)).json()) as {
        items: IndexBody[];
        next_cursor: string | null;
      };
      expect(second.items.map((i) => i.id)).toEqual(['set-beta']);
      expect(second.next_cursor).toBeNull();

      for (const [query, field] of [
        ['limit=0', 'query.limit'],
        ['limit=201', 'query.limit'],
        ['cursor=not-ours', 'query.cursor'],
      ]) {
        const res = await h.request(`/v1/indexes?${query}`);
        expect(res.status).toBe(422);
        expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
      }
    });

    it('answers one index with its history, whole or in a date range', async () => {
      const { res, statements } = await get('/v1/indexes/set-beta');
      expect(res.status).toBe(200);
      expect(statements).toBe(2);
      const beta = (await res.json()) as IndexBody;
      expect(beta).toMatchObject({ id: 'set-beta', value: 100, points: 3 });
      expect(beta.history).toEqual([
        { date: '2026-11-08', value: 100, constituents: 5 },
        { date: '2026-11-09', value: 100, constituents: 5 },
        { date: '2026-11-10', value: 100, constituents: 5 },
      ]);

      const market = (await (await h.request('/v1/indexes/market?from=2026-11-07&to=2026-11-09')).json()) as IndexBody;
      expect(market.value).toBe(139.4681);
      expect(market.change_1d).toBe(0.5291);
      expect(market.history).toEqual([
        { date: '2026-11-07', value: 137, constituents: 5 },
        { date: '2026-11-08', value: 138, constituents: 5 },
        { date: '2026-11-09', value: 138.734, constituents: 10 },
      ]);
      const empty = (await (await h.request('/v1/indexes/market?from=2027-01-01')).json()) as IndexBody;
      expect(empty).toMatchObject({ id: 'market', points: 41, history: [] });
    });

    it('answers 404 for an unknown index and 422 for bad dates', async () => {
      const { res, statements } = await get('/v1/indexes/set-nope');
      expect(res.status).toBe(404);
      expect(statements).toBe(2);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { code: string }).code).toBe('index_not_found');

      for (const [query, field] of [
        ['from=2026-11-09&to=2026-11-01', 'query.from'],
        ['from=2026-02-30', 'query.from'],
        ['to=20261101', 'query.to'],
      ]) {
        const bad = await get(`/v1/indexes/market?${query}`);
        expect(bad.res.status).toBe(422);
        expect(bad.statements).toBe(0);
        expect(((await bad.res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field]);
      }
    });

    it('answers 304 from the data version alone, until the data changes', async () => {
      for (const path of ['/v1/indexes', '/v1/indexes/market']) {
        const first = await h.request(path);
        const etag = first.headers.get('etag')!;
        expect(etag).toMatch(/^W\/"/);
        expect(first.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=30');
        const { res, statements } = await get(path, { 'If-None-Match': etag });
        expect(res.status).toBe(304);
        expect(statements).toBe(1);
        expect(await res.text()).toBe('');
        expect(res.headers.get('etag')).toBe(etag);
      }
      const before = (await h.request('/v1/indexes')).headers.get('etag')!;
      h.clock.advance(1000);
      await bumpDataVersion(h.runtime.database.db, h.clock);
      const after = await get('/v1/indexes', { 'If-None-Match': before });
      expect(after.res.status).toBe(200);
      expect(after.res.headers.get('etag')).not.toBe(before);
    });

    it('skips a flagged print (docs/METHODS.md, "Flagged prints"): a step without it has too few constituents', async () => {
      const db = h.runtime.database.db;
      const beta1 = Number(
        (await db.selectFrom('printings').select('key').where('card_id', '=', 'beta-1').executeTakeFirstOrThrow()).key,
      );
      const print = () => db.selectFrom('prices').where('printing_key', '=', beta1).where('date', '=', day(40));
      const betaOn40 = async () => {
        await deriveIndexes(h.runtime.database);
        return db
          .selectFrom('index_values')
          .select(['value', 'constituents'])
          .where('index_id', '=', 'set-beta')
          .where('date', '=', day(40))
          .executeTakeFirstOrThrow();
      };
      // beta-1 at 60 dollars on day 40 (×1.2: within the jump filter) moves beta by (4 × 50 + 60) / 250.
      await db
        .updateTable('prices')
        .set({ market_cents: 6000 })
        .where('printing_key', '=', beta1)
        .where('date', '=', day(40))
        .execute();
      expect(await betaOn40()).toEqual({ value: 104, constituents: 5 });
      await db
        .insertInto('price_flags')
        .values({
          printing_key: beta1,
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: day(40),
          reason: 'return_outlier',
          ref_date: day(39),
        })
        .execute();
      // Flagged, it is no observation: four printings on the step, fewer than MIN_CONSTITUENTS, so beta stays.
      expect(await betaOn40()).toEqual({ value: 100, constituents: 4 });
      await db.deleteFrom('price_flags').execute();
      await db
        .updateTable('prices')
        .set({ market_cents: 5000 })
        .where('printing_key', '=', beta1)
        .where('date', '=', day(40))
        .execute();
      expect((await print().select('market_cents').executeTakeFirstOrThrow()).market_cents).toBe(5000);
      expect(await betaOn40()).toEqual({ value: 100, constituents: 5 });
    });
  });
});
