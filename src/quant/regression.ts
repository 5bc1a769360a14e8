/**
 * Cross-sectional regression and quantile spreads (docs/METHODS.md, "Cross-sectional regression",
 * "Quantile spread"). Pure functions: no I/O, no clock, no imports from the rest of the program.
 */
import { rankedColumn, rankPair, rankScratch, type RankScratch } from './rank.ts';

/** Ordinary least squares fit with classical (homoskedastic) standard errors. */
export interface OlsFit {
  /** Intercept first when included, then one per column of X. */
  coefficients: number[];
  standardErrors: number[];
  tStats: number[];
  /** Centred R² with an intercept; uncentred (1 − RSS / Σy²) without one, as statsmodels. NaN when y has no variation. */
  r2: number;
  /** Complete rows used. */
  n: number;
  /** Residual degrees of freedom, n − parameters. */
  dof: number;
}

/**
 * |R_jj| / ‖x_j‖ is the sine of the angle between column j and the span of the columns before it;
 * below this the design is treated as singular (condition number beyond ~1e10).
 */
const COLLINEARITY_TOLERANCE = 1e-10;

/**
 * Least squares y = Xβ (+ intercept) by Householder QR, with the standard errors of statsmodels
 * `OLS(...).fit().bse`: √(s² · diag((X'X)⁻¹)), s² = RSS / (n − p). Rows in which y or any regressor
 * is NaN or infinite are excluded. Returns null when n ≤ p (no residual degrees of freedom) or the
 * design is singular. Each row of X is one observation, without an intercept column.
 *
 * @example
 * ols([[1], [2], [3], [4]], [3, 5, 7, 10])?.coefficients; // [0.5, 2.3]
 */
export function ols(
  X: readonly (readonly number[])[],
  y: readonly number[],
  { intercept = true }: { intercept?: boolean } = {},
): OlsFit | null {
  if (X.length !== y.length) throw new RangeError(`ols: X has ${X.length} rows, y has ${y.length} values`);
  const k = X[0]?.length ?? 0;
  const p = k + (intercept ? 1 : 0);
  // Complete rows, column by column (the intercept column first): the design, and a copy that the
  // factorisation overwrites. Same arithmetic in the same order as row-wise arrays, in typed arrays.
  const complete: number[] = [];
  for (let i = 0; i < X.length; i++) {
    const row = X[i]!;
    if (row.length !== k) throw new RangeError(`ols: row ${i} has ${row.length} columns, expected ${k}`);
    if (!Number.isFinite(y[i]) || !row.every((v) => Number.isFinite(v))) continue;
    complete.push(i);
  }
  const n = complete.length;
  if (p === 0 || n <= p) return null;
  const design: Float64Array[] = Array.from({ length: p }, () => new Float64Array(n));
  const ys = new Float64Array(n);
  const offset = intercept ? 1 : 0;
  for (let r = 0; r < n; r++) {
    const i = complete[r]!;
    const row = X[i]!;
    if (intercept) design[0]![r] = 1;
    for (let j = 0; j < k; j++) design[j + offset]![r] = row[j]!;
    ys[r] = y[i]!;
  }
  const qr = householderQr(
    design.map((column) => column.slice()),
    ys,
    p,
  );
  if (qr === null) return null;
  const coefficients = solveUpper(qr.r, qr.qty.slice(0, p));
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    for (let j = 0; j < p; j++) fitted += design[j]![i]! * coefficients[j]!;
    rss += (ys[i]! - fitted) ** 2;
  }
  const dof = n - p;
  const s2 = rss / dof;
  const rInv = invertUpper(qr.r);
  const standardErrors = rInv.map((row) => Math.sqrt(s2 * row.reduce((s, v) => s + v * v, 0)));
  let ySum = 0;
  for (let i = 0; i < n; i++) ySum += ys[i]!;
  const yBar = intercept ? ySum / n : 0;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += (ys[i]! - yBar) ** 2;
  return {
    coefficients,
    standardErrors,
    tStats: coefficients.map((b, j) => b / standardErrors[j]!),
    r2: tss > 0 ? 1 - rss / tss : Number.NaN,
    n,
    dof,
  };
}

/**
 * Reduces A (n × p, given column by column, overwritten) to R and returns R and Qᵀy; null when
 * rank-deficient.
 */
function householderQr(a: Float64Array[], y: Float64Array, p: number): { r: number[][]; qty: number[] } | null {
  const n = y.length;
  const qty = Float64Array.from(y);
  const columnNorms = a.map((column) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += column[i]! ** 2;
    return Math.sqrt(s);
  });
  const v = new Float64Array(n);
  const reflect = (column: Float64Array, j: number, vv: number): void => {
    let s = 0;
    for (let i = j; i < n; i++) s += v[i - j]! * column[i]!;
    const f = (2 * s) / vv;
    for (let i = j; i < n; i++) column[i] = column[i]! - f * v[i - j]!;
  };
  for (let j = 0; j < p; j++) {
    const pivot = a[j]!;
    let sumSq = 0;
    for (let i = j; i < n; i++) sumSq += pivot[i]! ** 2;
    const norm = Math.sqrt(sumSq);
    if (norm === 0 || norm <= COLLINEARITY_TOLERANCE * columnNorms[j]!) return null;
    const alpha = pivot[j]! > 0 ? -norm : norm;
    for (let i = j; i < n; i++) v[i - j] = pivot[i]!;
    v[0] = v[0]! - alpha;
    let vv = 0;
    for (let i = 0; i < n - j; i++) vv += v[i]! * v[i]!;
    for (let c = j; c < p; c++) reflect(a[c]!, j, vv);
    reflect(qty, j, vv);
  }
  const r = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (j < i ? 0 : a[j]![i]!)));
  return { r, qty: Array.from(qty) };
}

