import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceWindow } from './engine.ts';
import { robustTrendEngine, round6 } from './robust-trend.ts';

const T = 20_000;

/** A window over `prices` (one a day, the last on day T), detail range the last 90 days. */
function windowOf(prices: number[], overrides: Partial<PriceWindow> = {}): PriceWindow {
  const n = prices.length;
  const days = Int32Array.from(prices, (_, i) => T - (n - 1) + i);
  const start = Math.max(0, n - robustTrendEngine.detailDays);
  return {
    printingKey: 1,
    days,
    market: Float64Array.from(prices),
    low: Float64Array.from(prices, (p) => p * 0.9),
    mid: Float64Array.from(prices, (p) => p * 1.05),
    start,
    end: n,
    asOfDay: T,
    windowDays: 365,
    windowObservations: n,
    windowMaxCents: Math.max(...prices),
    search: null,
    ...overrides,
  };
}

const walk = (n: number, drift: number, seed: number) => {
  let s = seed;
  let p = 1000;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    p *= Math.exp(drift + ((s / 2147483647) - 0.5) * 0.04);
    return Math.round(p);
  });
};

describe('robust-trend engine', () => {
  it('reads a rising series as an up-trend and a falling one as a down-trend', () => {
    const up = robustTrendEngine.compute(windowOf(walk(120, 0.01, 7)));
    const down = robustTrendEngine.compute(windowOf(walk(120, -0.01, 7)));
    const at = (o: typeof up, c: string) => o.raw[robustTrendEngine.components.indexOf(c)]!;
    expect(at(up, 'trend')).toBeGreaterThan(1);
    expect(at(up, 'filter')).toBeGreaterThan(1);
    expect(at(down, 'trend')).toBeLessThan(-1);
    expect(at(down, 'filter')).toBeLessThan(-1);
    // A week of gains is a negative reversal value; the drawdown of a falling series is deep.
    expect(at(up, 'reversal')).toBeLessThan(0);
    expect(at(down, 'drawdown')).toBeLessThan(-0.3);
    expect(at(up, 'search')).toBeNull();
    expect(up.usedSearchInterest).toBe(false);
  });

  it('uses only the detail range and the window aggregates: older prices change nothing', () => {
    const prices = walk(200, 0.002, 3);
    const base = robustTrendEngine.compute(windowOf(prices));
    const older = prices.map((p, i) => (i < prices.length - robustTrendEngine.detailDays ? p * 3 : p));
    const changed = robustTrendEngine.compute(windowOf(older, { windowMaxCents: Math.max(...prices) }));
    expect(changed).toEqual(base);
  });

  it('search interest is a component and a filter regressor when the card has some', () => {
    const prices = walk(120, 0.001, 5);
    const days = Array.from({ length: 13 }, (_, i) => T - 84 + i * 7);
    const values = days.map((_, i) => 20 + i * 5);
    const out = robustTrendEngine.compute(windowOf(prices, { search: { days, values, start: 0, end: days.length } }));
    expect(out.usedSearchInterest).toBe(true);
    expect(out.raw[robustTrendEngine.components.indexOf('search')]).toBeGreaterThan(0);
    expect(out.model[robustTrendEngine.modelFields.indexOf('search_beta')]).toEqual(expect.any(Number));
    expect(out.model).toHaveLength(robustTrendEngine.modelFields.length);
  });

  it('round6 keeps 6 significant digits: at most half a unit of the 6th digit away, with no more digits', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (x) => {
        const r = round6(x);
        if (x === 0) {
          expect(r).toBe(x);
          return;
        }
        const unit = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 5);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(unit * 0.5 * (1 + 1e-9));
        expect(Number(r.toPrecision(6))).toBe(r);
      }),
      { numRuns: 5000 },
    );
    expect(round6(0.0123456789)).toBe(0.0123457);
    expect(round6(123456789)).toBe(123457000);
  });
});
