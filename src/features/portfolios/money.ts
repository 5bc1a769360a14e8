/**
 * Amounts a collector types (a unit cost, fees, proceeds) become integer minor units exactly: the
 * decimal is read from its text, never multiplied as a binary float, and an amount with more
 * decimals than its currency has (19.999 USD, 1.5 JPY) is refused rather than rounded.
 */
import { z } from '@hono/zod-openapi';
import { minorUnitDigits, toMajor } from '../prices/wire.ts';

export { minorUnitDigits, toMajor };

/** The largest amount accepted, in minor units: far above any card, far below float trouble. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/** The most copies one lot or sale may count (a lot's cost basis stays within MAX_AMOUNT_MINOR too). */
export const MAX_QUANTITY = 1_000_000;

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,15}))?$/;
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export type AmountParse = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Reads a non-negative decimal amount in major units of `currency` as minor units.
 *
 * @example
 * parseAmount('19.99', 'USD'); // { ok: true, minor: 1999 }
 * parseAmount(0.29, 'USD'); // { ok: true, minor: 29 }
 * parseAmount('1.5', 'JPY'); // { ok: false, message: 'has more decimals than JPY has (0)' }
 */
export function parseAmount(value: string | number, currency: string): AmountParse {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: 'must be a non-negative decimal number such as 19.99' };
  const digits = minorUnitDigits(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { ok: false, message: `has more decimals than ${currency} has (${digits})` };
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (minor > MAX_AMOUNT_MINOR) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}

/** Whether `code` is an ISO 4217 currency code this runtime knows. */
export function isCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

/** A currency code on the wire. */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
  .refine(isCurrency, 'is not an ISO 4217 currency')
  .openapi({ example: 'USD' });

/** An amount on the wire: a JSON number or a decimal string in major units (read exactly). */
export const AmountSchema = z
  .union([z.number().nonnegative(), z.string().max(40)])
  .openapi({ description: 'Major units, as a number or a decimal string (read exactly).', example: 19.99 });

/**
 * Minor units as an exact decimal string in major units.
 *
 * @example
 * decimalString(10010, 'USD'); // '100.10'
 * decimalString(1500, 'JPY'); // '1500'
 */
export function decimalString(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
