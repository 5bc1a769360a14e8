/**
 * Information-coefficient summaries (docs/METHODS.md, "Information coefficient"; Grinold & Kahn,
 * Active Portfolio Management). Pure functions: no I/O, no clock, no imports from the rest of the program.
 */

/** Summary of a series of per-date information coefficients. */
export interface IcSummary {
  /** Finite ICs used. */
  n: number;
  /** Mean IC; null when n = 0. */
  mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  sd: number | null;
  /** Information ratio of the IC series, mean / sd; null when n < 2 or sd = 0. */
  ir: number | null;
  /** Share of ICs strictly above zero; null when n = 0. */
  hitRate: number | null;
  /** mean / (sd / √n), the t statistic of "mean IC = 0"; null when n < 2 or sd = 0. */
  tStat: number | null;
}

/**
 * Mean, dispersion, IR, hit rate and t statistic of an IC series. NaN and infinite entries (dates
 * on which no IC could be computed) are skipped, not counted as zero.
 *
 * @example
 * icSummary([0.1, 0.05, -0.02, NaN]); // { n: 3, mean: 0.0433…, sd: 0.0603…, hitRate: 0.667, … }
 */
export function icSummary(ics: readonly number[]): IcSummary {
  const values = ics.filter((v) => Number.isFinite(v));
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ir: null, hitRate: null, tStat: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const hitRate = values.filter((v) => v > 0).length / n;
  if (n < 2) return { n, mean, sd: null, ir: null, hitRate, tStat: null };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const defined = sd > 0;
  return {
    n,
    mean,
    sd,
    ir: defined ? mean / sd : null,
    hitRate,
    tStat: defined ? mean / (sd / Math.sqrt(n)) : null,
  };
}

/** The IC of a signal measured against returns over `horizon` periods. */
export interface IcAtHorizon {
  horizon: number;
  ic: number;
}

/**
 * Half-life of a signal's IC decay, assuming IC_h = IC_0 · e^(−λh): fits ln IC_h = a − λh by
 * ordinary least squares over the points with a finite, strictly positive IC and a finite horizon,
 * and returns ln 2 / λ in the horizon's unit. Returns null with fewer than two such points, with
 * a single distinct horizon, or when the fitted λ is not positive (the IC does not decay).
 *
 * @example
 * icHalfLife([{ horizon: 1, ic: 0.08 }, { horizon: 5, ic: 0.04 }]); // ≈ 4
 */
export function icHalfLife(points: readonly IcAtHorizon[]): number | null {
  const usable = points.filter((p) => Number.isFinite(p.horizon) && Number.isFinite(p.ic) && p.ic > 0);
  const n = usable.length;
  if (n < 2) return null;
  const hBar = usable.reduce((s, p) => s + p.horizon, 0) / n;
  const lBar = usable.reduce((s, p) => s + Math.log(p.ic), 0) / n;
  let shl = 0;
  let shh = 0;
  for (const p of usable) {
    shl += (p.horizon - hBar) * (Math.log(p.ic) - lBar);
    shh += (p.horizon - hBar) ** 2;
  }
  if (shh === 0) return null;
  const lambda = -shl / shh;
  return lambda > 0 ? Math.LN2 / lambda : null;
}

/** A mean with its Newey–West (HAC) standard error. */
export interface NeweyWestMean {
  /** Finite values used. */
  n: number;
  /** The Bartlett lag L used (the requested lag, capped at n − 1). */
  lag: number;
  /** Sample mean; null when n = 0. */
  mean: number | null;
  /** HAC standard error of the mean; null when n < 2. */
  se: number | null;
  /** mean / se; null when n < 2 or se = 0. */
  tStat: number | null;
}

/**
 * The mean of a series and its Newey–West (1987) standard error, for series whose consecutive
 * values overlap (an h-day forward return measured every day shares h − 1 days with the next, so
 * its ICs are autocorrelated up to lag h − 1). With u_t = x_t − x̄ and Bartlett weights
 * w_l = 1 − l / (L + 1):
 *
 *   S = (1/n) Σ_t u_t² + 2 Σ_{l=1..L} w_l (1/n) Σ_{t>l} u_t u_{t−l},   se = √(S / n),
 *
 * without a small-sample correction — exactly statsmodels'
 * `OLS(x, ones).fit(cov_type='HAC', cov_kwds={'maxlags': L})` (whose default `use_correction` is
 * False). With L = 0 it is the heteroskedasticity-robust se, √(Σu² / n²). NaN and infinite entries
 * are dropped first (the remaining values keep their order).
 *
 * @example
 * neweyWestMean([0.1, 0.05, -0.02, 0.08, 0.03], 1).tStat; // ≈ 2.9
 */
export function neweyWestMean(values: readonly number[], lag: number): NeweyWestMean {
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`neweyWestMean: lag must be an integer ≥ 0, got ${lag}`);
  const x = values.filter((v) => Number.isFinite(v));
  const n = x.length;
  const L = Math.max(0, Math.min(lag, n - 1));
  if (n === 0) return { n, lag: L, mean: null, se: null, tStat: null };
  const mean = x.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, lag: L, mean, se: null, tStat: null };
  const u = x.map((v) => v - mean);
  let s = 0;
  for (let t = 0; t < n; t++) s += u[t]! * u[t]!;
  for (let l = 1; l <= L; l++) {
    let g = 0;
    for (let t = l; t < n; t++) g += u[t]! * u[t - l]!;
    s += 2 * (1 - l / (L + 1)) * g;
  }
  const se = Math.sqrt(Math.max(0, s) / n / n);
  return { n, lag: L, mean, se, tStat: se > 0 ? mean / se : null };
}
