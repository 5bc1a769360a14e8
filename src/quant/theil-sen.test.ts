import { describe, expect, it } from 'vitest';
import { theilSen } from './theil-sen.ts';

describe('theilSen', () => {
  it('a card climbing 2 a day keeps its slope when one listing is mispriced at 100', () => {
    // Six clean pairs have slope 2; the four pairs with the bad point are all steeper (24.75, 32.3, 47.5, 93).
    expect(theilSen([0, 1, 2, 3, 4], [1, 3, 5, 7, 100])).toEqual({ slope: 2, intercept: 1, n: 5 });
  });

  it('several sales on the same day: pairs with equal x are left out, the rest have an even count', () => {
    // Pairs with x_i ≠ x_j give slopes 1, 3, 2, −1, 1, 1, 3, 1 → median (1 + 1) / 2;
    // intercept = median(y) − slope · median(x) = 3 − 1 · 1.
    expect(theilSen([0, 0, 1, 1, 2], [1, 3, 2, 4, 5])).toEqual({ slope: 1, intercept: 2, n: 5 });
  });

  it("the intercept is SciPy's median(y) − slope·median(x), not median(y − slope·x)", () => {
    // Slopes 5, 1, −3 → 1. Separate: median(y) − 1 · median(x) = 2 − 1 = 1; joint would be median(0, 4, 0) = 0.
    expect(theilSen([0, 1, 2], [0, 5, 2])).toEqual({ slope: 1, intercept: 1, n: 3 });
  });

  it('days without a price (NaN or infinite x or y) are left out of the fit and of n', () => {
    const fit = theilSen(
      [0, 1, 2, Number.NaN, 4, 5, 6, 7],
      [10, 12, Number.NaN, 30, 18, 20, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    );
    expect(fit).toEqual({ slope: 2, intercept: 10, n: 4 });
  });

  it('accepts typed arrays and does not modify its inputs', () => {
    const x = Float64Array.from([3, 1, 2]);
    const y = Float64Array.from([6, 2, 4]);
    expect(theilSen(x, y)).toEqual({ slope: 2, intercept: 0, n: 3 });
    expect(Array.from(x)).toEqual([3, 1, 2]);
    expect(Array.from(y)).toEqual([6, 2, 4]);
  });

  it('has no slope with fewer than two points or when every x is the same', () => {
    expect(theilSen([], [])).toEqual({ slope: Number.NaN, intercept: Number.NaN, n: 0 });
    expect(theilSen([1], [5])).toEqual({ slope: Number.NaN, intercept: Number.NaN, n: 1 });
    expect(theilSen([2, 2, 2], [1, 5, 9])).toEqual({ slope: Number.NaN, intercept: Number.NaN, n: 3 });
  });

  it('rejects x and y of different lengths', () => {
    expect(() => theilSen([1, 2, 3], [1, 2])).toThrow(RangeError);
  });

  it('a 90-day series (4005 pairs, the sampled selection path) matches sorting every pair slope', () => {
    // Deterministic wobbly series with a 5 % share of spikes and many repeated values.
    const x = Array.from({ length: 90 }, (_, i) => i);
    const y = x.map((i) => Math.round(100 * Math.sin(i / 7) + 0.3 * i) / 10 + (i % 19 === 0 ? 50 : 0));
    const slopes: number[] = [];
    for (let i = 0; i < 90; i++) for (let j = i + 1; j < 90; j++) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
    slopes.sort((a, b) => a - b);
    expect(theilSen(x, y).slope).toBe(slopes[2002]);
  });
});
