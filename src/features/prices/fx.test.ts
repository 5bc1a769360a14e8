import { describe, expect, it } from 'vitest';
import { FALLBACK_DAYS, RateBook, convert, type FxRate } from './fx.ts';

// Friday 2025-10-17 and Thursday 2025-10-16; no GBP rate on the Thursday. Values are made up.
const RATES: FxRate[] = [
  { base: 'EUR', quote: 'USD', date: '2025-10-16', rate: 1.1645 },
  { base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.1681 },
  { base: 'EUR', quote: 'GBP', date: '2025-10-17', rate: 0.8688 },
];

describe('convert: a card bought in euros, valued in dollars', () => {
  it('uses the rate of the day itself', () => {
    expect(convert(10_000, 'EUR', 'USD', '2025-10-17', RATES)).toEqual({
      ok: true,
      cents: 11_681,
      rateDate: '2025-10-17',
    });
    expect(convert(2_500, 'EUR', 'USD', '2025-10-16', RATES)).toEqual({
      ok: true,
      cents: 2_911,
      rateDate: '2025-10-16',
    });
  });

  it('converts back through the inverse and across through the euro, exactly to the cent', () => {
    expect(convert(11_681, 'USD', 'EUR', '2025-10-17', RATES)).toEqual({
      ok: true,
      cents: 10_000,
      rateDate: '2025-10-17',
    });
    expect(convert(1_999, 'USD', 'EUR', '2025-10-17', RATES)).toEqual({
      ok: true,
      cents: 1_711,
      rateDate: '2025-10-17',
    });
    // 10 000 / 1.1681 × 0.8688 = 7 437.72
    expect(convert(10_000, 'USD', 'GBP', '2025-10-17', RATES)).toEqual({
      ok: true,
      cents: 7_438,
      rateDate: '2025-10-17',
    });
  });

  it('falls back over a weekend to Friday, and names Friday as the rate date', () => {
    expect(convert(10_000, 'EUR', 'USD', '2025-10-18', RATES)).toEqual({
      ok: true,
      cents: 11_681,
      rateDate: '2025-10-17',
    });
    expect(convert(10_000, 'EUR', 'USD', '2025-10-19', RATES)).toEqual({
      ok: true,
      cents: 11_681,
      rateDate: '2025-10-17',
    });
  });

  it(`looks back at most ${FALLBACK_DAYS} days; past that the rate is a gap, never 1.0`, () => {
    expect(convert(10_000, 'EUR', 'USD', '2025-10-21', RATES)).toEqual({
      ok: true,
      cents: 11_681,
      rateDate: '2025-10-17',
    });
    expect(convert(10_000, 'EUR', 'USD', '2025-10-22', RATES)).toEqual({ ok: false, reason: 'no_rate' });
    expect(convert(10_000, 'EUR', 'JPY', '2025-10-17', RATES)).toEqual({ ok: false, reason: 'no_rate' });
    expect(convert(10_000, 'EUR', 'USD', '2025-10-15', RATES)).toEqual({ ok: false, reason: 'no_rate' });
    expect(convert(10_000, 'EUR', 'USD', '2025-10-17', [])).toEqual({ ok: false, reason: 'no_rate' });
  });

  it('takes both legs of a cross rate from one date, never a later one', () => {
    // GBP is known only on Friday: a Thursday conversion has no rate, though USD has one.
    expect(convert(10_000, 'USD', 'GBP', '2025-10-16', RATES)).toEqual({ ok: false, reason: 'no_rate' });
  });

  it('leaves an amount in its own currency as it is, and refuses an unreadable date', () => {
    expect(convert(1_234, 'USD', 'USD', '2025-10-19', [])).toEqual({ ok: true, cents: 1_234, rateDate: '2025-10-19' });
    expect(convert(1_234, 'EUR', 'USD', '2025-13-01', RATES)).toEqual({ ok: false, reason: 'no_rate' });
    expect(convert(1_234, 'EUR', 'USD', 'yesterday', RATES)).toEqual({ ok: false, reason: 'no_rate' });
  });

  it('rounds half away from zero without binary-float drift', () => {
    const book = new RateBook([{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.01 }]);
    expect(convert(50, 'EUR', 'USD', '2025-10-17', book)).toEqual({ ok: true, cents: 51, rateDate: '2025-10-17' });
    expect(convert(-50, 'EUR', 'USD', '2025-10-17', book)).toEqual({ ok: true, cents: -51, rateDate: '2025-10-17' });
    const half = new RateBook([{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.005 }]);
    expect(convert(100, 'EUR', 'USD', '2025-10-17', half)).toEqual({ ok: true, cents: 101, rateDate: '2025-10-17' });
  });

  it('reads rates quoted the other way round and ignores non-positive ones', () => {
    const book = new RateBook([
      { base: 'USD', quote: 'EUR', date: '2025-10-17', rate: 0.8 },
      { base: 'EUR', quote: 'GBP', date: '2025-10-17', rate: 0 },
    ]);
    expect(book.unitsPerEuro('USD', '2025-10-17')).toBe(1.25);
    expect(book.unitsPerEuro('GBP', '2025-10-17')).toBeNull();
    expect(book.unitsPerEuro('EUR', '1999-01-01')).toBe(1);
  });
});
