/**
 * Ranks and rank correlation (docs/METHODS.md, "Spearman rank correlation"). Pure functions: no I/O,
 * no clock, no imports from the rest of the program.
 */

/**
 * 1-based ranks in which tied values share the average of the ranks they span, as
 * `scipy.stats.rankdata(values, method='average')`. If any value is NaN every rank is NaN (NaN has
 * no place in an order; scipy's default `nan_policy='propagate'` does the same). ±Infinity rank normally.
 *
 * @example
 * averageRanks([10, 20, 20, 5]); // Float64Array [2, 3.5, 3.5, 1]
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) return ranks.fill(Number.NaN);
  }
  // A numeric sort of a copy (no comparator calls), then each value's tie group by binary search:
  // the group occupies 0-based positions [lo, hi), i.e. ranks lo+1 … hi, whose mean (lo+1+hi)/2 is
  // exact in binary. −0 and 0 compare equal, so they tie, as in SciPy.
  const sorted = Float64Array.from(values).sort();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    hi = n;
    while (end < hi) {
      const mid = (end + hi) >>> 1;
      if (sorted[mid]! <= v) end = mid + 1;
      else hi = mid;
    }
    ranks[i] = (lo + 1 + end) / 2;
  }
  return ranks;
}

/** A rank correlation and the number of complete pairs it was computed on. */
export interface RankCorrelation {
  rho: number;
  n: number;
}

/**
 * Spearman's rank correlation (Spearman 1904): the Pearson correlation of the average ranks of x
 * and y. Pairs in which either value is NaN or infinite are excluded — never counted as zero —
 * and the ranks are computed on the pairs that remain. Returns null when fewer than `minSample`
 * pairs remain or either side is constant (the correlation is undefined, not zero).
 *
 * @example
 * spearman([1, 2, 3, 4], [10, 30, 20, 40], 4); // { rho: 0.8, n: 4 }
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, minSample = 10): RankCorrelation | null {
  if (x.length !== y.length) throw new RangeError(`spearman: x has ${x.length} values, y has ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  const n = xs.length;
  if (n < minSample || n < 2) return null;
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  // Ranks always average (n + 1) / 2, exactly representable: centring on it keeps
  // spearman(x, −y) = −spearman(x, y) exact.
  const centre = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i]! - centre;
    const dy = ry[i]! - centre;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const rho = Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy)));
  return { rho, n };
}
