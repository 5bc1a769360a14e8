import { describe, expect, it } from 'vitest';
import {
  cardNameOf,
  cardNumberOf,
  conditionOf,
  dateOf,
  finishOfLabel,
  longestWord,
  nameKey,
  numberKey,
  priceText,
  quantityOf,
} from './collection-fields.ts';

describe('finishOfLabel', () => {
  it("maps TCGplayer's printing names and common spellings to the catalogue's finishes", () => {
    expect(
      [
        'Normal',
        'Holofoil',
        'Reverse Holofoil',
        '1st Edition Holofoil',
        '1st Edition',
        'Unlimited Holofoil',
        'reverseHolofoil',
        'Reverse Holo',
        'Holo',
        'Non-Holo',
        'non holo',
        'First Edition Holofoil',
      ].map(finishOfLabel),
    ).toEqual([
      'normal',
      'holofoil',
      'reverse-holofoil',
      '1st-edition-holofoil',
      '1st-edition',
      'unlimited-holofoil',
      'reverse-holofoil',
      'reverse-holofoil',
      'holofoil',
      'normal',
      'normal',
      '1st-edition-holofoil',
    ]);
  });

  it('gives null for a label it does not know, never a guess', () => {
    expect(finishOfLabel('Cosmos Holo')).toBeNull();
    expect(finishOfLabel('')).toBeNull();
  });
});

describe('conditionOf', () => {
  it('maps names and abbreviations to NM/LP/MP/HP/DMG', () => {
    const cases: [string, string][] = [
      ['Near Mint', 'NM'],
      ['NM', 'NM'],
      ['nm', 'NM'],
      ['Mint', 'NM'],
      ['Lightly Played', 'LP'],
      ['LP', 'LP'],
      ['Excellent', 'LP'],
      ['Moderately Played', 'MP'],
      ['Good', 'MP'],
      ['Heavily Played', 'HP'],
      ['Played', 'HP'],
      ['Damaged', 'DMG'],
      ['DMG', 'DMG'],
      ['Poor', 'DMG'],
    ];
    for (const [cell, condition] of cases) expect(conditionOf(cell), cell).toEqual({ condition, finish: null });
  });

  it('reads the finish TCGplayer appends to a condition', () => {
    expect(conditionOf('Near Mint Holofoil')).toEqual({ condition: 'NM', finish: 'holofoil' });
    expect(conditionOf('Lightly Played Reverse Holofoil')).toEqual({ condition: 'LP', finish: 'reverse-holofoil' });
    expect(conditionOf('Near Mint 1st Edition Holofoil')).toEqual({ condition: 'NM', finish: '1st-edition-holofoil' });
  });

  it('gives null for an unknown condition or an unknown suffix', () => {
    expect(conditionOf('Slightly worn')).toBeNull();
    expect(conditionOf('Near Mint Sparkly')).toBeNull();
    expect(conditionOf('')).toBeNull();
  });
});

describe('card numbers', () => {
  it('drops leading zeros of the numeric prefix and reads a printed total', () => {
    expect(cardNumberOf('004/102')).toEqual({ key: '4', printedTotal: 102 });
    expect(cardNumberOf(' 4 ')).toEqual({ key: '4', printedTotal: null });
    expect(cardNumberOf('#58')).toEqual({ key: '58', printedTotal: null });
    expect(cardNumberOf('TG01/TG30')).toEqual({ key: 'tg01', printedTotal: null });
    expect(cardNumberOf('SWSH001')).toEqual({ key: 'swsh001', printedTotal: null });
    expect(cardNumberOf('0')).toEqual({ key: '0', printedTotal: null });
  });

  it('gives null for an empty cell or one with two slashes', () => {
    expect(cardNumberOf('')).toBeNull();
    expect(cardNumberOf('1/2/3')).toBeNull();
  });

  it('compares stored numbers the same way', () => {
    expect(numberKey('004')).toBe('4');
    expect(numberKey('TG01')).toBe('tg01');
  });
});

