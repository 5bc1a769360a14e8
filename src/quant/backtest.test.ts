import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestInput, type BacktestOptions, type PriceObservation } from './backtest.ts';

const DATES = ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06'];

const FRICTIONLESS: BacktestOptions = {
  quantile: 0.25,
  side: 'long',
  holdingDays: 2,
  rebalanceEvery: 2,
  buyAt: 'market',
  feePct: 0,
  fixedCost: 0,
  slippageBps: 0,
  initialCapital: 1000,
};

/** Market prices per printing, one per date (null = no observation); low = market unless given. */
function prices(
  market: Record<string, (number | null)[]>,
  low: Record<string, (number | null)[]> = {},
): BacktestInput['price'] {
  return (printing, date) => {
    const t = DATES.indexOf(date);
    const m = market[printing]?.[t];
    if (t < 0 || m === undefined) return null;
    const observation: PriceObservation = { market: m, low: low[printing]?.[t] ?? m };
    return observation;
  };
}

/** Scores per signal date; dates not listed have an empty signal. */
function signals(byDate: Record<string, Record<string, number>>, calls: string[] = []): BacktestInput['signal'] {
  return (date) => {
    calls.push(date);
    return new Map(Object.entries(byDate[date] ?? {}));
  };
}

const values = (result: ReturnType<typeof runBacktest>) => result.equity.map((e) => Number(e.value.toFixed(9)));

describe('backtest: timing and basket tracking', () => {
  it('trades the day after the signal, so a signal that sees a jump on its own date earns nothing from it', () => {
    // d0 ranks A first: bought on d1 at 10, held 2 dates, sold on d3 at 15.
    // d2 ranks C first because C is about to triple — but the basket trades on d3, at the new price.
    const calls: string[] = [];
    const result = runBacktest({
      dates: DATES,
      signal: signals(
        {
          '2024-03-01': { A: 2, B: 1, C: 0, D: -1 },
          '2024-03-03': { C: 3, B: 2, A: 1, D: 0 },
        },
        calls,
      ),
      price: prices({
        A: [10, 10, 12, 15, 15, 15],
        B: [10, 10, 10, 10, 8, 8],
        C: [10, 10, 10, 30, 30, 30],
        D: [10, 10, 10, 10, 10, 10],
      }),
      options: FRICTIONLESS,
    });
    expect(values(result)).toEqual([1000, 1000, 1200, 1500, 1500, 1500]);
    expect(result.trades.map((t) => [t.printing, t.side, t.date, t.price, t.quantity])).toEqual([
      ['A', 'buy', '2024-03-02', 10, 100],
      ['A', 'sell', '2024-03-04', 15, 100],
      ['C', 'buy', '2024-03-04', 30, 50],
      ['C', 'sell', '2024-03-06', 30, 50],
    ]);
    // Rebalance dates d0 and d2 only; d4's basket could only trade on the last date.
    expect(calls).toEqual(['2024-03-01', '2024-03-03']);
    expect(result.metrics.totalReturn).toBeCloseTo(0.5, 12);
    expect(result.metrics.hitRate).toBe(0.5); // A gained, C broke even
    expect(result.metrics.costs).toBe(0);
  });

  it('holds the chosen basket to the end of its period even after the printing leaves the top quantile', () => {
    // Daily baskets held 2 dates: K = 2 sleeves of 500. A is top on d0 only; B from d1 on.
    const result = runBacktest({
      dates: DATES,
      signal: signals({
        '2024-03-01': { A: 1, B: 0 },
        '2024-03-02': { A: 0, B: 1 },
        '2024-03-03': { A: 0, B: 1 },
        '2024-03-04': { A: 0, B: 1 },
      }),
      price: prices({ A: [10, 10, 20, 20, 20, 20], B: [10, 10, 10, 10, 5, 5] }),
      options: { ...FRICTIONLESS, quantile: 0.5, rebalanceEvery: 1 },
    });
    // d1: sleeve 0 buys 50 A @10. d2: A → 20 (+500); sleeve 1 buys 50 B @10.
    // d3: sleeve 0 sells A @20 (1000) and buys 100 B @10. d4: B → 5; sleeve 1 sells 50 B @5 (250), rebuys 50 @5.
    // d5: sleeve 0 sells 100 B @5 (500); sleeve 1's basket is open at the end, valued at 250.
    expect(values(result)).toEqual([1000, 1000, 1500, 1500, 750, 750]);
    const aTrades = result.trades.filter((t) => t.printing === 'A');
    expect(aTrades.map((t) => [t.basket, t.side, t.date])).toEqual([
      [0, 'buy', '2024-03-02'],
      [0, 'sell', '2024-03-04'],
    ]);
    const last = result.trades.filter((t) => t.openAtEnd);
    expect(last.map((t) => [t.basket, t.printing, t.side, t.date, t.quantity])).toEqual([
      [3, 'B', 'sell', '2024-03-06', 50],
    ]);
    // Completed round trips: A +500, B (basket 1) −250, B (basket 2) −500; the open-at-end exit is not one.
    expect(result.metrics.hitRate).toBeCloseTo(1 / 3, 15);
    expect(result.metrics.maxDrawdown).toBeCloseTo(0.5, 15);
  });

  it('every trade comes after the signal that chose it', () => {
    const result = runBacktest({
      dates: DATES,
      signal: (date) =>
        new Map([
          ['A', date.charCodeAt(9)],
          ['B', -date.charCodeAt(9)],
        ]),
      price: prices({ A: [1, 2, 3, 4, 5, 6], B: [6, 5, 4, 3, 2, 1] }),
      options: { ...FRICTIONLESS, quantile: 0.5, rebalanceEvery: 1, holdingDays: 3 },
    });
    expect(result.trades.length).toBeGreaterThan(0);
    for (const trade of result.trades) expect(trade.date > trade.signalDate).toBe(true);
  });
});

