/**
 * The valuation through the app on both dialects: summary and holdings in major units with the
 * base currency and the rates named, the statements a summary costs, and each sale answered with
 * its realized P&L in the base currency.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import { insertPrintings } from '../catalog/printings.repo.ts';
import { catalogWriter } from '../ingest/context.ts';

const NOW = '2026-11-25T12:00:00.000Z';

describe.each(dialects)('portfolio summary and holdings on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let p: { id: string; secret: string };
    const creds = () => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const post = (path: string, body: unknown) => h.request(`/v1/portfolios/${p.id}${path}`, json(body, creds()));
    const get = (path: string) => h.request(`/v1/portfolios/${p.id}${path}`, { headers: creds() });

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'api1', name: 'Api' }], NOW);
      await catalogWriter(ctx).upsertCards([{ id: 'api1-1', setId: 'api1', number: '1', name: 'Pikachu' }], NOW);
      await insertPrintings(
        h.runtime.database.db,
        [{ id: 'api1-1.normal', cardId: 'api1-1', finish: 'normal', productId: null, subType: null, groupId: null }],
        NOW,
      );
      const { key } = await h.runtime.database.db
        .selectFrom('printings')
        .select('key')
        .where('id', '=', 'api1-1.normal')
        .executeTakeFirstOrThrow();
      await h.runtime.database.db
        .insertInto('prices')
        .values({
          printing_key: Number(key),
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: '2026-11-20',
          feed: 'test',
          market_cents: 3000,
          low_cents: 2500,
          known_at: NOW,
          run_id: 'run_test',
        })
        .execute();
      await h.runtime.database.db
        .insertInto('fx_rates')
        .values([
          { base: 'EUR', quote: 'USD', date: '2026-11-06', rate: 1.15, feed: 'ecb', known_at: NOW },
          { base: 'EUR', quote: 'USD', date: '2026-11-20', rate: 1.25, feed: 'ecb', known_at: NOW },
        ])
        .execute();
      p = (await (await h.request('/v1/portfolios', json({ name: 'api' }))).json()) as typeof p;
      // 4 × €20.00 + €0.50 fees on Friday 6 Nov: 8050 EUR cents × 1.15 = 9257.5 → 9258 USD cents.
      await post('/lots', {
        printing_id: 'api1-1.normal',
        quantity: 4,
        unit_cost: '20.00',
        fees: '0.50',
        currency: 'EUR',
        acquired_on: '2026-11-06',
      });
      await post('/lots', {
        printing_id: 'api1-1.normal',
        grade: { company: 'PSA', grade: '9' },
        quantity: 1,
        unit_cost: 40,
        currency: 'USD',
        acquired_on: '2026-11-06',
      });
    });

    it('answers a sale with its realized P&L in the base currency, rates named', async () => {
      // Sold 1 on Sunday 8 Nov for €30.00 − €1.00: 2900 × 1.15 (Friday's rate) = 3335.
      // FIFO basis removed: round(9258 × 1 / 4) = 2315 (2314.5 rounds half up); gain 1020.
      const res = await post('/sales', {
        printing_id: 'api1-1.normal',
        quantity: 1,
        proceeds: 30,
        fees: 1,
        currency: 'EUR',
        sold_on: '2026-11-08',
      });
      expect(res.status).toBe(201);
      const sale = (await res.json()) as Record<string, unknown>;
      expect(sale.realized).toEqual({
        currency: 'USD',
        cost_basis: 23.15,
        net_proceeds: 33.35,
        gain: 10.2,
        fx: [{ currency: 'EUR', rate_date: '2026-11-06', rate: 1.15 }],
      });
      const list = (await (await get('/sales')).json()) as { items: Record<string, unknown>[] };
      expect(list.items.find((s) => s.id === sale.id)!.realized).toEqual(sale.realized);
    });

    it('summary in major units on Saturday 21 Nov, Friday rate named, the graded copy unpriced', async () => {
      const { res, statements } = await h.counted(`/v1/portfolios/${p.id}/summary?as_of=2026-11-21`, {
        headers: creds(),
      });
      expect(res.status).toBe(200);
      // 3 left at 9258 − 2315 = 6943; value 3 × $30.00 = 9000; unrealized 2057; realized 1020.
      expect(await res.json()).toEqual({
        portfolio_id: p.id,
        as_of: '2026-11-21',
        currency: 'USD',
        cost_method: 'fifo',
        preferred_market: 'tcgplayer',
        price_field: 'market',
        value: 90,
        cost: 69.43,
        unrealized: 20.57,
        realized: 10.2,
        cost_bought: 132.58,
        proceeds: 33.35,
        // (1020 + 2057) / (13258 − 4000 of the unpriced graded copy) = 33.2361 %
        total_return_pct: 33.2361,
        priced_holdings: 1,
        unpriced_holdings: 1,
        unpriced_cost: 40,
        unconverted_sales: 0,
        fx: [{ currency: 'EUR', rate_date: '2026-11-06', rate: 1.15 }],
      });
      // auth, settings, lots, sales, markets' latest dates, prices, rates.
      expect(statements).toBe(7);
    });

    it('holdings: price, value and flags; the unpriced one apart with its reason', async () => {
      const { res, statements } = await h.counted(`/v1/portfolios/${p.id}/holdings?as_of=2026-11-21`, {
        headers: creds(),
      });
      expect(res.status).toBe(200);
      // The summary's seven, and the held printings' names.
      expect(statements).toBe(8);
      const body = (await res.json()) as { holdings: unknown[]; unpriced: unknown[] };
      expect(body.holdings).toEqual([
        {
          holding: expect.stringMatching(/^p\d+\|NM\|$/),
          printing: {
            id: 'api1-1.normal',
            card_id: 'api1-1',
            name: 'Pikachu',
            set_id: 'api1',
            number: '1',
            finish: 'normal',
          },
          item_name: null,
          condition: 'NM',
          grade: null,
          quantity: 3,
          lot_ids: [expect.stringMatching(/^lot_/)],
          currency: 'USD',
          cost_basis: 69.43,
          unit_price: {
            source: 'market',
            amount: 30,
            currency: 'USD',
            market: 'tcgplayer',
            condition: 'NM',
            field: 'market',
            date: '2026-11-20',
            flags: [],
          },
          market_value: 90,
          unrealized: 20.57,
          fx: null,
        },
      ]);
      expect(body.unpriced).toMatchObject([
        { grade: { company: 'PSA', grade: '9' }, quantity: 1, cost_basis: 40, currency: 'USD', reason: 'graded' },
      ]);
    });

    it('refuses a future or malformed date, and a portfolio that is not the caller’s', async () => {
      expect((await get('/summary?as_of=2026-12-01')).status).toBe(422);
      expect((await get('/holdings?as_of=2026-13-01')).status).toBe(422);
      const other = (await (await h.request('/v1/portfolios', json({}))).json()) as typeof p;
      const res = await h.request(`/v1/portfolios/${other.id}/summary`, { headers: creds() });
      expect(res.status).toBe(404);
    });
  });
});
