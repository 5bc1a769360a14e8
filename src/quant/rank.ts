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
 * A column prepared for ranking on many subsets of its rows: which values are finite and the
 * finite ones' positions ordered by value, tied values adjacent. Built once (one numeric sort),
 * it gives the average ranks among any subset in one pass (`ranksAmong`), so a cross-section
 * ranked against several targets, each missing different rows, is sorted once, not once per pair.
 */
export interface RankedColumn {
  values: ArrayLike<number>;
  /** 1 where the value is finite (neither NaN nor ±Infinity). */
  finite: Uint8Array;
  /** Positions of the finite values, ascending by value; equal values are adjacent. */
  order: Int32Array;
}

/** Prepares `values` for `ranksAmong` (see `RankedColumn`). */
export function rankedColumn(values: ArrayLike<number>): RankedColumn {
  const n = values.length;
  const finite = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(values[i])) {
      finite[i] = 1;
      m++;
    }
  }
  const sorted = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) if (finite[i]) sorted[k++] = values[i]!;
  sorted.sort();
  // Each finite value's tie group starts at the first sorted position not below it; a counting
  // sort by that position puts the positions in value order with tied values adjacent.
  const start = new Int32Array(m + 1);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!finite[i]) continue;
    const v = values[i]!;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    group[i] = lo;
    start[lo + 1]!++;
  }
  for (let g = 0; g < m; g++) start[g + 1]! += start[g]!;
  const order = new Int32Array(m);
  for (let i = 0; i < n; i++) if (finite[i]) order[start[group[i]!]!++] = i;
  return { values, finite, order };
}

/**
 * Average ranks of the column's finite values among the positions `keep` marks (1), written to
 * `out` at those positions (others untouched); returns how many were ranked. Equal to
 * `averageRanks` of the kept values in position order: a tie group occupying kept positions
 * [lo, hi) in value order gets (lo + 1 + hi) / 2.
 */
export function ranksAmong(column: RankedColumn, keep: Uint8Array, out: Float64Array): number {
  const { order, values } = column;
  let ranked = 0;
  let k = 0;
  while (k < order.length) {
    const v = values[order[k]!]!;
    // The tie group of v: adjacent positions with the same value (−0 and 0 are equal).
    let end = k;
    let kept = 0;
    while (end < order.length && values[order[end]!] === v) {
      if (keep[order[end]!]) kept++;
      end++;
    }
    if (kept > 0) {
      const rank = (ranked + 1 + ranked + kept) / 2;
      for (let j = k; j < end; j++) if (keep[order[j]!]) out[order[j]!] = rank;
      ranked += kept;
    }
    k = end;
  }
  return ranked;
}

/** Scratch space for `rankPair`, reusable across calls on columns of the same length. */
export interface RankScratch {
  keep: Uint8Array;
  rx: Float64Array;
  ry: Float64Array;
}

export function rankScratch(length: number): RankScratch {
  return { keep: new Uint8Array(length), rx: new Float64Array(length), ry: new Float64Array(length) };
}

/**
 * The complete pairs of two prepared columns (both values finite), marked in `scratch.keep`, and
 * each side's average ranks among them in `scratch.rx` / `scratch.ry`; returns the pair count.
 */
export function rankPair(x: RankedColumn, y: RankedColumn, scratch: RankScratch): number {
  const n = x.finite.length;
  if (y.finite.length !== n) throw new RangeError(`rankPair: x has ${n} values, y has ${y.finite.length}`);
  for (let i = 0; i < n; i++) scratch.keep[i] = x.finite[i]! & y.finite[i]!;
  const count = ranksAmong(x, y.finite, scratch.rx);
  ranksAmong(y, x.finite, scratch.ry);
  return count;
}

/**
 * Spearman's rank correlation of the pairs `rankPair` marked, from their ranks: the same result,
 * bit for bit, as `spearman` on the two columns.
 */
export function spearmanOfRanks(scratch: RankScratch, n: number, minSample = 10): RankCorrelation | null {
  if (n < minSample || n < 2) return null;
  const { keep, rx, ry } = scratch;
  // Ranks always average (n + 1) / 2, exactly representable: centring on it keeps
  // spearman(x, −y) = −spearman(x, y) exact.
  const centre = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
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
  const scratch = rankScratch(x.length);
  const n = rankPair(rankedColumn(x), rankedColumn(y), scratch);
  return spearmanOfRanks(scratch, n, minSample);
}
