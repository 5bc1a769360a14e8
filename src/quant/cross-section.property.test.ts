import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestInput, type BacktestOptions, type PriceObservation } from './backtest.ts';
import { spearman } from './rank.ts';
import { scoreFromZ } from './score.ts';

/*
 * Integers in a modest range keep every transform below strictly increasing in floating point
 * (no two inputs collapse to one output), and give plenty of ties.
 */
const pairedIntegers = fc
  .integer({ min: 4, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.integer({ min: -30, max: 30 }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: -30, max: 30 }), { minLength: n, maxLength: n }),
    ),
  );

const increasing: [string, (v: number) => number][] = [
  ['exp', (v) => Math.exp(v / 10)],
  ['cube', (v) => v ** 3],
  ['affine', (v) => 2.5 * v + 7],
];

describe('Spearman properties', () => {
  it.each(increasing)('is unchanged by a strictly increasing transform (%s) of either side', (_, f) => {
    fc.assert(
      fc.property(pairedIntegers, ([x, y]) => {
        const base = spearman(x, y, 2);
        const left = spearman(x.map(f), y, 2);
        const right = spearman(x, y.map(f), 2);
        if (base === null) return left === null && right === null;
        return (
          left !== null &&
          right !== null &&
          Math.abs(left.rho - base.rho) <= 1e-12 &&
          Math.abs(right.rho - base.rho) <= 1e-12
        );
      }),
    );
  });

  it('spearman(x, x) = 1 unless x is constant', () => {
    fc.assert(
      fc.property(pairedIntegers, ([x]) => {
        const result = spearman(x, x, 2);
        return new Set(x).size === 1 ? result === null : Math.abs(result!.rho - 1) <= 1e-12;
      }),
    );
  });

  it('is antisymmetric: spearman(x, −y) = −spearman(x, y)', () => {
    fc.assert(
      fc.property(pairedIntegers, ([x, y]) => {
        const plus = spearman(x, y, 2);
        const minus = spearman(
          x,
          y.map((v) => -v),
          2,
        );
        return plus === null ? minus === null : Math.abs(minus!.rho + plus.rho) <= 1e-12;
      }),
    );
  });

  it('with NaN or infinite entries equals the statistic of the complete pairs', () => {
    const gap = fc.constantFrom(Number.NaN, Infinity, -Infinity);
    const withGaps = fc.array(
      fc.tuple(fc.oneof(fc.integer({ min: -20, max: 20 }), gap), fc.oneof(fc.integer({ min: -20, max: 20 }), gap)),
      { minLength: 3, maxLength: 40 },
    );
    fc.assert(
      fc.property(withGaps, (pairs) => {
        const complete = pairs.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
        const expected = spearman(
          complete.map(([a]) => a),
          complete.map(([, b]) => b),
          3,
        );
        const actual = spearman(
          pairs.map(([a]) => a),
          pairs.map(([, b]) => b),
          3,
        );
        expect(actual).toEqual(expected);
      }),
    );
  });
});

describe('score properties', () => {
  it('scoreFromZ is monotone non-decreasing and within [0, 100]', () => {
    const z = fc.double({ noNaN: true, min: -50, max: 50 });
    fc.assert(
      fc.property(z, z, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const sLo = scoreFromZ(lo);
        const sHi = scoreFromZ(hi);
        return sLo <= sHi && sLo >= 0 && sHi <= 100;
      }),
    );
  });
});

/** A random market: prices for more dates than the simulated calendar, scores per date. */
const ALL_DATES = Array.from({ length: 16 }, (_, i) => `2024-05-${String(i + 1).padStart(2, '0')}`);
const PRINTINGS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];

const market = fc.record({
  calendarLength: fc.integer({ min: 3, max: 12 }),
  prices: fc.array(
    fc.array(fc.option(fc.integer({ min: 1, max: 200 }), { freq: 6 }), {
      minLength: PRINTINGS.length,
      maxLength: PRINTINGS.length,
    }),
    {
      minLength: ALL_DATES.length,
      maxLength: ALL_DATES.length,
    },
  ),
  scores: fc.array(
    fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { freq: 4 }), {
      minLength: PRINTINGS.length,
      maxLength: PRINTINGS.length,
    }),
    {
      minLength: ALL_DATES.length,
      maxLength: ALL_DATES.length,
    },
  ),
  options: fc.record({
    quantile: fc.constantFrom(0.2, 0.25, 0.5),
    side: fc.constantFrom('long' as const, 'long-short' as const),
    holdingDays: fc.integer({ min: 1, max: 4 }),
    rebalanceEvery: fc.integer({ min: 1, max: 3 }),
    buyAt: fc.constantFrom('market' as const, 'low' as const),
    feePct: fc.constantFrom(0, 12.75),
    fixedCost: fc.constantFrom(0, 1.5),
    slippageBps: fc.constantFrom(0, 50),
    minPrice: fc.constantFrom(undefined, 20),
    initialCapital: fc.constant(10_000),
  }),
});

type Market = { prices: (number | null)[][]; scores: (number | null)[][] };

function priceOf({ prices }: Market): BacktestInput['price'] {
  return (printing, date) => {
    const m = prices[ALL_DATES.indexOf(date)]?.[PRINTINGS.indexOf(printing)];
    if (m === undefined || m === null) return null;
    const observation: PriceObservation = { market: m, low: m * 0.9 };
    return observation;
  };
}

