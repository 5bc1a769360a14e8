import { describe, expect, it } from 'vitest';
import type { WatchlistRow } from './watchlist.repo.ts';
import { preferredSeries, toWatchlistItems } from './watchlist.wire.ts';

const base: WatchlistRow = {
  added_at: '2026-11-25T12:00:00.000Z',
  printing_key: 1,
  printing_id: 'base1-4.holofoil',
  card_id: 'base1-4',
  finish: 'holofoil',
  tcgplayer_product_id: null,
  tcgplayer_sub_type: null,
  tcgplayer_group_id: null,
  product_line: null,
  cardmarket_product_id: null,
  card_name: 'Charizard',
  set_id: 'base1',
  number: '4',
  market: null,
  condition: null,
  currency: null,
  last_date: null,
  last_cents: null,
  stale: null,
  from_date_1d: null,
  from_cents_1d: null,
  change_pct_1d: null,
  from_date_7d: null,
  from_cents_7d: null,
  change_pct_7d: null,
  from_date_30d: null,
  from_cents_30d: null,
  change_pct_30d: null,
  from_date_90d: null,
  from_cents_90d: null,
  change_pct_90d: null,
};
const series = (market: string, currency: string, condition: string, cents: number): WatchlistRow => ({
  ...base,
  market,
  currency,
  condition,
  last_date: '2026-11-24',
  last_cents: cents,
  stale: 0,
});

describe('preferredSeries', () => {
  it('takes TCGplayer USD near mint over every other series', () => {
    const primary = series('tcgplayer', 'USD', 'NM', 100);
    expect(preferredSeries([series('cardmarket', 'EUR', 'NM', 1), series('tcgplayer', 'USD', 'LP', 2), primary])).toBe(
      primary,
    );
  });

  it('otherwise takes the first by market, currency and condition', () => {
    const first = series('cardmarket', 'EUR', 'LP', 1);
    expect(preferredSeries([series('tcgplayer', 'USD', 'LP', 2), series('cardmarket', 'EUR', 'NM', 3), first])).toBe(
      first,
    );
  });

  it('is null for a printing without prices', () => {
    expect(preferredSeries([base])).toBeNull();
  });
});

describe('toWatchlistItems', () => {
  it('sends yen in whole units and a change only for windows with a base', () => {
    const yen = {
      ...series('tcgplayer', 'JPY', 'NM', 1500),
      from_date_7d: '2026-11-17',
      from_cents_7d: 1200,
      change_pct_7d: 25,
    };
    const [item] = toWatchlistItems([yen]);
    expect(item!.price).toEqual({
      price: 1500,
      currency: 'JPY',
      date: '2026-11-24',
      market: 'tcgplayer',
      condition: 'NM',
      stale: false,
    });
    expect(item!.changes).toEqual({
      '1d': null,
      '7d': {
        change_pct: 25,
        from_date: '2026-11-17',
        to_date: '2026-11-24',
        from_price: 1200,
        to_price: 1500,
        currency: 'JPY',
      },
      '30d': null,
      '90d': null,
    });
  });

  it('keeps the order of items and folds their series into one item each', () => {
    const a = { ...base, printing_key: 2, printing_id: 'a' };
    const b1 = { ...series('cardmarket', 'EUR', 'NM', 5), printing_key: 1, printing_id: 'b' };
    const b2 = { ...series('tcgplayer', 'USD', 'NM', 7), printing_key: 1, printing_id: 'b' };
    const items = toWatchlistItems([a, b1, b2]);
    expect(items.map((i) => [i.printing.id, i.price?.price ?? null])).toEqual([
      ['a', null],
      ['b', 0.07],
    ]);
  });
});
