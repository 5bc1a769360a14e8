import { describe, expect, it } from 'vitest';
import type { LatestPricesTable } from '../../platform/db/schema.ts';
import { cardSummaryRows, scoreChanges, type CardSummaryInputs } from './card-summary.ts';

// The card summary as a calculation: plain rows in, rows out, no database.

const set = {
  id: 'base1',
  game: 'pokemon',
  name: 'Base',
  era: 'Base',
  printed_total: 102,
  total: 102,
  ptcgo_code: 'BS',
  release_date: '1999-01-09',
  language: 'en',
  images: null,
  tcgplayer_group_id: 604,
  tcgdex_set_id: 'base1',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const card = (id: string, name: string, number: string, rarity: string) => ({
  id,
  kind: 'card' as const,
  set_id: 'base1',
  number,
  name,
  rarity,
  supertype: 'Pokémon',
  types: '["Fire"]',
  images: null,
  printed_total: 102,
  release_date: '1999-01-09',
});

function headline(cardId: string, printingKey: number, lastCents: number, change7d: number | null): LatestPricesTable {
  const windows = Object.fromEntries(
    ['1d', '7d', '30d', '90d'].flatMap((w) => [
      [`from_date_${w}`, null],
      [`from_cents_${w}`, null],
      [`change_pct_${w}`, null],
      [`obs_${w}`, null],
      [`jump_${w}`, null],
      [`robust_z_${w}`, null],
    ]),
  );
  return {
    ...windows,
    printing_key: printingKey,
    market: 'tcgplayer',
    condition: 'NM',
    currency: 'USD',
    card_id: cardId,
    set_id: 'base1',
    as_of: '2026-03-02',
    last_date: '2026-03-02',
    last_cents: lastCents,
    stale: 0,
    kind: 'card',
    from_date_7d: change7d === null ? null : '2026-02-23',
    from_cents_7d: change7d === null ? null : 40_000,
    change_pct_7d: change7d,
    vol_daily: null,
    vol_obs: null,
    headline: 1,
    ref: null,
    rarity_key: null,
  } as LatestPricesTable;
}

function inputs(): CardSummaryInputs {
  return {
    sets: [set],
    cards: [card('base1-4', 'Charizard', '4', 'Rare Holo'), card('base1-46', 'Charmander', '46', 'Common')],
    counts: [
      { card_id: 'base1-4', n: 2 },
      { card_id: 'base1-46', n: 1 },
    ],
    headlines: [headline('base1-4', 7, 45_000, 12.5)],
    printings: [{ key: 7, id: 'base1-4.holofoil', finish: 'holofoil', product_line: null }],
    scores: new Map([[7, 1.25]]),
  };
}

describe('cardSummaryRows', () => {
  it('a priced Charizard and an unpriced Charmander: prices, headlines, scores and sort keys', () => {
    const { rows } = cardSummaryRows(inputs());
    const charizard = rows.find((r) => r.card_id === 'base1-4')!;
    expect(charizard).toMatchObject({
      price_cents: 45_000,
      printing_id: 'base1-4.holofoil',
      finish: 'holofoil',
      printings: 2,
      change_pct_7d: 12.5,
      score: 1.25,
      k_price_asc: 45_000,
      k_price_desc: 45_000,
      rarity_key: 'rare-holo',
    });
    expect(JSON.parse(charizard.item!)).toMatchObject({ id: 'base1-4', price: 450, score: 1.25 });
    const charmander = rows.find((r) => r.card_id === 'base1-46')!;
    expect(charmander).toMatchObject({ price_cents: null, printing_id: null, score: null, k_price_asc: 1e18 });
  });

  it('the set summary counts cards, priced cards, printings and value', () => {
    const { setRows } = cardSummaryRows(inputs());
    expect(setRows).toEqual([
      expect.objectContaining({ set_id: 'base1', cards: 2, priced_cards: 1, printings: 3, value_cents: 45_000 }),
    ]);
  });

  it('facets count each rarity and type once per card, priced or not', () => {
    const { facetRows } = cardSummaryRows(inputs());
    expect(facetRows.find((f) => f.facet === 'type' && f.id === 'fire')).toMatchObject({ cards: 2, priced_cards: 1 });
    expect(facetRows.find((f) => f.facet === 'rarity' && f.id === 'common')).toMatchObject({
      cards: 1,
      priced_cards: 0,
    });
  });

  it('search terms name each card', () => {
    const { terms } = cardSummaryRows(inputs());
    expect(terms.filter((t) => t.card_id === 'base1-4').map((t) => t.term)).toContain('charizard');
  });
});

describe('scoreChanges', () => {
  it('only cards whose headline score moved are rewritten, with the score in their item', () => {
    const rows = [
      { card_id: 'a', printing_key: 1, score: 0.5, item: '{"id":"a","score":0.5}' },
      { card_id: 'b', printing_key: 2, score: 0.5, item: '{"id":"b","score":0.5}' },
      { card_id: 'c', printing_key: null, score: null, item: null },
    ];
    expect(
      scoreChanges(
        rows,
        new Map([
          [1, 0.5],
          [2, -1],
        ]),
      ),
    ).toEqual([[-1, -1, -1, '{"id":"b","score":-1}', 'b']]);
  });

  it('a score that disappears sorts last both ways', () => {
    const rows = [{ card_id: 'a', printing_key: 1, score: 0.5, item: null }];
    expect(scoreChanges(rows, new Map())).toEqual([[null, 1e18, -1e18, null, 'a']]);
  });
});
