/**
 * Local-linear-trend Kalman filter with an optional regressor and Huber-robust updates
 * (docs/METHODS.md, "Local-linear-trend Kalman filter"). Pure function: no I/O, no clock.
 *
 *   y_t     = μ_t + β·x_t + ε_t,   ε_t ~ N(0, σ²_ε)   (irregular)
 *   μ_{t+1} = μ_t + ν_t + η_t,     η_t ~ N(0, σ²_η)   (level)
 *   ν_{t+1} = ν_t + ζ_t,           ζ_t ~ N(0, σ²_ζ)   (trend)
 *   β_{t+1} = β_t                                      (regression state, no process noise)
 *
 * With `huberK: Infinity` it reproduces statsmodels' `UnobservedComponents(y, 'lltrend',
 * exog=x, mle_regression=False)` filtered with the same fixed variances and its default
 * approximate-diffuse initialisation, to ~1e-8 relative (test/fixtures/quant/timeseries.json).
 */

/** Huber's tuning constant: 95 % efficiency at the normal distribution (Huber 1964). */
export const HUBER_K = 1.345;

/** statsmodels' default approximate-diffuse initial state variance. */
export const DIFFUSE_VARIANCE = 1e6;

export interface TrendVariances {
  /** σ²_ε, observation noise. */
  irregular: number;
  /** σ²_η, level disturbance. */
  level: number;
  /** σ²_ζ, slope disturbance. */
  trend: number;
}

export interface LocalLinearTrendOptions {
  variances: TrendVariances;
  /** Regressor x_t, same length as y; a NaN x_t counts as 0 (that day carries no information on β). */
  exog?: ArrayLike<number>;
  /** Huber constant k on the standardised innovation; Infinity gives the plain Kalman filter. */
  huberK?: number;
  /** Initial variance of every state (initial means are 0). */
  diffuse?: number;
  /**
   * Initial variance of the regression coefficient β (default `diffuse`). A finite prior keeps β
   * from absorbing the level when the regressor barely moves (a regressor that is nearly constant
   * is collinear with the level, and a diffuse β lets the two drift apart without bound).
   */
  exogVariance?: number;
  /** Also return per-step arrays. */
  trace?: boolean;
}

export interface LocalLinearTrendTrace {
  /** Filtered level μ_{t|t}; equals the prediction on days without an observation. */
  filteredLevel: Float64Array;
  filteredSlope: Float64Array;
  /** v_t = y_t − ŷ_{t|t−1}; NaN on days without an observation. */
  innovations: Float64Array;
  /** F_t = Var(v_t) before any Huber inflation; NaN on days without an observation. */
  innovationVar: Float64Array;
  /** Huber weight w_t ∈ (0, 1]; NaN on days without an observation. */
  weights: Float64Array;
}

export interface LocalLinearTrendResult {
  /** Filtered state at the last step t = n − 1 (after its update); NaN when no y was observed. */
  level: number;
  slope: number;
  levelSd: number;
  slopeSd: number;
  /** Regression coefficient; NaN without exog. */
  beta: number;
  betaSd: number;
  /** One-step-ahead forecast of y_n = level + slope, without a regression term (x_n is unknown). */
  forecast: number;
  /** √(predicted level variance + σ²_ε) for y_n, again without a regression term. */
  forecastSd: number;
  /** Number of finite y used. */
  observations: number;
  /** Number of observations with Huber weight < 1. */
  outliers: number;
}

/**
 * Filters y with a local-linear-trend model (Harvey 1989; Durbin & Koopman 2012, ch. 3).
 * NaN (or ±Infinity) in y means no observation that day: the state is still propagated, the update
 * is skipped.
 * Initialisation is approximate-diffuse: state mean 0, variance `diffuse` (default 1e6).
 *
 * Robust update (Huber ψ; Masreliez & Martin 1977, Cipra & Romera 1997): with F_t the innovation
 * variance, when |v_t|/√F_t > k the observation gets weight w_t = k√F_t/|v_t| and is updated as if
 * its noise variance were σ²_ε/w_t, so its pull on the state is bounded instead of proportional
 * to v_t. The default k = 1.345 also trims about 18 % of the observations of a correctly
 * specified Gaussian model slightly (P(|Z| > 1.345)); those count as `outliers` too. With σ²_ε = 0 there is nothing to inflate and the filter is plain.
 *
 * @example
 * localLinearTrend([1, 2, 3, 4, 5], { variances: { irregular: 0.01, level: 0.01, trend: 1e-4 } }).forecast; // ≈ 6
 */
