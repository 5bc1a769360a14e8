// Numbers, money, percentages and dates for people, with Intl in the browser's locale.
const cache = new Map<string, Intl.NumberFormat>();
function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(undefined, options)));
  return f;
}

export const DASH = '—';

/** A price in major units of `currency` (e.g. `$1,234.50`). */
export function money(value: number | null | undefined, currency: string | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (!currency) return number(value, 2);
  return nf(`money:${currency}`, { style: 'currency', currency }).format(value);
}

/** A decimal string amount from the API (exact minor units) shown as money. */
export function moneyText(value: string | null | undefined, currency: string | null | undefined): string {
  return value == null ? DASH : money(Number(value), currency);
}

/** A signed percentage from a value already in percent (4.1 → `+4.1%`). */
export function percent(value: number | null | undefined, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return (
    nf(`pct:${digits}`, {
      signDisplay: 'exceptZero',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value) + '%'
  );
}

/** A signed percentage from a fraction (0.041 → `+4.1%`). */
export function fraction(value: number | null | undefined, digits = 1): string {
  return value == null ? DASH : percent(value * 100, digits);
}

export function number(value: number | null | undefined, digits = 0): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return nf(`n:${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A calendar date (`YYYY-MM-DD`, UTC as the API gives them). */
export function date(value: string | null | undefined): string {
  if (!value) return DASH;
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? value : dateFormat.format(d);
}

/** An instant, in the browser's time zone. */
export function dateTime(value: string | null | undefined): string {
  if (!value) return DASH;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormat.format(d);
}

/** `up`, `down` or `flat`, for colouring a change. */
export function trend(value: number | null | undefined): 'up' | 'down' | 'flat' {
  if (value == null || value === 0 || !Number.isFinite(value)) return 'flat';
  return value > 0 ? 'up' : 'down';
}
