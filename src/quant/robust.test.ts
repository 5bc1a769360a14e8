import { describe, expect, it } from 'vitest';
import { logReturns, mad, median, robustSigma } from './robust.ts';

describe('robust statistics', () => {
  it('median of odd, even and empty samples, without reordering the input', () => {
    const input = [5, 1, 3];
    expect(median(input)).toBe(3);
    expect(input).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('MAD ignores a gross outlier; the robust sigma scales it by 1.4826', () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(robustSigma([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10);
    // Scale equivariance: σ(k·x) = |k|·σ(x).
    expect(robustSigma([-3, 0.5, 2, 7, 9].map((v) => v * -4))).toBeCloseTo(4 * robustSigma([-3, 0.5, 2, 7, 9]), 12);
  });

  it('log returns of consecutive values', () => {
    const r = logReturns([100, 110, 99]);
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(Math.log(1.1), 12);
    expect(r[1]).toBeCloseTo(Math.log(0.9), 12);
  });
});