function solveUpper(r: readonly (readonly number[])[], b: readonly number[]): number[] {
  const p = b.length;
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < p; j++) s -= r[i]![j]! * x[j]!;
    x[i] = s / r[i]![i]!;
  }
  return x;
}

/** R⁻¹ for upper-triangular R; (XᵀX)⁻¹ = R⁻¹R⁻ᵀ, so its diagonal is the row sums of squares of R⁻¹. */
function invertUpper(r: readonly (readonly number[])[]): number[][] {
  const p = r.length;
  const inv = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let c = 0; c < p; c++) {
    const unit = Array.from({ length: p }, (_, i) => (i === c ? 1 : 0));
    const col = solveUpper(r, unit);
    for (let i = 0; i < p; i++) inv[i]![c] = col[i]!;
  }
  return inv;
}

/** Mean forward return by score bucket. */
export interface QuantileSpread {
  /** Mean return of the highest-score bucket that has pairs. */
  top: number;
  /** Mean return of the lowest-score bucket that has pairs. */
  bottom: number;
  /** top − bottom. */
  spread: number;
  /** Mean return per bucket, lowest-score bucket first; NaN for a bucket that ties left empty. */
  buckets: number[];
  /** Pairs per bucket. */
  counts: number[];
}

/**
 * Mean return per score quantile and the top-minus-bottom spread. Pairs with a non-finite score or
 * return are excluded. Each of the n remaining pairs gets the average rank r of its score (ties
 * share the mean of the ranks they span) and goes to bucket ⌊quantiles · (r − 1) / n⌋, so equal
 * scores always share a bucket — the input order never decides — and without ties the buckets
 * differ in size by at most one. A large tie can leave a bucket empty; top and bottom are then the
 * highest and lowest buckets that have pairs. Null when n < 2 · quantiles (fewer than two pairs per
 * bucket) or when every score is the same (no cross-sectional variance: nothing to rank).
 *
 * @example
 * quantileSpread([1, 2, 3, 4], [0.01, 0.02, 0.03, 0.05], 2)?.spread; // 0.025
 */
export function quantileSpread(
  scores: ArrayLike<number>,
  returns: ArrayLike<number>,
  quantiles = 5,
): QuantileSpread | null {
  if (!Number.isInteger(quantiles) || quantiles < 2)
    throw new RangeError(`quantileSpread: quantiles must be an integer ≥ 2, got ${quantiles}`);
  if (scores.length !== returns.length)
    throw new RangeError(`quantileSpread: ${scores.length} scores, ${returns.length} returns`);
  const scratch = rankScratch(scores.length);
  const n = rankPair(rankedColumn(scores), rankedColumn(returns), scratch);
  return quantileSpreadOfRanks(scores, returns, scratch, n, quantiles);
}

/**
 * `quantileSpread` of the pairs `rankPair` marked (`scratch.rx` holding the scores' ranks among
 * them), bit for bit the same result: a cross-section ranked once serves its rank correlation and
 * its quantile spread.
 */
export function quantileSpreadOfRanks(
  scores: ArrayLike<number>,
  returns: ArrayLike<number>,
  scratch: RankScratch,
  n: number,
  quantiles = 5,
): QuantileSpread | null {
  if (!Number.isInteger(quantiles) || quantiles < 2)
    throw new RangeError(`quantileSpread: quantiles must be an integer ≥ 2, got ${quantiles}`);
  if (n < 2 * quantiles) return null;
  const { keep, rx: ranks } = scratch;
  let first = Number.NaN;
  let varies = false;
  for (let i = 0; i < keep.length && !varies; i++) {
    if (!keep[i]) continue;
    if (Number.isNaN(first)) first = scores[i]!;
    else if (scores[i] !== first) varies = true;
  }
  if (!varies) return null;
  const sums = new Array<number>(quantiles).fill(0);
  const counts = new Array<number>(quantiles).fill(0);
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    const bucket = Math.floor((quantiles * (ranks[i]! - 1)) / n);
    sums[bucket]! += returns[i]!;
    counts[bucket]! += 1;
  }
  const buckets = sums.map((sum, b) => (counts[b]! > 0 ? sum / counts[b]! : Number.NaN));
  const filled = buckets.filter((_, b) => counts[b]! > 0);
  const top = filled[filled.length - 1]!;
  const bottom = filled[0]!;
  return { top, bottom, spread: top - bottom, buckets, counts };
}
