import { describe, expect, it } from 'vitest';
import type { LotRow, SaleRow } from './ledger.repo.ts';
import { MissingRate, performanceFlow, reconstructNav, type NavSettings } from './nav.ts';
import type { PriceHistoryRow } from './nav.repo.ts';

const USD: NavSettings = {
  baseCurrency: 'USD',
  costMethod: 'fifo',
  preferredMarket: 'tcgplayer',
  priceField: 'market',
};
let seq = 0;
const lot = (over: Partial<LotRow>): LotRow => ({
  id: `lot_${String(++seq).padStart(4, '0')}`,
  portfolio_id: 'pf_x',
  printing_key: 1,
  item_name: null,
  quantity: 1,
  unit_cost_minor: 0,
  fees_minor: 0,
  currency: 'USD',
  acquired_on: '2026-05-04',
  condition: 'NM',
  grade_company: null,
  grade: null,
  note: null,
  manual_value_minor: null,
  manual_value_on: null,
  origin: 'manual',
  created_at: '2026-05-04T00:00:00.000Z',
  updated_at: '2026-05-04T00:00:00.000Z',
  ...over,
});
const sale = (over: Partial<SaleRow>): SaleRow => ({
  id: `sale_${String(++seq).padStart(4, '0')}`,
  portfolio_id: 'pf_x',
  printing_key: 1,
  condition: 'NM',
  grade_company: null,
  grade: null,
  lot_id: null,
  quantity: 1,
  proceeds_minor: 0,
  fees_minor: 0,
  currency: 'USD',
  sold_on: '2026-05-04',
  note: null,
  origin: 'manual',
  created_at: '2026-05-04T00:00:00.000Z',
  ...over,
});
const price = (
  printing: number,
  date: string,
  cents: number,
  over: Partial<PriceHistoryRow> = {},
): PriceHistoryRow => ({
  printing_key: printing,
  market: 'tcgplayer',
  condition: 'NM',
  currency: 'USD',
  date,
  market_cents: cents,
  low_cents: null,
  ...over,
});
const pick = (points: ReturnType<typeof reconstructNav>, key: 'value_minor' | 'cost_minor' | 'flow_minor') =>
  points.map((p) => p[key]);

const DATES = ['2026-05-04', '2026-06-01', '2026-07-01', '2026-08-03', '2026-09-01'];

