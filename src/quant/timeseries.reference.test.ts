/**
 * Checks the time-series functions against SciPy, NumPy and statsmodels on fixed inputs.
 * The fixture is produced by scripts/reference/timeseries.py (run instructions in its header).
 */
import { describe, expect, it } from 'vitest';
import fixture from '#test/fixtures/quant/timeseries.json' with { type: 'json' };
import { drawdowns } from './drawdown.ts';
import { localLinearTrend } from './kalman.ts';
import { MAD_TO_SIGMA, mad, median, robustSigma } from './robust.ts';
import { theilSen } from './theil-sen.ts';

/** The fixture writes NaN as null. */
const values = (a: readonly (number | null)[]): number[] => a.map((v) => (v === null ? Number.NaN : v));

/** |actual − expected| ≤ tol · max(|expected|, floor). */
function expectRelative(actual: number, expected: number, tol: number, floor = 0): void {
  const bound = tol * Math.max(Math.abs(expected), floor);
  expect(Math.abs(actual - expected), `${actual} vs ${expected} (bound ${bound})`).toBeLessThanOrEqual(bound);
}

describe('reference values from SciPy, NumPy and statsmodels', () => {
  // Theil–Sen: 1e-12 relative. Both sides compute each pair slope with the same two subtractions
  // and one division, take the same order statistics and the same median(y) − slope·median(x),
  // so the results should be identical; the margin only allows for a different summation order.
  it.each(fixture.theilSen.map((c) => [c.name, c] as const))(
    'theilSen matches scipy.stats.theilslopes: %s',
    (_name, c) => {
      const fit = theilSen(values(c.x), values(c.y));
      expect(fit.n).toBe(c.x.length);
      expectRelative(fit.slope, c.slope, 1e-12, 1e-12);
      expectRelative(fit.intercept, c.intercept, 1e-12, 1e-12);
    },
  );

  // MAD: the raw median and MAD are order statistics, so 1e-15 relative. The scaled MAD differs by
  // design: we use 1.4826, SciPy's scale='normal' uses 1/Φ⁻¹(0.75) = 1.482602218505602, a relative
  // difference of 1.5e-6, hence 2e-6.
  it.each(fixture.mad.map((c) => [c.name, c] as const))(
    'median, MAD and robust sigma match scipy.stats.median_abs_deviation: %s',
    (_name, c) => {
      const xs = values(c.values);
      expectRelative(median(xs), c.median, 1e-15);
      expectRelative(mad(xs), c.mad, 1e-15);
      expectRelative(robustSigma(xs), c.madNormal, 2e-6);
      expectRelative(robustSigma(xs), MAD_TO_SIGMA * c.mad, 1e-15);
    },
  );

  // Drawdowns: ratios of the same two prices, 1e-15 relative; indexes exact.
  it.each(fixture.drawdowns.map((c) => [c.name, c] as const))('drawdowns match NumPy: %s', (_name, c) => {
    const d = drawdowns(values(c.prices));
    expect([d.peakIndex, d.troughIndex, d.currentPeakIndex]).toEqual([c.peakIndex, c.troughIndex, c.currentPeakIndex]);
    expectRelative(d.max, c.max, 1e-15);
    expectRelative(d.current, c.current, 1e-15);
  });

  // Kalman (plain, huberK = Infinity): 1e-6 relative. Same recursion, but with the 1e6 diffuse prior
  // the first updates subtract numbers of order 1e6 to leave numbers of order 1e-3, so about ten
  // digits survive and rounding differs between implementations; measured differences are ≤ 6e-9.
  // The filtered paths are compared with 1e-6 · (1 + |value|) absolute for the same reason.
  it.each(fixture.kalman.map((c) => [c.name, c] as const))(
    'localLinearTrend matches statsmodels UnobservedComponents: %s',
    (_name, c) => {
      const exog = c.exog === undefined ? undefined : values(c.exog);
      const r = localLinearTrend(values(c.y), {
        variances: c.variances,
        huberK: Number.POSITIVE_INFINITY,
        trace: true,
        ...(exog ? { exog } : {}),
      });
      expectRelative(r.level, c.level, 1e-6);
      expectRelative(r.slope, c.slope, 1e-6);
      expectRelative(r.levelSd ** 2, c.levelVar, 1e-6);
      expectRelative(r.slopeSd ** 2, c.slopeVar, 1e-6);
      expectRelative(r.forecast, c.forecast, 1e-6);
      expectRelative(r.forecastSd ** 2, c.forecastVar, 1e-6);
      if (c.beta !== undefined && c.betaVar !== undefined) {
        expectRelative(r.beta, c.beta, 1e-6);
        expectRelative(r.betaSd ** 2, c.betaVar, 1e-6);
      } else {
        expect(r.beta).toBeNaN();
      }
      expect(r.observations).toBe(c.y.filter((v) => v !== null).length);
      c.filteredLevel.forEach((v, t) => expectRelative(r.trace.filteredLevel[t]!, v!, 1e-6, 1));
      c.filteredSlope.forEach((v, t) => expectRelative(r.trace.filteredSlope[t]!, v!, 1e-6, 1));
    },
  );

  // statsmodels' default run freezes the covariance once it looks converged (ssm.tolerance 1e-19);
  // on the 80-day series that happens at day 61 and moves the slope by ~1e-5 relative, so 1e-4.
  it('stays within 1e-4 of statsmodels run with its default steady-state shortcut', () => {
    for (const c of fixture.kalman) {
      const exog = c.exog === undefined ? undefined : values(c.exog);
      const r = localLinearTrend(values(c.y), {
        variances: c.variances,
        huberK: Number.POSITIVE_INFINITY,
        ...(exog ? { exog } : {}),
      });
      expectRelative(r.level, c.steadyState.level, 1e-4);
      expectRelative(r.slope, c.steadyState.slope, 1e-4);
      expectRelative(r.levelSd ** 2, c.steadyState.levelVar, 1e-4);
      expectRelative(r.slopeSd ** 2, c.steadyState.slopeVar, 1e-4);
    }
    expect(fixture.kalman.some((c) => c.steadyState.periodConverged !== null)).toBe(true);
  });
});
