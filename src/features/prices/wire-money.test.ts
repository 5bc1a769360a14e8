import { describe, expect, it } from 'vitest';
import { toMajor } from './wire.ts';

// toMajor divides integer minor units without formatting each price; the answer must be the
// number the formatting gave (DESIGN §10: major units rounded to the minor unit).
const formatted = (minor: number, digits: number) => Number((minor / 10 ** digits).toFixed(digits));

describe('toMajor', () => {
  it('gives the rounded major amount for every integer count of cents up to 10 million and large ones', () => {
    let mismatches = 0;
    for (let minor = -100_000; minor <= 10_000_000; minor++)
      if (toMajor(minor, 'USD') !== formatted(minor, 2)) mismatches++;
    for (const minor of [2 ** 40 + 7, 999_999_999_999, 123_456_789_012, 2 ** 43 - 1])
      expect(toMajor(minor, 'USD')).toBe(formatted(minor, 2));
    expect(mismatches).toBe(0);
  });

  it('keeps three-digit and zero-digit currencies, nulls and fractional minor units as before', () => {
    for (const minor of [0, 1, 5, 999, 1001, 123_456_789]) expect(toMajor(minor, 'KWD')).toBe(formatted(minor, 3));
    expect(toMajor(1999, 'JPY')).toBe(1999);
    expect(toMajor(null, 'USD')).toBeNull();
    expect(toMajor(1999.5, 'USD')).toBe(formatted(1999.5, 2));
    expect(toMajor(2 ** 44 + 0.5, 'USD')).toBe(formatted(2 ** 44 + 0.5, 2));
    expect(toMajor(1999, 'USD')).toBe(19.99);
  });
});
