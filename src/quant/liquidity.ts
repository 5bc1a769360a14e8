/**
 * Liquidity confidence heuristic (docs/METHODS.md, "Liquidity confidence"). Pure function.
 */

/** Relative listing spread at which the spread factor is 1/2. */
export const SPREAD_HALF = 0.5;

/** Spread factor used when the spread cannot be computed: an unknown spread costs a quarter. */
export const UNKNOWN_SPREAD_FACTOR = 0.75;

export interface LiquidityInput {
  /** Days in the window with an observed price. */
  observations: number;
  /** Length of the window in days, > 0. */
  windowDays: number;
  /** Lowest listing price (any unit, the same for all three prices). */
  low?: number | null;
  /** Mid listing price. */
  mid?: number | null;
  /** Market price. */
  market?: number | null;
}

export interface LiquidityConfidence {
  /** Confidence in [0, 1]. */
  value: number;
  /** min(1, observations / windowDays). */
  density: number;
  /** (mid − low) / market, floored at 0; null when a price is missing or not positive. */
  spread: number | null;
}

/**
 * A heuristic, not an estimator: how much to trust a card's price, from how often it traded and
 * how wide its listings are. density = min(1, observations / windowDays); spread =
 * max(0, (mid − low) / market) when all three are positive finite numbers, else null;
 * value = density / (1 + spread / SPREAD_HALF), or density × UNKNOWN_SPREAD_FACTOR when the
 * spread is null. The value is non-decreasing in observations, low and market and non-increasing
 * in windowDays and mid. Throws a RangeError for negative or NaN observations or a windowDays
 * that is not a positive finite number.
 *
 * @example
 * confidence({ observations: 15, windowDays: 30, low: 8, mid: 10, market: 10 }); // { value: 0.357…, density: 0.5, spread: 0.2 }
 */
export function confidence(input: LiquidityInput): LiquidityConfidence {
  const { observations, windowDays } = input;
  if (!(observations >= 0)) throw new RangeError(`confidence: observations must be ≥ 0, got ${observations}`);
  if (!(windowDays > 0 && Number.isFinite(windowDays)))
    throw new RangeError(`confidence: windowDays must be finite and > 0, got ${windowDays}`);
  const density = Math.min(1, observations / windowDays);
  const spread = relativeSpread(input.low, input.mid, input.market);
  const value = spread === null ? density * UNKNOWN_SPREAD_FACTOR : density / (1 + spread / SPREAD_HALF);
  return { value, density, spread };
}

function relativeSpread(
  low: number | null | undefined,
  mid: number | null | undefined,
  market: number | null | undefined,
): number | null {
  if (!isPositive(low) || !isPositive(mid) || !isPositive(market)) return null;
  // mid below low is inconsistent data; it must not raise confidence above a zero spread.
  return Math.max(0, (mid - low) / market);
}

function isPositive(v: number | null | undefined): v is number {
  return typeof v === 'number' && v > 0 && Number.isFinite(v);
}
