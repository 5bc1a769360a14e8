import { describe, expect, it } from 'vitest';
import { checkPrices } from '../../prices/price-rules.ts';
import { cardmarketMainFinish, mapCard, mapPrices, mapSet, ptcgDate, type PtcgCard } from './pokemontcg-map.ts';

const set = {
  id: 'sv9',
  name: 'Journey Together',
  series: 'Scarlet & Violet',
  printedTotal: 159,
  total: 190,
  legalities: { unlimited: 'Legal', standard: 'Legal', expanded: 'Legal' },
  ptcgoCode: 'JTG',
  releaseDate: '2025/03/28',
  updatedAt: '2025/03/28 15:00:00',
  images: { symbol: 'https://images.pokemontcg.io/sv9/symbol.png', logo: 'https://images.pokemontcg.io/sv9/logo.png' },
};

// A card as /v2/cards returns it, with both price blocks (values invented for the test).
const card: PtcgCard & Record<string, unknown> = {
  id: 'sv9-12',
  name: 'Test Volcarona',
  supertype: 'Pokémon',
  subtypes: ['Stage 1'],
  hp: 130,
  types: ['Fire'],
  set,
  number: '12',
  artist: 'Test Artist',
  rarity: 'Rare',
  images: { small: 'https://images.pokemontcg.io/sv9/12.png', large: 'https://images.pokemontcg.io/sv9/12_hires.png' },
  tcgplayer: {
    url: 'https://prices.pokemontcg.io/tcgplayer/sv9-12',
    updatedAt: '2025/04/02',
    prices: {
      normal: { low: 0.05, mid: 0.25, high: 4.99, market: 0.29, directLow: null },
      reverseHolofoil: { low: 0.1, mid: 0.57, high: 9999, market: 0.58, directLow: 0.49 },
    },
  },
  cardmarket: {
    url: 'https://prices.pokemontcg.io/cardmarket/sv9-12',
    updatedAt: '2025/04/03',
    prices: {
      averageSellPrice: 0.17,
      lowPrice: 0.02,
      trendPrice: 0.14,
      germanProLow: 0,
      suggestedPrice: 0,
      reverseHoloSell: 0,
      reverseHoloLow: 0.05,
      reverseHoloTrend: 0.35,
      lowPriceExPlus: 0.02,
      avg1: 0,
      avg7: 0.15,
      avg30: 0.16,
      reverseHoloAvg1: 0.3,
      reverseHoloAvg7: 0.33,
      reverseHoloAvg30: 0.36,
    },
  },
};

