import { describe, expect, it } from 'vitest';
import { icHalfLife, icSummary } from './ic.ts';

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
    expect(icHalfLife([{ horizon: 1, ic: 0.08 }, { horizon: 5, ic: 0.04 }])).toBeCloseTo(4, 12);
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
    expect(icHalfLife([{ horizon: 1, ic: 0.02 }, { horizon: 5, ic: 0.04 }])).toBeNull();
    expect(icHalfLife([{ horizon: 1, ic: 0.03 }, { horizon: 5, ic: 0.03 }])).toBeNull();
    expect(icHalfLife([{ horizon: 1, ic: 0.03 }, { horizon: 5, ic: -0.01 }])).toBeNull();
    expect(icHalfLife([{ horizon: 2, ic: 0.05 }, { horizon: 2, ic: 0.03 }])).toBeNull();
  });
});
