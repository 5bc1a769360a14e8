/**
 * ValuationService on both dialects: the hand-computed scenario of valuation.test.ts through the
 * database (lots and sales stored by the ledger, price rows, a flagged print, ECB rates), valued on
 * Saturday 2026-11-21 with the rate of Friday named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import { insertPrintings } from '../catalog/printings.repo.ts';
import { catalogWriter } from '../ingest/context.ts';
import { deriveLatestPrices } from '../prices/derive-latest.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { ValuationService } from './valuation.service.ts';

const NOW = '2026-11-25T12:00:00.000Z';

describe.each(dialects)('portfolio valuation on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let pf = '';
    let fifoLotIds: string[] = [];
    let saleId = '';
    // Uncached: these tests change prices and settings behind the app's back (no version bump).
    const service = () => new ValuationService(h.runtime.database, h.clock, 0);
    const ledger = () => h.runtime.portfolios.ledger;

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'val1', name: 'Valuation' }], NOW);
      await catalogWriter(ctx).upsertCards(
        [1, 2, 3].map((n) => ({ id: `val1-${n}`, setId: 'val1', number: String(n), name: `Card ${n}` })),
        NOW,
      );
      await insertPrintings(
        h.runtime.database.db,
        [1, 2, 3].map((n) => ({
          id: `val1-${n}.normal`,
          cardId: `val1-${n}`,
          finish: 'normal',
          productId: null,
          subType: null,
          groupId: null,
        })),
        NOW,
      );
      const keys = await h.runtime.database.db
        .selectFrom('printings')
        .select(['key', 'id'])
        .where('id', 'like', 'val1-%')
        .orderBy('id')
        .execute();
      const key = (n: number) => Number(keys[n - 1]!.key);
      const price = (n: number, market: string, condition: string, currency: string, date: string, cents: number) => ({
        printing_key: key(n),
        market,
        condition,
        currency,
        date,
        feed: 'test',
        market_cents: cents,
        low_cents: null,
        known_at: NOW,
        run_id: 'run_test',
      });
      await h.runtime.database.db
        .insertInto('prices')
        .values([
          price(1, 'tcgplayer', 'NM', 'USD', '2026-11-19', 11000),
          price(1, 'tcgplayer', 'NM', 'USD', '2026-11-20', 12000),
          // Later than the valuation date: not used on the 21st… but it is flagged anyway.
          price(1, 'tcgplayer', 'NM', 'USD', '2026-11-22', 99900),
          price(2, 'cardmarket', 'NM', 'EUR', '2026-11-20', 6000),
          // A flagged print of printing 2 on the 21st: left out, the 20th's price is used.
          price(2, 'cardmarket', 'NM', 'EUR', '2026-11-21', 999900),
        ])
        .execute();
      await h.runtime.database.db
        .insertInto('price_flags')
        .values([
          {
            printing_key: key(2),
            market: 'cardmarket',
            condition: 'NM',
            currency: 'EUR',
            date: '2026-11-21',
            reason: 'jump',
            ref_date: '2026-11-20',
          },
          {
            printing_key: key(1),
            market: 'tcgplayer',
            condition: 'NM',
            currency: 'USD',
            date: '2026-11-22',
            reason: 'placeholder_price',
            ref_date: null,
          },
        ])
        .execute();
      await h.runtime.database.db
        .insertInto('fx_rates')
        .values(
          [
            ['2026-11-02', 1.1],
            ['2026-11-10', 1.2],
            ['2026-11-20', 1.25],
          ].map(([date, rate]) => ({
            base: 'EUR',
            quote: 'USD',
            date: date as string,
            rate: rate as number,
            feed: 'ecb',
            known_at: NOW,
          })),
        )
        .execute();

      const res = await h.request('/v1/portfolios', json({ name: 'valued' }));
      pf = ((await res.json()) as { id: string }).id;
      const lots = await ledger().addLots(
        pf,
        [
          {
            printing_id: 'val1-1.normal',
            quantity: 2,
            unit_cost: '100.00',
            fees: '1.00',
            currency: 'USD',
            acquired_on: '2026-11-02',
          },
          {
            printing_id: 'val1-1.normal',
            quantity: 1,
            unit_cost: '80.00',
            fees: '2.00',
            currency: 'EUR',
            acquired_on: '2026-11-10',
          },
          {
            printing_id: 'val1-2.normal',
            condition: 'LP',
            quantity: 1,
            unit_cost: 50,
            currency: 'EUR',
            acquired_on: '2026-11-10',
          },
          {
            printing_id: 'val1-1.normal',
            grade: { company: 'PSA', grade: '10' },
            quantity: 1,
            unit_cost: 500,
            currency: 'USD',
            acquired_on: '2026-11-02',
            manual_value: { unit_value: 650, as_of: '2026-11-15' },
          },
          { printing_id: 'val1-3.normal', quantity: 1, unit_cost: 10, currency: 'USD', acquired_on: '2026-11-02' },
          {
            item_name: 'Booster box',
            quantity: 1,
            unit_cost: 90,
            currency: 'EUR',
            acquired_on: '2026-11-10',
            manual_value: { unit_value: 100, as_of: '2026-11-20' },
          },
        ],
        'manual',
      );
      fifoLotIds = lots.map((l) => l.id);
      const [sale] = await ledger().recordSales(
        pf,
        [
          {
            printing_id: 'val1-1.normal',
            quantity: 2,
            proceeds: 260,
            fees: 10,
            currency: 'USD',
            sold_on: '2026-11-12',
          },
        ],
        'manual',
      );
      saleId = sale!.id;
    });

    it('values the scenario on Saturday with the rate of Friday named', async () => {
      const v = await service().value(pf, { asOf: '2026-11-21' });
      expect(v).toMatchObject({ portfolio_id: pf, as_of: '2026-11-21', base_currency: 'USD', cost_method: 'fifo' });
      const byKey = new Map(v.holdings.map((h) => [h.printing?.id ?? h.item_name, h]));
      // FIFO: the EUR lot is left (€82.00 × 1.20 = 9840); 1 × $120.00 = 12000.
      expect(v.holdings.find((x) => x.holding.endsWith('|NM|') && x.printing?.id === 'val1-1.normal')).toMatchObject({
        quantity: 1,
        cost_minor: 9840,
        value_minor: 12000,
        unrealized_minor: 2160,
        lot_ids: [fifoLotIds[1]],
        unit_price: { market: 'tcgplayer', date: '2026-11-20', flags: [] },
      });
      // €60.00 NM at Cardmarket (the flagged print of the 21st left out) × 1.25 = 7500.
      expect(byKey.get('val1-2.normal')).toMatchObject({
        condition: 'LP',
        cost_minor: 6000,
        value_minor: 7500,
        unit_price: {
          amount_minor: 6000,
          currency: 'EUR',
          date: '2026-11-20',
          flags: ['condition_fallback', 'market_fallback'],
        },
        fx: { currency: 'EUR', rate_date: '2026-11-20', rate: 1.25 },
      });
      expect(byKey.get('Booster box')).toMatchObject({
        cost_minor: 10800,
        value_minor: 12500,
        unit_price: { source: 'manual' },
      });
      expect(v.unpriced).toMatchObject([{ printing: { id: 'val1-3.normal' }, reason: 'no_price', cost_minor: 1000 }]);
      expect(v.realized).toMatchObject([
        { sale_id: saleId, cost_minor: 20100, net_proceeds_minor: 25000, gain_minor: 4900 },
      ]);
      expect(v.totals).toEqual({
        // 12000 + 7500 + 65000 + 12500
        value_minor: 97000,
        // 9840 + 6000 + 50000 + 10800
        cost_minor: 76640,
        unrealized_minor: 20360,
        realized_minor: 4900,
        // 20100 + 9840 + 6000 + 50000 + 1000 + 10800
        cost_bought_minor: 97740,
        proceeds_minor: 25000,
        total_return: (4900 + 20360) / (97740 - 1000),
        priced_holdings: 4,
        unpriced_holdings: 1,
        unpriced_cost_minor: 1000,
      });
      expect(v.fx).toEqual([
        { currency: 'EUR', rate_date: '2026-11-10', rate: 1.2 },
        { currency: 'EUR', rate_date: '2026-11-20', rate: 1.25 },
      ]);
    });

    it('average cost changes the split between realized and unrealized, not the sum', async () => {
      await h.runtime.database.db
        .updateTable('portfolios')
        .set({ cost_method: 'average' })
        .where('id', '=', pf)
        .execute();
      try {
        const v = await service().value(pf, { asOf: '2026-11-21' });
        expect(v.realized[0]).toMatchObject({ cost_minor: 19960, gain_minor: 5040 });
        expect(v.totals.realized_minor + v.totals.unrealized_minor).toBe(4900 + 20360);
        const sales = await service().realizedBySale(pf);
        expect(sales.get(saleId)).toMatchObject({ ok: true, base_currency: 'USD', gain_minor: 5040 });
      } finally {
        await h.runtime.database.db
          .updateTable('portfolios')
          .set({ cost_method: 'fifo' })
          .where('id', '=', pf)
          .execute();
      }
    });

    it('defaults to the latest date with prices, and refuses a future date', async () => {
      // No read model yet: the latest unflagged price of the portfolio's printings (20 Nov; the 22nd is flagged).
      const v = await service().value(pf);
      expect(v.as_of).toBe('2026-11-20');
      await expect(service().value(pf, { asOf: '2026-11-26' })).rejects.toMatchObject({ status: 422 });
      await expect(service().value('pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C')).rejects.toMatchObject({ status: 404 });
    });

    it('with the latest-prices read model: its latest date is the default, and an old price is stale', async () => {
      const { key } = await h.runtime.database.db
        .selectFrom('printings')
        .select('key')
        .where('id', '=', 'val1-3.normal')
        .executeTakeFirstOrThrow();
      await h.runtime.database.db
        .insertInto('prices')
        .values({
          printing_key: Number(key),
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: '2026-11-10',
          feed: 'test',
          market_cents: 1500,
          low_cents: null,
          known_at: NOW,
          run_id: 'run_test',
        })
        .execute();
      await deriveLatestPrices(h.runtime.database);
      const v = await service().value(pf);
      // TCGplayer's latest date is the 22nd (its print there is flagged: the 20th's price values printing 1).
      expect(v.as_of).toBe('2026-11-22');
      expect(v.holdings.find((x) => x.printing?.id === 'val1-1.normal' && x.grade === null)).toMatchObject({
        unit_price: { date: '2026-11-20', flags: [] },
      });
      // Printing 3's only price is 12 days behind its market.
      expect(v.holdings.find((x) => x.printing?.id === 'val1-3.normal')).toMatchObject({
        value_minor: 1500,
        unit_price: { date: '2026-11-10', flags: ['stale'] },
      });
      // On an earlier date the market's latest date is capped there: the 10th's price is 1 day old on the 11th.
      const early = await service().value(pf, { asOf: '2026-11-11' });
      expect(early.holdings.find((x) => x.printing?.id === 'val1-3.normal')!.unit_price.flags).toEqual([]);
    });

    it('a lot bought after the markets latest date moves the default valuation date to its own', async () => {
      await ledger().addLots(
        pf,
        [{ printing_id: 'val1-3.normal', quantity: 1, unit_cost: 12, currency: 'USD', acquired_on: '2026-11-24' }],
        'manual',
      );
      const v = await service().value(pf);
      expect(v.as_of).toBe('2026-11-24');
      expect(v.holdings.find((x) => x.printing?.id === 'val1-3.normal')).toMatchObject({
        quantity: 2,
        cost_minor: 2200,
      });
    });

    it('the cache answers a repeat with one statement, and a ledger write or new market data misses it', async () => {
      const cached = new ValuationService(h.runtime.database, h.clock, 2);
      const counted = async () => {
        const before = h.runtime.database.queryCount;
        const v = await cached.value(pf, { asOf: '2026-11-21' });
        return { v, statements: h.runtime.database.queryCount - before };
      };
      const first = await counted();
      expect(first.statements).toBeGreaterThan(3);
      const again = await counted();
      expect(again).toEqual({ v: first.v, statements: 1 });
      await ledger().addLots(
        pf,
        [{ printing_id: 'val1-3.normal', quantity: 1, unit_cost: 1, currency: 'USD', acquired_on: '2026-11-20' }],
        'manual',
      );
      const afterLot = await counted();
      expect(afterLot.statements).toBeGreaterThan(1);
      expect(afterLot.v.totals.cost_minor).toBe(first.v.totals.cost_minor + 100);
      await bumpDataVersion(h.runtime.database.db, h.clock);
      expect((await counted()).statements).toBeGreaterThan(1);
      // Capacity 2: a third key evicts the oldest.
      await cached.value(pf, { asOf: '2026-11-20' });
      await cached.value(pf, { asOf: '2026-11-19' });
      expect((await counted()).statements).toBeGreaterThan(1);
    });
  });
});
