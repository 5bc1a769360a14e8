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
