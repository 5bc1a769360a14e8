/**
 * Drawdowns from the running peak (docs/METHODS.md, "Drawdown"). Pure function: no I/O, no clock.
 */

export interface Drawdowns {
  /** Drawdown at the last usable price, ≤ 0 (−0.25 = 25 % below its running peak). */
  current: number;
  /** Most negative drawdown over the series, ≤ 0. */
  max: number;
  /** Index of the running peak from which `max` was measured. */
  peakIndex: number;
  /** Index where `max` was first reached. */
  troughIndex: number;
  /** Index of the running peak at the last usable price. */
  currentPeakIndex: number;
}

/**
 * Drawdown series d_t = P_t / max_{s≤t} P_s − 1 summarised by its last value and its minimum.
 * Prices that are NaN, infinite or ≤ 0 are not prices and are skipped; indexes refer to the input.
 * Ties resolve to the earliest index (the first time a peak or the worst drawdown is reached), so
 * a series that never falls has max = 0 with peakIndex = troughIndex = its first usable index.
 * With no usable price, current = max = 0 and every index is −1.
 *
 * @example
 * drawdowns([100, 120, 90, 110]); // { current: −0.0833…, max: −0.25, peakIndex: 1, troughIndex: 2, currentPeakIndex: 1 }
 */
export function drawdowns(prices: ArrayLike<number>): Drawdowns {
  let peak = Number.NaN;
  let peakAt = -1;
  let current = 0;
  let max = 0;
  let maxPeakAt = -1;
  let maxTroughAt = -1;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!;
    if (!(p > 0 && Number.isFinite(p))) continue;
    if (peakAt === -1 || p > peak) {
      peak = p;
      peakAt = i;
    }
    current = p / peak - 1;
    if (maxTroughAt === -1 || current < max) {
      max = current;
      maxPeakAt = peakAt;
      maxTroughAt = i;
    }
  }
  return { current, max, peakIndex: maxPeakAt, troughIndex: maxTroughAt, currentPeakIndex: peakAt };
}
