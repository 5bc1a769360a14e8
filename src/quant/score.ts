/**
 * Scores and actions from standardised signals (docs/METHODS.md, "Score and action"). Pure
 * functions: no I/O, no clock, no imports from the rest of the program.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/**
 * Below this |x| the erf series converges in few terms; above it the erfc continued fraction
 * converges in under 100 steps and spares the lower tail the cancellation of 1 − erf.
 */
const SERIES_LIMIT = 1.5;
/** erfc(27) < 1e-300: beyond, Φ is 0 or 1 in double precision. */
const TAIL_LIMIT = 27;
const MAX_TERMS = 500;

/** erf(x) for 0 ≤ x < SERIES_LIMIT, given x2 = x²: (2/√π)·e^(−x²)·Σₙ 2ⁿx^(2n+1) / (1·3·…·(2n+1)), all terms positive. */
function erfSeries(x: number, x2: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < MAX_TERMS && term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x ≥ SERIES_LIMIT, given x2 = x², by the continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with Lentz's method.
 */
function erfcContinuedFraction(x: number, x2: number): number {
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < MAX_TERMS; k++) {
    const a = k / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.exp(-x2) / (Math.sqrt(Math.PI) * f);
}

/**
 * Standard normal CDF Φ(x) = ½·erfc(−x/√2). erf comes from its power series for |x|/√2 < 1.5 and
 * erfc from its continued fraction beyond, so the lower tail keeps its relative accuracy. Against
 * `scipy.stats.norm.cdf` on a grid over [−37, 9] the absolute error is below 3e-16 and the relative
 * error below 2e-13, worst in the far lower tail (test/fixtures/quant/cross-section.json), far inside
 * the 1e-7 a one-decimal score needs.
 *
 * @example
 * normalCdf(1.96); // 0.97500210485177…
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const u = Math.abs(x) / Math.SQRT2;
  // x²/2 directly, not u·u: in the far tail e^(−u²) amplifies the rounding of u about 700-fold.
  const u2 = (x * x) / 2;
  if (u >= TAIL_LIMIT) return x > 0 ? 1 : 0;
  if (u < SERIES_LIMIT) {
    const e = erfSeries(u, u2);
    return x >= 0 ? 0.5 + 0.5 * e : 0.5 - 0.5 * e;
  }
  const tail = 0.5 * erfcContinuedFraction(u, u2);
  return x > 0 ? 1 - tail : tail;
}

/**
 * A 0–100 score from a z-score: 100·Φ(z) rounded to one decimal, clamped to [0, 100]. Monotone
 * non-decreasing in z; NaN stays NaN (no score is not a score of 50).
 *
 * @example
 * scoreFromZ(1); // 84.1
 */
export function scoreFromZ(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(100, Math.max(0, Math.round(1000 * normalCdf(z)) / 10));
}

/** What to do with a holding. */
export type Action = 'BUY' | 'HOLD' | 'SELL';

/** z-score and confidence cut-offs for {@link action}. */
export interface ActionThresholds {
  buyZ: number;
  sellZ: number;
  minConfidence: number;
}

/** One standard deviation either way, with at least 40 % confidence. */
export const DEFAULT_ACTION_THRESHOLDS: Readonly<ActionThresholds> = Object.freeze({
  buyZ: 1,
  sellZ: -1,
  minConfidence: 0.4,
});

/**
 * BUY when z ≥ buyZ, SELL when z ≤ sellZ, each only with confidence ≥ minConfidence; HOLD
 * otherwise, including when z or the confidence is NaN.
 *
 * @example
 * action(1.3, 0.6); // 'BUY'
 */
export function action(
  z: number,
  confidence: number,
  thresholds: Readonly<ActionThresholds> = DEFAULT_ACTION_THRESHOLDS,
): Action {
  if (!(confidence >= thresholds.minConfidence)) return 'HOLD';
  if (z >= thresholds.buyZ) return 'BUY';
  if (z <= thresholds.sellZ) return 'SELL';
  return 'HOLD';
}
