/**
 * Small hand-written TCGdex v2 fixtures: shapes follow @tcgdex/sdk's published types (they are typed
 * with them); no recorded TCGdex responses are shared. The SDK's types have no `pricing`
 * block, so `Pricing` here follows TCGdex's documented field names (`avg`, `trend-holo`,
 * `marketPrice` …). Ids follow TCGdex's spelling (`sv03.5-053`); names, numbers and prices are
 * made up for the tests.
 */
import type { Card, CardResume, Set as TcgdexSet, SetResume } from '@tcgdex/sdk';

type Variant = {
  lowPrice?: number | null;
  midPrice?: number | null;
  highPrice?: number | null;
  marketPrice?: number | null;
  directLowPrice?: number | null;
};
export interface Pricing {
  tcgplayer?: { updated: string; unit: string } & Record<string, Variant | string>;
  cardmarket?: { updated: string; unit: string } & Record<string, number | string | null>;
}
type PricedCard = Card & { pricing?: Pricing };

const brief = (id: string, name: string, official: number): SetResume => ({
  id,
  name,
  logo: `https://assets.tcgdex.net/en/test/${id}/logo`,
  symbol: `https://assets.tcgdex.net/univ/test/${id}/symbol`,
  cardCount: { total: official, official },
});

/** `GET /v2/en/sets`. */
export const SET_LIST: SetResume[] = [
  brief('sv03.5', '151', 165),
  brief('base1', 'Base Set', 102),
  brief('sv01', 'Scarlet & Violet', 198),
  brief('tst9', 'Unmapped Promos', 2),
  brief('emp01', 'Empty Expansion', 0),
];
/** Sets whose detail is served broken (truncated, cut off, malformed). */
export const BROKEN_SETS: SetResume[] = [
  brief('trunc', 'Truncated', 1),
  brief('cut', 'Cut Off', 1),
  brief('bad', 'Malformed', 1),
];

const cardBrief = (setId: string, localId: string, name: string): CardResume => ({
  id: `${setId}-${localId}`,
  localId,
  name,
  image: `https://assets.tcgdex.net/en/test/${setId}/${localId}`,
});

const setDetail = (s: SetResume, cards: CardResume[], serie = 'Test Series'): TcgdexSet => ({
  ...s,
  serie: { id: 'test', name: serie },
  releaseDate: '2023-09-22',
  legal: { standard: false, expanded: true },
  cardCount: { ...s.cardCount, normal: cards.length, reverse: 0, holo: 0 },
  cards,
});

const find = (id: string) => [...SET_LIST, ...BROKEN_SETS].find((s) => s.id === id)!;

/** `GET /v2/en/sets/{id}`. */
export const SET_DETAILS: Record<string, TcgdexSet> = {
  'sv03.5': setDetail(
    find('sv03.5'),
    [cardBrief('sv03.5', '001', 'Bulbasaur'), cardBrief('sv03.5', '053', 'Dugtrio')],
    'Scarlet & Violet',
  ),
  base1: setDetail(find('base1'), [
    cardBrief('base1', '4', 'Charizard'),
    cardBrief('base1', '58', 'Pikachu'),
    // A list entry without an id: malformed on purpose.
    { localId: '99', name: 'Nobody' } as CardResume,
  ]),
  sv01: setDetail(find('sv01'), [cardBrief('sv01', '001', 'Sprigatito')]),
  tst9: setDetail(find('tst9'), [cardBrief('tst9', '001', 'Promo One'), cardBrief('tst9', '002', 'Promo Two')]),
  emp01: setDetail(find('emp01'), []),
  trunc: setDetail(find('trunc'), [cardBrief('trunc', '1', 'Lost')]),
  cut: setDetail(find('cut'), [cardBrief('cut', '1', 'Lost')]),
  bad: setDetail(find('bad'), [cardBrief('bad', '1', 'Lost')]),
};

