/**
 * Ranks shared across pairs (`rankedColumn` once per column, `rankPair` per pair) give the same
 * rank correlation and quantile spread, bit for bit, as ranking each pair's complete cases from
 * scratch with `averageRanks` (the direct definition, checked against SciPy in rank.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRanks, rankedColumn, rankPair, rankScratch, spearmanOfRanks } from './rank.ts';
import { quantileSpreadOfRanks } from './regression.ts';

/** Spearman and quantile spread computed directly on the complete pairs (the pre-sharing code). */
function direct(x: number[], y: number[], minSample: number, quantiles: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  x.forEach((a, i) => {
    if (Number.isFinite(a) && Number.isFinite(y[i])) {
      xs.push(a);
      ys.push(y[i]!);
    }
  });
  const n = xs.length;
  let ic: { rho: number; n: number } | null = null;
  const rx = averageRanks(xs);
  if (n >= minSample && n >= 2) {
    const ry = averageRanks(ys);
    const centre = (n + 1) / 2;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (rx[i]! - centre) * (ry[i]! - centre);
      sxx += (rx[i]! - centre) ** 2;
      syy += (ry[i]! - centre) ** 2;
    }
    if (sxx !== 0 && syy !== 0) ic = { rho: Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy))), n };
  }
  let spread: { top: number; bottom: number; spread: number; buckets: number[]; counts: number[] } | null = null;
  if (n >= 2 * quantiles && !xs.every((v) => v === xs[0])) {
    const sums = new Array<number>(quantiles).fill(0);
    const counts = new Array<number>(quantiles).fill(0);
    for (let i = 0; i < n; i++) {
      const b = Math.floor((quantiles * (rx[i]! - 1)) / n);
      sums[b]! += ys[i]!;
      counts[b]! += 1;
    }
    const buckets = sums.map((s, b) => (counts[b]! > 0 ? s / counts[b]! : Number.NaN));
    const filled = buckets.filter((_, b) => counts[b]! > 0);
    spread = { top: filled.at(-1)!, bottom: filled[0]!, spread: filled.at(-1)! - filled[0]!, buckets, counts };
  }
  return { n, ic, spread };
}

/** Values with many ties, signed zeros, NaN and infinities. */
const value = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -6, max: 6 }).map((v) => v / 2) },
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, Number.NaN, Infinity, -Infinity) },
);

describe('ranks shared across pairs', () => {
  it('one prepared column per variable gives every pair the direct statistics, bit for bit', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 3 }),
              fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 3 }),
            ),
          ),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 2, max: 5 }),
        ([xs, ys], minSample, quantiles) => {
          const preparedX = xs.map(rankedColumn);
          const preparedY = ys.map(rankedColumn);
          const scratch = rankScratch(xs[0]!.length);
          xs.forEach((x, a) =>
            ys.forEach((y, b) => {
              const n = rankPair(preparedX[a]!, preparedY[b]!, scratch);
              const expected = direct(x, y, minSample, quantiles);
              expect(n).toBe(expected.n);
              expect(spearmanOfRanks(scratch, n, minSample)).toEqual(expected.ic);
              expect(quantileSpreadOfRanks(x, y, scratch, n, quantiles)).toEqual(expected.spread);
            }),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a tie group that only some pairs keep is ranked among the kept ones', () => {
    const x = rankedColumn([1, 1, 1, 2, 0]);
    const scratch = rankScratch(5);
    // The second and fifth y are missing, so the 0 and one of the 1s drop out: the kept x are
    // 1, 1, 2 → ranks 1.5, 1.5, 3.
    const n = rankPair(x, rankedColumn([5, Number.NaN, 4, 3, Number.NaN]), scratch);
    expect(n).toBe(3);
    expect([scratch.rx[0], scratch.rx[2], scratch.rx[3]]).toEqual([1.5, 1.5, 3]);
    expect([scratch.ry[0], scratch.ry[2], scratch.ry[3]]).toEqual([3, 2, 1]);
  });
});
