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
  const x = major * 100;
  // Away from a half cent, rounding the product is what rounding its six-decimal form gives (the
  // two differ by at most 5e-7 plus one unit in the last place, under 1e-6 below 1e9); near one,
  // the drift decides (0.285 * 100 = 28.499999999999996), so the decimal form does. `toFixed`
  // is the slow part of an import's row, and almost no price is near a half cent.
  if (x === 0) return 0; // -0 too, as the decimal form gives
  if (x < 1e9 && x > -1e9 && Math.abs(Math.abs(x - Math.trunc(x)) - 0.5) > 1e-6) return Math.round(x);
  return Math.round(Number(x.toFixed(6)));
}

/**
 * Checks one row's prices.
 *
 * @example
 * checkPrices({ market: 43.68, low: 21.58, high: 9999 }); // ok, high dropped
 * checkPrices({ market: null, low: 999, mid: 999, high: 999 }); // { ok: false, reason: 'placeholder_listing' }
 */
export function checkPrices(raw: RawPrices): PriceCheck {
  const out = new Array<number | null>(FIELDS.length);
  const checked = checkPricesInto(raw, out, 0);
  if (typeof checked !== 'number') return { ok: false, reason: checked };
  // A literal (one hidden class, in-object fields).
  const cents: CentPrices = {
    market: out[0]!,
    low: out[1]!,
    mid: out[2]!,
    high: out[3]!,
    directLow: out[4]!,
    trend: out[5]!,
    avg1: out[6]!,
    avg7: out[7]!,
    avg30: out[8]!,
  };
  return { ok: true, cents, droppedPlaceholders: checked };
}

const HIGH = FIELDS.indexOf('high');

/**
 * `checkPrices` writing the cents straight into `out[at]` … `out[at + 8]` (in the order of
 * `PriceFields`: market, low, mid, high, directLow, trend, avg1, avg7, avg30), as an importer
 * binds them: returns the number of placeholder fields dropped, or the reason the row is rejected
 * (the slots are then left unspecified).
 *
 * @example
 * const row = new Array(9);
 * checkPricesInto({ market: 43.68, high: 9999 }, row, 0); // 1: row is [4368, null, null, null, …]
 */
export function checkPricesInto(raw: RawPrices, out: (string | number | null)[], at: number): number | RejectReason {
  // Named reads (no loop over keys): one row of an import at a time, so the shape stays known.
  out[at] = raw.market ?? null;
  out[at + 1] = raw.low ?? null;
  out[at + 2] = raw.mid ?? null;
  out[at + 3] = raw.high ?? null;
  out[at + 4] = raw.directLow ?? null;
  out[at + 5] = raw.trend ?? null;
  out[at + 6] = raw.avg1 ?? null;
  out[at + 7] = raw.avg7 ?? null;
  out[at + 8] = raw.avg30 ?? null;
  return checkCentsInPlace(out, at);
}

/**
 * `checkPricesInto` for prices already in `out[at]` … `out[at + 8]` as the upstream gave them
 * (major units, `null` where absent): judges and converts them in place.
 *
 * @example
 * const row = [43.68, null, null, 9999, null, null, null, null, null];
 * checkCentsInPlace(row, 0); // 1: row is [4368, null, null, null, …]
 */
export function checkCentsInPlace(out: (string | number | null)[], at: number): number | RejectReason {
  const end = at + FIELDS.length;
  let present = 0;
  for (let i = at; i < end; i++) {
    const v = out[i];
    if (v === null) continue;
    present++;
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'not_a_number';
    if (v < 0) return 'negative_price';
  }
  if (present === 0) return 'all_prices_null';
  const market = out[at] as number | null;
  let dropped = 0;
  let usable = false;
  for (let i = at; i < end; i++) {
    const v = out[i] as number | null;
    if (v === null) continue;
    // The market price is computed from sales, not listed by a seller, so it is never a placeholder.
    if (i !== at && PLACEHOLDER_VALUES.has(v) && (market === null || v > PLAUSIBLE_FACTOR * market)) {
      out[i] = null;
      dropped++;
      continue;
    }
    out[i] = toCents(v);
    // A lone "high" listing says nothing about the price.
    if (i !== at + HIGH) usable = true;
  }
  if (!usable) return dropped > 0 ? 'placeholder_listing' : 'all_prices_null';
  return dropped;
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
  return {
    market: o.marketPrice as number | null | undefined,
    low: o.lowPrice as number | null | undefined,
    mid: o.midPrice as number | null | undefined,
    high: o.highPrice as number | null | undefined,
    directLow: o.directLowPrice as number | null | undefined,
  };
}
