import { describe, expect, it } from 'vitest';
import {
  logReturns,
  mad,
  median,
  robustSigma,
  robustSigmaInPlace,
  robustZ,
  robustZScores,
  winsorise,
} from './robust.ts';

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

  it('robust z of a spike against a calm week is its distance from the median in robust sigmas', () => {
    // median 3, MAD 1 → σ̂ = 1.4826.
    expect(robustZ(10, [1, 2, 3, 4, 5])).toBeCloseTo(7 / 1.4826, 12);
    expect(robustZ(3, [1, 2, 3, 4, 5])).toBe(0);
    expect(robustZ(-1, [5, 4, 3, 2, 1])).toBeCloseTo(-4 / 1.4826, 12);
  });

  it('robust z is NaN when the sample has no spread or no values', () => {
    // Three of four equal: MAD 0.
    expect(robustZ(5, [2, 2, 2, 3])).toBeNaN();
    expect(robustZ(5, [])).toBeNaN();
    expect(robustZScores([7, 7, 7])).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(robustZScores([])).toEqual([]);
  });

  it('robust z-scores measure every value against the whole sample, the outlier included', () => {
    const z = robustZScores([1, 2, 3, 4, 100]);
    const expected = [-2, -1, 0, 1, 97].map((d) => d / 1.4826);
    expect(z).toHaveLength(5);
    z.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    expect(z[2]).toBe(robustZ(3, [1, 2, 3, 4, 100]));
  });

  it('winsorise clamps to ±limit and lets NaN through', () => {
    expect(winsorise(7.2, 4)).toBe(4);
    expect(winsorise(-9, 4)).toBe(-4);
    expect(winsorise(1.5, 4)).toBe(1.5);
    expect(winsorise(Number.POSITIVE_INFINITY, 3)).toBe(3);
    expect(winsorise(Number.NaN, 4)).toBeNaN();
    expect(winsorise(0.25, 0)).toBe(0);
    expect(() => winsorise(1, -1)).toThrow(RangeError);
    expect(() => winsorise(1, Number.NaN)).toThrow(RangeError);
  });

  it('the in-place robust sigma equals the allocating one, for odd, even and empty buffers', () => {
    for (const values of [[1, 2, 3, 4, 100], [0.3, -0.1, 0.25, 0.05], [7], [2, 2, 2, 9]]) {
      expect(robustSigmaInPlace(Float64Array.from(values))).toBe(robustSigma(values));
    }
    expect(robustSigmaInPlace(new Float64Array(0))).toBeNaN();
  });
});
