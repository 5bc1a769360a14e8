import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cusum } from './cusum.ts';
import { drawdowns } from './drawdown.ts';
import { localLinearTrend } from './kalman.ts';
import { confidence } from './liquidity.ts';
import { robustZ, winsorise } from './robust.ts';
import { theilSen } from './theil-sen.ts';

const EPS = Number.EPSILON;
const maybeNaN = (arb: fc.Arbitrary<number>) =>
  fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(Number.NaN) });
const smallDouble = (limit: number) => fc.double({ min: -limit, max: limit, noNaN: true, noDefaultInfinity: true });
const powerOfTwo = fc.integer({ min: -20, max: 20 }).map((k) => 2 ** k);

/** Theil–Sen by sorting every pair slope: slow, obviously right. */
function sortedTheilSen(x: number[], y: number[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) if (x[j] !== x[i]) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
  const med = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  if (slopes.length === 0) return { slope: Number.NaN, intercept: Number.NaN };
  const slope = med(slopes);
  return { slope, intercept: med(y) - slope * med(x) };
}

const choose2 = (n: number) => (n * (n - 1)) / 2;
/** Equal as numbers (so 0 equals −0), or both NaN. */
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

describe('Theil–Sen properties', () => {
  it('equals the median of the sorted pair slopes, ties in x and y included (up to 7140 pairs)', () => {
    const points = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -30, max: 30 })), {
      maxLength: 120,
      size: 'max',
    });
    fc.assert(
      fc.property(points, (pts) => {
        const x = pts.map((p) => p[0]);
        const y = pts.map((p) => p[1] / 4);
        const fit = theilSen(x, y);
        const expected = sortedTheilSen(x, y);
        // `same`: a median of 0 may come out as −0 from one ordering of equal slopes and +0 from another.
        expect(same(fit.slope, expected.slope), `${fit.slope} vs ${expected.slope}`).toBe(true);
        expect(same(fit.intercept, expected.intercept), `${fit.intercept} vs ${expected.intercept}`).toBe(true);
        expect(fit.n).toBe(pts.length);
      }),
      { numRuns: 150 },
    );
  });

  it('a minority of at most 20 % gross outliers leaves the slope of an exact line unchanged', () => {
    // Integer a, b and distinct integer x make every clean pair slope exactly b. With m outliers among
    // n points, C(n − m, 2) clean pairs; when they are more than half of all C(n, 2) pairs, both middle
    // order statistics fall inside the block of equal values b, whatever the outlier slopes are.
    // m ≤ n/5 gives (0.8n)(0.8n − 1) > n(n − 1)/2 for n ≥ 3; the test checks the count anyway.
    const scenario = fc.integer({ min: 3, max: 70 }).chain((n) =>
      fc.record({
        x: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }),
        a: fc.integer({ min: -1000, max: 1000 }),
        b: fc.integer({ min: -50, max: 50 }),
        bad: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: Math.floor(n / 5) }),
        shocks: fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ x, a, b, bad, shocks }) => {
        const n = x.length;
        expect(2 * choose2(n - bad.length)).toBeGreaterThan(choose2(n));
        const y = x.map((xi) => a + b * xi);
        for (const i of bad) y[i] = y[i]! + shocks[i]! + Math.sign(shocks[i]!) * 1e4;
        const { slope } = theilSen(x, y);
        expect(slope === b, `${slope} vs ${b}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // No subnormal y: scaling those by 2^k is not exact.
  const normalOrZero = smallDouble(1000).map((v) => (Math.abs(v) < 1e-290 ? 0 : v));
  const series = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), normalOrZero), { minLength: 2, maxLength: 60 });

  it('scale equivariance: slope(x, c·y) = c·slope(x, y), exactly for powers of two', () => {
    fc.assert(
      fc.property(series, powerOfTwo, fc.boolean(), (pts, c0, negative) => {
        const c = negative ? -c0 : c0;
        const x = pts.map((p) => p[0]);
        const y = pts.map((p) => p[1]);
        const base = theilSen(x, y);
        const scaled = theilSen(
          x,
          y.map((v) => c * v),
        );
        // Multiplying by ±2^k is exact, so every pair slope and both medians scale exactly.
        expect(same(scaled.slope, c * base.slope), `${scaled.slope} vs ${c * base.slope}`).toBe(true);
        expect(same(scaled.intercept, c * base.intercept), `${scaled.intercept} vs ${c * base.intercept}`).toBe(true);
      }),
    );
    fc.assert(
      fc.property(series, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (pts, c) => {
        const x = pts.map((p) => p[0]);
        const y = pts.map((p) => p[1]);
        const base = theilSen(x, y);
        fc.pre(!Number.isNaN(base.slope));
        // Each pair slope is off by at most ε·c·(|yᵢ| + |yⱼ|)/|Δx| + ε·|slope| with |y| ≤ 1000 and
        // |Δx| ≥ 1, so ≤ 4000·c·ε; an order statistic moves no more than the largest perturbation.
        const scaled = theilSen(
          x,
          y.map((v) => c * v),
        );
        expect(Math.abs(scaled.slope - c * base.slope)).toBeLessThanOrEqual(8000 * c * EPS);
      }),
    );
  });

  it('shift invariance: slope(x, y + d) = slope(x, y)', () => {
    fc.assert(
      fc.property(series, smallDouble(1000), (pts, d) => {
        const x = pts.map((p) => p[0]);
        const y = pts.map((p) => p[1]);
        const base = theilSen(x, y);
        fc.pre(!Number.isNaN(base.slope));
        // yᵢ + d rounds by ≤ ε·2000, so each pair slope moves by ≤ 2·2000·ε / |Δx| with |Δx| ≥ 1.
        const shifted = theilSen(
          x,
          y.map((v) => v + d),
        );
        expect(Math.abs(shifted.slope - base.slope)).toBeLessThanOrEqual(8000 * EPS);
      }),
    );
  });
});

describe('robust z and winsorising properties', () => {
  it('robust z is invariant under positive affine maps a + b·v', () => {
    const sample = fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        sample,
        fc.integer({ min: -300, max: 300 }),
        smallDouble(1000),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (s, v, a, b) => {
          const z = robustZ(v, s);
          const mapped = robustZ(
            a + b * v,
            s.map((x) => a + b * x),
          );
          if (Number.isNaN(z)) {
            expect(mapped).toBeNaN();
            return;
          }
          // Integer data: a non-zero MAD is ≥ 0.5, so σ̂ ≥ 0.74. Rounding a + b·x costs ≤ ε(|a| + 300b)
          // per value; after differences and the median average the z error is below
          // (1 + |z|)·4ε(|a|/b + 300)/0.74 ≤ (1 + |z|)·6e-10.
          expect(Math.abs(mapped - z)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(z)));
        },
      ),
    );
  });

  it('winsorise stays within ±limit, keeps values inside it and is idempotent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (x, limit) => {
        const w = winsorise(x, limit);
        expect(Math.abs(w)).toBeLessThanOrEqual(limit);
        if (Math.abs(x) <= limit) expect(w).toBe(x);
        expect(winsorise(w, limit)).toBe(w);
      }),
    );
  });
});

describe('drawdown and CUSUM properties', () => {
  const prices = fc.array(maybeNaN(fc.integer({ min: 1, max: 1_000_000 })), { maxLength: 80 });

  it('drawdowns do not change when every price is scaled', () => {
    fc.assert(
      fc.property(prices, powerOfTwo, (p, c) => {
        // Scaling by 2^k is exact, so everything, indexes included, is identical.
        expect(drawdowns(p.map((v) => c * v))).toEqual(drawdowns(p));
      }),
    );
    fc.assert(
      fc.property(prices, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (p, c) => {
        // Integer prices ≤ 1e6 keep their order under scaling; each ratio cP/cQ carries three
        // roundings, so drawdowns (≥ −1) move by at most ≈ 4ε.
        const base = drawdowns(p);
        const scaled = drawdowns(p.map((v) => c * v));
        expect(scaled.currentPeakIndex).toBe(base.currentPeakIndex);
        expect(Math.abs(scaled.current - base.current)).toBeLessThanOrEqual(5 * EPS);
        expect(Math.abs(scaled.max - base.max)).toBeLessThanOrEqual(5 * EPS);
      }),
    );
  });

  it('CUSUM is symmetric: negating the series swaps up and down', () => {
    fc.assert(
      fc.property(
        fc.array(maybeNaN(smallDouble(10)), { maxLength: 100 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (x, k, h) => {
          const up = cusum(x, { k, h });
          const down = cusum(
            x.map((v) => -v),
            { k, h },
          );
          const flip = (d: 'up' | 'down') => (d === 'up' ? 'down' : 'up');
          expect(down.upper).toBe(up.lower);
          expect(down.lower).toBe(up.upper);
          expect(down.alarms).toEqual(up.alarms.map((a) => ({ index: a.index, direction: flip(a.direction) })));
        },
      ),
    );
  });
});

describe('no function reads beyond its as-of date', () => {
  /** A series, a cut-off t inside it, and replacement values for everything after t. */
  const withCutoff = <T>(value: fc.Arbitrary<T>, minLength = 1) =>
    fc.array(value, { minLength, maxLength: 60 }).chain((xs) =>
      fc.record({
        xs: fc.constant(xs),
        t: fc.integer({ min: 0, max: xs.length - 1 }),
        tail: fc.array(value, { minLength: xs.length, maxLength: xs.length }),
      }),
    );
  const replaceAfter = <T>(xs: T[], t: number, tail: T[]) => xs.map((v, i) => (i <= t ? v : tail[i]!));
  const variances = fc.record({
    irregular: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    level: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    trend: fc.double({ min: 1e-6, max: 0.1, noNaN: true }),
  });

  it('Kalman: the filtered state at t is the same from the prefix, the full series or a different future', () => {
    const scenario = withCutoff(fc.tuple(maybeNaN(smallDouble(50)), maybeNaN(smallDouble(3))));
    fc.assert(
      fc.property(scenario, variances, fc.boolean(), ({ xs, t, tail }, v, useExog) => {
        const run = (pairs: [number, number][]) =>
          localLinearTrend(
            pairs.map((p) => p[0]),
            { variances: v, trace: true, ...(useExog ? { exog: pairs.map((p) => p[1]) } : {}) },
          );
        const full = run(xs);
        const prefix = run(xs.slice(0, t + 1));
        const otherFuture = run(replaceAfter(xs, t, tail));
        for (const key of ['filteredLevel', 'filteredSlope', 'innovations', 'innovationVar', 'weights'] as const) {
          expect(Array.from(prefix.trace[key])).toEqual(Array.from(full.trace[key].slice(0, t + 1)));
          expect(Array.from(otherFuture.trace[key].slice(0, t + 1))).toEqual(
            Array.from(full.trace[key].slice(0, t + 1)),
          );
        }
        if (prefix.observations > 0) {
          expect(prefix.level).toBe(full.trace.filteredLevel[t]);
          expect(prefix.slope).toBe(full.trace.filteredSlope[t]);
        }
      }),
    );
  });

  it('CUSUM: alarms up to t are the same from the prefix, the full series or a different future', () => {
    fc.assert(
      fc.property(withCutoff(maybeNaN(smallDouble(6))), ({ xs, t, tail }) => {
        const upToT = (r: ReturnType<typeof cusum>) => r.alarms.filter((a) => a.index <= t);
        const prefix = cusum(xs.slice(0, t + 1));
        expect(prefix.alarms).toEqual(upToT(cusum(xs)));
        expect(upToT(cusum(replaceAfter(xs, t, tail)))).toEqual(prefix.alarms);
      }),
    );
  });

  it('drawdowns: the worst drawdown of the full series is the worst of the as-of-t current drawdowns', () => {
    const series = withCutoff(maybeNaN(fc.integer({ min: 1, max: 1000 })));
    fc.assert(
      fc.property(series, ({ xs, t, tail }) => {
        const full = drawdowns(xs);
        const asOf = xs.map((_, i) => drawdowns(xs.slice(0, i + 1)));
        // Each as-of result only knows its prefix: its current drawdown is at that day's price.
        const worst = Math.min(0, ...asOf.map((d) => d.current));
        expect(full.max).toBe(worst);
        if (full.troughIndex >= 0) expect(asOf[full.troughIndex]!.current).toBe(full.max);
        // As of t, the result agrees with the full series whenever the full trough is already behind.
        const atT = asOf[t]!;
        expect(atT.max).toBeGreaterThanOrEqual(full.max);
        if (full.troughIndex <= t)
          expect([atT.max, atT.peakIndex, atT.troughIndex]).toEqual([full.max, full.peakIndex, full.troughIndex]);
        // And a different future after t cannot change what was known at t.
        expect(drawdowns(replaceAfter(xs, t, tail).slice(0, t + 1))).toEqual(atT);
      }),
    );
  });
});

describe('Huber-robust Kalman filter', () => {
  it("a single huge outlier moves the robust level far less than the plain filter's", () => {
    // At the outlier the update is P·v / (P + R/w). Plain (w = 1) it grows with v; with Huber weights
    // R/w = R·|v|/(k√F), so the shift is at most P·k·√F/R, whatever v. With R ≥ 1e-4, F of order 1
    // to 10 and a shock of 1e9, the ratio of the two shifts is below 1e-3; the test asks for < 0.1.
    const scenario = fc.integer({ min: 15, max: 60 }).chain((n) =>
      fc.record({
        y: fc.array(smallDouble(10), { minLength: n, maxLength: n }),
        at: fc.integer({ min: 10, max: n - 1 }),
        sign: fc.constantFrom(-1, 1),
      }),
    );
    const variances = fc.record({
      irregular: fc.double({ min: 1e-4, max: 1, noNaN: true }),
      level: fc.double({ min: 1e-4, max: 1, noNaN: true }),
      trend: fc.double({ min: 1e-6, max: 0.1, noNaN: true }),
    });
    fc.assert(
      fc.property(scenario, variances, ({ y, at, sign }, v) => {
        const shocked = y.map((value, i) => (i === at ? value + sign * 1e9 : value));
        const level = (series: number[], huberK: number) =>
          localLinearTrend(series, { variances: v, huberK, trace: true }).trace.filteredLevel[at]!;
        const robustShift = Math.abs(level(shocked, 1.345) - level(y, 1.345));
        const plainShift = Math.abs(level(shocked, Number.POSITIVE_INFINITY) - level(y, Number.POSITIVE_INFINITY));
        expect(robustShift).toBeLessThan(0.1 * plainShift);
        expect(localLinearTrend(shocked, { variances: v }).outliers).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});

describe('liquidity confidence properties', () => {
  const input = fc.record({
    observations: fc.integer({ min: 0, max: 120 }),
    windowDays: fc.integer({ min: 1, max: 90 }),
    low: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
    mid: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
    market: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
  });
  const bump = fc.double({ min: 0.01, max: 100, noNaN: true });

  it('stays in [0, 1] and moves the right way in every input', () => {
    fc.assert(
      fc.property(input, bump, (i, d) => {
        const base = confidence(i).value;
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(1);
        expect(confidence({ ...i, observations: i.observations + 1 }).value).toBeGreaterThanOrEqual(base);
        expect(confidence({ ...i, windowDays: i.windowDays + 1 }).value).toBeLessThanOrEqual(base);
        if (i.low !== null && i.mid !== null && i.market !== null) {
          expect(confidence({ ...i, low: i.low + d }).value).toBeGreaterThanOrEqual(base);
          expect(confidence({ ...i, market: i.market + d }).value).toBeGreaterThanOrEqual(base);
          expect(confidence({ ...i, mid: i.mid + d }).value).toBeLessThanOrEqual(base);
        }
      }),
    );
  });
});
