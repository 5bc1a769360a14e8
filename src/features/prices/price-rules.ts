/**
 * Which upstream prices we store. Prices arrive as decimal numbers in major units; we keep integer
 * minor units. A row is rejected, with one of the stable reasons below, when nothing usable is
 * left; single placeholder fields (TCGplayer's 999/9999/501.5 "high" listings) are dropped from
 * an otherwise good row. See docs/METHODS.md "Price acceptance rules".
 */
import type { RejectReason } from '../../shared/run-accounting.ts';

/** Values sellers use for "not really for sale"; with no market price, or far above it, they are not prices. */
export const PLACEHOLDER_VALUES = new Set([999, 999.99, 9999, 9999.99, 99999, 99999.99, 501.5, 4321]);
/** A placeholder value counts as real when it is within this factor of the market price. */
const PLAUSIBLE_FACTOR = 10;
export const EARLIEST_DATE = '1996-01-01';

export type PriceFields = 'market' | 'low' | 'mid' | 'high' | 'directLow' | 'trend' | 'avg1' | 'avg7' | 'avg30';
export type RawPrices = Partial<Record<PriceFields, number | null | undefined>>;
export type CentPrices = Record<PriceFields, number | null>;

export type PriceCheck =
  { ok: true; cents: CentPrices; droppedPlaceholders: number } | { ok: false; reason: RejectReason };

const FIELDS: PriceFields[] = ['market', 'low', 'mid', 'high', 'directLow', 'trend', 'avg1', 'avg7', 'avg30'];

/**
 * Converts a major-unit decimal to integer minor units without binary-float drift
 * (`toCents(0.29) === 29`, not 28).
 *
 * @example
 * toCents(54.5); // 5450
 */
export function toCents(major: number): number {
  return Math.round(Number((major * 100).toFixed(6)));
}

/**
 * Checks one row's prices.
 *
 * @example
 * checkPrices({ market: 43.68, low: 21.58, high: 9999 }); // ok, high dropped
 * checkPrices({ market: null, low: 999, mid: 999, high: 999 }); // { ok: false, reason: 'placeholder_listing' }
 */
export function checkPrices(raw: RawPrices): PriceCheck {
  let present = 0;
  for (const f of FIELDS) {
    const v = raw[f];
    if (v === null || v === undefined) continue;
    present++;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, reason: 'not_a_number' };
    if (v < 0) return { ok: false, reason: 'negative_price' };
  }
  if (present === 0) return { ok: false, reason: 'all_prices_null' };
  const market = raw.market ?? null;
  // A literal (one hidden class, in-object fields): imports hold one of these per buffered row.
  const cents: CentPrices = {
    market: null,
    low: null,
    mid: null,
    high: null,
    directLow: null,
    trend: null,
    avg1: null,
    avg7: null,
    avg30: null,
  };
  let dropped = 0;
  for (const f of FIELDS) {
    const v = raw[f];
    if (v === null || v === undefined) continue;
    // The market price is computed from sales, not listed by a seller, so it is never a placeholder.
    if (f !== 'market' && PLACEHOLDER_VALUES.has(v) && (market === null || v > PLAUSIBLE_FACTOR * market)) {
      dropped++;
      continue;
    }
    cents[f] = toCents(v);
  }
  // A lone "high" listing says nothing about the price.
  const usable = FIELDS.some((f) => cents[f] !== null && f !== 'high');
  if (!usable) return { ok: false, reason: dropped > 0 ? 'placeholder_listing' : 'all_prices_null' };
  return { ok: true, cents, droppedPlaceholders: dropped };
}

/**
 * Whether a price date is a real calendar date in the plausible range [1996-01-01, today + 1].
 *
 * @example
 * isPlausibleDate('2025-10-20', '2026-11-25'); // true
 */
export function isPlausibleDate(date: string, today: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) return false;
  const latest = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return date >= EARLIEST_DATE && date <= latest;
}

/**
 * TCGplayer's price fields (`lowPrice`, `midPrice`, `highPrice`, `marketPrice`, `directLowPrice`),
 * as TCGCSV and TCGdex both pass them on, unchecked: `checkPrices` judges them.
 *
 * @example
 * tcgplayerFields({ marketPrice: 54.5, lowPrice: 32.5 }); // { market: 54.5, low: 32.5, … }
 */
export function tcgplayerFields(o: Record<string, unknown>): RawPrices {
  const v = (x: unknown) => x as number | null | undefined;
  return {
    market: v(o.marketPrice),
    low: v(o.lowPrice),
    mid: v(o.midPrice),
    high: v(o.highPrice),
    directLow: v(o.directLowPrice),
  };
}
