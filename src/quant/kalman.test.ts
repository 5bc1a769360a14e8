import { describe, expect, it } from 'vitest';
import { DIFFUSE_VARIANCE, HUBER_K, localLinearTrend } from './kalman.ts';

const calm = { irregular: 1e-6, level: 1e-6, trend: 1e-8 };
const line = Array.from({ length: 30 }, (_, t) => 10 + 0.5 * t);

describe('localLinearTrend', () => {
  it('one observation with unit prior variance splits the difference between prior and data', () => {
    // F = P + R = 2, gain 1/2: level 0 + 4/2, P_level 1 − 1/2; the slope is untouched (no covariance yet).
    // Plain filter: with so tight a prior, |v|/√F = 2.8 would otherwise be downweighted.
    const r = localLinearTrend([4], {
      variances: { irregular: 1, level: 0, trend: 0 },
      diffuse: 1,
      huberK: Number.POSITIVE_INFINITY,
    });
    expect(r).toMatchObject({
      level: 2,
      slope: 0,
      levelSd: Math.sqrt(0.5),
      slopeSd: 1,
      forecast: 2,
      observations: 1,
      outliers: 0,
    });
    // Predicted level variance 0.5 + 2·0 + 1 (slope) + 0, plus σ²_ε = 1.
    expect(r.forecastSd).toBeCloseTo(Math.sqrt(2.5), 14);
  });

  it('a card rising 0.5 a day is tracked to its last price and forecast one day on', () => {
    const r = localLinearTrend(line, { variances: calm });
    expect(r.level).toBeCloseTo(24.5, 4);
    expect(r.slope).toBeCloseTo(0.5, 4);
    expect(r.forecast).toBe(r.level + r.slope);
    expect(r.forecastSd).toBeGreaterThan(r.levelSd);
    expect(r.observations).toBe(30);
    expect(r.beta).toBeNaN();
    expect(r.betaSd).toBeNaN();
  });

  it('days without a price still advance the trend, with a wider band and no update', () => {
    const gappy = line.map((v, t) => (t >= 27 ? Number.NaN : v));
    const full = localLinearTrend(line, { variances: calm });
    const r = localLinearTrend(gappy, { variances: calm, trace: true });
    expect(r.observations).toBe(27);
    expect(r.level).toBeCloseTo(24.5, 3);
    expect(r.levelSd).toBeGreaterThan(full.levelSd);
    expect(Array.from(r.trace.innovations.slice(27))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(r.trace.weights.slice(27))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    // Without updates the level moves by exactly the slope each day.
    expect(r.trace.filteredLevel[28]! - r.trace.filteredLevel[27]!).toBeCloseTo(r.trace.filteredSlope[27]!, 12);
    expect(r.trace.filteredSlope[29]).toBe(r.trace.filteredSlope[26]);
  });

  it('learns the regression coefficient on an exogenous series', () => {
    const x = Array.from({ length: 60 }, (_, t) => Math.sin(1.3 * t) + 0.5 * Math.cos(0.7 * t));
    const y = x.map((xt, t) => 3 + 0.1 * t + 2 * xt);
    const r = localLinearTrend(y, { variances: calm, exog: x });
    expect(r.beta).toBeCloseTo(2, 4);
    expect(r.betaSd).toBeLessThan(0.01);
    expect(r.slope).toBeCloseTo(0.1, 4);
    // The forecast leaves out β·x_n: it is level + slope.
    expect(r.forecast).toBe(r.level + r.slope);
  });

  it('exogVariance is the prior variance of β: a finite one bounds its uncertainty where the data cannot', () => {
    // x rises one a day like the slope, so the data barely separate β from the trend.
    const x = Array.from({ length: 40 }, (_, t) => 20 + t + (t % 3) * 0.2);
    const y = x.map((_, t) => 5 + 0.01 * t + 0.02 * Math.sin(t));
    const diffuse = localLinearTrend(y, { variances: calm, exog: x, huberK: Number.POSITIVE_INFINITY });
    const bounded = localLinearTrend(y, {
      variances: calm,
      exog: x,
      exogVariance: 1,
      huberK: Number.POSITIVE_INFINITY,
    });
    expect(bounded.betaSd).toBeLessThanOrEqual(1);
    expect(diffuse.betaSd).toBeGreaterThan(bounded.betaSd);
    // exogVariance equal to the diffuse variance is the default.
    expect(localLinearTrend(y, { variances: calm, exog: x, exogVariance: DIFFUSE_VARIANCE })).toEqual(
      localLinearTrend(y, { variances: calm, exog: x }),
    );
    expect(() => localLinearTrend(y, { variances: calm, exog: x, exogVariance: 0 })).toThrow(RangeError);
  });

  it('a NaN regressor counts as 0 that day', () => {
    const y = [5, 7, 6, 9, 8, 11];
    const withNaN = localLinearTrend(y, {
      variances: { irregular: 0.5, level: 0.1, trend: 0.01 },
      exog: [1, Number.NaN, -1, 2, Number.NaN, 0],
    });
    const withZero = localLinearTrend(y, {
      variances: { irregular: 0.5, level: 0.1, trend: 0.01 },
      exog: [1, 0, -1, 2, 0, 0],
    });
    expect(withNaN).toEqual(withZero);
  });

  it('a listing at ten times the price barely moves the Huber-robust level; the plain filter jumps', () => {
    const y = Array.from({ length: 40 }, (_, t) => 20 + 0.3 * Math.sin(t));
    y[25] = 200;
    const variances = { irregular: 0.25, level: 0.01, trend: 1e-4 };
    const robust = localLinearTrend(y, { variances, trace: true });
    const plain = localLinearTrend(y, { variances, huberK: Number.POSITIVE_INFINITY, trace: true });
    expect(Math.abs(robust.trace.filteredLevel[25]! - 20)).toBeLessThan(1);
    expect(Math.abs(plain.trace.filteredLevel[25]! - 20)).toBeGreaterThan(20);
    expect(robust.outliers).toBeGreaterThanOrEqual(1);
    expect(plain.outliers).toBe(0);
    expect(Array.from(plain.trace.weights).every((w) => w === 1)).toBe(true);
    // w = k·√F / |v| at the outlier.
    const v = robust.trace.innovations[25]!;
    const f = robust.trace.innovationVar[25]!;
    expect(robust.trace.weights[25]).toBeCloseTo((HUBER_K * Math.sqrt(f)) / Math.abs(v), 14);
    expect(robust.trace.weights[25]).toBeLessThan(0.05);
  });

  it('reports nothing as a number when no day had a price', () => {
    for (const y of [[], [Number.NaN, Number.NaN]]) {
      const r = localLinearTrend(y, { variances: calm });
      expect(r).toEqual({
        level: Number.NaN,
        slope: Number.NaN,
        levelSd: Number.NaN,
        slopeSd: Number.NaN,
        beta: Number.NaN,
        betaSd: Number.NaN,
        forecast: Number.NaN,
        forecastSd: Number.NaN,
        observations: 0,
        outliers: 0,
      });
    }
  });

  it('the trace has one entry per day and ends at the reported state', () => {
    const r = localLinearTrend([3, 4, Number.NaN, 6], {
      variances: { irregular: 1, level: 1, trend: 0.1 },
      trace: true,
    });
    expect(r.trace.filteredLevel).toHaveLength(4);
    expect(r.trace.filteredLevel[3]).toBe(r.level);
    expect(r.trace.filteredSlope[3]).toBe(r.slope);
    expect(localLinearTrend([3], { variances: calm }).trace).toBeUndefined();
  });

  it("the default prior variance is statsmodels' 1e6", () => {
    expect(DIFFUSE_VARIANCE).toBe(1e6);
    const implicit = localLinearTrend([1, 3, 2], { variances: calm });
    const explicit = localLinearTrend([1, 3, 2], { variances: calm, diffuse: 1e6 });
    expect(implicit).toEqual(explicit);
    expect(localLinearTrend([1, 3, 2], { variances: calm, diffuse: 1e2 }).level).not.toBe(implicit.level);
  });

  it('rejects negative variances, a non-positive Huber constant and a regressor of the wrong length', () => {
    expect(() => localLinearTrend([1], { variances: { ...calm, level: -1 } })).toThrow(RangeError);
    expect(() => localLinearTrend([1], { variances: { ...calm, irregular: Number.NaN } })).toThrow(RangeError);
    expect(() => localLinearTrend([1], { variances: calm, huberK: 0 })).toThrow(RangeError);
    expect(() => localLinearTrend([1], { variances: calm, diffuse: 0 })).toThrow(RangeError);
    expect(() => localLinearTrend([1, 2], { variances: calm, exog: [1] })).toThrow(RangeError);
  });
});