export function localLinearTrend(
  y: ArrayLike<number>,
  options: LocalLinearTrendOptions & { trace: true },
): LocalLinearTrendResult & { trace: LocalLinearTrendTrace };
export function localLinearTrend(
  y: ArrayLike<number>,
  options: LocalLinearTrendOptions,
): LocalLinearTrendResult & { trace?: LocalLinearTrendTrace };
export function localLinearTrend(
  y: ArrayLike<number>,
  options: LocalLinearTrendOptions,
): LocalLinearTrendResult & { trace?: LocalLinearTrendTrace } {
  const { irregular: r, level: qLevel, trend: qTrend } = options.variances;
  const huberK = options.huberK ?? HUBER_K;
  const diffuse = options.diffuse ?? DIFFUSE_VARIANCE;
  const exogVariance = options.exogVariance ?? diffuse;
  const exog = options.exog;
  validate(y.length, options, huberK, diffuse);
  if (!(exogVariance > 0 && Number.isFinite(exogVariance)))
    throw new RangeError(`localLinearTrend: exogVariance must be finite and > 0, got ${exogVariance}`);

  const n = y.length;
  const trace = options.trace ? newTrace(n) : undefined;
  // State (μ, ν, β) and the upper triangle of its covariance. Without exog, x_t = 0 keeps β and
  // its covariances untouched, so the three-state recursion is exactly the two-state one.
  let a0 = 0,
    a1 = 0,
    a2 = 0;
  let p00 = diffuse,
    p01 = 0,
    p02 = 0,
    p11 = diffuse,
    p12 = 0,
    p22 = exogVariance;
  let observations = 0;
  let outliers = 0;

  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    if (Number.isFinite(yt)) {
      const xt = exog === undefined || Number.isNaN(exog[t]!) ? 0 : exog[t]!;
      // g = P·z with z = (1, 0, x_t).
      const g0 = p00 + p02 * xt;
      const g1 = p01 + p12 * xt;
      const g2 = p02 + p22 * xt;
      const zPz = g0 + xt * g2;
      const v = yt - (a0 + xt * a2);
      const fPlain = zPz + r;
      const w = huberWeight(v, fPlain, huberK);
      const f = zPz + r / w;
      a0 += (g0 * v) / f;
      a1 += (g1 * v) / f;
      a2 += (g2 * v) / f;
      // P ← P − g gᵀ / F, written entry by entry so the matrix stays exactly symmetric.
      p00 -= (g0 * g0) / f;
      p01 -= (g0 * g1) / f;
      p02 -= (g0 * g2) / f;
      p11 -= (g1 * g1) / f;
      p12 -= (g1 * g2) / f;
      p22 -= (g2 * g2) / f;
      observations++;
      if (w < 1) outliers++;
      if (trace) {
        trace.innovations[t] = v;
        trace.innovationVar[t] = fPlain;
        trace.weights[t] = w;
      }
    }
    if (trace) {
      trace.filteredLevel[t] = a0;
      trace.filteredSlope[t] = a1;
    }
    if (t === n - 1) break;
    // Predict: a ← T a, P ← T P Tᵀ + Q with T = [[1, 1, 0], [0, 1, 0], [0, 0, 1]].
    a0 += a1;
    p00 += 2 * p01 + p11 + qLevel;
    p01 += p11;
    p02 += p12;
    p11 += qTrend;
  }

  const filtered = { a0, a1, a2, p00, p01, p11, p22 };
  const result = observations > 0 ? summarise(filtered, qLevel + r, exog !== undefined) : nothingObserved();
  return { ...result, observations, outliers, ...(trace ? { trace } : {}) };
}

/** Filtered mean and covariance entries of the last step. */
interface LastState {
  a0: number;
  a1: number;
  a2: number;
  p00: number;
  p01: number;
  p11: number;
  p22: number;
}

type Estimates = Omit<LocalLinearTrendResult, 'observations' | 'outliers'>;

function summarise(s: LastState, levelAndIrregularVar: number, hasExog: boolean): Estimates {
  return {
    level: s.a0,
    slope: s.a1,
    levelSd: Math.sqrt(s.p00),
    slopeSd: Math.sqrt(s.p11),
    beta: hasExog ? s.a2 : Number.NaN,
    betaSd: hasExog ? Math.sqrt(s.p22) : Number.NaN,
    forecast: s.a0 + s.a1,
    // Predicted level variance P00 + 2·P01 + P11 + σ²_η, plus the observation noise σ²_ε.
    forecastSd: Math.sqrt(s.p00 + 2 * s.p01 + s.p11 + levelAndIrregularVar),
  };
}

function nothingObserved(): Estimates {
  const nan = Number.NaN;
  return { level: nan, slope: nan, levelSd: nan, slopeSd: nan, beta: nan, betaSd: nan, forecast: nan, forecastSd: nan };
}

function huberWeight(v: number, f: number, k: number): number {
  const standardised = Math.abs(v) / Math.sqrt(f);
  return standardised > k ? k / standardised : 1;
}

function validate(n: number, options: LocalLinearTrendOptions, huberK: number, diffuse: number): void {
  const { irregular, level, trend } = options.variances;
  for (const [name, value] of [
    ['irregular', irregular],
    ['level', level],
    ['trend', trend],
  ] as const) {
    if (!(value >= 0 && Number.isFinite(value)))
      throw new RangeError(`localLinearTrend: ${name} variance must be finite and ≥ 0, got ${value}`);
  }
  if (!(huberK > 0)) throw new RangeError(`localLinearTrend: huberK must be > 0, got ${huberK}`);
  if (!(diffuse > 0 && Number.isFinite(diffuse)))
    throw new RangeError(`localLinearTrend: diffuse must be finite and > 0, got ${diffuse}`);
  if (options.exog !== undefined && options.exog.length !== n) {
    throw new RangeError(`localLinearTrend: exog has ${options.exog.length} values, y has ${n}`);
  }
}

function newTrace(n: number): LocalLinearTrendTrace {
  return {
    filteredLevel: new Float64Array(n),
    filteredSlope: new Float64Array(n),
    innovations: new Float64Array(n).fill(Number.NaN),
    innovationVar: new Float64Array(n).fill(Number.NaN),
    weights: new Float64Array(n).fill(Number.NaN),
  };
}