function signalOf({ scores }: Market): BacktestInput['signal'] {
  return (date) => {
    const row = scores[ALL_DATES.indexOf(date)] ?? [];
    return new Map(
      PRINTINGS.flatMap((p, j) => (row[j] === null || row[j] === undefined ? [] : [[p, row[j]] as [string, number]])),
    );
  };
}

function run(m: Market, calendarLength: number, options: BacktestOptions, overrides: Partial<BacktestInput> = {}) {
  return runBacktest({
    dates: ALL_DATES.slice(0, calendarLength),
    signal: signalOf(m),
    price: priceOf(m),
    options,
    ...overrides,
  });
}

describe('backtest properties', () => {
  it('is identical when prices after the last simulated date are shuffled or altered', () => {
    fc.assert(
      fc.property(market, fc.integer({ min: 1, max: 1000 }), ({ calendarLength, prices, scores, options }, seed) => {
        const shuffled = [...prices.slice(0, calendarLength), ...rotate(prices.slice(calendarLength), seed)].map(
          (row, t) => (t < calendarLength ? row : rotate(row, seed + t).map((v) => (v === null ? 7 : v * 3))),
        );
        expect(run({ prices: shuffled, scores }, calendarLength, options)).toEqual(
          run({ prices, scores }, calendarLength, options),
        );
      }),
    );
  });

  it('never prices a date for trading after reading a signal of that date or later; signals come in calendar order', () => {
    fc.assert(
      fc.property(market, ({ calendarLength, prices, scores, options }) => {
        const m = { prices, scores };
        const dates = ALL_DATES.slice(0, calendarLength);
        const signalled: string[] = [];
        let latestPriced = '';
        const result = run(m, calendarLength, options, {
          signal: (date) => {
            // The simulation is causal: no price beyond this date has been looked at yet.
            expect(latestPriced <= date).toBe(true);
            signalled.push(date);
            return signalOf(m)(date);
          },
          price: (printing, date) => {
            // Marks and trades on date e may only follow signals of dates before e. The one exception
            // is the minPrice filter, which reads the signal date's own price when choosing the basket.
            const latestSignal = signalled[signalled.length - 1] ?? '';
            expect(options.minPrice === undefined ? latestSignal < date : latestSignal <= date).toBe(true);
            if (date > latestPriced) latestPriced = date;
            return priceOf(m)(printing, date);
          },
        });
        // Signals are read on rebalance dates only, in order, never on the last two dates — and
        // none from the date a run is ruined on (a short whose price doubles wipes out its sleeve).
        const ruin = result.ruin?.date ?? '9999-12-31';
        expect(signalled).toEqual(
          dates.filter((d, t) => t % options.rebalanceEvery === 0 && t + 1 < dates.length - 1 && d < ruin),
        );
        // Each basket's first trade is on the market date right after its signal.
        const opening = new Map<number, string>();
        for (const trade of result.trades) {
          expect(trade.date > trade.signalDate).toBe(true);
          if (!opening.has(trade.basket)) opening.set(trade.basket, trade.date);
          if (opening.get(trade.basket) === trade.date)
            expect(trade.date).toBe(dates[dates.indexOf(trade.signalDate) + 1]);
        }
      }),
    );
  });

  it('trades and equity up to a date do not depend on signals from that date on', () => {
    fc.assert(
      fc.property(market, fc.integer({ min: 0, max: 11 }), ({ calendarLength, prices, scores, options }, cutAt) => {
        const cut = Math.min(cutAt, calendarLength - 1);
        const cutDate = ALL_DATES[cut]!;
        const rescored = scores.map((row, t) => (t < cut ? row : row.map((v, j) => (v === null ? j : -v))));
        const a = run({ prices, scores }, calendarLength, options);
        const b = run({ prices, scores: rescored }, calendarLength, options);
        expect(b.equity.filter((e) => e.date <= cutDate)).toEqual(a.equity.filter((e) => e.date <= cutDate));
        expect(b.trades.filter((t) => t.date <= cutDate)).toEqual(a.trades.filter((t) => t.date <= cutDate));
      }),
    );
  });

  it('the equity curve is never negative; a run that reaches zero stops there with no metric from a negative path', () => {
    fc.assert(
      fc.property(market, ({ calendarLength, prices, scores, options }) => {
        const result = run({ prices, scores }, calendarLength, options);
        expect(result.equity.every((e) => e.value >= 0)).toBe(true);
        if (result.ruin === null) {
          expect(result.equity).toHaveLength(calendarLength);
          expect(result.equity.slice(0, -1).every((e) => e.value > 0)).toBe(true);
          return;
        }
        expect(result.equity.at(-1)).toEqual({ date: result.ruin.date, value: 0 });
        expect(result.equity.slice(0, -1).every((e) => e.value > 0)).toBe(true);
        expect(result.ruin.deficit).toBeGreaterThanOrEqual(0);
        expect(result.trades.every((t) => t.date <= result.ruin!.date)).toBe(true);
        expect(result.metrics).toMatchObject({
          totalReturn: -1,
          maxDrawdown: 1,
          annualisedReturn: null,
          annualisedVolatility: null,
          sharpe: null,
        });
      }),
      { numRuns: 300 },
    );
  });
});

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