describe('card names', () => {
  it('folds names and reads a number written after them', () => {
    expect(cardNameOf('Charizard ex - 125/197')).toEqual({
      raw: 'Charizard ex',
      key: 'charizard ex',
      number: '125/197',
    });
    expect(cardNameOf('Pikachu (58/102)')).toEqual({ raw: 'Pikachu', key: 'pikachu', number: '58/102' });
    expect(cardNameOf('Flabébé')).toEqual({ raw: 'Flabébé', key: 'flabebe', number: null });
    expect(cardNameOf("Team Rocket's Moltres ex")).toMatchObject({ key: 'team rocket s moltres ex', number: null });
    expect(cardNameOf('Ho-Oh')).toMatchObject({ key: 'ho oh', number: null });
    expect(cardNameOf('Mewtwo - GX')).toMatchObject({ key: 'mewtwo gx', number: null });
    expect(cardNameOf('Pikachu - 058')).toMatchObject({ key: 'pikachu', number: '058' });
  });

  it('keeps a parenthesised word that is no number as part of the name', () => {
    expect(cardNameOf('Dark Charizard (Holo)')).toMatchObject({ key: 'dark charizard holo', number: null });
  });

  it('gives null for a name without letters or digits', () => {
    expect(cardNameOf(' - ')).toBeNull();
  });

  it('picks the longest word for a first look-up', () => {
    expect(longestWord(nameKey('Team Rocket’s Moltres ex'))).toBe('moltres');
  });
});

describe('quantityOf', () => {
  it('accepts whole numbers from 1', () => {
    expect(quantityOf('3')).toBe(3);
    expect(quantityOf(' 12 ')).toBe(12);
  });

  it('refuses 0, negatives, fractions, words and empty cells', () => {
    for (const cell of ['0', '-1', '1.5', 'two', '', '1e3']) {
      expect(quantityOf(cell), cell).toBe('must be a whole number greater than 0');
    }
  });
});

describe('dateOf', () => {
  const today = '2026-11-25';
  it('reads each stated format, one-digit days and months included, and ignores a time after the date', () => {
    expect(dateOf('2024-03-01', 'YYYY-MM-DD', today)).toBe('2024-03-01');
    expect(dateOf('2024-03-01T18:30:00Z', 'YYYY-MM-DD', today)).toBe('2024-03-01');
    expect(dateOf('3/1/2024', 'MM/DD/YYYY', today)).toBe('2024-03-01');
    expect(dateOf('3/1/2024 10:15 PM', 'MM/DD/YYYY', today)).toBe('2024-03-01');
    expect(dateOf('3/1/2024', 'DD/MM/YYYY', today)).toBe('2024-01-03');
    expect(dateOf('01.03.2024', 'DD.MM.YYYY', today)).toBe('2024-03-01');
    expect(dateOf('2024/3/1', 'YYYY/MM/DD', today)).toBe('2024-03-01');
  });

  it('refuses another format, impossible dates and dates after today (today itself is fine)', () => {
    expect(dateOf('03/01/2024', 'YYYY-MM-DD', today)).toBe('must be a date in the format YYYY-MM-DD');
    expect(dateOf('2024-02-30', 'YYYY-MM-DD', today)).toBe('is not a calendar date');
    expect(dateOf('13/13/2024', 'MM/DD/YYYY', today)).toBe('is not a calendar date');
    expect(dateOf('2026-11-26', 'YYYY-MM-DD', today)).toBe('must not be after today (2026-11-25)');
    expect(dateOf('2026-11-25', 'YYYY-MM-DD', today)).toBe('2026-11-25');
  });
});

describe('priceText', () => {
  it('removes currency signs and codes, spaces and thousands separators', () => {
    expect(priceText('$1,234.50')).toBe('1234.50');
    expect(priceText(' 4.99 ')).toBe('4.99');
    expect(priceText('€ 12.00')).toBe('12.00');
    expect(priceText('12.00 EUR')).toBe('12.00');
    expect(priceText('US$3')).toBe('3');
  });

  it('leaves a decimal comma or odd grouping for the exact parser to refuse', () => {
    expect(priceText('4,99')).toBe('4,99');
    expect(priceText('1,23.4')).toBe('1,23.4');
  });
});
