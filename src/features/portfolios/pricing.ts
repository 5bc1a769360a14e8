/**
 * Which stored price values a holding (docs/METHODS.md, "Valuing a holding"). Pure: the candidate
 * prices of one printing come in, one choice (or none) comes out.
 *
 * 1. The portfolio's preferred market and price field, in the holding's condition.
 * 2. The preferred market's near-mint price when it has none for that condition: flagged
 *    `condition_fallback`.
 * 3. Another market (same condition, then near mint) when the preferred one has no price: flagged
 *    `market_fallback`.
 * The `low` field falls back to the market price of the same series (flagged `field_fallback`).
 * Within a market the portfolio's base currency is preferred, then the first by code. No
 * candidate: unpriced (never a price of 0). Graded copies are not priced from raw-card prices.
 */
import type { PriceField } from '../../platform/db/schema.ts';

export interface PriceCandidate {
  market: string;
  condition: string;
  currency: string;
  /** Date of the observation. */
  date: string;
  market_minor: number | null;
  low_minor: number | null;
}

export interface PricingSettings {
  preferredMarket: string;
  priceField: PriceField;
  baseCurrency: string;
}

export type PriceFlag = 'condition_fallback' | 'market_fallback' | 'field_fallback';

export type PriceChoice =
  | {
      ok: true;
      /** Per unit, minor units of `currency`. */
      unit_minor: number;
      currency: string;
      date: string;
      market: string;
      condition: string;
      field: PriceField;
      flags: PriceFlag[];
    }
  | { ok: false; reason: 'no_price' | 'graded' };

export const NEAR_MINT = 'NM';

/** Markets in the order they are tried after the preferred one. */
export const MARKETS = ['tcgplayer', 'cardmarket'] as const;

function fieldValue(c: PriceCandidate, field: PriceField): { minor: number; field: PriceField } | null {
  if (field === 'low' && c.low_minor !== null) return { minor: c.low_minor, field: 'low' };
  if (c.market_minor !== null) return { minor: c.market_minor, field: 'market' };
  return null;
}

/**
 * @example
 * choosePrice(candidates, { preferredMarket: 'tcgplayer', priceField: 'market', baseCurrency: 'USD' }, 'LP', false);
 */
export function choosePrice(
  candidates: readonly PriceCandidate[],
  settings: PricingSettings,
  condition: string,
  graded: boolean,
): PriceChoice {
  if (graded) return { ok: false, reason: 'graded' };
  const markets = [settings.preferredMarket, ...MARKETS.filter((m) => m !== settings.preferredMarket)];
  const conditions = condition === NEAR_MINT ? [NEAR_MINT] : [condition, NEAR_MINT];
  for (const market of markets) {
    for (const cond of conditions) {
      const series = candidates
        .filter((c) => c.market === market && c.condition === cond && fieldValue(c, settings.priceField) !== null)
        .sort(
          (a, b) =>
            Number(a.currency !== settings.baseCurrency) - Number(b.currency !== settings.baseCurrency) ||
            a.currency.localeCompare(b.currency),
        );
      const best = series[0];
      if (!best) continue;
      const value = fieldValue(best, settings.priceField)!;
      const flags: PriceFlag[] = [];
      if (cond !== condition) flags.push('condition_fallback');
      if (market !== settings.preferredMarket) flags.push('market_fallback');
      if (value.field !== settings.priceField) flags.push('field_fallback');
      return {
        ok: true,
        unit_minor: value.minor,
        currency: best.currency,
        date: best.date,
        market,
        condition: cond,
        field: value.field,
        flags,
      };
    }
  }
  return { ok: false, reason: 'no_price' };
}
