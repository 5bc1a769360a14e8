// Fixtures: shapes follow @tcgdex/sdk's published types; no recorded TCGdex responses are shared (see test/tcgdex-fixtures.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CARDS, SET_DETAILS } from '#test/tcgdex-fixtures.ts';
import { finishOf } from '../../catalog/finishes.ts';
import {
  SetMapper,
  cardNumber,
  deferToStored,
  mainFinish,
  mapCard,
  mapPrices,
  mapSet,
  parseSetAliases,
  stampDate,
} from './tcgdex-map.ts';

const SHARED_ALIASES = fileURLToPath(new URL('../../../../../shared/data/tcgdex/set_aliases.csv', import.meta.url));
const sharedMissing = existsSync(SHARED_ALIASES) ? null : 'skipped: ../shared/data/tcgdex/set_aliases.csv is absent';

describe('TCGdex ids to ours', () => {
  it('drops leading zeros of numeric local ids only', () => {
    expect(['053', '001', '4', '0', 'TG01', 'SV001', '00a'].map(cardNumber)).toEqual([
      '53',
      '1',
      '4',
      '0',
      'TG01',
      'SV001',
      '0a',
    ]);
  });

  it('maps a set by alias first, then a stored tcgdex_set_id, then an equal stored id; else not at all', () => {
    const mapper = new SetMapper(new Map([['sv03.5', 'sv3pt5']]), [
      { id: 'sv1', tcgdex_set_id: 'sv01' },
      { id: 'base1', tcgdex_set_id: null },
      { id: 'sv3pt5', tcgdex_set_id: 'other' },
    ]);
    expect(['sv03.5', 'sv01', 'base1', 'sv1', 'sv02', 'other'].map((id) => mapper.resolve(id))).toEqual([
      'sv3pt5',
      'sv1',
      'base1',
      'sv1',
      null,
      'sv3pt5',
    ]);
  });

  it('reads an alias file and refuses one without the columns or with two targets for one id', () => {
    expect([
      ...parseSetAliases('tcgdex_set_id,pokemontcg_set_id,cards_matched\nsv03.5,sv3pt5,205\n\nme01, me1 ,188\n,x,0\n'),
    ]).toEqual([
      ['sv03.5', 'sv3pt5'],
      ['me01', 'me1'],
    ]);
    expect(() => parseSetAliases('a,b\nsv03.5,sv3pt5\n')).toThrow(/needs the columns/);
    expect(() => parseSetAliases('tcgdex_set_id,pokemontcg_set_id\nx,a\nx,b\n')).toThrow(/maps x to both a and b/);
  });

  describe.skipIf(sharedMissing !== null)(sharedMissing ?? 'the shared set_aliases.csv', () => {
    it('maps sv03.5 ⇄ sv3pt5, sv10.5b ⇄ zsv10pt5 and me01 ⇄ me1 among 164 sets', () => {
      const aliases = parseSetAliases(readFileSync(SHARED_ALIASES, 'utf8'));
      expect(aliases.size).toBe(164);
      expect([aliases.get('sv03.5'), aliases.get('sv10.5b'), aliases.get('me01'), aliases.get('base1')]).toEqual([
        'sv3pt5',
        'zsv10pt5',
        'me1',
        'base1',
      ]);
    });
  });
});

describe('TCGdex objects to catalogue inputs', () => {
  it('maps a set under our id with its TCGdex id and TCGdex-keyed images', () => {
    expect(mapSet(SET_DETAILS['sv03.5'], 'sv3pt5')).toEqual({
      id: 'sv3pt5',
      name: '151',
      era: 'Scarlet & Violet',
      printedTotal: 165,
      total: 165,
      releaseDate: '2023-09-22',
      images: {
        tcgdexLogo: 'https://assets.tcgdex.net/en/test/sv03.5/logo.webp',
        tcgdexSymbol: 'https://assets.tcgdex.net/univ/test/sv03.5/symbol.webp',
      },
      tcgdexSetId: 'sv03.5',
    });
    expect(mapSet({ id: 'x' }, 'x')).toBeNull();
  });

  it('maps a card: id from our set and the number, category in pokemontcg.io spelling, tcgdex images', () => {
    expect(mapCard(CARDS['sv03.5-053'], 'sv3pt5')).toEqual({
      id: 'sv3pt5-53',
      setId: 'sv3pt5',
      number: '53',
      name: 'Dugtrio',
      supertype: 'Pokémon',
      types: ['Colorless'],
      rarity: 'Uncommon',
      hp: '60',
      artist: 'Test Artist',
      images: {
        small: 'https://assets.tcgdex.net/en/test/sv03.5/053/low.webp',
        large: 'https://assets.tcgdex.net/en/test/sv03.5/053/high.webp',
      },
      imageSource: 'tcgdex',
      tcgdexId: 'sv03.5-053',
    });
    expect(mapCard({ id: 'a-1', name: 'No local id' }, 'a')).toBeNull();
    expect(mapCard({ id: 'a-1', localId: '1', name: 'Trainer', category: 'Trainer' }, 'a')).toMatchObject({
      supertype: 'Trainer',
      hp: null,
      images: null,
    });
  });

  it('keeps pokemontcg.io descriptive fields of a card it catalogued and fills only the gaps', () => {
    const input = mapCard(CARDS['sv01-001'], 'sv1')!;
    const stored = {
      name: 'Sprigatito',
      number: '1',
      supertype: 'Pokémon',
      types: null,
      rarity: 'Common',
      hp: '70',
      artist: null,
      pokemontcg_id: 'sv1-1',
    };
    expect(deferToStored({ ...input, rarity: 'Rare' }, stored)).toMatchObject({
      name: 'Sprigatito',
      supertype: null,
      types: ['Colorless'],
      rarity: null,
      hp: null,
      artist: 'Sprig Painter',
      tcgdexId: 'sv01-001',
    });
    expect(deferToStored(input, { ...stored, pokemontcg_id: null })).toBe(input);
  });
});