describe('backtest: costs, long-short and metrics (hand-computed)', () => {
  it('one long-short basket with fee, fixed cost, slippage and buying at the low', () => {
    // Signal d0: long A, short D. Trades on d1 (index 1), closes on d3 (the last of four dates).
    // Long A:  buy at low 8 × 1.01 = 8.08 with (1000 − 1) → qA = 999 / 8.08; costs 1 + qA·0.08.
    // Short D: sell 1000 notional at 20 × 0.99 = 19.8 → qD = 1000 / 19.8; receives 1000·0.9 − 1 = 899.
    // Sleeve cash after opening: 1000 − 1000 + 899 = 899.
    const dates = DATES.slice(0, 4);
    const result = runBacktest({
      dates,
      signal: signals({ '2024-03-01': { A: 1, B: 0.5, C: 0, D: -1 } }),
      price: prices(
        { A: [10, 10, 12, 11], B: [10, 10, 10, 10], C: [10, 10, 10, 10], D: [20, 20, 18, 22] },
        { A: [10, 8, 12, 11] },
      ),
      options: { ...FRICTIONLESS, side: 'long-short', buyAt: 'low', feePct: 10, fixedCost: 1, slippageBps: 100 },
    });
    const qA = 999 / 8.08;
    const qD = 1000 / 19.8;
    const e1 = 899 + qA * 10 - qD * 20; // 1125.2851285128513, longs marked at market, not at the low paid
    const e2 = 899 + qA * 12 - qD * 18; // 1473.5724572457248
    // d3: sell A at 11 × 0.99 = 10.89, 10 % fee, 1 fixed; cover D at 22 × 1.01 = 22.22, 1 fixed.
    const e3 = 899 + (qA * 10.89 * 0.9 - 1) - (qD * 22.22 + 1); // 986.5598322332235
    expect(result.equity.map((e) => e.value)).toEqual([
      1000,
      expect.closeTo(e1, 9),
      expect.closeTo(e2, 9),
      expect.closeTo(e3, 9),
    ]);
    expect(e3).toBeCloseTo(986.5598322332235, 9);

    expect(result.trades.map((t) => [t.leg, t.printing, t.side, t.date, t.price])).toEqual([
      ['long', 'A', 'buy', '2024-03-02', expect.closeTo(8.08, 12)],
      ['short', 'D', 'sell', '2024-03-02', expect.closeTo(19.8, 12)],
      ['long', 'A', 'sell', '2024-03-04', expect.closeTo(10.89, 12)],
      ['short', 'D', 'buy', '2024-03-04', expect.closeTo(22.22, 12)],
    ]);
    const costs = [1 + qA * 0.08, 100 + 1 + qD * 0.2, 0.1 * qA * 10.89 + 1 + qA * 0.11, 1 + qD * 0.22];
    result.trades.forEach((t, i) => expect(t.cost).toBeCloseTo(costs[i]!, 9));
    const m = result.metrics;
    expect(m.costs).toBeCloseTo(283.34590834083406, 9);
    expect(m.trades).toBe(4);
    // A: 0.9·qA·10.89 − 1 − 1000 = +210.78; D: 899 − (qD·22.22 + 1) = −224.22.
    expect(m.hitRate).toBe(0.5);
    expect(m.totalReturn).toBeCloseTo(e3 / 1000 - 1, 12);
    expect(m.annualisedReturn).toBeCloseTo((e3 / 1000) ** (365 / 3) - 1, 12);
    expect(m.maxDrawdown).toBeCloseTo(1 - e3 / e2, 12);
    // One rebalance: notional on d1 (999 + 1000) / e1 plus on d3 (qA·10.89 + qD·22.22) / e3.
    expect(m.turnover).toBeCloseTo(4.278716414901027, 9);
    expect(m.annualisedVolatility).toBeCloseTo(6.721621760029905, 9);
    expect(m.sharpe).toBeCloseTo(-0.24492730371732574, 9);
  });

  it('a basket still open at the end is valued at what selling it on the last date would realise', () => {
    const result = runBacktest({
      dates: DATES.slice(0, 4),
      signal: signals({ '2024-03-01': { A: 1, B: 0 } }),
      price: prices({ A: [10, 10, 10, 12], B: [10, 10, 10, 10] }),
      options: { ...FRICTIONLESS, quantile: 0.5, holdingDays: 5, rebalanceEvery: 5, feePct: 10 },
    });
    // Bought 100 A @10 on d1; on d3 marked at 1200 but valued at 1200 × 0.9 = 1080.
    expect(values(result)).toEqual([1000, 1000, 1000, 1080]);
    expect(result.trades[1]).toMatchObject({ printing: 'A', side: 'sell', openAtEnd: true, cost: 120 });
    expect(result.metrics.hitRate).toBeNull();
  });
});

