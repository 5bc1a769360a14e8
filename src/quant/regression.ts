/**
 * Cross-sectional regression and quantile spreads (docs/METHODS.md, "Cross-sectional regression",
 * "Quantile spread"). Pure functions: no I/O, no clock, no imports from the rest of the program.
 */
import { averageRanks } from './rank.ts';

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
  const rows: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < X.length; i++) {
    const row = X[i]!;
    if (row.length !== k) throw new RangeError(`ols: row ${i} has ${row.length} columns, expected ${k}`);
    if (!Number.isFinite(y[i]) || !row.every((v) => Number.isFinite(v))) continue;
    rows.push(intercept ? [1, ...row] : [...row]);
    ys.push(y[i]!);
  }
  const n = rows.length;
  const p = k + (intercept ? 1 : 0);
  if (p === 0 || n <= p) return null;
  const qr = householderQr(
    rows.map((row) => [...row]),
    ys,
    p,
  );
  if (qr === null) return null;
  const coefficients = solveUpper(qr.r, qr.qty.slice(0, p));
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    for (let j = 0; j < p; j++) fitted += rows[i]![j]! * coefficients[j]!;
    rss += (ys[i]! - fitted) ** 2;
  }
  const dof = n - p;
  const s2 = rss / dof;
  const rInv = invertUpper(qr.r);
  const standardErrors = rInv.map((row) => Math.sqrt(s2 * row.reduce((s, v) => s + v * v, 0)));
  const yBar = intercept ? ys.reduce((s, v) => s + v, 0) / n : 0;
  const tss = ys.reduce((s, v) => s + (v - yBar) ** 2, 0);
  return {
    coefficients,
    standardErrors,
    tStats: coefficients.map((b, j) => b / standardErrors[j]!),
    r2: tss > 0 ? 1 - rss / tss : Number.NaN,
    n,
    dof,
  };
}

/** Reduces A (n × p, overwritten) to R and returns R and Qᵀy; null when rank-deficient. */
function householderQr(a: number[][], y: readonly number[], p: number): { r: number[][]; qty: number[] } | null {
  const n = a.length;
  const qty = [...y];
  const columnNorms = Array.from({ length: p }, (_, j) => Math.sqrt(a.reduce((s, row) => s + row[j]! ** 2, 0)));
  for (let j = 0; j < p; j++) {
    let sumSq = 0;
    for (let i = j; i < n; i++) sumSq += a[i]![j]! ** 2;
    const norm = Math.sqrt(sumSq);
    if (norm === 0 || norm <= COLLINEARITY_TOLERANCE * columnNorms[j]!) return null;
    const alpha = a[j]![j]! > 0 ? -norm : norm;
    const v = a.slice(j).map((row) => row[j]!);
    v[0] = v[0]! - alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    const reflect = (get: (i: number) => number, set: (i: number, x: number) => void): void => {
      let s = 0;
      for (let i = j; i < n; i++) s += v[i - j]! * get(i);
      const f = (2 * s) / vv;
      for (let i = j; i < n; i++) set(i, get(i) - f * v[i - j]!);
    };
    for (let c = j; c < p; c++)
      reflect(
        (i) => a[i]![c]!,
        (i, x) => (a[i]![c] = x),
      );
    reflect(
      (i) => qty[i]!,
      (i, x) => (qty[i] = x),
    );
  }
  const r = a.slice(0, p).map((row, i) => row.slice(0, p).map((v, j) => (j < i ? 0 : v)));
  return { r, qty };
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
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (Number.isFinite(scores[i]) && Number.isFinite(returns[i])) {
      s.push(scores[i]!);
      r.push(returns[i]!);
    }
  }
  const n = s.length;
  if (n < 2 * quantiles) return null;
  if (s.every((v) => v === s[0])) return null;
  const ranks = averageRanks(s);
  const sums = new Array<number>(quantiles).fill(0);
  const counts = new Array<number>(quantiles).fill(0);
  for (let i = 0; i < n; i++) {
    const bucket = Math.floor((quantiles * (ranks[i]! - 1)) / n);
    sums[bucket]! += r[i]!;
    counts[bucket]! += 1;
  }
  const buckets = sums.map((sum, b) => (counts[b]! > 0 ? sum / counts[b]! : Number.NaN));
  const filled = buckets.filter((_, b) => counts[b]! > 0);
  const top = filled[filled.length - 1]!;
  const bottom = filled[0]!;
  return { top, bottom, spread: top - bottom, buckets, counts };
}
