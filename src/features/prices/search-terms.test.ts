import { describe, expect, it } from 'vitest';
import type { ValidationFailed } from '../../platform/errors.ts';
import { cardTerms, fold, parseQuery, prefixUpperBound } from './search-terms.ts';

describe('search terms', () => {
  it('folds accents and case, splits words, keeps the number without leading zeros', () => {
    expect(fold('Flabébé')).toBe('flabebe');
    expect(cardTerms("Team Rocket's Moltres ex", '053')).toEqual(['team', 'rocket', 's', 'moltres', 'ex', '53']);
    expect(cardTerms('Pokémon Center', 'SV001')).toEqual(['pokemon', 'center', 'sv001']);
  });

  it('parses words and set-numbered queries', () => {
    expect(parseQuery('Charizard 4/102')).toEqual({
      prefixes: ['charizard'],
      numbered: [{ number: '4', printedTotal: 102 }],
    });
    expect(parseQuery("farfetch'd")).toEqual({ prefixes: ['farfetch', 'd'], numbered: [] });
    expect(parseQuery('004/102').numbered).toEqual([{ number: '4', printedTotal: 102 }]);
  });

  it('refuses empty and overlong queries with a field error', () => {
    const fieldsOf = (q: string) => {
      try {
        parseQuery(q);
      } catch (err) {
        return (err as ValidationFailed).extra.fields;
      }
      return undefined;
    };
    expect(fieldsOf('  !! ')).toEqual([{ field: 'query.q', message: 'needs at least one letter or digit' }]);
    expect(fieldsOf('a b c d e f g')).toEqual([{ field: 'query.q', message: 'use at most 6 words' }]);
  });

  it('the upper bound admits exactly the terms with the prefix', () => {
    const upper = prefixUpperBound('char');
    const terms = ['chaq', 'char', 'charizard', 'charmander', 'chas', 'charzzz'];
    expect(terms.filter((t) => t >= 'char' && t < upper)).toEqual(['char', 'charizard', 'charmander', 'charzzz']);
  });
});
