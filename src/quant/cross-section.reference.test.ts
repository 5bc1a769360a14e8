import { describe, expect, it } from 'vitest';
import fixture from '#test/fixtures/quant/cross-section.json' with { type: 'json' };
import { icHalfLife, icSummary, neweyWestMean } from './ic.ts';
import { ledoitWolf } from './ledoit-wolf.ts';
import { ols, quantileSpread } from './regression.ts';
import { averageRanks, spearman } from './rank.ts';
import { normalCdf } from './score.ts';

/*
 * Reference values from SciPy, statsmodels and scikit-learn (scripts/reference/cross_section.py;
 * versions in the fixture). Tolerances, all of the form |actual − expected| ≤ abs + rel·|expected|:
 * - average ranks: exact — they are integers and halves, exact in binary.
 * - Spearman: abs 1e-12 — the same closed formula on identical ranks; only summation order differs.
 * - OLS: rel 1e-11 — Householder QR here, a pseudo-inverse (SVD) in statsmodels; both are backward
 *   stable and the design is well conditioned (κ ≈ 3), so they agree to a few ulps (measured 3e-15).
 * - Ledoit–Wolf: rel 1e-12 — same formula, different summation order (sklearn works blockwise;
 *   measured 6e-16); the absolute floors only cover entries that are exactly zero.
 * - IC summary and half-life: rel 1e-12 — means, sample sd and a two-parameter fit.
 * - Newey–West: rel 1e-12 — the same Bartlett-weighted sums as statsmodels' HAC covariance of a
 *   regression on a constant (default use_correction=False).
 * - Φ: abs 1e-15 and, separately, rel 1e-12 — series/continued-fraction Φ against scipy's ndtr (Cephes); the
 *   relative bound matters in the lower tail, where Φ is tiny. Measured: 1.2e-13
 *   relative (z ≈ −32), 2.2e-16 absolute.
 */

/** JSON has no NaN: the fixture writes null. */
const num = (v: number | null): number => (v === null ? Number.NaN : v);
const nums = (vs: readonly (number | null)[]): number[] => vs.map(num);

function expectClose(actual: number, expected: number, { rel = 0, abs = 0 }: { rel?: number; abs?: number }): void {
  const bound = abs + rel * Math.abs(expected);
  if (!(Math.abs(actual - expected) <= bound)) {
    expect.fail(`expected ${actual} to be within ${bound} of ${expected}`);
  }
}

describe('cross-section statistics against the Python reference fixture', () => {
  it('average ranks equal scipy.stats.rankdata(method="average") on data with many ties', () => {
    const { values, ranks } = fixture.ranks;
    expect(new Set(values).size).toBeLessThan(values.length);
    expect(Array.from(averageRanks(nums(values)))).toEqual(ranks);
  });

  it.each(fixture.spearman)('Spearman rho equals scipy.stats.spearmanr ($name)', ({ x, y, rho, n }) => {
    const result = spearman(nums(x), nums(y));
    expect(result?.n).toBe(n);
    expectClose(result!.rho, rho, { abs: 1e-12 });
  });

  it.each(fixture.ols)('OLS equals statsmodels params, bse, tvalues and rsquared ($name)', (c) => {
    const fit = ols(c.X.map(nums), nums(c.y), { intercept: c.intercept });
    expect(fit).not.toBeNull();
    expect(fit!.n).toBe(c.nobs);
    expect(fit!.dof).toBe(c.df_resid);
    const check = (actual: number[], expected: number[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((a, i) => expectClose(a, expected[i]!, { rel: 1e-11 }));
    };
    check(fit!.coefficients, c.params);
    check(fit!.standardErrors, c.bse);
    check(fit!.tStats, c.tvalues);
    expectClose(fit!.r2, c.rsquared, { rel: 1e-11 });
  });

  it.each(fixture.ledoitWolf)('Ledoit–Wolf equals sklearn LedoitWolf().fit covariance_ and shrinkage_ ($name)', (c) => {
    const result = ledoitWolf(c.X.map(nums));
    expect(result).not.toBeNull();
    expectClose(result!.shrinkage, c.shrinkage, { rel: 1e-12, abs: 1e-15 });
    result!.mean.forEach((m, j) => expectClose(m, c.mean[j]!, { rel: 1e-12, abs: 1e-15 }));
    expect(result!.covariance).toHaveLength(c.covariance.length);
    result!.covariance.forEach((row, i) =>
      row.forEach((v, j) => expectClose(v, c.covariance[i]![j]!, { rel: 1e-12, abs: 1e-18 })),
    );
  });

  it('IC summary equals numpy mean, sd(ddof=1) and scipy ttest_1samp, skipping NaN', () => {
    const { ics, ...expected } = fixture.ic.summary;
    const summary = icSummary(nums(ics));
    expect(summary.n).toBe(expected.n);
    expect(summary.hitRate).toBe(expected.hitRate);
    for (const key of ['mean', 'sd', 'ir', 'tStat'] as const) expectClose(summary[key]!, expected[key], { rel: 1e-12 });
  });

  it('IC half-life equals ln 2 / −slope of numpy.polyfit on the positive ICs', () => {
    const { points, halfLife } = fixture.ic.halfLife;
    expectClose(icHalfLife(points)!, halfLife, { rel: 1e-12 });
  });

  it('Newey–West mean, se and t equal statsmodels OLS(x, ones).fit(cov_type="HAC") with maxlags = L (no small-sample correction)', () => {
    for (const c of fixture.neweyWest) {
      const r = neweyWestMean(nums(c.values), c.lag);
      expect(r.n, c.name).toBe(c.n);
      expect(r.lag, c.name).toBe(c.lag);
      expectClose(r.mean!, c.mean, { rel: 1e-12 });
      expectClose(r.se!, c.se, { rel: 1e-12 });
      expectClose(r.tStat!, c.tStat, { rel: 1e-12 });
    }
  });

  it('quantile spread equals average-rank bucketing (scipy rankdata) in numpy: ties share a bucket', () => {
    const { scores, returns, quantiles, buckets, counts } = fixture.quantileSpread;
    const result = quantileSpread(nums(scores), nums(returns), quantiles);
    expect(result?.counts).toEqual(counts);
    result!.buckets.forEach((b, i) => expectClose(b, buckets[i]!, { rel: 1e-12 }));
    expectClose(result!.spread, buckets[quantiles - 1]! - buckets[0]!, { rel: 1e-12 });
  });

  it('normal CDF equals scipy.stats.norm.cdf over [−37, 9]', () => {
    const { z, cdf } = fixture.normalCdf;
    z.forEach((zi, i) => {
      // Both bounds separately: the absolute one governs near 1, the relative one the lower tail.
      expectClose(normalCdf(zi), cdf[i]!, { abs: 1e-15 });
      expectClose(normalCdf(zi), cdf[i]!, { rel: 1e-12 });
    });
  });
});
