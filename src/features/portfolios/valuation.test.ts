/**
 * Portfolio valuation by hand: every expected number below is computed in the comments, in USD
 * cents, from the lots, sales, prices and ECB rates of the scenario.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FxRate } from '../prices/fx.ts';
import { RateBook } from '../prices/fx.ts';
import type { PriceCandidate } from './pricing.ts';
import {
  convertMinor,
  valuePortfolio,
  type ValuationLot,
  type ValuationSale,
  type ValuationSettings,
} from './valuation.ts';

let seq = 0;
const lot = (over: Partial<ValuationLot> & Pick<ValuationLot, 'quantity' | 'unit_cost_minor'>): ValuationLot => ({
  id: `lot_${String(++seq).padStart(3, '0')}`,
  printing_key: 1,
  item_name: null,
  fees_minor: 0,
  currency: 'USD',
  acquired_on: '2026-11-02',
  condition: 'NM',
  grade_company: null,
  grade: null,
  manual_value_minor: null,
  manual_value_on: null,
  ...over,
});
const sale = (over: Partial<ValuationSale> & Pick<ValuationSale, 'quantity' | 'proceeds_minor'>): ValuationSale => ({
  id: `sale_${String(++seq).padStart(3, '0')}`,
  printing_key: 1,
  condition: 'NM',
  grade_company: null,
  grade: null,
  lot_id: null,
  fees_minor: 0,
  currency: 'USD',
  sold_on: '2026-11-12',
  ...over,
});
const price = (market: string, condition: string, currency: string, minor: number, date = '2026-11-20') =>
  ({ market, condition, currency, date, market_minor: minor, low_minor: null }) satisfies PriceCandidate;

// ECB: USD per euro on Monday 2 Nov, Tuesday 10 Nov and Friday 20 Nov 2026 (none on the weekend).
const RATES: FxRate[] = [
  { base: 'EUR', quote: 'USD', date: '2026-11-02', rate: 1.1 },
  { base: 'EUR', quote: 'USD', date: '2026-11-10', rate: 1.2 },
  { base: 'EUR', quote: 'USD', date: '2026-11-20', rate: 1.25 },
  { base: 'EUR', quote: 'JPY', date: '2026-11-20', rate: 160 },
];
const FIFO: ValuationSettings = {
  baseCurrency: 'USD',
  costMethod: 'fifo',
  preferredMarket: 'tcgplayer',
  priceField: 'market',
};

describe('valuePortfolio: a hand-computed scenario valued on Saturday 2026-11-21', () => {
  // Printing 1, NM: 2 × $100.00 + $1.00 fees on 2 Nov (basis 20100), 1 × €80.00 + €2.00 fees on
  // 10 Nov (8200 EUR cents × 1.20 = 9840); 2 sold on 12 Nov for $260.00 − $10.00 fees (net 25000).
  const l1 = lot({ quantity: 2, unit_cost_minor: 10000, fees_minor: 100 });
  const l2 = lot({ quantity: 1, unit_cost_minor: 8000, fees_minor: 200, currency: 'EUR', acquired_on: '2026-11-10' });
  const s1 = sale({ quantity: 2, proceeds_minor: 26000, fees_minor: 1000 });
  // Printing 2, LP: 1 × €50.00 on 10 Nov (6000); only Cardmarket has a price, and only NM: €60.00.
  const l3 = lot({
    printing_key: 2,
    condition: 'LP',
    quantity: 1,
    unit_cost_minor: 5000,
    currency: 'EUR',
    acquired_on: '2026-11-10',
  });
  // Printing 1 graded PSA 10: $500.00, stated worth $650.00 on 15 Nov.
  const l4 = lot({
    quantity: 1,
    unit_cost_minor: 50000,
    grade_company: 'PSA',
    grade: '10',
    manual_value_minor: 65000,
    manual_value_on: '2026-11-15',
  });
  // Printing 2 graded BGS 9.5 without a manual value: $30.00, unpriced (graded).
  const l5 = lot({ printing_key: 2, quantity: 1, unit_cost_minor: 3000, grade_company: 'BGS', grade: '9.5' });
  // Printing 3: $10.00, no price at all: unpriced (no_price).
  const l6 = lot({ printing_key: 3, quantity: 1, unit_cost_minor: 1000 });
  // A sealed box outside the catalogue: €90.00 on 10 Nov (10800), stated worth €100.00 on 20 Nov.
  const l7 = lot({
    printing_key: null,
    item_name: 'Booster box',
    quantity: 1,
    unit_cost_minor: 9000,
    currency: 'EUR',
    acquired_on: '2026-11-10',
    manual_value_minor: 10000,
    manual_value_on: '2026-11-20',
  });
  // Printing 4: $10.00; its latest price ($11.00) is from 15 Nov, 5 days behind the market: stale.
  const l8 = lot({ printing_key: 4, quantity: 1, unit_cost_minor: 1000 });
  // Bought after the valuation date: left out.
  const l9 = lot({ printing_key: 4, quantity: 5, unit_cost_minor: 1000, acquired_on: '2026-11-23' });
  const lots = [l1, l2, l3, l4, l5, l6, l7, l8, l9];
  const prices = new Map<number, PriceCandidate[]>([
    [1, [price('tcgplayer', 'NM', 'USD', 12000), price('cardmarket', 'NM', 'EUR', 9000)]],
    [2, [price('cardmarket', 'NM', 'EUR', 6000)]],
    [4, [price('tcgplayer', 'NM', 'USD', 1100, '2026-11-15')]],
  ]);
  const input = {
    settings: FIFO,
    asOf: '2026-11-21',
    lots,
    sales: [s1],
    prices,
    marketDates: new Map([
      ['tcgplayer', '2026-11-20'],
      ['cardmarket', '2026-11-20'],
    ]),
    rates: RATES,
  };

  it('FIFO: the sale removes the first lot (20100), gain 4900; the EUR lot stays at 9840', () => {
    const v = valuePortfolio(input);
    expect(v.realized).toEqual([
      {
        sale_id: s1.id,
        holding: 'p1|NM|',
        sold_on: '2026-11-12',
        quantity: 2,
        cost_minor: 20100,
        net_proceeds_minor: 25000,
        gain_minor: 4900,
        fx: [{ currency: 'EUR', rate_date: '2026-11-10', rate: 1.2 }],
      },
    ]);
    const p1 = v.holdings.find((h) => h.holding === 'p1|NM|')!;
    // 1 × $120.00 = 12000; 12000 − 9840 = 2160.
    expect(p1).toMatchObject({ quantity: 1, cost_minor: 9840, value_minor: 12000, unrealized_minor: 2160, fx: null });
    expect(p1.lot_ids).toEqual([l2.id]);
    expect(p1.unit_price).toEqual({
      source: 'market',
      amount_minor: 12000,
      currency: 'USD',
      market: 'tcgplayer',
      condition: 'NM',
      field: 'market',
      date: '2026-11-20',
      flags: [],
    });
  });

  it('average cost: the pool of 3 at 29940 loses round(29940 × 2 / 3) = 19960, gain 5040', () => {
    const v = valuePortfolio({ ...input, settings: { ...FIFO, costMethod: 'average' } });
    expect(v.realized[0]).toMatchObject({ cost_minor: 19960, net_proceeds_minor: 25000, gain_minor: 5040 });
    const p1 = v.holdings.find((h) => h.holding === 'p1|NM|')!;
    // 29940 − 19960 = 9980 left; 12000 − 9980 = 2020.
    expect(p1).toMatchObject({ cost_minor: 9980, unrealized_minor: 2020 });
    // The holding's total gain is the same either way: 4900 + 2160 = 5040 + 2020 = 7060.
    expect(v.realized[0]!.gain_minor + p1.unrealized_minor).toBe(7060);
  });

  it('a condition and market fallback, valued at the rate of Friday 20 Nov on Saturday', () => {
    const v = valuePortfolio(input);
    // €60.00 NM at Cardmarket × 1.25 = $75.00; 7500 − 6000 = 1500.
    expect(v.holdings.find((h) => h.holding === 'p2|LP|')).toMatchObject({
      condition: 'LP',
      cost_minor: 6000,
      value_minor: 7500,
      unrealized_minor: 1500,
      unit_price: {
        source: 'market',
        amount_minor: 6000,
        currency: 'EUR',
        market: 'cardmarket',
        condition: 'NM',
        date: '2026-11-20',
        flags: ['condition_fallback', 'market_fallback'],
      },
      fx: { currency: 'EUR', rate_date: '2026-11-20', rate: 1.25 },
    });
  });

  it('manual valuations value the graded copy and the item outside the catalogue, shown as such', () => {
    const v = valuePortfolio(input);
    expect(v.holdings.find((h) => h.holding === 'p1|NM|PSA 10')).toMatchObject({
      grade: { company: 'PSA', grade: '10' },
      cost_minor: 50000,
      value_minor: 65000,
      unrealized_minor: 15000,
      unit_price: {
        source: 'manual',
        amount_minor: 65000,
        currency: 'USD',
        market: null,
        date: '2026-11-15',
        flags: ['manual'],
      },
    });
    // €100.00 × 1.25 = 12500; cost €90.00 × 1.20 = 10800.
    expect(v.holdings.find((h) => h.holding === `lot:${l7.id}`)).toMatchObject({
      printing_key: null,
      item_name: 'Booster box',
      cost_minor: 10800,
      value_minor: 12500,
      unrealized_minor: 1700,
      unit_price: { source: 'manual', currency: 'EUR', date: '2026-11-20', flags: ['manual'] },
    });
  });

  it('a price more than 3 days behind its market is flagged stale', () => {
    const v = valuePortfolio(input);
    expect(v.holdings.find((h) => h.holding === 'p4|NM|')).toMatchObject({
      quantity: 1,
      value_minor: 1100,
      unit_price: { date: '2026-11-15', flags: ['stale'] },
    });
  });

  it('unpriced holdings are listed with their reason and kept out of value and cost', () => {
    const v = valuePortfolio(input);
    expect(v.unpriced.map((u) => [u.holding, u.reason, u.cost_minor])).toEqual([
      ['p2|NM|BGS 9.5', 'graded', 3000],
      ['p3|NM|', 'no_price', 1000],
    ]);
    expect(v.totals).toEqual({
      // 12000 + 7500 + 65000 + 12500 + 1100
      value_minor: 98100,
      // 9840 + 6000 + 50000 + 10800 + 1000
      cost_minor: 77640,
      unrealized_minor: 20460,
      realized_minor: 4900,
      // 20100 + 9840 + 6000 + 50000 + 3000 + 1000 + 10800 + 1000 (the lot of 23 Nov is later)
      cost_bought_minor: 101740,
      proceeds_minor: 25000,
      total_return: (4900 + 20460) / (101740 - 4000),
      priced_holdings: 5,
      unpriced_holdings: 2,
      unpriced_cost_minor: 4000,
    });
    expect(v.fx).toEqual([
      { currency: 'EUR', rate_date: '2026-11-10', rate: 1.2 },
      { currency: 'EUR', rate_date: '2026-11-20', rate: 1.25 },
    ]);
  });

  it('a holding whose price has no rate on the valuation date is unpriced (no_fx_rate), not 0', () => {
    const v = valuePortfolio({ ...input, asOf: '2026-11-30', rates: RATES });
    expect(v.unpriced.find((u) => u.holding === 'p2|LP|')).toMatchObject({ reason: 'no_fx_rate', cost_minor: 6000 });
  });

  it('a lot whose cost has no rate leaves its holding and its sales out, named', () => {
    const early = lot({ printing_key: 9, quantity: 2, unit_cost_minor: 100, currency: 'GBP' });
    const sold = sale({ printing_key: 9, quantity: 1, proceeds_minor: 500 });
    const v = valuePortfolio({ ...input, lots: [early], sales: [sold] });
    expect(v.unpriced).toMatchObject([{ holding: 'p9|NM|', quantity: 1, cost_minor: null, reason: 'no_fx_rate' }]);
    expect(v.unrealizable).toEqual([
      { sale_id: sold.id, holding: 'p9|NM|', sold_on: '2026-11-12', reason: 'no_fx_rate' },
    ]);
    expect(v.realized).toEqual([]);
    expect(v.totals.cost_bought_minor).toBe(0);
    expect(v.totals.total_return).toBeNull();
  });

  it('refuses a ledger that oversells (the stored ledger never does)', () => {
    expect(() => valuePortfolio({ ...input, lots: [], sales: [s1] })).toThrow(/oversold/);
  });
});

describe('convertMinor', () => {
  const book = new RateBook(RATES);
  it('converts between currencies with different minor units', () => {
    // ¥16000 / 160 × 1.25 = $125.00
    expect(convertMinor(16000, 'JPY', 'USD', '2026-11-21', book)).toEqual({
      ok: true,
      minor: 12500,
      fx: { currency: 'JPY', rate_date: '2026-11-20', rate: 0.0078125 },
    });
    // $125.00 / 1.25 × 160 = ¥16000
    expect(convertMinor(12500, 'USD', 'JPY', '2026-11-20', book)).toMatchObject({ ok: true, minor: 16000 });
    expect(convertMinor(100, 'USD', 'USD', '2026-11-20', book)).toEqual({ ok: true, minor: 100, fx: null });
    expect(convertMinor(100, 'GBP', 'USD', '2026-11-20', book)).toEqual({ ok: false });
  });
});

describe('valuePortfolio properties', () => {
  const DATES = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
  const rates: FxRate[] = DATES.map((date, i) => ({ base: 'EUR', quote: 'USD', date, rate: 1.05 + i * 0.03 }));
  const arbLot = fc.record({
    printing: fc.integer({ min: 1, max: 3 }),
    quantity: fc.integer({ min: 1, max: 9 }),
    unit: fc.integer({ min: 0, max: 100_000 }),
    fees: fc.integer({ min: 0, max: 999 }),
    currency: fc.constantFrom('USD', 'EUR'),
    day: fc.integer({ min: 0, max: 3 }),
  });
  const arbSale = fc.record({
    printing: fc.integer({ min: 1, max: 3 }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    proceeds: fc.integer({ min: 0, max: 200_000 }),
    fees: fc.integer({ min: 0, max: 999 }),
    currency: fc.constantFrom('USD', 'EUR'),
  });

  it('realized + unrealized = value of everything − cost of everything bought + proceeds, by either method', () => {
    fc.assert(
      fc.property(
        fc.array(arbLot, { minLength: 1, maxLength: 12 }),
        fc.array(arbSale, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('fifo' as const, 'average' as const),
        (lotSpecs, saleSpecs, unitPrices, costMethod) => {
          const lots = lotSpecs.map((s, i) =>
            lot({
              id: `lot_${String(i).padStart(3, '0')}`,
              printing_key: s.printing,
              quantity: s.quantity,
              unit_cost_minor: s.unit,
              fees_minor: s.fees,
              currency: s.currency,
              acquired_on: DATES[s.day]!,
            }),
          );
          // Sales on the last date, each of a share of what is still held (never more).
          const held = new Map<number, number>();
          for (const l of lots) held.set(l.printing_key!, (held.get(l.printing_key!) ?? 0) + l.quantity);
          const sales: ValuationSale[] = [];
          saleSpecs.forEach((s, i) => {
            const left = held.get(s.printing) ?? 0;
            const quantity = Math.min(left, Math.max(1, Math.round(left * s.share)));
            if (quantity === 0) return;
            held.set(s.printing, left - quantity);
            sales.push(
              sale({
                id: `sale_${String(i).padStart(3, '0')}`,
                printing_key: s.printing,
                quantity,
                proceeds_minor: s.proceeds + s.fees,
                fees_minor: s.fees,
                currency: s.currency,
                sold_on: DATES[4]!,
              }),
            );
          });
          const prices = new Map(
            unitPrices.map((minor, i) => [i + 1, [price('tcgplayer', 'NM', 'USD', minor, DATES[4])]]),
          );
          const v = valuePortfolio({
            settings: { ...FIFO, costMethod },
            asOf: DATES[4]!,
            lots,
            sales,
            prices,
            marketDates: new Map([['tcgplayer', DATES[4]!]]),
            rates,
          });
          expect(v.unpriced).toEqual([]);
          // Value of everything still held, cost of everything bought and proceeds, computed apart.
          const book = new RateBook(rates);
          let value = 0;
          for (const [printing, quantity] of held) value += quantity * unitPrices[printing - 1]!;
          let bought = 0;
          for (const l of lots) {
            const c = convertMinor(
              l.quantity * l.unit_cost_minor + l.fees_minor,
              l.currency,
              'USD',
              l.acquired_on,
              book,
            );
            bought += c.ok ? c.minor : NaN;
          }
          let proceeds = 0;
          for (const s of sales) {
            const c = convertMinor(s.proceeds_minor - s.fees_minor, s.currency, 'USD', s.sold_on, book);
            proceeds += c.ok ? c.minor : NaN;
          }
          expect(v.totals.value_minor).toBe(value);
          expect(v.totals.cost_bought_minor).toBe(bought);
          expect(v.totals.proceeds_minor).toBe(proceeds);
          expect(v.totals.realized_minor + v.totals.unrealized_minor).toBe(value - bought + proceeds);
        },
      ),
      { numRuns: 300 },
    );
  });
});
