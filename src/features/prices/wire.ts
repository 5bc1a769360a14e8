/**
 * Money, percent changes and card images as the API sends them (DESIGN §10): money in major
 * units rounded to the currency's minor unit, always with its currency; percent changes with
 * the compared dates and prices beside them.
 */
import { z } from '@hono/zod-openapi';
import { printingLabel, productLineLabel } from '../catalog/product-lines.ts';

const minorDigits = new Map<string, number>();

/** Decimal places of a currency's minor unit (USD 2, JPY 0), from the ISO 4217 data in Intl. */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorDigits.set(currency, digits);
  }
  return digits;
}

const MAX_EXACT_MINOR = 2 ** 43;

/**
 * Minor units → major units.
 *
 * @example
 * toMajor(1999, 'USD'); // 19.99
 * toMajor(1999, 'JPY'); // 1999
 */
export function toMajor(minor: number, currency: string): number;
export function toMajor(minor: number | null, currency: string): number | null;
export function toMajor(minor: number | null, currency: string): number | null {
  if (minor === null) return null;
  const digits = minorUnitDigits(currency);
  if (digits === 0) return minor;
  // An integer count of minor units divided by 10^digits is already the double nearest to the
  // decimal major amount, which is what formatting it to `digits` places and parsing it back
  // gives: the same number without a string per price. Below 2^43 a double's spacing is far
  // finer than the minor unit, so the two agree; anything else keeps the rounding.
  if (Number.isInteger(minor) && Math.abs(minor) < MAX_EXACT_MINOR) return minor / 10 ** digits;
  return Number((minor / 10 ** digits).toFixed(digits));
}

/**
 * Major units (a price filter) → minor units, rounded to the nearest minor unit.
 *
 * @example
 * toMinor(19.99, 'USD'); // 1999
 */
export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorUnitDigits(currency));
}

export const WINDOWS = ['1d', '7d', '30d', '90d'] as const;
export type Window = (typeof WINDOWS)[number];

export const ChangeSchema = z
  .object({
    change_pct: z.number().openapi({ description: 'Percent, rounded to 4 decimals.', example: 12.5 }),
    from_date: z.string().openapi({ example: '2025-10-13' }),
    to_date: z.string().openapi({ example: '2025-10-20' }),
    from_price: z.number().openapi({ example: 40 }),
    to_price: z.number().openapi({ example: 45 }),
    currency: z.string().openapi({ example: 'USD' }),
  })
  .openapi('Change', { description: 'A market-price change over a window (docs/METHODS.md, "Changes").' });
export type Change = z.infer<typeof ChangeSchema>;

/** A change, or null when the window has no base observation. */
export function change(
  changePct: number | null,
  fromDate: string | null,
  fromCents: number | null,
  toDate: string | null,
  toCents: number | null,
  currency: string | null,
): Change | null {
  if (
    changePct === null ||
    fromDate === null ||
    fromCents === null ||
    toDate === null ||
    toCents === null ||
    currency === null
  )
    return null;
  return {
    change_pct: changePct,
    from_date: fromDate,
    to_date: toDate,
    from_price: toMajor(fromCents, currency),
    to_price: toMajor(toCents, currency),
    currency,
  };
}

const IMAGE_SOURCES = ['pokemontcg', 'tcgdex'];

/**
 * A card's thumbnail from its images column (`{ source: { small, large } }`), preferring
 * pokemontcg.io, then TCGdex, then any other source; null when no source gave one.
 */
export function thumbnailOf(images: string | null): string | null {
  if (!images) return null;
  let parsed: Record<string, { small?: unknown; large?: unknown } | undefined>;
  try {
    parsed = JSON.parse(images) as typeof parsed;
  } catch {
    return null;
  }
  const sources = [...IMAGE_SOURCES, ...Object.keys(parsed).filter((k) => !IMAGE_SOURCES.includes(k))];
  for (const source of sources) {
    const entry = parsed[source];
    if (entry && typeof entry === 'object') {
      if (typeof entry.small === 'string') return entry.small;
      if (typeof entry.large === 'string') return entry.large;
    }
  }
  return null;
}

/** A JSON array column (types, subtypes) as strings; empty when absent or not an array. */
export function jsonList(text: string | null): string[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}

const DAY_MS = 86_400_000;

/** Whole days from one `YYYY-MM-DD` date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** What every printing on the wire says about the product behind it (docs/METHODS.md, "Headline printing"). */
export const PrintingProductFields = {
  tcgplayer_group_id: z
    .number()
    .int()
    .nullable()
    .openapi({ description: 'The TCGplayer group the product was sold under; null until known.', example: 604 }),
  product_line: z.string().nullable().openapi({
    description:
      "Product line when not the set's own product (`world-championship-deck`, `jumbo`, `deck-exclusive`, `prize-pack`, `blister`, `shadowless`, `1st-edition`, `promo`, `other`); null = the set's own product.",
    example: null,
  }),
  product_line_label: z
    .string()
    .nullable()
    .openapi({ description: 'The product line in words.', example: 'World Championship Deck' }),
  label: z.string().openapi({
    description: 'The printing in words: finish, with its product line when it has one.',
    example: 'Holofoil',
  }),
};

/** The product fields of a printing row. */
export function printingProduct(p: { finish: string; tcgplayer_group_id: number | null; product_line: string | null }) {
  return {
    tcgplayer_group_id: p.tcgplayer_group_id === null ? null : Number(p.tcgplayer_group_id),
    product_line: p.product_line,
    product_line_label: productLineLabel(p.product_line),
    label: printingLabel(p.finish, p.product_line),
  };
}
