import { describe, expect, it } from 'vitest';
import { ols, quantileSpread } from './regression.ts';

describe('OLS', () => {
  it('fits a line through four points with hand-computed standard errors', () => {
    // x̄ = 2.5, Sxx = 5, slope = 11.5 / 5 = 2.3, intercept = 6.25 − 2.5·2.3 = 0.5.
    // Residuals 0.2, −0.1, −0.4, 0.3 → RSS = 0.3, s² = 0.15;
    // se(slope) = √(s² / Sxx) = √0.03, se(intercept) = √(s²·(1/4 + x̄²/Sxx)) = √0.225.
    const fit = ols([[1], [2], [3], [4]], [3, 5, 7, 10]);
    expect(fit).not.toBeNull();
    expect(fit!.n).toBe(4);
    expect(fit!.dof).toBe(2);
    expect(fit!.coefficients[0]).toBeCloseTo(0.5, 12);
    expect(fit!.coefficients[1]).toBeCloseTo(2.3, 12);
    expect(fit!.standardErrors[0]).toBeCloseTo(Math.sqrt(0.225), 12);
    expect(fit!.standardErrors[1]).toBeCloseTo(Math.sqrt(0.03), 12);
    expect(fit!.tStats[1]).toBeCloseTo(2.3 / Math.sqrt(0.03), 10);
    // TSS = Σ(y − 6.25)² = 26.75.
    expect(fit!.r2).toBeCloseTo(1 - 0.3 / 26.75, 12);
  });

  it('recovers an exact linear relation with two regressors', () => {
    const X = [
      [0, 1],
      [1, 0],
      [2, 3],
      [3, 1],
      [4, 5],
      [5, 2],
    ];
    const fit = ols(
      X,
      X.map(([a, b]) => 2 + 3 * a! - b!),
    );
    expect(fit!.coefficients.map((c) => Number(c.toFixed(10)))).toEqual([2, 3, -1]);
    expect(fit!.r2).toBeCloseTo(1, 12);
    expect(Math.max(...fit!.standardErrors)).toBeLessThan(1e-12);
  });

  it('excludes rows with a non-finite regressor or response', () => {
    const clean = ols([[1], [2], [3], [4]], [3, 5, 7, 10]);
    const dirty = ols([[1], [2], [Number.NaN], [3], [4], [5]], [3, 5, 100, 7, 10, Infinity]);
    expect(dirty).toEqual(clean);
  });

  it('without an intercept fits through the origin and reports the uncentred R² (as statsmodels)', () => {
    // β = Σxy / Σx² = (2 + 8 + 21) / 14 = 31/14; RSS = Σy² − β·Σxy = 69 − 961/14, over the uncentred Σy² = 69.
    const fit = ols([[1], [2], [3]], [2, 4, 7], { intercept: false });
    expect(fit!.coefficients).toHaveLength(1);
    expect(fit!.coefficients[0]).toBeCloseTo(31 / 14, 12);
    expect(fit!.dof).toBe(2);
    expect(fit!.r2).toBeCloseTo(1 - (69 - 961 / 14) / 69, 12);
  });

  it('is null without residual degrees of freedom or with a singular design', () => {
    expect(ols([[1], [2]], [1, 3])).toBeNull();
    expect(
      ols(
        [
          [1, 2],
          [2, 4],
          [3, 6],
          [4, 8],
        ],
        [1, 2, 3, 5],
      ),
    ).toBeNull();
    expect(ols([[5], [5], [5], [5]], [1, 2, 3, 4])).toBeNull();
    expect(ols([[0], [0], [0]], [1, 2, 3], { intercept: false })).toBeNull();
  });

  it('rejects ragged input', () => {
    expect(() => ols([[1], [2, 3]], [1, 2])).toThrow(RangeError);
    expect(() => ols([[1], [2]], [1])).toThrow(RangeError);
  });
});

describe('quantile spread', () => {
  it('two buckets of two: mean returns and top minus bottom', () => {
    const result = quantileSpread([4, 1, 3, 2], [0.05, 0.01, 0.03, 0.02], 2);
    expect(result?.counts).toEqual([2, 2]);
    expect(result?.buckets[0]).toBeCloseTo(0.015, 15);
    expect(result?.buckets[1]).toBeCloseTo(0.04, 15);
    expect(result?.bottom).toBe(result?.buckets[0]);
    expect(result?.top).toBe(result?.buckets[1]);
    expect(result?.spread).toBeCloseTo(0.025, 15);
  });

  it('is null when the factor has no cross-sectional variance that date', () => {
    // Before: the input order split identical scores into a "spread" of 20.
    expect(quantileSpread([1, 1, 1, 1], [10, 20, 30, 40], 2)).toBeNull();
    expect(quantileSpread(new Array(10).fill(0), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeNull();
  });

  it('ties are bucketed by average rank, never by input order', () => {
    // Scores [1, 2, 2, 2, 2, 3] in two buckets: the four 2s have average rank 3.5, ⌊2·2.5/6⌋ = 0,
    // so they all join the bottom bucket whatever their order.
    const scores = [2, 2, 1, 3, 2, 2];
    const returns = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const result = quantileSpread(scores, returns, 2)!;
    expect(result.counts).toEqual([5, 1]);
    expect(result.bottom).toBeCloseTo((0.1 + 0.2 + 0.3 + 0.5 + 0.6) / 5, 15);
    expect(result.top).toBe(0.4);
    // Reordering the pairs changes nothing.
    const order = [5, 3, 0, 4, 2, 1];
    const shuffled = quantileSpread(
      order.map((i) => scores[i]!),
      order.map((i) => returns[i]!),
      2,
    )!;
    expect(shuffled.counts).toEqual(result.counts);
    expect(shuffled.spread).toBeCloseTo(result.spread, 15);
  });

  it('a large tie that leaves a bucket empty: top and bottom are the extreme filled buckets', () => {
    // Six zeros of ten (average rank 3.5 → bucket ⌊5·2.5/10⌋ = 1), then 1, 2, 3, 4.
    const result = quantileSpread([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], [1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5)!;
    expect(result.counts).toEqual([0, 6, 0, 2, 2]);
    expect(result.buckets[0]).toBeNaN();
    expect(result.bottom).toBe(1);
    expect(result.top).toBe(4.5);
    expect(result.spread).toBe(3.5);
  });

  it('uneven sizes follow ⌊q·(rank − 1)/n⌋: five pairs in two buckets are 3 + 2', () => {
    const result = quantileSpread([5, 4, 3, 2, 1], [5, 4, 3, 2, 1], 2);
    expect(result?.counts).toEqual([3, 2]);
    expect(result?.buckets).toEqual([2, 4.5]);
  });

  it('drops non-finite pairs and is null with fewer than two pairs per bucket', () => {
    expect(quantileSpread([1, 2, Number.NaN, 3, 4], [1, 2, 3, Infinity, 4], 2)).toBeNull();
    expect(quantileSpread([1, 2, Number.NaN, 3, 4, 5], [1, 2, 3, 3, 4, Number.NaN], 2)?.counts).toEqual([2, 2]);
    expect(quantileSpread([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeNull();
    expect(quantileSpread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])?.spread).toBe(8);
  });

  it('rejects fewer than two quantiles and mismatched lengths', () => {
    expect(() => quantileSpread([1, 2, 3, 4], [1, 2, 3, 4], 1)).toThrow(RangeError);
    expect(() => quantileSpread([1, 2, 3, 4], [1, 2, 3, 4], 2.5)).toThrow(RangeError);
    expect(() => quantileSpread([1, 2], [1], 2)).toThrow(RangeError);
  });
});