describe('backtest: gaps and filters', () => {
  it('skips a printing without a price on the execution date and splits the leg among the rest', () => {
    const result = runBacktest({
      dates: DATES.slice(0, 4),
      signal: signals({ '2024-03-01': { A: 3, B: 2, C: 1, D: 0 } }),
      price: prices({ A: [10, null, 10, 10], B: [10, 10, 10, 10], C: [10, 20, 20, 20], D: [10, 10, 10, 10] }),
      options: { ...FRICTIONLESS, quantile: 0.75 },
    });
    // Top 3 = A, B, C; A has no price on d1, so B and C get 500 each.
    expect(result.trades.filter((t) => t.side === 'buy').map((t) => [t.printing, t.quantity])).toEqual([
      ['B', 50],
      ['C', 25],
    ]);
  });

  it('carries the last known mark through missing prices, including for the exit', () => {
    const result = runBacktest({
      dates: DATES.slice(0, 5),
      signal: signals({ '2024-03-01': { A: 1 } }),
      price: prices({ A: [10, 10, 14, null, null] }),
      options: { ...FRICTIONLESS, holdingDays: 2 },
    });
    expect(values(result)).toEqual([1000, 1000, 1400, 1400, 1400]);
    expect(result.trades[1]).toMatchObject({ side: 'sell', date: '2024-03-04', price: 14, openAtEnd: false });
  });

  it('minPrice drops printings priced under it (or unpriced) on the signal date', () => {
    const result = runBacktest({
      dates: DATES.slice(0, 4),
      signal: signals({ '2024-03-01': { A: 3, B: 2, C: 1, D: 0 } }),
      price: prices({ A: [4, 4, 4, 4], B: [null, 10, 10, 10], C: [10, 10, 10, 10], D: [10, 10, 10, 10] }),
      options: { ...FRICTIONLESS, minPrice: 5 },
    });
    // Eligible: C, D → k = max(1, ⌊0.25·2⌋) = 1 → C.
    expect(result.trades[0]?.printing).toBe('C');
  });

  it('breaks score ties by printing id; an empty signal leaves the capital in cash', () => {
    const tied = runBacktest({
      dates: DATES.slice(0, 4),
      signal: signals({ '2024-03-01': { Z: 1, M: 1, B: 1, Q: 0 } }),
      price: prices({ Z: [1, 1, 1, 1], M: [1, 1, 1, 1], B: [1, 1, 1, 1], Q: [1, 1, 1, 1] }),
      options: { ...FRICTIONLESS, side: 'long-short', quantile: 0.5 },
    });
    // Order: B, M, Z (score 1, by id), then Q → long B, M; short Z, Q.
    expect(tied.trades.filter((t) => t.date === '2024-03-02').map((t) => `${t.leg}:${t.printing}`)).toEqual([
      'long:B',
      'long:M',
      'short:Z',
      'short:Q',
    ]);

    const idle = runBacktest({ dates: DATES, signal: () => new Map(), price: () => null, options: FRICTIONLESS });
    expect(values(idle)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
    expect(idle.metrics).toMatchObject({
      trades: 0,
      costs: 0,
      hitRate: null,
      totalReturn: 0,
      maxDrawdown: 0,
      turnover: 0,
      sharpe: null,
    });
  });

  it('rejects an unusable calendar or options', () => {
    const base = { signal: () => new Map<string, number>(), price: () => null };
    expect(() => runBacktest({ ...base, dates: [], options: FRICTIONLESS })).toThrow(RangeError);
    expect(() => runBacktest({ ...base, dates: ['2024-03-02', '2024-03-01'], options: FRICTIONLESS })).toThrow(
      RangeError,
    );
    expect(() => runBacktest({ ...base, dates: ['03/01/2024'], options: FRICTIONLESS })).toThrow(RangeError);
    expect(() =>
      runBacktest({ ...base, dates: DATES, options: { ...FRICTIONLESS, side: 'long-short', quantile: 0.6 } }),
    ).toThrow(RangeError);
    expect(() => runBacktest({ ...base, dates: DATES, options: { ...FRICTIONLESS, rebalanceEvery: 0 } })).toThrow(
      RangeError,
    );
    expect(() => runBacktest({ ...base, dates: DATES, options: { ...FRICTIONLESS, feePct: -1 } })).toThrow(RangeError);
  });
});

describe('backtest: ruin and a planted absurd print', () => {
  // d0 ranks A top, B bottom: long A, short B, traded on d1 at 10 each, held to d3 (frictionless).
  // On d2 B prints 10,000 (a placeholder listing): the short owes 100 units × 10,000 = 1,000,000.
  const planted = {
    A: [10, 10, 10, 10, 10, 10],
    B: [10, 10, 10_000, 10, 10, 10],
  };
  const options: BacktestOptions = {
    ...FRICTIONLESS,
    quantile: 0.5,
    side: 'long-short',
    holdingDays: 2,
    rebalanceEvery: 6,
  };
  const signal = signals({ '2024-03-01': { A: 2, B: 1 } });

  it('fed the absurd print, the long-short run is ruined on that date: it stops at 0, never shows negative equity, reports the deficit', () => {
    const result = runBacktest({ dates: DATES, signal, price: prices(planted), options });
    // Equity: 1000, 1000 (cash 1000 + A 1000 − B 1000), then 1000 + 1000 − 1,000,000 < 0 → ruin on d2.
    expect(values(result)).toEqual([1000, 1000, 0]);
    expect(result.ruin).toEqual({ date: '2024-03-03', deficit: 1_000_000 - 2000 });
    expect(result.equity.every((e) => e.value >= 0)).toBe(true);
    expect(result.metrics.totalReturn).toBe(-1);
    expect(result.metrics.maxDrawdown).toBe(1);
    expect(result.metrics.annualisedReturn).toBeNull();
    expect(result.metrics.annualisedVolatility).toBeNull();
    expect(result.metrics.sharpe).toBeNull();
    // The positions were closed on the ruin date, not left open.
    expect(result.trades.filter((t) => t.date === '2024-03-03').map((t) => [t.printing, t.side, t.openAtEnd])).toEqual([
      ['A', 'sell', false],
      ['B', 'buy', false],
    ]);
  });

  it('with the print excluded (a gap), the same run trades around it: the short is marked and covered at the last clean price', () => {
    const excluded = { ...planted, B: [10, 10, null, 10, 10, 10] };
    const result = runBacktest({ dates: DATES, signal, price: prices(excluded), options });
    expect(result.ruin).toBeNull();
    expect(values(result)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
    expect(result.trades.every((t) => t.price === 10)).toBe(true);
    expect(result.metrics.totalReturn).toBe(0);
  });
});
