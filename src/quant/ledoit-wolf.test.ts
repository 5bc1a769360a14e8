import { describe, expect, it } from 'vitest';
import { correlation, ledoitWolf, volatilities } from './ledoit-wolf.ts';

describe('Ledoit–Wolf shrinkage', () => {
  it('six rows of two factors, by hand: δ = 22/65', () => {
    // Centred already. S = XᵀX/6 = [[14/3, 7/3], [7/3, 2]], μ = tr/2 = 10/3.
    // Σₜ‖xₜ‖⁴/T = 396/6 = 66, ‖S‖²_F = 330/9 → β = (66 − 330/9)/(2·6) = 22/9;
    // d = (‖S‖²_F − 2μ·tr + Nμ²)/N = 65/9 → δ = 22/65.
    const X = [
      [2, 1],
      [-2, -1],
      [1, -1],
      [-1, 1],
      [3, 2],
      [-3, -2],
    ];
    const result = ledoitWolf(X)!;
    expect(result.mean).toEqual([0, 0]);
    expect(result.shrinkage).toBeCloseTo(22 / 65, 14);
    expect(result.covariance[0]![0]).toBeCloseTo(822 / 195, 13);
    expect(result.covariance[0]![1]).toBeCloseTo(301 / 195, 13);
    expect(result.covariance[1]![0]).toBe(result.covariance[0]![1]);
    expect(result.covariance[1]![1]).toBeCloseTo(478 / 195, 13);
  });

  it('three rows, two factors: β exceeds d, so δ is capped at 1 and the estimate is μ·I', () => {
    // S = [[2, 1], [1, 2]]/3, μ = 2/3; β = 4/27 > d = 1/9.
    const result = ledoitWolf([
      [1, 0],
      [0, 1],
      [-1, -1],
    ])!;
    expect(result.shrinkage).toBe(1);
    expect(result.covariance[0]![0]).toBeCloseTo(2 / 3, 15);
    expect(result.covariance[1]![1]).toBeCloseTo(2 / 3, 15);
    expect(result.covariance[0]![1]).toBe(0);
  });

  it('a sample covariance already proportional to I is not shrunk', () => {
    const result = ledoitWolf([
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ])!;
    expect(result.shrinkage).toBe(0);
    expect(result.covariance).toEqual([
      [0.5, 0],
      [0, 0.5],
    ]);
  });

  it('centres on column means and divides by T, not T − 1', () => {
    const result = ledoitWolf([[11], [13], [12], [16]])!;
    expect(result.mean).toEqual([13]);
    expect(result.shrinkage).toBe(0);
    expect(result.covariance[0]![0]).toBeCloseTo((4 + 0 + 1 + 9) / 4, 14);
  });

  it('keeps the trace and shrinks off-diagonals by (1 − δ); more factors than dates stays positive definite', () => {
    const X = [
      [0.01, -0.02, 0.03, 0.0],
      [0.02, 0.01, -0.01, 0.01],
      [-0.01, 0.03, 0.02, -0.02],
    ];
    const result = ledoitWolf(X)!;
    const mean = [0, 1, 2, 3].map((j) => X.reduce((s, r) => s + r[j]!, 0) / 3);
    const sampleCov = (i: number, j: number) => X.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / 3;
    const trace = result.covariance.reduce((s, row, i) => s + row[i]!, 0);
    expect(trace).toBeCloseTo(
      [0, 1, 2, 3].reduce((s, j) => s + sampleCov(j, j), 0),
      16,
    );
    expect(result.covariance[0]![2]).toBeCloseTo((1 - result.shrinkage) * sampleCov(0, 2), 16);
    expect(result.shrinkage).toBeGreaterThan(0);
    expect(result.shrinkage).toBeLessThanOrEqual(1);
    expect(choleskySucceeds(result.covariance)).toBe(true);
  });

  it('drops rows with non-finite values; null with fewer than two complete rows', () => {
    const clean = [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 3],
    ];
    expect(ledoitWolf([...clean.slice(0, 2), [Number.NaN, 1], ...clean.slice(2), [1, Infinity]])).toEqual(
      ledoitWolf(clean),
    );
    expect(
      ledoitWolf([
        [1, 2],
        [Number.NaN, 3],
      ]),
    ).toBeNull();
    expect(ledoitWolf([])).toBeNull();
    expect(() => ledoitWolf([[1, 2], [3]])).toThrow(RangeError);
  });
});

describe('correlation and volatilities', () => {
  it('scale a covariance matrix by its diagonal', () => {
    expect(
      volatilities([
        [4, 2],
        [2, 9],
      ]),
    ).toEqual([2, 3]);
    const c = correlation([
      [4, 2],
      [2, 9],
    ]);
    expect(c[0]![0]).toBe(1);
    expect(c[0]![1]).toBeCloseTo(1 / 3, 15);
    expect(c[1]![0]).toBeCloseTo(1 / 3, 15);
  });

  it('a variable with zero variance has no correlation, not a correlation of zero', () => {
    const c = correlation([
      [0, 0],
      [0, 1],
    ]);
    expect(c[0]!.every(Number.isNaN)).toBe(true);
    expect(c[1]![0]).toBeNaN();
    expect(c[1]![1]).toBe(1);
  });
});

function choleskySucceeds(a: number[][]): boolean {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return false;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return true;
}