describe('TCGdex pricing to observations', () => {
  const byKey = (tcgdexId: string, cardId: string) =>
    Object.fromEntries(
      mapPrices(CARDS[tcgdexId], cardId).map((o) => [
        `${o.market}:${o.ref.kind === 'card' ? o.ref.finishLabel : ''}`,
        o,
      ]),
    );

  it('reads tcgplayer variants in both reverse-holo spellings, dated by the updated stamp', () => {
    const a = byKey('sv03.5-001', 'sv3pt5-1');
    const b = byKey('sv03.5-053', 'sv3pt5-53');
    expect(Object.keys(a)).toEqual([
      'tcgplayer:normal',
      'tcgplayer:reverse-holofoil',
      'cardmarket:normal',
      'cardmarket:reverse',
    ]);
    expect(Object.keys(b)).toEqual(['tcgplayer:normal', 'tcgplayer:reverse']);
    expect(finishOf('reverse-holofoil')).toBe('reverse-holofoil');
    expect(finishOf('reverse')).toBe('reverse-holofoil');
    expect(b['tcgplayer:reverse']).toEqual({
      ref: { kind: 'card', cardId: 'sv3pt5-53', finishLabel: 'reverse' },
      market: 'tcgplayer',
      currency: 'USD',
      date: '2025-10-20',
      sourceAsOf: '2025-10-20',
      prices: { low: 0.2, mid: 0.5, high: 3, market: 0.42, directLow: 0.25 },
    });
  });

  it('reads cardmarket non-foil fields for the main printing and -holo fields for the reverse; 0 is no data', () => {
    const a = byKey('sv03.5-001', 'sv3pt5-1');
    expect(a['cardmarket:normal']).toMatchObject({
      currency: 'EUR',
      date: '2025-10-19',
      prices: { market: 0.21, low: 0.02, trend: 0.19, avg1: 0.3, avg7: 0.22, avg30: 0.2 },
    });
    expect(a['cardmarket:reverse']!.prices).toEqual({
      market: 0.55,
      low: 0.1,
      trend: 0.61,
      avg1: null,
      avg7: 0.58,
      avg30: 0.57,
    });
    const charizard = mapPrices(CARDS['base1-4'], 'base1-4');
    expect(charizard.map((o) => `${o.market}:${o.ref.kind === 'card' ? o.ref.finishLabel : ''}`)).toEqual([
      'tcgplayer:holofoil',
      'cardmarket:holofoil',
    ]);
    expect(charizard[1]!.prices).toMatchObject({ market: 289.9, avg1: null });
  });

  it('chooses the main finish from variants, else TCGplayer keys, else the rarity', () => {
    expect(mainFinish({ variants: { holo: true, normal: false } })).toBe('holofoil');
    expect(mainFinish({ variants: { holo: true, normal: true } })).toBe('normal');
    expect(mainFinish({ pricing: { tcgplayer: { updated: 'x', holofoil: {} } } })).toBe('holofoil');
    expect(mainFinish({ pricing: { tcgplayer: { holofoil: {}, normal: {} } }, rarity: 'Common' })).toBe('normal');
    expect(mainFinish({ rarity: 'Rare Holo' })).toBe('holofoil');
    expect(mainFinish({})).toBe('normal');
  });

  it('gives no observations without pricing and passes an unreadable stamp on for rejection', () => {
    expect(mapPrices(CARDS['base1-58'], 'base1-58')).toEqual([]);
    expect(mapPrices({ pricing: { tcgplayer: { updated: 'soon', normal: { marketPrice: 1 } } } }, 'x-1')[0]!.date).toBe(
      'soon',
    );
    expect([
      stampDate('2025-10-20T05:12:44.000Z'),
      stampDate('2025/10/20'),
      stampDate(1760918400),
      stampDate(1760918400000),
      stampDate('2025-02-30'),
      stampDate(null),
    ]).toEqual(['2025-10-20', '2025-10-20', '2025-10-20', '2025-10-20', null, null]);
  });
});
