import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceWindow } from './engine.ts';
import { FORECAST_RANGE_MULTIPLE, fitFilter, robustTrendEngine, round6 } from './robust-trend.ts';

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
    p *= Math.exp(drift + (s / 2147483647 - 0.5) * 0.04);
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
    // The regressor was used (not dropped after a divergence); without search interest the field is absent.
    expect(out.model[robustTrendEngine.modelFields.indexOf('filter_search_dropped')]).toBe(0);
    expect(
      robustTrendEngine.compute(windowOf(prices)).model[robustTrendEngine.modelFields.indexOf('filter_search_dropped')],
    ).toBeNull();
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

  it('volatility has the one-cent tick floor: a penny card with one-cent steps gets no extreme components', () => {
    // A 5-cent card that sits still for 80 days and then moves 5 → 6 cents twice: the MAD of its
    // returns is 0, so without the tick floor σ was 0.005 and a one-cent step read as 36 σ.
    const prices = [...Array.from({ length: 80 }, () => 5), 5, 6, 5, 5, 6, 6, 6, 6, 6, 6];
    const out = robustTrendEngine.compute(windowOf(prices));
    const at = (c: string) => out.raw[robustTrendEngine.components.indexOf(c)]!;
    expect(out.model[robustTrendEngine.modelFields.indexOf('volatility_daily')]).toBeCloseTo(1 / 5, 6);
    expect(Math.abs(at('reversal'))).toBeLessThan(1);
    expect(Math.abs(at('trend'))).toBeLessThan(1);
    // A 50-dollar card with the same relative steps is not floored by the tick: one cent is 0.02 %.
    const dear = robustTrendEngine.compute(windowOf(prices.map((p) => p * 1000)));
    expect(dear.model[robustTrendEngine.modelFields.indexOf('volatility_daily')]).toBe(0.005);
  });

  it('confidence is measured over the history available, scaled down below a month', () => {
    const conf = (prices: number[], overrides: Partial<PriceWindow> = {}) =>
      robustTrendEngine.compute(windowOf(prices, overrides)).confidence;
    const flat = (n: number) => Array.from({ length: n }, (_, i) => 1000 + (i % 3));
    // Listings at 0.9 and 1.05 × the market price: spread 0.15, spread factor 1 / (1 + 0.15 / 0.5).
    const spreadFactor = 1 / (1 + 0.15 / 0.5);
    // A month of daily prices: every day of the month observed, full confidence for its spread
    // (it was measured over 90 days before: 30/90 of it).
    expect(conf(flat(30))).toBeCloseTo(spreadFactor, 6);
    expect(conf(flat(120))).toBeCloseTo(spreadFactor, 6);
    // Two weeks of history: density 1, scaled by 14/30.
    expect(conf(flat(14))).toBeCloseTo(spreadFactor * (14 / 30), 6);
    // A series older than the volatility window but priced only on the last 30 days: 30 of 90 days.
    expect(conf(flat(30), { windowObservations: 60 })).toBeCloseTo(spreadFactor * (30 / 90), 6);
  });

  describe('the filter cannot explode (search interest as a regressor)', () => {
    const field = (o: { model: (number | null)[] }, f: string) => o.model[robustTrendEngine.modelFields.indexOf(f)];
    /** The stated bound on the forecast price: the grid's log-price range widened by 3 ranges each side. */
    const bound = (prices: number[], sigma: number) => {
      const lo = Math.log(Math.min(...prices));
      const hi = Math.log(Math.max(...prices));
      const r = Math.max(hi - lo, sigma);
      return {
        low: Math.exp(lo - FORECAST_RANGE_MULTIPLE * r) / 100,
        high: Math.exp(hi + FORECAST_RANGE_MULTIPLE * r) / 100,
      };
    };

    it('a search ramp collinear with the slope no longer sends the forecast to hundreds of times the price', () => {
      // 20 days of a price near 43 USD and 86 days of daily search interest rising by one a day: the
      // ramp is collinear with the slope, and with a raw, diffuse regressor level, slope and β trade
      // off without bound (the forecast was 14.61 USD on this input, 18× the price on similar ones
      // and 10^38 USD on real ones).
      let s = 6;
      const rnd = () => ((s = (s * 16807) % 2147483647), s / 2147483647);
      const prices = Array.from({ length: 20 }, (_, i) =>
        Math.round(4304 * Math.exp(-0.004 * i + (rnd() - 0.5) * 0.05)),
      );
      const days = Array.from({ length: 86 }, (_, i) => T - 85 + i);
      const values = days.map((_, i) => 27 + i + Math.round(rnd()));
      const out = robustTrendEngine.compute(windowOf(prices, { search: { days, values, start: 0, end: days.length } }));
      const forecast = field(out, 'forecast_price')!;
      const b = bound(prices, field(out, 'volatility_daily')!);
      expect(forecast).toBeGreaterThanOrEqual(b.low);
      expect(forecast).toBeLessThanOrEqual(b.high);
      expect(forecast).toBeLessThan((Math.max(...prices) / 100) * 1.5);
      expect(forecast).toBeGreaterThan(Math.min(...prices) / 100 / 1.5);
    });

    it('a filter that diverges with the regressor falls back to the filter without it and records that it did', () => {
      // A regressor on a tiny scale that tracks the price: β would have to be ~300 log units per
      // unit of x, far beyond 3 prior standard deviations; the fit is replaced by the plain filter.
      const grid = Float64Array.from({ length: 90 }, (_, i) => Math.log(500) + 0.3 * Math.sin(i / 3));
      const x = Float64Array.from({ length: 90 }, (_, i) => 0.001 * Math.sin(i / 3));
      const fit = fitFilter(grid, 0.02, { x, last: x[89]! })!;
      expect(fit.searchDropped).toBe(1);
      expect(fit.beta).toBeNaN();
      const plain = fitFilter(grid, 0.02, null)!;
      expect(plain.searchDropped).toBeNaN();
      expect(fit.forecast).toBe(plain.forecast);
      // A regressor the filter can use is kept.
      const used = fitFilter(grid, 0.02, {
        x: Float64Array.from({ length: 90 }, (_, i) => Math.sin(i / 3) / 0.7),
        last: Math.sin(89 / 3) / 0.7,
      })!;
      expect(used.searchDropped).toBe(0);
      expect(Number.isFinite(used.beta)).toBe(true);
    });

    it('property: with random search-interest series and price paths the forecast stays within the stated bound', () => {
      const path = fc.record({
        n: fc.integer({ min: 14, max: 120 }),
        gap: fc.integer({ min: 1, max: 3 }),
        start: fc.double({ min: 1, max: 100_000, noNaN: true }),
        drift: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        steps: fc.array(fc.double({ min: -0.4, max: 0.4, noNaN: true }), { minLength: 120, maxLength: 120 }),
      });
      const svi = fc.record({
        offset: fc.integer({ min: 0, max: 88 }),
        every: fc.integer({ min: 1, max: 7 }),
        values: fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(0)), { minLength: 2, maxLength: 90 }),
      });
      fc.assert(
        fc.property(path, svi, (p, q) => {
          let level = p.start;
          const prices = Array.from({ length: Math.ceil(p.n / p.gap) }, (_, i) =>
            Math.max(1, Math.round((level *= Math.exp(p.drift + p.steps[i]!)))),
          );
          const days = Int32Array.from(prices, (_, i) => T - (prices.length - 1 - i) * p.gap);
          const detail = prices.map((_, i) => i).filter((i) => days[i]! > T - robustTrendEngine.detailDays);
          const sviDays: number[] = [];
          const sviValues: number[] = [];
          q.values.forEach((v, i) => {
            const day = T - 89 + q.offset + i * q.every;
            if (day <= T) {
              sviDays.push(day);
              sviValues.push(v);
            }
          });
          const out = robustTrendEngine.compute(
            windowOf(prices, {
              days,
              start: detail[0]!,
              search: sviDays.length > 0 ? { days: sviDays, values: sviValues, start: 0, end: sviDays.length } : null,
            }),
          );
          const forecast = field(out, 'forecast_price');
          const filter = out.raw[robustTrendEngine.components.indexOf('filter')];
          if (forecast === null) {
            expect(filter).toBeNull();
            return;
          }
          const b = bound(
            detail.map((i) => prices[i]!),
            field(out, 'volatility_daily')!,
          );
          // round6 on the stored value: 6 significant digits.
          expect(forecast).toBeGreaterThanOrEqual(b.low * (1 - 1e-5));
          expect(forecast).toBeLessThanOrEqual(b.high * (1 + 1e-5));
        }),
        { numRuns: 400 },
      );
    });
  });
});