const card = (setId: string, localId: string, name: string, extra: Partial<PricedCard>): PricedCard => ({
  ...cardBrief(setId, localId, name),
  category: 'Pokemon',
  rarity: 'Common',
  illustrator: 'Test Artist',
  hp: 60,
  types: ['Colorless'],
  set: find(setId),
  legal: { standard: false, expanded: true },
  ...extra,
});

const TCG_STAMP = '2025-10-20T05:12:44.000Z';
const CM_STAMP = '2025-10-19T23:00:00.000Z';

/** `GET /v2/en/cards/{id}`. */
export const CARDS: Record<string, PricedCard> = {
  'sv03.5-001': card('sv03.5', '001', 'Bulbasaur', {
    hp: 70,
    types: ['Grass'],
    variants: { normal: true, reverse: true, holo: false, firstEdition: false },
    pricing: {
      tcgplayer: {
        updated: TCG_STAMP,
        unit: 'USD',
        normal: { lowPrice: 0.05, midPrice: 0.25, highPrice: 9999, marketPrice: 0.29, directLowPrice: null },
        'reverse-holofoil': { lowPrice: 0.5, midPrice: 1.1, highPrice: 5, marketPrice: 0.87, directLowPrice: 0.6 },
      },
      cardmarket: {
        updated: CM_STAMP,
        unit: 'EUR',
        avg: 0.21,
        low: 0.02,
        trend: 0.19,
        avg1: 0.3,
        avg7: 0.22,
        avg30: 0.2,
        'avg-holo': 0.55,
        'low-holo': 0.1,
        'trend-holo': 0.61,
        'avg1-holo': 0,
        'avg7-holo': 0.58,
        'avg30-holo': 0.57,
      },
    },
  }),
  // The other documented spelling of the reverse-holo key.
  'sv03.5-053': card('sv03.5', '053', 'Dugtrio', {
    rarity: 'Uncommon',
    variants: { normal: true, reverse: true },
    pricing: {
      tcgplayer: {
        updated: TCG_STAMP,
        unit: 'USD',
        normal: { lowPrice: 0.03, midPrice: 0.2, highPrice: 2, marketPrice: 0.16, directLowPrice: null },
        reverse: { lowPrice: 0.2, midPrice: 0.5, highPrice: 3, marketPrice: 0.42, directLowPrice: 0.25 },
      },
    },
  }),
  'base1-4': card('base1', '4', 'Charizard', {
    rarity: 'Rare',
    hp: 120,
    types: ['Fire'],
    illustrator: 'Mitsuhiro Arita',
    variants: { normal: false, reverse: false, holo: true, firstEdition: false },
    pricing: {
      tcgplayer: {
        updated: TCG_STAMP,
        unit: 'USD',
        holofoil: { lowPrice: 310, midPrice: 399.99, highPrice: 1200, marketPrice: 375.5, directLowPrice: null },
      },
      // `-holo` fields on a card without a reverse holo are noise and make no row.
      cardmarket: {
        updated: CM_STAMP,
        unit: 'EUR',
        avg: 289.9,
        low: 150,
        trend: 301.25,
        avg1: 0,
        avg7: 295,
        avg30: 290.1,
        'avg-holo': 12,
        'trend-holo': 11,
      },
    },
  }),
  'base1-58': card('base1', '58', 'Pikachu', { category: 'Pokemon', variants: { normal: true } }),
  'sv01-001': card('sv01', '001', 'Sprigatito', {
    rarity: 'Common',
    illustrator: 'Sprig Painter',
    variants: { normal: true },
    pricing: {
      tcgplayer: {
        updated: TCG_STAMP,
        unit: 'USD',
        normal: { lowPrice: null, midPrice: null, highPrice: null, marketPrice: null, directLowPrice: null },
        'staff-stamp': { marketPrice: 4 },
      },
    },
  }),
};

/** The alias file the tests pass (`set_aliases.csv` format). */
export const ALIASES_CSV =
  'tcgdex_set_id,pokemontcg_set_id,cards_matched,tcgdex_cards\nsv03.5,sv3pt5,2,2\nemp01,emp1,0,0\n';
