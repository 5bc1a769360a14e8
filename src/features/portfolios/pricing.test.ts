import { describe, expect, it } from 'vitest';
import { choosePrice, type PriceCandidate, type PricingSettings } from './pricing.ts';

const c = (
  market: string,
  condition: string,
  currency: string,
  market_minor: number | null,
  low_minor: number | null = null,
): PriceCandidate => ({
  market,
  condition,
  currency,
  date: '2026-11-24',
  market_minor,
  low_minor,
});
const usd: PricingSettings = { preferredMarket: 'tcgplayer', priceField: 'market', baseCurrency: 'USD' };

describe('choosePrice', () => {
  const all = [
    c('tcgplayer', 'NM', 'USD', 42000, 39000),
    c('tcgplayer', 'LP', 'USD', 35000),
    c('cardmarket', 'NM', 'EUR', 38000, 30000),
  ];

  it('takes the preferred market in the holding condition', () => {
    expect(choosePrice(all, usd, 'LP', false)).toMatchObject({
      ok: true,
      unit_minor: 35000,
      condition: 'LP',
      flags: [],
    });
  });
  it('falls back to near mint, flagged', () => {
    expect(choosePrice(all, usd, 'HP', false)).toMatchObject({
      unit_minor: 42000,
      condition: 'NM',
      flags: ['condition_fallback'],
    });
  });
  it('uses the low field when asked, and the market price of the series when low is missing (flagged)', () => {
    const low = { ...usd, priceField: 'low' as const };
    expect(choosePrice(all, low, 'NM', false)).toMatchObject({ unit_minor: 39000, field: 'low', flags: [] });
    expect(choosePrice(all, low, 'LP', false)).toMatchObject({
      unit_minor: 35000,
      field: 'market',
      flags: ['field_fallback'],
    });
  });
  it('goes to another market where the preferred one has no price, flagged', () => {
    const cm = { ...usd, preferredMarket: 'cardmarket' };
    expect(choosePrice(all, cm, 'NM', false)).toMatchObject({
      market: 'cardmarket',
      currency: 'EUR',
      unit_minor: 38000,
      flags: [],
    });
    expect(choosePrice([all[0]!], cm, 'NM', false)).toMatchObject({ market: 'tcgplayer', flags: ['market_fallback'] });
  });
  it('prefers the base currency within a market', () => {
    const two = [c('cardmarket', 'NM', 'EUR', 100), c('cardmarket', 'NM', 'USD', 120)];
    expect(choosePrice(two, { ...usd, preferredMarket: 'cardmarket' }, 'NM', false)).toMatchObject({ currency: 'USD' });
    expect(choosePrice(two, { ...usd, preferredMarket: 'cardmarket', baseCurrency: 'GBP' }, 'NM', false)).toMatchObject(
      { currency: 'EUR' },
    );
  });
  it('no price, or a graded copy, is unpriced, never 0', () => {
    expect(choosePrice([c('tcgplayer', 'NM', 'USD', null)], usd, 'NM', false)).toEqual({
      ok: false,
      reason: 'no_price',
    });
    expect(choosePrice(all, usd, 'NM', true)).toEqual({ ok: false, reason: 'graded' });
  });
});
