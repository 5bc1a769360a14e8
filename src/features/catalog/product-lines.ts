/**
 * Product lines: the kind of TCGplayer product a printing was sold as when it is not its set's
 * own product — a World Championship Deck reprint, a Jumbo card, a Shadowless Base Set card …
 * A printing sold under its set's own TCGplayer group has no product line (null). The line is
 * read from the name of the group it was sold under (TCGCSV's groups listing), else from the
 * product's name; docs/METHODS.md, "Headline printing", lists the patterns.
 */
import { FINISH_LABELS, type Finish } from './finishes.ts';

export const PRODUCT_LINES = [
  'world-championship-deck',
  'jumbo',
  'deck-exclusive',
  'prize-pack',
  'blister',
  'shadowless',
  '1st-edition',
  'promo',
  'other',
] as const;
export type ProductLine = (typeof PRODUCT_LINES)[number];

export const PRODUCT_LINE_LABELS: Record<ProductLine, string> = {
  'world-championship-deck': 'World Championship Deck',
  jumbo: 'Jumbo',
  'deck-exclusive': 'Deck Exclusive',
  'prize-pack': 'Prize Pack',
  blister: 'Blister',
  shadowless: 'Shadowless',
  '1st-edition': '1st Edition',
  promo: 'Promo',
  other: 'Other product',
};

/** First match wins: the specific lines before the broad "promo". */
const PATTERNS: [ProductLine, RegExp][] = [
  ['world-championship-deck', /\bworld\s+championships?\b|\bwcd\b/i],
  ['jumbo', /\bjumbo\b|\boversized?\b/i],
  ['deck-exclusive', /\bdeck\s+exclusives?\b/i],
  ['prize-pack', /\bprize\s+pack\b|\bplay!?\s+pok[eé]mon\s+prize\b/i],
  ['blister', /\bblisters?\b/i],
  ['shadowless', /\bshadowless\b/i],
  ['1st-edition', /\b(1st|first)\s+edition\b/i],
  ['promo', /\bpromos?\b|\bmiscellaneous\b|\bmisc\.?\b/i],
];

/**
 * The product line a name says, or null when none of the patterns matches.
 *
 * @example
 * productLineOfName('World Championship Decks'); // 'world-championship-deck'
 * productLineOfName('Base Set (Shadowless)'); // 'shadowless'
 * productLineOfName('SV03: Obsidian Flames'); // null
 */
export function productLineOfName(name: string | null | undefined): ProductLine | null {
  if (!name) return null;
  for (const [line, pattern] of PATTERNS) if (pattern.test(name)) return line;
  return null;
}

/**
 * The product line of a printing sold under `groupId`: null when that is the set's own group
 * (or either is unknown), else what the group's name says, else what the product's name says,
 * else `other`.
 *
 * @example
 * productLineOf({ groupId: 1663, setGroupId: 604, groupName: 'Base Set (Shadowless)', productName: 'Charizard' }); // 'shadowless'
 * productLineOf({ groupId: 604, setGroupId: 604, groupName: 'Base Set', productName: 'Charizard' }); // null
 */
export function productLineOf(p: {
  groupId: number | null;
  setGroupId: number | null;
  groupName?: string | null;
  productName?: string | null;
}): ProductLine | null {
  if (p.groupId === null || p.setGroupId === null || p.groupId === p.setGroupId) return null;
  return productLineOfName(p.groupName) ?? productLineOfName(p.productName) ?? 'other';
}

/**
 * What a printing is called on screen: its finish, with its product line when it has one. An
 * edition TCGplayer sells as a product of its own (Shadowless, 1st Edition) replaces the word
 * "Unlimited" of the sub-type, which would otherwise say the opposite.
 *
 * @example
 * printingLabel('holofoil', 'jumbo'); // 'Holofoil (Jumbo)'
 * printingLabel('unlimited-holofoil', 'shadowless'); // 'Shadowless Holofoil'
 * printingLabel('reverse-holofoil', null); // 'Reverse Holofoil'
 */
export function printingLabel(finish: string, productLine: string | null): string {
  const base = FINISH_LABELS[finish as Finish] ?? finish;
  const line = productLine && productLine in PRODUCT_LINE_LABELS ? (productLine as ProductLine) : null;
  if (!line) return base;
  if (line === 'shadowless' || line === '1st-edition') {
    if (finish.startsWith('1st-edition')) return base;
    const rest = base.replace(/^Unlimited\s*/, '').replace(/^Normal$/, '');
    return `${PRODUCT_LINE_LABELS[line]}${rest ? ` ${rest}` : ''}`;
  }
  return `${base} (${PRODUCT_LINE_LABELS[line]})`;
}

/** The human label of a stored product line (null for the set's own product). */
export function productLineLabel(productLine: string | null): string | null {
  return productLine && productLine in PRODUCT_LINE_LABELS
    ? PRODUCT_LINE_LABELS[productLine as ProductLine]
    : productLine;
}
