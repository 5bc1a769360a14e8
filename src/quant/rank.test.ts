import { describe, expect, it } from 'vitest';
import { averageRanks, spearman } from './rank.ts';

describe('average ranks', () => {
  it('ties share the mean of the ranks they span, without reordering the input', () => {
    const input = [10, 20, 20, 5];
    expect(Array.from(averageRanks(input))).toEqual([2, 3.5, 3.5, 1]);
    expect(input).toEqual([10, 20, 20, 5]);
    expect(Array.from(averageRanks([7, 7, 7, 7, 7]))).toEqual([3, 3, 3, 3, 3]);
    expect(Array.from(averageRanks([3, 1, 3, 1, 3, 2]))).toEqual([5, 1.5, 5, 1.5, 5, 3]);
  });

  it('infinities take the ends of the order; any NaN makes every rank NaN', () => {
    expect(Array.from(averageRanks([0, -Infinity, Infinity, Infinity]))).toEqual([2, 1, 3.5, 3.5]);
    expect(Array.from(averageRanks([1, Number.NaN, 2])).every(Number.isNaN)).toBe(true);
    expect(averageRanks([])).toHaveLength(0);
  });
});

describe('Spearman rank correlation', () => {
  it('is the Pearson correlation of ranks: one swapped pair of four gives 0.8', () => {
    const result = spearman([1, 2, 3, 4], [10, 30, 20, 40], 4);
    expect(result?.n).toBe(4);
    expect(result?.rho).toBeCloseTo(0.8, 14);
  });

  it('perfectly monotone relations give ±1 whatever their shape', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(
      spearman(
        x,
        x.map((v) => v ** 5),
      )?.rho,
    ).toBe(1);
    expect(
      spearman(
        x,
        x.map((v) => -Math.exp(v)),
      )?.rho,
    ).toBe(-1);
  });

  it('uses average ranks for ties: x = [1, 2, 2, 3], y = [1, 2, 3, 4] gives 0.9486832980505138', () => {
    // Ranks x: 1, 2.5, 2.5, 4 → Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → 4.5 / √22.5.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4], 4)?.rho).toBeCloseTo(0.9486832980505138, 14);
  });

  it('excludes pairs with NaN or infinite values instead of counting them as zero', () => {
    const result = spearman([1, 2, 3, 4, Number.NaN, 0], [10, 30, 20, 40, 0, Infinity], 4);
    expect(result).toEqual({ rho: expect.closeTo(0.8, 14), n: 4 });
    // Counting the gaps as zeros would have produced a different number.
    expect(spearman([1, 2, 3, 4, 0, 0], [10, 30, 20, 40, 0, 0], 4)?.rho).not.toBeCloseTo(0.8, 3);
  });

  it('is null below the minimum sample (default 10) or when either side is constant', () => {
    const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(spearman(nine, nine)).toBeNull();
    expect(spearman([...nine, 10], [...nine, 10])).toEqual({ rho: 1, n: 10 });
    expect(spearman([1, 2, 3, 4], [5, 5, 5, 5], 2)).toBeNull();
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4], 2)).toBeNull();
    expect(spearman([1, Number.NaN, 3], [1, 2, Number.NaN], 1)).toBeNull();
  });

  it('rejects inputs of different lengths', () => {
    expect(() => spearman([1, 2], [1])).toThrow(RangeError);
  });
});
