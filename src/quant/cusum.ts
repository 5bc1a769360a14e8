/**
 * Two-sided Page CUSUM change detector (docs/METHODS.md, "CUSUM"). Pure function: no I/O, no clock.
 */

export type CusumDirection = 'up' | 'down';

export interface CusumAlarm {
  /** Index into the input of the value that pushed a statistic above h. */
  index: number;
  direction: CusumDirection;
}

export interface CusumOptions {
  /** Reference value (allowance) k ≥ 0, in the units of x; 0.5 detects a 1σ shift on z-scores. */
  k?: number;
  /** Decision interval h > 0. */
  h?: number;
}

export interface CusumResult {
  /** S⁺ after the last value. */
  upper: number;
  /** S⁻ after the last value. */
  lower: number;
  alarms: CusumAlarm[];
  lastAlarm: CusumAlarm | null;
}

/**
 * Tabular two-sided CUSUM (Page 1954; Montgomery, Introduction to Statistical Quality Control,
 * §9.1), meant for standardised returns:
 * S⁺_t = max(0, S⁺_{t−1} + x_t − k), S⁻_t = max(0, S⁻_{t−1} − x_t − k), S⁺_{−1} = S⁻_{−1} = 0.
 * When S⁺ > h (alarm 'up') or S⁻ > h (alarm 'down') both statistics restart at 0. NaN values are
 * skipped (no step). Defaults k = 0.5, h = 5; throws a RangeError for k < 0 or h ≤ 0. Because
 * k ≥ 0, at most one statistic can grow per step, so an alarm has a single direction.
 *
 * @example
 * cusum([0, 3, 3, 3]).lastAlarm; // { index: 3, direction: 'up' } (S⁺ = 2.5, 5, 7.5)
 */
export function cusum(x: ArrayLike<number>, options: CusumOptions = {}): CusumResult {
  const k = options.k ?? 0.5;
  const h = options.h ?? 5;
  if (!(k >= 0 && Number.isFinite(k))) throw new RangeError(`cusum: k must be finite and ≥ 0, got ${k}`);
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`cusum: h must be finite and > 0, got ${h}`);
  let upper = 0;
  let lower = 0;
  const alarms: CusumAlarm[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (Number.isNaN(xi)) continue;
    upper = Math.max(0, upper + xi - k);
    lower = Math.max(0, lower - xi - k);
    if (upper > h || lower > h) {
      alarms.push({ index: i, direction: upper > h ? 'up' : 'down' });
      upper = 0;
      lower = 0;
    }
  }
  return { upper, lower, alarms, lastAlarm: alarms.at(-1) ?? null };
}
