/**
 * Currency conversion with daily reference rates (the ECB's euro rates: `base` EUR, `quote` USD,
 * GBP …, `rate` = units of quote per euro). Pure: rates come in, a result comes out.
 *
 * A conversion on date d uses the rates of d or, when d has none (weekends, TARGET holidays), of
 * the latest earlier date at most `FALLBACK_DAYS` before it; both legs of a cross rate
 * (USD → GBP through EUR) come from that one date. Past that window there is no rate: the result
 * says so and names no amount. A missing rate is a gap, never 1.0.
 */

export interface FxRate {
  base: string;
  quote: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Units of `quote` per one `base`. */
  rate: number;
}

export type Conversion = { ok: true; cents: number; rateDate: string } | { ok: false; reason: 'no_rate' };

/** Days a conversion may look back for a rate: covers a weekend plus the Easter or Christmas closings. */
export const FALLBACK_DAYS = 4;
const PIVOT = 'EUR';
const DAY_MS = 86_400_000;

/** Rates indexed by currency and date, as units of the currency per euro. */
export class RateBook {
  private readonly perEuro = new Map<string, number>();

  constructor(rates: Iterable<FxRate>) {
    for (const r of rates) {
      if (!(r.rate > 0) || !Number.isFinite(r.rate)) continue;
      if (r.base === PIVOT) this.perEuro.set(`${r.quote}|${r.date}`, r.rate);
      else if (r.quote === PIVOT) this.perEuro.set(`${r.base}|${r.date}`, 1 / r.rate);
    }
  }

  /** Units of `currency` per euro on exactly `date`, or null. */
  unitsPerEuro(currency: string, date: string): number | null {
    return currency === PIVOT ? 1 : (this.perEuro.get(`${currency}|${date}`) ?? null);
  }
}

const books = new WeakMap<readonly FxRate[], RateBook>();

function bookOf(rates: readonly FxRate[] | RateBook): RateBook {
  if (rates instanceof RateBook) return rates;
  let book = books.get(rates);
  if (!book) books.set(rates, (book = new RateBook(rates)));
  return book;
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** Rounds half away from zero, after trimming binary-float noise (1.005 * 100 is 100.49999…). */
function roundCents(x: number): number {
  const trimmed = Number(x.toFixed(6));
  return Math.sign(trimmed) * Math.round(Math.abs(trimmed));
}

/**
 * Converts integer minor units of `from` into minor units of `to` at the rate of `date` (or the
 * latest earlier one within `FALLBACK_DAYS`). Both currencies are assumed to have two decimals.
 *
 * @example
 * const rates = [{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.1681 }];
 * convert(10_000, 'EUR', 'USD', '2025-10-19', rates); // { ok: true, cents: 11681, rateDate: '2025-10-17' }
 * convert(10_000, 'EUR', 'USD', '2025-10-25', rates); // { ok: false, reason: 'no_rate' }
 */
export function convert(
  amountCents: number,
  from: string,
  to: string,
  date: string,
  rates: readonly FxRate[] | RateBook,
): Conversion {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    return { ok: false, reason: 'no_rate' };
  if (from === to) return { ok: true, cents: amountCents, rateDate: date };
  const book = bookOf(rates);
  for (let back = 0; back <= FALLBACK_DAYS; back++) {
    const d = daysBefore(date, back);
    const fromPerEuro = book.unitsPerEuro(from, d);
    const toPerEuro = book.unitsPerEuro(to, d);
    if (fromPerEuro !== null && toPerEuro !== null) {
      return { ok: true, cents: roundCents((amountCents / fromPerEuro) * toPerEuro), rateDate: d };
    }
  }
  return { ok: false, reason: 'no_rate' };
}
