/**
 * Card search: the terms stored per card and how a query `q` turns into conditions. Names are
 * folded (Unicode compatibility decomposition, diacritics removed, lower case) and split into
 * words; each query word must be a prefix of one of the card's terms, so `char` finds
 * "Charizard" and "Dark Charizard", and `pokemon` finds "Pokémon Center". A query word like
 * `4/102` means card number 4 of a set whose printed total is 102.
 */
import { ValidationFailed } from '../../platform/errors.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * @example
 * fold('Flabébé ex'); // 'flabebe ex'
 */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The id of a facet value (rarity, supertype, type): folded, words joined by dashes.
 *
 * @example
 * slug('Rare Holo'); // 'rare-holo'
 * slug('rare-holo'); // 'rare-holo'
 */
export function slug(text: string): string {
  return (fold(text).match(WORD) ?? []).join('-');
}

/** A card number as a term: lower case, leading zeros of a numeric prefix dropped (`053` → `53`). */
export function numberTerm(number: string): string {
  const folded = fold(number).trim();
  return folded.replace(/^0+(?=\d)/, '');
}

/**
 * The search terms of a card: the words of its name and its number.
 *
 * @example
 * cardTerms("Team Rocket's Moltres ex", '053'); // ['team', 'rocket', 's', 'moltres', 'ex', '53']
 */
export function cardTerms(name: string, number: string): string[] {
  const terms = new Set(fold(name).match(WORD) ?? []);
  const n = numberTerm(number);
  if (n) terms.add(n);
  return [...terms];
}

export interface ParsedQuery {
  /** Each must be a prefix of one of the card's terms. */
  prefixes: string[];
  /** `4/102`: number 4 (exact) in a set printed with 102 cards. */
  numbered: { number: string; printedTotal: number }[];
}

const NUMBERED = /^([\p{L}\p{N}]+)\/(\d{1,4})$/u;
export const MAX_QUERY_WORDS = 6;

/**
 * @example
 * parseQuery('charizard 4/102'); // { prefixes: ['charizard'], numbered: [{ number: '4', printedTotal: 102 }] }
 */
export function parseQuery(q: string): ParsedQuery {
  const parsed: ParsedQuery = { prefixes: [], numbered: [] };
  for (const word of fold(q).split(/\s+/).filter(Boolean)) {
    const numbered = NUMBERED.exec(word);
    if (numbered) parsed.numbered.push({ number: numberTerm(numbered[1]!), printedTotal: Number(numbered[2]) });
    else parsed.prefixes.push(...(word.match(WORD) ?? []));
  }
  if (parsed.prefixes.length + parsed.numbered.length > MAX_QUERY_WORDS) {
    throw new ValidationFailed([{ field: 'query.q', message: `use at most ${MAX_QUERY_WORDS} words` }]);
  }
  if (parsed.prefixes.length + parsed.numbered.length === 0) {
    throw new ValidationFailed([{ field: 'query.q', message: 'needs at least one letter or digit' }]);
  }
  return parsed;
}

/**
 * The exclusive upper bound of the terms starting with `prefix`: `term >= prefix and term < upper`.
 *
 * @example
 * prefixUpperBound('char'); // 'chas'
 */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  const head = prefix.slice(0, prefix.length - (last > 0xffff ? 2 : 1));
  return head + String.fromCodePoint(last + 1);
}
