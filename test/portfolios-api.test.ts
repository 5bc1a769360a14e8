/**
 * Portfolios and watchlists through the full app: capability creation and authentication, the
 * watchlist's add/remove/list contract and wire format, conditional GETs, and the statement
 * budget of every call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogWriter, priceImporter, withRun } from '../src/features/ingest/context.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { deriveLatestPrices } from '../src/features/prices/derive-latest.ts';
import { sha256Hex } from '../src/platform/crypto.ts';
import { bumpDataVersion } from '../src/platform/db/data-version.ts';
import { dialects, label } from './dialects.ts';
import { bearer, json, startHarness, type Harness } from './harness.ts';

interface Created {
  id: string;
  secret: string;
  name: string | null;
  created_at: string;
}
interface Problem {
  code: string;
  errors?: { field: string }[];
}
interface Page {
  items: { printing: { id: string }; added_at: string; price: unknown; changes: unknown }[];
  next_cursor: string | null;
}

const NOW = '2026-11-25T12:00:00.000Z';
const day = (offset: number) => new Date(Date.UTC(2026, 10, 24) + offset * 86_400_000).toISOString().slice(0, 10);
const tcgplayer = (cardId: string, date: string, dollars: number): PriceObservation => ({
  ref: { kind: 'card', cardId, finishLabel: 'holofoil' },
  market: 'tcgplayer',
  currency: 'USD',
  date,
  prices: { market: dollars },
});
const cardmarket = (cardId: string, date: string, euros: number): PriceObservation => ({
  ...tcgplayer(cardId, date, euros),
  market: 'cardmarket',
  currency: 'EUR',
});

const CHARIZARD = 'base1-4.holofoil';
const BLASTOISE = 'base1-2.holofoil';
const CHANSEY = 'base1-3.holofoil';
const VENUSAUR = 'base1-15.holofoil';

describe.each(dialects)('portfolios and watchlists on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let h: Harness;

    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], NOW);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'base1-2', setId: 'base1', number: '2', name: 'Blastoise' },
          { id: 'base1-3', setId: 'base1', number: '3', name: 'Chansey' },
          { id: 'base1-15', setId: 'base1', number: '15', name: 'Venusaur' },
        ],
        NOW,
      );
      await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add([
          // Charizard: TCGplayer USD every window's base, and a Cardmarket series it must not show.
          tcgplayer('base1-4', day(0), 420),
          tcgplayer('base1-4', day(-1), 400),
          tcgplayer('base1-4', day(-7), 350),
          tcgplayer('base1-4', day(-30), 300),
          tcgplayer('base1-4', day(-90), 210),
          cardmarket('base1-4', day(0), 380),
          // Blastoise: Cardmarket only, so that is its preferred series.
          cardmarket('base1-2', day(0), 55.5),
          cardmarket('base1-2', day(-1), 50),
          // Chansey: last seen 5 days before its market's latest date, so stale.
          tcgplayer('base1-3', day(-5), 12.34),
          // Venusaur: a printing whose only row has no market price, so it has no price at all.
          { ...tcgplayer('base1-15', day(0), 1), prices: { market: null, low: 1 } },
        ]);
        await importer.flush();
      });
      await deriveLatestPrices(h.runtime.database);
      await h.runtime.database.db
        .updateTable('printings')
        .set({ tcgplayer_product_id: 42382, tcgplayer_sub_type: 'Holofoil', cardmarket_product_id: 273699 })
        .where('id', '=', CHARIZARD)
        .execute();
    });
    afterAll(async () => {
      await h?.close();
      if (url) await d.drop(url);
    });

    const create = async (body?: unknown, headers: Record<string, string> = {}) => {
      const res = await h.request(
        '/v1/portfolios',
        body === undefined ? { method: 'POST', headers } : json(body, headers),
      );
      expect(res.status).toBe(201);
      return (await res.json()) as Created;
    };
    const creds = (p: Created) => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const itemPath = (p: Created, printingId: string) =>
      `/v1/portfolios/${p.id}/watchlist/${encodeURIComponent(printingId)}`;
    const put = (p: Created, printingId: string) =>
      h.request(itemPath(p, printingId), { method: 'PUT', headers: creds(p) });
    const del = (p: Created, printingId: string) =>
      h.request(itemPath(p, printingId), { method: 'DELETE', headers: creds(p) });
    const list = (p: Created, query = '', headers: Record<string, string> = {}) =>
      h.request(`/v1/portfolios/${p.id}/watchlist${query}`, { headers: { ...creds(p), ...headers } });
    const etagOf = async (p: Created) => {
      const res = await list(p);
      expect(res.status).toBe(200);
      return res.headers.get('etag')!;
    };
    /** Statements the request caused (batched key-usage writes flushed first, so they cannot land inside). */
    const counted = async (send: () => Promise<Response>) => {
      await h.runtime.keyUsage.flush();
      const before = h.runtime.database.queryCount;
      const res = await send();
      return { res, statements: h.runtime.database.queryCount - before };
    };

    describe('creating a portfolio', () => {
      it('answers 201 with the id and the secret once, and stores only the digest', async () => {
        const res = await h.request('/v1/portfolios', json({ name: 'Vintage holos' }));
        expect(res.status).toBe(201);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('ratelimit')).toMatch(/^"anonymous";r=\d+;t=\d+$/);
        expect(res.headers.get('ratelimit-policy')).toMatch(/^"anonymous";q=600;w=60$/);
        const p = (await res.json()) as Created;
        expect(p).toEqual({
          id: expect.stringMatching(/^pf_[0-9A-Z]{26}$/),
          secret: expect.stringMatching(/^cqp_[0-9a-z]{32}$/),
          name: 'Vintage holos',
          created_at: NOW,
        });

        const db = h.runtime.database.db;
        const row = await db.selectFrom('portfolios').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
        expect(row.secret_hash).toBe(await sha256Hex(p.secret));
        expect(JSON.stringify(row)).not.toContain(p.secret.slice(4));
        const owner = await db
          .selectFrom('principals')
          .selectAll()
          .where('id', '=', row.owner_id)
          .executeTakeFirstOrThrow();
        expect(owner).toMatchObject({ kind: 'portfolio', name: 'Vintage holos', created_at: NOW });
        const audit = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'portfolio.create')
          .where('target', '=', p.id)
          .execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({ result: 'success', actor: 'anonymous' });
        expect(JSON.stringify(audit)).not.toContain(p.secret.slice(4));

        const other = await create();
        expect(other.name).toBeNull();
        expect(other.id).not.toBe(p.id);
        expect(other.secret).not.toBe(p.secret);
      });

      it('refuses a name over 100 characters or unknown fields with 422 naming them', async () => {
        const res = await h.request('/v1/portfolios', json({ name: 'x'.repeat(101), colour: 'red' }));
        expect(res.status).toBe(422);
        const fields = ((await res.json()) as Problem).errors!.map((e) => e.field).sort();
        expect(fields).toEqual(['body', 'body.name']);
        expect((await h.request('/v1/portfolios', json({ name: 'x'.repeat(100) }))).status).toBe(201);
      });

      it('replays a retried create with the same Idempotency-Key instead of making a second portfolio', async () => {
        const first = await create({ name: 'retry' }, { 'Idempotency-Key': 'pf-create-1' });
        const second = await h.request('/v1/portfolios', json({ name: 'retry' }, { 'Idempotency-Key': 'pf-create-1' }));
        expect(second.status).toBe(201);
        expect(second.headers.get('idempotent-replayed')).toBe('true');
        expect(((await second.json()) as Created).id).toBe(first.id);
        const named = await h.runtime.database.db
          .selectFrom('portfolios')
          .select('id')
          .where('name', '=', 'retry')
          .execute();
        expect(named).toHaveLength(1);
      });
    });

    describe('authentication', () => {
      let p: Created;
      let q: Created;
      beforeAll(async () => {
        p = await create();
        q = await create();
      });
      const watchlistOf = (id: string, headers: Record<string, string>) =>
        h.request(`/v1/portfolios/${id}/watchlist`, { headers, ip: '198.51.100.7' });

      it('refuses half a pair, a wrong secret, an unknown id and mixed credentials with 401 invalid_credentials', async () => {
        const unknownId = 'pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C';
        const cases: [string, Record<string, string>][] = [
          ['incomplete_portfolio_credentials', { 'X-Portfolio-Id': p.id }],
          ['incomplete_portfolio_credentials', { 'X-Portfolio-Secret': p.secret }],
          ['wrong_portfolio_secret', { ...creds(p), 'X-Portfolio-Secret': q.secret }],
          ['unknown_portfolio', { ...creds(p), 'X-Portfolio-Id': unknownId }],
          ['malformed_portfolio_secret', { ...creds(p), 'X-Portfolio-Secret': 'hunter2' }],
          ['mixed_credentials', { ...creds(p), ...bearer('cqk_whatever') }],
        ];
        for (const [reason, headers] of cases) {
          const res = await watchlistOf(p.id, headers);
          expect(res.status, reason).toBe(401);
          expect(((await res.json()) as Problem).code).toBe('invalid_credentials');
          const audited = await h.runtime.database.db
            .selectFrom('audit_log')
            .select('detail')
            .where('action', '=', 'auth.failure')
            .where('detail', 'like', `%"${reason}"%`)
            .execute();
          expect(audited.length, reason).toBeGreaterThanOrEqual(1);
        }
      });

      it('answers 401 without credentials and 403 to an API key', async () => {
        const anonymous = await watchlistOf(p.id, {});
        expect(anonymous.status).toBe(401);
        expect(((await anonymous.json()) as Problem).code).toBe('unauthorized');
        const { key } = await h.runtime.keys.create(
          { name: 'viewer', role: 'viewer' },
          { actor: 'test', role: 'admin' },
        );
        expect((await watchlistOf(p.id, bearer(key))).status).toBe(403);
      });

      it('answers 404 for another portfolio in the path, exactly as for one that does not exist', async () => {
        for (const path of [
          `/v1/portfolios/${q.id}/watchlist`,
          `/v1/portfolios/pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C/watchlist`,
        ]) {
          const res = await h.request(path, { headers: creds(p) });
          expect(res.status).toBe(404);
          expect(((await res.json()) as Problem).code).toBe('portfolio_not_found');
        }
        expect((await h.request(itemPath(q, CHARIZARD), { method: 'PUT', headers: creds(p) })).status).toBe(404);
        expect((await h.request(itemPath(q, CHARIZARD), { method: 'DELETE', headers: creds(p) })).status).toBe(404);
        expect(
          await h.runtime.database.db
            .selectFrom('watchlist_items')
            .select('printing_key')
            .where('portfolio_id', '=', q.id)
            .execute(),
        ).toEqual([]);
      });

      it('counts failures toward the per-IP lockout, after which further wrong secrets are refused but the right one works', async () => {
        const ip = '203.0.113.99';
        const wrong = { headers: { ...creds(p), 'X-Portfolio-Secret': q.secret }, ip };
        for (let i = 0; i < 30; i++) {
          const res = await h.request(`/v1/portfolios/${p.id}/watchlist`, wrong);
          expect(res.status).toBe(401);
        }
        const locked = await h.request(`/v1/portfolios/${p.id}/watchlist`, wrong);
        expect(locked.status).toBe(429);
        expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
        expect((await h.request(`/v1/portfolios/${p.id}/watchlist`, { headers: creds(p), ip })).status).toBe(200);
        expect(
          (await h.request(`/v1/portfolios/${p.id}/watchlist`, { headers: creds(p), ip: '203.0.113.100' })).status,
        ).toBe(200);
      });
    });

    describe('editing the watchlist', () => {
      it('adds with 201, answers 200 to the same PUT without changing it, and 404 for an unknown printing', async () => {
        const p = await create();
        const first = await put(p, CHARIZARD);
        expect(first.status).toBe(201);
        expect(await first.json()).toEqual({ printing_id: CHARIZARD, added_at: NOW });
        const etag = await etagOf(p);

        h.clock.advance(5_000);
        const again = await put(p, CHARIZARD);
        expect(again.status).toBe(200);
        expect(await again.json()).toEqual({ printing_id: CHARIZARD, added_at: NOW });
        expect(await etagOf(p)).toBe(etag);

        const unknown = await put(p, 'base1-4.no-such-finish');
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as Problem).code).toBe('printing_not_found');
      });

      it('removes with 204, then answers 404 watchlist_item_not_found', async () => {
        const p = await create();
        expect((await put(p, BLASTOISE)).status).toBe(201);
        expect((await del(p, BLASTOISE)).status).toBe(204);
        const gone = await del(p, BLASTOISE);
        expect(gone.status).toBe(404);
        expect(((await gone.json()) as Problem).code).toBe('watchlist_item_not_found');
        expect((await del(p, 'no-such-printing')).status).toBe(404);
        expect(((await (await list(p)).json()) as Page).items).toEqual([]);
      });

      it('tells a new item from one already there even when the clock has not moved', async () => {
        const p = await create();
        h.clock.set('2026-11-25T12:30:00.000Z');
        expect((await put(p, CHARIZARD)).status).toBe(201);
        const second = await put(p, BLASTOISE);
        expect(second.status).toBe(201);
        expect(((await second.json()) as { added_at: string }).added_at).toBe('2026-11-25T12:30:00.001Z');
        expect((await put(p, BLASTOISE)).status).toBe(200);
      });

      it('holds at most 500 printings: 409 watchlist_full, while items already on it still answer 200', async () => {
        const p = await create();
        const db = h.runtime.database.db;
        const card = await db
          .selectFrom('printings')
          .select('card_id')
          .where('id', '=', CHARIZARD)
          .executeTakeFirstOrThrow();
        await db
          .insertInto('printings')
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              id: `cap-${i}`,
              card_id: card.card_id,
              finish: 'normal',
              language: 'en',
              created_at: NOW,
            })),
          )
          .execute();
        const keys = await db.selectFrom('printings').select('key').where('id', 'like', 'cap-%').execute();
        await db
          .insertInto('watchlist_items')
          .values(
            keys.map((k, i) => ({
              portfolio_id: p.id,
              printing_key: k.key,
              added_at: new Date(Date.parse(NOW) - 1_000_000 + i).toISOString(),
            })),
          )
          .execute();

        const full = await put(p, CHARIZARD);
        expect(full.status).toBe(409);
        expect(((await full.json()) as Problem).code).toBe('watchlist_full');
        expect((await put(p, 'cap-7')).status).toBe(200);
        expect((await del(p, 'cap-7')).status).toBe(204);
        expect((await put(p, CHARIZARD)).status).toBe(201);
        const count = await db
          .selectFrom('watchlist_items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('portfolio_id', '=', p.id)
          .executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(500);
      });
    });

    describe('listing the watchlist', () => {
      let p: Created;
      beforeAll(async () => {
        p = await create({ name: 'list' });
        h.clock.set('2026-11-25T13:00:00.000Z');
        for (const id of [VENUSAUR, CHARIZARD, BLASTOISE, CHANSEY]) {
          expect((await put(p, id)).status).toBe(201);
          h.clock.advance(1_000);
        }
      });

      it('sends each item with its printing, card, preferred price and changes, oldest addition first', async () => {
        const res = await list(p);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-cache');
        expect(res.headers.get('ratelimit')).toMatch(/^"authenticated";r=\d+;t=\d+$/);
        const body = (await res.json()) as Page;
        expect(body.next_cursor).toBeNull();
        expect(body.items.map((i) => i.printing.id)).toEqual([VENUSAUR, CHARIZARD, BLASTOISE, CHANSEY]);
        const [venusaur, charizard, blastoise, chansey] = body.items;
        const noChanges = { '1d': null, '7d': null, '30d': null, '90d': null };
        // Printings stored without a TCGplayer group: the set's own product, labelled by finish.
        const ownProduct = {
          tcgplayer_group_id: null,
          product_line: null,
          product_line_label: null,
          label: 'Holofoil',
        };
        expect(venusaur).toEqual({
          printing: {
            id: VENUSAUR,
            card_id: 'base1-15',
            finish: 'holofoil',
            tcgplayer_product_id: null,
            tcgplayer_sub_type: null,
            ...ownProduct,
            cardmarket_product_id: null,
          },
          card: { id: 'base1-15', name: 'Venusaur', set_id: 'base1', number: '15' },
          added_at: '2026-11-25T13:00:00.000Z',
          price: null,
          changes: noChanges,
        });
        const usd = (from: number, fromDate: string, pct: number) => ({
          change_pct: pct,
          from_date: fromDate,
          to_date: day(0),
          from_price: from,
          to_price: 420,
          currency: 'USD',
        });
        expect(charizard).toEqual({
          printing: {
            id: CHARIZARD,
            card_id: 'base1-4',
            finish: 'holofoil',
            tcgplayer_product_id: 42382,
            tcgplayer_sub_type: 'Holofoil',
            ...ownProduct,
            cardmarket_product_id: 273699,
          },
          card: { id: 'base1-4', name: 'Charizard', set_id: 'base1', number: '4' },
          added_at: '2026-11-25T13:00:01.000Z',
          price: { price: 420, currency: 'USD', date: day(0), market: 'tcgplayer', condition: 'NM', stale: false },
          changes: {
            '1d': usd(400, day(-1), 5),
            '7d': usd(350, day(-7), 20),
            '30d': usd(300, day(-30), 40),
            '90d': usd(210, day(-90), 100),
          },
        });
        expect(blastoise).toMatchObject({
          price: { price: 55.5, currency: 'EUR', date: day(0), market: 'cardmarket', condition: 'NM', stale: false },
          changes: {
            ...noChanges,
            '1d': {
              change_pct: 11,
              from_date: day(-1),
              to_date: day(0),
              from_price: 50,
              to_price: 55.5,
              currency: 'EUR',
            },
          },
        });
        expect(chansey).toMatchObject({
          price: { price: 12.34, currency: 'USD', date: day(-5), market: 'tcgplayer', stale: true },
          changes: noChanges,
        });
      });

      it('pages with next_cursor in a stable order', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await list(p, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          const body = (await res.json()) as Page;
          expect(body.items.length).toBeLessThanOrEqual(3);
          seen.push(...body.items.map((i) => i.printing.id));
          cursor = body.next_cursor;
          pages++;
        } while (cursor !== null);
        expect(pages).toBe(2);
        expect(seen).toEqual([VENUSAUR, CHARIZARD, BLASTOISE, CHANSEY]);
      });

      it('orders items added in the same millisecond by printing id', async () => {
        const s = await create();
        const db = h.runtime.database.db;
        const keys = await db
          .selectFrom('printings')
          .select(['key', 'id'])
          .where('id', 'in', [CHARIZARD, BLASTOISE])
          .execute();
        await db
          .insertInto('watchlist_items')
          .values(keys.map((k) => ({ portfolio_id: s.id, printing_key: k.key, added_at: NOW })))
          .execute();
        const first = (await (await list(s, '?limit=1')).json()) as Page;
        expect(first.items.map((i) => i.printing.id)).toEqual([BLASTOISE]);
        const second = (await (await list(s, `?limit=1&cursor=${first.next_cursor}`)).json()) as Page;
        expect(second.items.map((i) => i.printing.id)).toEqual([CHARIZARD]);
        expect(second.next_cursor).toBeNull();
      });

      it('answers 422 naming the parameter for a bad limit, cursor or portfolio id', async () => {
        for (const [query, field] of [
          ['?limit=0', 'query.limit'],
          ['?limit=201', 'query.limit'],
          ['?limit=ten', 'query.limit'],
          ['?cursor=not-a-cursor', 'query.cursor'],
        ]) {
          const res = await list(p, query);
          expect(res.status, query).toBe(422);
          expect(((await res.json()) as Problem).errors?.[0]?.field).toBe(field);
        }
        const badId = await h.request('/v1/portfolios/nope/watchlist', { headers: creds(p) });
        expect(badId.status).toBe(422);
        expect(((await badId.json()) as Problem).errors?.[0]?.field).toBe('path.id');
        const longPrinting = await put(p, 'x'.repeat(201));
        expect(longPrinting.status).toBe(422);
        expect(((await longPrinting.json()) as Problem).errors?.[0]?.field).toBe('path.printingId');
      });
    });

    describe('conditional GETs', () => {
      it('answers 304 to a matching If-None-Match, and changes the ETag after PUT, DELETE and new data', async () => {
        const p = await create();
        expect((await put(p, CHARIZARD)).status).toBe(201);
        const etag = await etagOf(p);
        expect(etag).toMatch(/^W\/"/);

        const cached = await list(p, '', { 'If-None-Match': etag });
        expect(cached.status).toBe(304);
        expect(cached.headers.get('etag')).toBe(etag);
        expect(cached.headers.get('cache-control')).toBe('private, no-cache');
        expect(await cached.text()).toBe('');

        h.clock.advance(1_000);
        expect((await put(p, BLASTOISE)).status).toBe(201);
        const afterPut = await etagOf(p);
        expect(afterPut).not.toBe(etag);
        expect((await list(p, '', { 'If-None-Match': etag })).status).toBe(200);

        expect((await del(p, BLASTOISE)).status).toBe(204);
        const afterDelete = await etagOf(p);
        expect(afterDelete).not.toBe(afterPut);

        h.clock.advance(1_000);
        await bumpDataVersion(h.runtime.database.db, h.clock);
        const afterData = await etagOf(p);
        expect(afterData).not.toBe(afterDelete);
        expect((await list(p, '', { 'If-None-Match': afterDelete })).status).toBe(200);
      });

      it('changes the ETag when an item is swapped for another within one millisecond', async () => {
        const p = await create();
        h.clock.set('2026-11-26T00:00:00.000Z');
        expect((await put(p, CHARIZARD)).status).toBe(201);
        expect((await put(p, BLASTOISE)).status).toBe(201);
        const before = await etagOf(p);
        // Same count and same latest added_at afterwards: only the contents tell the lists apart.
        expect((await del(p, BLASTOISE)).status).toBe(204);
        expect((await put(p, CHANSEY)).status).toBe(201);
        const after = await etagOf(p);
        expect(after).not.toBe(before);
        expect((await list(p, '', { 'If-None-Match': before })).status).toBe(200);
        const ids = ((await (await list(p)).json()) as Page).items.map((i) => i.printing.id);
        expect(ids).toEqual([CHARIZARD, CHANSEY]);
      });
    });

    describe('statement budget (authentication included)', () => {
      // On PostgreSQL a PUT locks the portfolio row first (begin, lock, insert, commit), so
      // concurrent adds cannot pass the cap together (test/races.test.ts).
      const putStatements = d.name === 'postgres' ? 5 : 2;
      it(`GET costs 2 statements, a 304 costs 1, PUT ${putStatements} and DELETE 2`, async () => {
        const p = await create();
        h.clock.advance(1_000);
        const added = await counted(() => put(p, CHARIZARD));
        expect(added.res.status).toBe(201);
        expect(added.statements).toBe(putStatements);
        const repeated = await counted(() => put(p, CHARIZARD));
        expect(repeated.res.status).toBe(200);
        expect(repeated.statements).toBe(putStatements);
        expect((await put(p, BLASTOISE)).status).toBe(201);

        const full = await counted(() => list(p));
        expect(full.res.status).toBe(200);
        expect(((await full.res.json()) as Page).items).toHaveLength(2);
        expect(full.statements).toBe(2);
        const notModified = await counted(() => list(p, '', { 'If-None-Match': full.res.headers.get('etag')! }));
        expect(notModified.res.status).toBe(304);
        expect(notModified.statements).toBe(1);

        const removed = await counted(() => del(p, BLASTOISE));
        expect(removed.res.status).toBe(204);
        expect(removed.statements).toBe(2);
      });
    });
  });
});

describe('portfolio creation is rate limited per client IP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite::memory:', { RATE_LIMIT_ANONYMOUS: '2' });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After and RateLimit headers once the budget is spent', async () => {
    for (let i = 0; i < 2; i++)
      expect((await h.request('/v1/portfolios', { method: 'POST', ip: '192.0.2.50' })).status).toBe(201);
    const refused = await h.request('/v1/portfolios', { method: 'POST', ip: '192.0.2.50' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toBe('"anonymous";q=2;w=60');
    expect((await h.request('/v1/portfolios', { method: 'POST', ip: '192.0.2.51' })).status).toBe(201);
    expect(await h.runtime.database.db.selectFrom('portfolios').select('id').execute()).toHaveLength(3);
  });
});
