/**
 * Checks the portfolio performance functions against NumPy, SciPy (brentq) and statsmodels on
 * simulated portfolios. The fixture is produced by scripts/reference/performance.py (run
 * instructions in its header).
 */
import { describe, expect, it } from 'vitest';
import fixture from '#test/fixtures/quant/performance.json' with { type: 'json' };
import { portfolioPerformance, xirr } from './performance.ts';

/** |actual − expected| ≤ tol · max(|expected|, floor). */
function expectRelative(actual: number | null, expected: number | null, tol: number, floor = 0): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const bound = tol * Math.max(Math.abs(expected), floor);
  expect(Math.abs(actual! - expected), `${actual} vs ${expected} (bound ${bound})`).toBeLessThanOrEqual(bound);
}

describe('reference values from NumPy, SciPy and statsmodels', () => {
  // TWR: the same products in the same order, but NumPy's cumprod and our running product can
  // round differently; over 365 factors the relative error stays below 365 · ε ≈ 8e-14, hence 1e-12.
  // XIRR: both solve to a few ε of the root; the NPV's slope turns that into ≤ 1e-10 relative.
  // Beta: polyfit (SVD least squares) against our Householder QR, 1e-9 relative.
  it.each(fixture.portfolios.map((c) => [c.name, c] as const))('performance of a portfolio: %s', (_name, c) => {
    const p = portfolioPerformance(c.series, c.index);
    expect(p.twr.days.map((d) => d.date)).toEqual(c.series.map((d) => d.date));
    p.twr.days.forEach((d, i) => {
      expectRelative(d.dailyReturn, c.dailyReturns[i] ?? null, 1e-12, 1e-12);
      expectRelative(d.index, c.twrIndex[i]!, 1e-12);
    });
    expectRelative(p.twr.twr, c.twr, 1e-12, 1e-12);
    expect(p.irr.reason).toBe(c.irrReason);
    expectRelative(p.irr.rate, c.irr, 1e-10, 1e-12);
    expectRelative(p.maxDrawdown.value, c.maxDrawdown, 1e-12);
    expect([p.maxDrawdown.peakDate, p.maxDrawdown.troughDate]).toEqual([c.peakDate, c.troughDate]);
    expectRelative(p.market.indexReturn, c.indexReturn, 1e-14);
    expectRelative(p.market.excessReturn, c.excessReturn, 1e-12, 1e-12);
    expectRelative(p.market.beta, c.beta, 1e-9);
    expect(p.market.betaObservations).toBe(c.betaObservations);
  });

  it.each(fixture.xirr.map((c) => [c.name, c] as const))('xirr matches scipy.optimize.brentq: %s', (_name, c) => {
    const irr = xirr(c.flows);
    expect(irr.reason).toBe(c.reason);
    expectRelative(irr.rate, c.rate, 1e-10, 1e-12);
  });
});