describe('pokemontcg.io mapping', () => {
  it('reads pokemontcg.io dates and refuses non-dates', () => {
    expect(ptcgDate('1999/01/09')).toBe('1999-01-09');
    expect(ptcgDate('2021/09/01 05:37:00')).toBe('2021-09-01');
    expect(ptcgDate('---')).toBeNull();
    expect(ptcgDate('2023/02/30')).toBeNull();
    expect(ptcgDate(20230101)).toBeNull();
  });

  it('maps a set with its release date and images', () => {
    expect(mapSet(set)).toEqual({
      id: 'sv9',
      name: 'Journey Together',
      era: 'Scarlet & Violet',
      printedTotal: 159,
      total: 190,
      ptcgoCode: 'JTG',
      releaseDate: '2025-03-28',
      images: {
        symbol: 'https://images.pokemontcg.io/sv9/symbol.png',
        logo: 'https://images.pokemontcg.io/sv9/logo.png',
      },
    });
    expect(mapSet({ ...set, ptcgoCode: undefined, releaseDate: '---', images: {} })).toMatchObject({
      ptcgoCode: null,
      releaseDate: null,
      images: null,
    });
    expect(mapSet({ name: 'no id' })).toBeNull();
  });

  it('maps a card; a numeric hp becomes a string and the set comes from card.set', () => {
    expect(mapCard(card)).toEqual({
      id: 'sv9-12',
      setId: 'sv9',
      number: '12',
      name: 'Test Volcarona',
      supertype: 'Pokémon',
      subtypes: ['Stage 1'],
      types: ['Fire'],
      rarity: 'Rare',
      hp: '130',
      artist: 'Test Artist',
      images: {
        small: 'https://images.pokemontcg.io/sv9/12.png',
        large: 'https://images.pokemontcg.io/sv9/12_hires.png',
      },
      imageSource: 'pokemontcg',
      pokemontcgId: 'sv9-12',
    });
  });

  it('takes the set from the file name when the card has no set object, and refuses incomplete cards', () => {
    const { set: _set, ...fileCard } = card;
    expect(mapCard({ ...fileCard, hp: '60' }, 'base1')).toMatchObject({ setId: 'base1', hp: '60' });
    expect(mapCard(fileCard)).toBeNull();
    expect(mapCard({ ...card, number: undefined })).toBeNull();
    expect(mapCard({ id: 'x-1', name: 'Trainer', number: '1', supertype: 'Trainer' }, 'x')).toMatchObject({
      hp: null,
      types: null,
      images: null,
    });
  });

  it('maps tcgplayer variants (USD) and cardmarket main + reverse (EUR), zeros as no data', () => {
    const obs = mapPrices(card);
    expect(obs).toEqual([
      {
        ref: { kind: 'card', cardId: 'sv9-12', finishLabel: 'normal' },
        market: 'tcgplayer',
        currency: 'USD',
        date: '2025-04-02',
        sourceAsOf: '2025-04-02',
        prices: { low: 0.05, mid: 0.25, high: 4.99, market: 0.29, directLow: null },
      },
      {
        ref: { kind: 'card', cardId: 'sv9-12', finishLabel: 'reverseHolofoil' },
        market: 'tcgplayer',
        currency: 'USD',
        date: '2025-04-02',
        sourceAsOf: '2025-04-02',
        prices: { low: 0.1, mid: 0.57, high: 9999, market: 0.58, directLow: 0.49 },
      },
      {
        ref: { kind: 'card', cardId: 'sv9-12', finishLabel: 'normal' },
        market: 'cardmarket',
        currency: 'EUR',
        date: '2025-04-03',
        sourceAsOf: '2025-04-03',
        prices: { market: 0.17, low: 0.02, trend: 0.14, avg1: null, avg7: 0.15, avg30: 0.16 },
      },
      {
        ref: { kind: 'card', cardId: 'sv9-12', finishLabel: 'reverse' },
        market: 'cardmarket',
        currency: 'EUR',
        date: '2025-04-03',
        sourceAsOf: '2025-04-03',
        prices: { market: null, low: 0.05, trend: 0.35, avg1: 0.3, avg7: 0.33, avg30: 0.36 },
      },
    ]);
  });

  it('stores exact cents: 0.29 USD is 29 cents and a 9999 placeholder high is dropped', () => {
    const [normal, reverse, cmMain, cmReverse] = mapPrices(card);
    expect(checkPrices(normal!.prices)).toMatchObject({
      ok: true,
      cents: { market: 29, low: 5, mid: 25, high: 499, directLow: null },
    });
    expect(checkPrices(reverse!.prices)).toMatchObject({
      ok: true,
      cents: { market: 58, low: 10, mid: 57, high: null, directLow: 49 },
    });
    expect(checkPrices(cmMain!.prices)).toMatchObject({
      ok: true,
      cents: { market: 17, low: 2, trend: 14, avg1: null, avg7: 15, avg30: 16 },
    });
    expect(checkPrices(cmReverse!.prices)).toMatchObject({
      ok: true,
      cents: { market: null, low: 5, trend: 35, avg30: 36 },
    });
  });

  it('chooses the cardmarket main finish from a tcgplayer holofoil variant or a Holo rarity', () => {
    expect(cardmarketMainFinish(card)).toBe('normal');
    expect(cardmarketMainFinish({ ...card, rarity: 'Rare Holo V' })).toBe('holofoil');
    expect(cardmarketMainFinish({ ...card, rarity: 'RareHolo' })).toBe('holofoil');
    expect(cardmarketMainFinish({ ...card, tcgplayer: { prices: { holofoil: { market: 1 } } } })).toBe('holofoil');
    expect(cardmarketMainFinish({ id: 'x', rarity: 'Common' })).toBe('normal');
  });

  it('emits no reverse observation when every reverseHolo field is zero or absent, and none without price blocks', () => {
    const prices = { averageSellPrice: 1.5, lowPrice: 0, trendPrice: 1.2, reverseHoloSell: 0, reverseHoloTrend: 0 };
    const obs = mapPrices({ id: 'base1-4', rarity: 'Rare Holo', cardmarket: { updatedAt: '2023/08/22', prices } });
    expect(obs).toHaveLength(1);
    expect(obs[0]).toMatchObject({ ref: { finishLabel: 'holofoil' }, prices: { market: 1.5, low: null, trend: 1.2 } });
    expect(mapPrices({ id: 'base1-4', name: 'Charizard' })).toEqual([]);
    expect(mapPrices({ name: 'no id', tcgplayer: { prices: { normal: { market: 1 } } } })).toEqual([]);
  });

  it('passes an unreadable updatedAt through so the importer rejects it as an impossible date', () => {
    const obs = mapPrices({ id: 'x-1', tcgplayer: { updatedAt: 'soon', prices: { normal: { market: 1 } } } });
    expect(obs[0]!.date).toBe('soon');
  });
});
