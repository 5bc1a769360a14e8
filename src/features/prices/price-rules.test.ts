import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPrices, checkPricesInto, toCents, type PriceFields, type RawPrices } from './price-rules.ts';

/** The definition `toCents` keeps: round the product's six-decimal form. */
const centsOfDecimalForm = (major: number) => Math.round(Number((major * 100).toFixed(6)));

describe('toCents', () => {
  it('rounds half cents the way the decimal reads, not the way the binary product drifts', () => {
    expect(toCents(0.29)).toBe(29);
    expect(toCents(0.285)).toBe(29); // 0.285 * 100 = 28.499999999999996
    expect(toCents(1.005)).toBe(101); // 100.49999999999999
    expect(toCents(54.5)).toBe(5450);
    expect(toCents(9999.99)).toBe(999999);
    expect(Object.is(toCents(-0), 0)).toBe(true);
  });

  it('equals the six-decimal definition on prices with up to four decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.constantFrom(1, 10, 100, 1000, 10_000), (n, scale) => {
        const major = n / scale;
        expect(toCents(major)).toBe(centsOfDecimalForm(major));
      }),
      { numRuns: 20_000 },
    );
  });

  it('equals the six-decimal definition on any double, half cents and huge values included', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (major) => {
        expect(Object.is(toCents(major), centsOfDecimalForm(major))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const major of [0.005, 0.015, 2.675, 1e7 + 0.005, 9_999_999.995, 1e21, -1e300, Infinity])
      expect(Object.is(toCents(major), centsOfDecimalForm(major)), String(major)).toBe(true);
  });
});

/**
 * The acceptance rules as they were defined before `checkPricesInto` existed, kept here as the
 * reference the row-writing form is compared with (not a wrapper of it).
 */
function referenceCheck(
  raw: RawPrices,
): { ok: false; reason: string } | { ok: true; cents: number[]; dropped: number } {
  const fields: PriceFields[] = ['market', 'low', 'mid', 'high', 'directLow', 'trend', 'avg1', 'avg7', 'avg30'];
  const placeholders = new Set([999, 999.99, 9999, 9999.99, 99999, 99999.99, 501.5, 4321]);
  let present = 0;
  for (const f of fields) {
    const v = raw[f];
    if (v === null || v === undefined) continue;
    present++;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, reason: 'not_a_number' };
    if (v < 0) return { ok: false, reason: 'negative_price' };
  }
  if (present === 0) return { ok: false, reason: 'all_prices_null' };
  const market = raw.market ?? null;
  const cents = new Map<PriceFields, number>();
  let dropped = 0;
  for (const f of fields) {
    const v = raw[f];
    if (v === null || v === undefined) continue;
    if (f !== 'market' && placeholders.has(v) && (market === null || v > 10 * market)) {
      dropped++;
      continue;
    }
    cents.set(f, centsOfDecimalForm(v));
  }
  if (![...cents.keys()].some((f) => f !== 'high'))
    return { ok: false, reason: dropped > 0 ? 'placeholder_listing' : 'all_prices_null' };
  return { ok: true, cents: fields.map((f) => cents.get(f) ?? null) as number[], dropped };
}

describe('checkPricesInto', () => {
  const price = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom(999, 999.99, 9999, 501.5, 4321, 0, -1, Number.NaN, Infinity),
    fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 100),
  );
  const raw = fc.record(
    {
      market: price,
      low: price,
      mid: price,
      high: price,
      directLow: price,
      trend: price,
      avg1: price,
      avg7: price,
      avg30: price,
    },
    { requiredKeys: [] },
  );

  it('writes the cents into the row at the offset and leaves the other slots alone', () => {
    fc.assert(
      fc.property(raw, (r: RawPrices) => {
        const row: (string | number | null)[] = ['key', 'market', ...new Array<null>(9), 'after'];
        const checked = checkPricesInto(r, row, 2);
        const expected = referenceCheck(r);
        const wrapped = checkPrices(r);
        if (!expected.ok) {
          expect(checked).toBe(expected.reason);
          expect(wrapped).toEqual({ ok: false, reason: expected.reason });
        } else {
          expect(checked).toBe(expected.dropped);
          expect(row).toEqual(['key', 'market', ...expected.cents, 'after']);
          expect(wrapped.ok && Object.values(wrapped.cents)).toEqual(expected.cents);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('drops a placeholder high far above the market and keeps the rest', () => {
    const row = new Array<number | null>(9);
    expect(checkPricesInto({ market: 43.68, low: 21.58, high: 9999 }, row, 0)).toBe(1);
    expect(row).toEqual([4368, 2158, null, null, null, null, null, null, null]);
    expect(checkPricesInto({ market: null, low: 999, mid: 999, high: 999 }, row, 0)).toBe('placeholder_listing');
    expect(checkPricesInto({ high: 12 }, row, 0)).toBe('all_prices_null');
    expect(checkPricesInto({ market: 1, low: -2 }, row, 0)).toBe('negative_price');
  });
});
