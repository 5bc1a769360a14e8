/**
 * Robust location and scale (docs/METHODS.md, "Robust volatility"). Pure functions: no I/O, no
 * clock, no imports from the rest of the program.
 */

/** 1 / Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for normal data (Rousseeuw & Croux 1993). */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Median of a sample; NaN for an empty one. Does not modify its input.
 *
 * @example
 * median([3, 1, 2, 10]); // 2.5
 */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median absolute deviation from the median (unscaled).
 *
 * @example
 * mad([1, 2, 3, 4, 100]); // 1
 */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/**
 * Robust standard deviation: 1.4826 × MAD.
 *
 * @example
 * robustSigma([0.01, -0.02, 0.015, 0.3, -0.01]); // ≈ 0.0222
 */
export function robustSigma(values: readonly number[]): number {
  return MAD_TO_SIGMA * mad(values);
}

/**
 * 1.4826 × MAD of a scratch buffer, without allocating: sorts `buffer` and overwrites it with
 * absolute deviations (so the caller must not need its contents afterwards). Equals
 * `robustSigma([...buffer])`; NaN for an empty buffer.
 *
 * @example
 * robustSigmaInPlace(Float64Array.of(1, 2, 3, 4, 100)); // 1.4826
 */
export function robustSigmaInPlace(buffer: Float64Array): number {
  const n = buffer.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  const middle = (b: Float64Array) => (n % 2 === 1 ? b[mid]! : (b[mid - 1]! + b[mid]!) / 2);
  buffer.sort();
  const m = middle(buffer);
  for (let i = 0; i < n; i++) buffer[i] = Math.abs(buffer[i]! - m);
  buffer.sort();
  return MAD_TO_SIGMA * middle(buffer);
}

/**
 * Log returns between consecutive values: ln(vᵢ / vᵢ₋₁).
 *
 * @example
 * logReturns([100, 110, 99]); // [0.0953…, −0.1053…]
 */
export function logReturns(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) out.push(Math.log(values[i]! / values[i - 1]!));
  return out;
}

/**
 * Robust z-score of one value against a sample: (value − median) / (1.4826 × MAD). NaN when the
 * sample is empty or its MAD is 0 (more than half the sample is one value, so there is no scale).
 *
 * @example
 * robustZ(10, [1, 2, 3, 4, 5]); // (10 − 3) / 1.4826 ≈ 4.72
 */
export function robustZ(value: number, sample: readonly number[]): number {
  return zAgainst(value, median(sample), robustSigma(sample));
}

/**
 * Robust z-score of every value against the whole sample (median and MAD computed once).
 *
 * @example
 * robustZScores([1, 2, 3, 4, 100]); // [−1.35, −0.67, 0, 0.67, 65.4] (rounded)
 */
export function robustZScores(values: readonly number[]): number[] {
  const centre = median(values);
  const sigma = robustSigma(values);
  return values.map((v) => zAgainst(v, centre, sigma));
}

function zAgainst(value: number, centre: number, sigma: number): number {
  // A zero scale has no meaningful z (it would be ±Infinity or 0/0); report the absence as NaN.
  if (!(sigma > 0)) return Number.NaN;
  return (value - centre) / sigma;
}

/**
 * Clamps a value to [−limit, limit]; NaN passes through as NaN. Throws a RangeError for a
 * negative or NaN limit.
 *
 * @example
 * winsorise(7.2, 4); // 4
 */
export function winsorise(x: number, limit: number): number {
  if (!(limit >= 0)) throw new RangeError(`winsorise: limit must be ≥ 0, got ${limit}`);
  if (x > limit) return limit;
  if (x < -limit) return -limit;
  return x;
}
