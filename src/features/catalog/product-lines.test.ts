import { describe, expect, it } from 'vitest';
import { printingLabel, productLineLabel, productLineOf, productLineOfName } from './product-lines.ts';

describe('productLineOfName', () => {
  it.each([
    ['World Championship Decks', 'world-championship-deck'],
    ['WCD 2004: Team Rushdown', 'world-championship-deck'],
    ['Jumbo Cards', 'jumbo'],
    ['Charizard ex - 125/197 (Oversized)', 'jumbo'],
    ['Deck Exclusives', 'deck-exclusive'],
    ['Prize Pack Series Cards', 'prize-pack'],
    ['Blister Exclusives', 'blister'],
    ['Base Set (Shadowless)', 'shadowless'],
    ['Base Set 1st Edition', '1st-edition'],
    ['SWSH: Sword & Shield Promo Cards', 'promo'],
    ['Miscellaneous Cards & Products', 'promo'],
  ] as const)('%s → %s', (name, line) => {
    expect(productLineOfName(name)).toBe(line);
  });

  it('says nothing about an ordinary set name (no false promo, jumbo or edition)', () => {
    for (const name of [
      'SV03: Obsidian Flames',
      'Base Set',
      'Crown Zenith',
      'Team Rocket',
      'Promotional Pack Art',
      '',
    ]) {
      expect(productLineOfName(name), name).toBeNull();
    }
  });
});

describe('productLineOf', () => {
  it('is null for the set’s own group, and when either group is unknown', () => {
    expect(productLineOf({ groupId: 604, setGroupId: 604, groupName: 'Base Set' })).toBeNull();
    expect(productLineOf({ groupId: null, setGroupId: 604 })).toBeNull();
    expect(productLineOf({ groupId: 1663, setGroupId: null, groupName: 'Base Set (Shadowless)' })).toBeNull();
  });

  it('reads the group’s name first, then the product’s, else other', () => {
    expect(
      productLineOf({ groupId: 1663, setGroupId: 604, groupName: 'Base Set (Shadowless)', productName: 'Charizard' }),
    ).toBe('shadowless');
    expect(
      productLineOf({
        groupId: 9,
        setGroupId: 604,
        groupName: 'Trading Card Game Classic',
        productName: 'Charizard (Jumbo)',
      }),
    ).toBe('jumbo');
    expect(productLineOf({ groupId: 9, setGroupId: 604, groupName: null, productName: null })).toBe('other');
  });
});

describe('printingLabel', () => {
  it('names the finish, with the product line in brackets', () => {
    expect(printingLabel('reverse-holofoil', null)).toBe('Reverse Holofoil');
    expect(printingLabel('holofoil', 'jumbo')).toBe('Holofoil (Jumbo)');
    expect(printingLabel('normal', 'world-championship-deck')).toBe('Normal (World Championship Deck)');
  });

  it('puts an edition sold as its own product in place of "Unlimited"', () => {
    expect(printingLabel('unlimited-holofoil', 'shadowless')).toBe('Shadowless Holofoil');
    expect(printingLabel('unlimited', 'shadowless')).toBe('Shadowless');
    expect(printingLabel('holofoil', 'shadowless')).toBe('Shadowless Holofoil');
    expect(printingLabel('1st-edition-holofoil', 'shadowless')).toBe('1st Edition Holofoil');
    expect(printingLabel('unlimited-holofoil', '1st-edition')).toBe('1st Edition Holofoil');
  });

  it('labels product lines in words', () => {
    expect(productLineLabel('deck-exclusive')).toBe('Deck Exclusive');
    expect(productLineLabel(null)).toBeNull();
  });
});