describe('reconstructNav', () => {
  it('buy 2 at 100 + 2 fees, the price goes to 110, buy 1 more at 110 + 1, price 120, sell 2 at 125 less 5 fees (FIFO)', () => {
    const points = reconstructNav({
      settings: USD,
      lots: [
        lot({ quantity: 2, unit_cost_minor: 100_00, fees_minor: 2_00, acquired_on: DATES[0] }),
        lot({ quantity: 1, unit_cost_minor: 110_00, fees_minor: 1_00, acquired_on: DATES[2] }),
      ],
      sales: [sale({ quantity: 2, proceeds_minor: 250_00, fees_minor: 5_00, sold_on: DATES[4] })],
      prices: DATES.map((d, i) => price(1, d, [100_00, 110_00, 110_00, 120_00, 125_00][i]!)),
      rates: [],
      calendar: DATES,
      flowsAfter: '2026-05-03',
    });
    expect(pick(points, 'value_minor')).toEqual([200_00, 220_00, 330_00, 360_00, 125_00]);
    // FIFO: the sale takes the first lot's two units (202), leaving the second lot (111).
    expect(pick(points, 'cost_minor')).toEqual([202_00, 202_00, 313_00, 313_00, 111_00]);
    expect(pick(points, 'flow_minor')).toEqual([202_00, 0, 111_00, 0, -245_00]);
    expect(points.map((p) => [p.priced, p.unpriced])).toEqual(Array(5).fill([1, 0]));
  });

  it('average cost leaves the pool average on the unit kept', () => {
    const points = reconstructNav({
      settings: { ...USD, costMethod: 'average' },
      lots: [
        lot({ quantity: 2, unit_cost_minor: 100_00, fees_minor: 2_00, acquired_on: DATES[0] }),
        lot({ quantity: 1, unit_cost_minor: 110_00, fees_minor: 1_00, acquired_on: DATES[2] }),
      ],
      sales: [sale({ quantity: 2, proceeds_minor: 250_00, fees_minor: 5_00, sold_on: DATES[4] })],
      prices: DATES.map((d) => price(1, d, 100_00)),
      rates: [],
      calendar: DATES,
      flowsAfter: '2026-05-03',
    });
    // 313.00 / 3 units: one unit keeps round(31300 / 3) = 10433.
    expect(points.at(-1)!.cost_minor).toBe(10_433);
  });

  it('a EUR lot of a Cardmarket-only printing in a USD portfolio, valued on a Saturday at Friday’s ECB rate', () => {
    // Friday 2026-10-16: 1 EUR = 1.1000 USD; nothing on Saturday 17th.
    const rates = [{ base: 'EUR', quote: 'USD', date: '2026-10-16', rate: 1.1 }];
    const points = reconstructNav({
      settings: USD,
      lots: [
        lot({ quantity: 3, unit_cost_minor: 20_00, fees_minor: 1_50, currency: 'EUR', acquired_on: '2026-10-16' }),
      ],
      sales: [],
      prices: [price(1, '2026-10-16', 25_00, { market: 'cardmarket', currency: 'EUR' })],
      rates,
      calendar: ['2026-10-16', '2026-10-17'],
      flowsAfter: '2026-10-15',
    });
    // Cost 61.50 EUR → 67.65 USD; value 3 × 25 EUR = 75 EUR → 82.50 USD on both days (the price carried).
    expect(points).toEqual([
      { date: '2026-10-16', value_minor: 82_50, cost_minor: 67_65, flow_minor: 67_65, priced: 1, unpriced: 0 },
      { date: '2026-10-17', value_minor: 82_50, cost_minor: 67_65, flow_minor: 0, priced: 1, unpriced: 0 },
    ]);
  });

  it('a JPY lot in a USD portfolio converts yen (no minor digits) to cents', () => {
    // 1 EUR = 160 JPY = 1.25 USD: ¥16,000 (minor units = yen) is €100 = $125.00; price ¥20,000 = $156.25.
    const rates = [
      { base: 'EUR', quote: 'USD', date: '2026-10-16', rate: 1.25 },
      { base: 'EUR', quote: 'JPY', date: '2026-10-16', rate: 160 },
    ];
    const points = reconstructNav({
      settings: USD,
      lots: [lot({ quantity: 1, unit_cost_minor: 16_000, currency: 'JPY', acquired_on: '2026-10-16' })],
      sales: [],
      prices: [price(1, '2026-10-16', 20_000, { currency: 'JPY' })],
      rates,
      calendar: ['2026-10-16'],
      flowsAfter: '2026-10-15',
    });
    expect(points).toEqual([
      { date: '2026-10-16', value_minor: 156_25, cost_minor: 125_00, flow_minor: 125_00, priced: 1, unpriced: 0 },
    ]);
  });

  it('a price carries for 3 days, not 4; without one the holding is unpriced and counted, not valued at 0', () => {
    const points = reconstructNav({
      settings: USD,
      lots: [lot({ quantity: 1, unit_cost_minor: 10_00, acquired_on: '2026-06-01' })],
      sales: [],
      prices: [price(1, '2026-06-01', 12_00), price(1, '2026-06-02', 13_00, { market_cents: null })],
      rates: [],
      calendar: ['2026-06-01', '2026-06-04', '2026-06-05'],
      flowsAfter: '2026-05-31',
    });
    expect(points.map((p) => [p.value_minor, p.priced, p.unpriced])).toEqual([
      [12_00, 1, 0],
      [12_00, 1, 0],
      [0, 0, 1],
    ]);
    // Losing its price, the holding leaves the valued portfolio at its last value: no return.
    expect(pick(points, 'flow_minor')).toEqual([10_00, 0, -12_00]);
  });

  it('buying an item nobody prices is no flow; when it gets a manual valuation it enters at that value', () => {
    const playmat = lot({
      printing_key: null,
      item_name: 'Signed playmat',
      quantity: 1,
      unit_cost_minor: 40_00,
      acquired_on: DATES[1],
      manual_value_minor: 45_00,
      manual_value_on: DATES[3],
    });
    const points = reconstructNav({
      settings: USD,
      lots: [lot({ quantity: 1, unit_cost_minor: 100_00, acquired_on: DATES[0] }), playmat],
      sales: [],
      prices: DATES.map((d) => price(1, d, 100_00)),
      rates: [],
      calendar: DATES,
      flowsAfter: '2026-05-03',
    });
    expect(pick(points, 'value_minor')).toEqual([100_00, 100_00, 100_00, 145_00, 145_00]);
    expect(pick(points, 'cost_minor')).toEqual([100_00, 140_00, 140_00, 140_00, 140_00]);
    expect(pick(points, 'flow_minor')).toEqual([100_00, 0, 0, 45_00, 0]);
    expect(points.map((p) => p.unpriced)).toEqual([0, 1, 1, 0, 0]);
  });

  it('a graded copy is not priced from raw prices; flows before the range and after its last date are left out', () => {
    const points = reconstructNav({
      settings: USD,
      lots: [
        lot({ quantity: 1, unit_cost_minor: 500_00, grade_company: 'PSA', grade: '10', acquired_on: '2026-05-01' }),
        lot({ quantity: 1, unit_cost_minor: 90_00, acquired_on: '2026-05-01' }),
        lot({ quantity: 1, unit_cost_minor: 95_00, acquired_on: '2026-07-01' }),
      ],
      sales: [],
      prices: [price(1, '2026-06-01', 100_00)],
      rates: [],
      calendar: ['2026-06-01'],
      flowsAfter: '2026-05-31',
    });
    expect(points).toEqual([
      { date: '2026-06-01', value_minor: 100_00, cost_minor: 590_00, flow_minor: 0, priced: 1, unpriced: 1 },
    ]);
  });

  it('an amount without an ECB rate near its date stops the reconstruction', () => {
    expect(() =>
      reconstructNav({
        settings: USD,
        lots: [lot({ currency: 'GBP', unit_cost_minor: 1_00 })],
        sales: [],
        prices: [],
        rates: [],
        calendar: ['2026-05-04'],
        flowsAfter: '2026-05-03',
      }),
    ).toThrow(MissingRate);
  });
});

describe('performanceFlow', () => {
  it('cash for priced holdings; value in or out when a price appears or disappears; nothing for unpriced ones', () => {
    expect(performanceFlow(100, 120, 15)).toBe(15);
    expect(performanceFlow(undefined, 120, 118)).toBe(118);
    expect(performanceFlow(100, undefined, -130)).toBe(-130);
    expect(performanceFlow(null, 120, 0)).toBe(120);
    expect(performanceFlow(100, null, 0)).toBe(-100);
    expect(performanceFlow(null, null, 40)).toBe(0);
    expect(performanceFlow(undefined, null, 40)).toBe(0);
    expect(performanceFlow(null, undefined, -50)).toBe(0);
  });
});
