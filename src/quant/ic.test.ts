import { describe, expect, it } from 'vitest';
import { icHalfLife, icSummary, neweyWestMean } from './ic.ts';

describe('IC summary', () => {
  it('three finite ICs and a NaN: mean, sample sd, IR, hit rate, t statistic', () => {
    const s = icSummary([0.1, 0.05, -0.02, Number.NaN]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.043333333333333335, 15);
    // Σ(ic − mean)² = 0.0072666…, / (n − 1) → sd = 0.060277137733417…
    expect(s.sd).toBeCloseTo(0.06027713773341708, 15);
    expect(s.ir).toBeCloseTo(0.7189016426921304, 12);
    expect(s.hitRate).toBeCloseTo(2 / 3, 15);
    expect(s.tStat).toBeCloseTo(1.2451741707874968, 12);
  });

  it('an empty, single or constant series leaves the undefined statistics null', () => {
    expect(icSummary([])).toEqual({ n: 0, mean: null, sd: null, ir: null, hitRate: null, tStat: null });
    expect(icSummary([Number.NaN, 0.2])).toEqual({ n: 1, mean: 0.2, sd: null, ir: null, hitRate: 1, tStat: null });
    expect(icSummary([0.25, 0.25, 0.25])).toEqual({ n: 3, mean: 0.25, sd: 0, ir: null, hitRate: 1, tStat: null });
  });

  it('zero ICs are not hits; infinities are skipped like NaN', () => {
    const s = icSummary([0, 0.1, -0.1, Infinity]);
    expect(s.n).toBe(3);
    expect(s.hitRate).toBeCloseTo(1 / 3, 15);
  });
});

describe('IC half-life', () => {
  it('IC halving from horizon 1 to 5 gives a half-life of 4', () => {
    expect(
      icHalfLife([
        { horizon: 1, ic: 0.08 },
        { horizon: 5, ic: 0.04 },
      ]),
    ).toBeCloseTo(4, 12);
  });

  it('an exact exponential decay e^(−0.1h) gives ln 2 / 0.1 whatever the horizons', () => {
    const points = [1, 3, 10, 21].map((horizon) => ({ horizon, ic: 0.1 * Math.exp(-0.1 * horizon) }));
    expect(icHalfLife(points)).toBeCloseTo(Math.LN2 / 0.1, 10);
  });

  it('ignores non-positive and non-finite ICs in the fit', () => {
    const points = [
      { horizon: 1, ic: 0.08 },
      { horizon: 5, ic: 0.04 },
      { horizon: 10, ic: -0.01 },
      { horizon: 20, ic: 0 },
      { horizon: 30, ic: Number.NaN },
    ];
    expect(icHalfLife(points)).toBeCloseTo(4, 12);
  });

  it('is null without decay, with one usable point or one distinct horizon', () => {
    expect(
      icHalfLife([
        { horizon: 1, ic: 0.02 },
        { horizon: 5, ic: 0.04 },
      ]),
    ).toBeNull();
    expect(
      icHalfLife([
        { horizon: 1, ic: 0.03 },
        { horizon: 5, ic: 0.03 },
      ]),
    ).toBeNull();
    expect(
      icHalfLife([
        { horizon: 1, ic: 0.03 },
        { horizon: 5, ic: -0.01 },
      ]),
    ).toBeNull();
    expect(
      icHalfLife([
        { horizon: 2, ic: 0.05 },
        { horizon: 2, ic: 0.03 },
      ]),
    ).toBeNull();
  });
});

describe('neweyWestMean', () => {
  it('does not overstate the t of an overlapping series: a 30-day moving sum of noise', () => {
    // ICs of a 30-day forward return measured daily share 29 days with their neighbour: a moving
    // sum of iid shocks. The classical t treats 200 such values as independent.
    let s = 11;
    const shock = () => ((s = (s * 16807) % 2147483647), s / 2147483647 - 0.5);
    const shocks = Array.from({ length: 229 }, shock);
    const x = Array.from({ length: 200 }, (_, t) => 0.02 + shocks.slice(t, t + 30).reduce((a, b) => a + b, 0) / 30);
    const classical = icSummary(x).tStat!;
    const hac = neweyWestMean(x, 29);
    expect(hac.lag).toBe(29);
    expect(Math.abs(hac.tStat!)).toBeLessThan(Math.abs(classical) / 2.5);
    // Lag 0 is the heteroskedasticity-robust se, √(Σu²)/n: the classical t times √(n / (n − 1)).
    expect(neweyWestMean(x, 0).tStat!).toBeCloseTo(classical * Math.sqrt(200 / 199), 10);
  });

  it('caps the lag at n − 1, skips NaN and is null where undefined', () => {
    expect(neweyWestMean([1, 2, 3], 10).lag).toBe(2);
    expect(neweyWestMean([1, Number.NaN, 3], 1)).toMatchObject({ n: 2, mean: 2 });
    expect(neweyWestMean([], 3)).toMatchObject({ n: 0, mean: null, se: null, tStat: null });
    expect(neweyWestMean([0.5], 3)).toMatchObject({ n: 1, mean: 0.5, se: null, tStat: null });
    expect(neweyWestMean([2, 2, 2], 1).tStat).toBeNull();
    expect(() => neweyWestMean([1, 2], -1)).toThrow(RangeError);
  });
});
