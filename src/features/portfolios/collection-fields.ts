/**
 * The cells of a collection export as our vocabulary: card numbers, finishes, conditions, names,
 * set names, quantities, dates and prices in the spellings collectors' tools write them
 * (docs/PORTFOLIO-CSV.md lists them). Each returns null (or a message) for what it cannot read,
 * never a guess.
 */
import type { LotCondition } from '../../platform/db/schema.ts';
import { finishOf, type Finish } from '../catalog/finishes.ts';
import { fold, numberTerm } from '../prices/search-terms.ts';

type Condition = LotCondition;

/** Condition names and abbreviations (folded, single spaces) → our condition. */
const CONDITION_NAMES: Record<string, Condition> = {
  nm: 'NM',
  'near mint': 'NM',
  'near-mint': 'NM',
  mint: 'NM',
  'mint near mint': 'NM',
  lp: 'LP',
  'lightly played': 'LP',
  'light played': 'LP',
  excellent: 'LP',
  ex: 'LP',
  mp: 'MP',
  'moderately played': 'MP',
  'moderate played': 'MP',
  good: 'MP',
  hp: 'HP',
  'heavily played': 'HP',
  'heavy played': 'HP',
  played: 'HP',
  dmg: 'DMG',
  d: 'DMG',
  damaged: 'DMG',
  poor: 'DMG',
};

/** Finish labels beyond the catalogue's own aliases (catalog/finishes.ts) that exports use. */
const EXTRA_FINISHES: Record<string, Finish> = {
  'non holo': 'normal',
  'non-holo': 'normal',
  nonholo: 'normal',
  regular: 'normal',
  holo: 'holofoil',
  'holo foil': 'holofoil',
  'reverse holo': 'reverse-holofoil',
  'reverse-holo': 'reverse-holofoil',
  'reverse foil': 'reverse-holofoil',
  '1st edition holo': '1st-edition-holofoil',
  'first edition': '1st-edition',
  'first edition holofoil': '1st-edition-holofoil',
  'unlimited holo': 'unlimited-holofoil',
};

const spaced = (s: string) => fold(s).trim().replace(/\s+/g, ' ');

/**
 * A finish label in any spelling (TCGplayer's "Printing", pokemontcg.io's price keys, TCGdex's
 * variants, "Reverse Holo", "Non-Holo") as our finish, or null when unknown.
 *
 * @example
 * finishOfLabel('Reverse Holofoil'); // 'reverse-holofoil'
 * finishOfLabel('Non-Holo'); // 'normal'
 */
export function finishOfLabel(label: string): Finish | null {
  return finishOf(label) ?? EXTRA_FINISHES[spaced(label)] ?? null;
}

export interface ConditionCell {
  condition: Condition;
  /** A finish named after the condition ("Near Mint Reverse Holofoil", as TCGplayer writes it). */
  finish: Finish | null;
}

/**
 * A condition cell as our condition (`NM`, `LP`, `MP`, `HP`, `DMG`), with the finish some exports
 * append to it; null when it names no known condition.
 *
 * @example
 * conditionOf('Lightly Played'); // { condition: 'LP', finish: null }
 * conditionOf('Near Mint Holofoil'); // { condition: 'NM', finish: 'holofoil' }
 * conditionOf('Slightly worn'); // null
 */
export function conditionOf(cell: string): ConditionCell | null {
  const words = spaced(cell).split(' ');
  // The longest leading run of words that names a condition; what follows may name a finish.
  for (let n = Math.min(words.length, 3); n >= 1; n--) {
    const condition = CONDITION_NAMES[words.slice(0, n).join(' ')];
    if (condition === undefined) continue;
    const rest = words.slice(n).join(' ');
    if (rest === '') return { condition, finish: null };
    const finish = finishOfLabel(rest);
    return finish === null ? null : { condition, finish };
  }
  return null;
}

export interface CardNumber {
  /** Comparable form: folded, a numeric prefix without leading zeros (`004` → `4`, `TG01` → `tg01`). */
  key: string;
  /** The set's printed total when written as `4/102`, else null. */
  printedTotal: number | null;
}

/**
 * A card number as written in exports (`4`, `004/102`, `#4`, `TG01/TG30`), in comparable form.
 *
 * @example
 * cardNumberOf('004/102'); // { key: '4', printedTotal: 102 }
 * cardNumberOf('SWSH001'); // { key: 'swsh001', printedTotal: null }
 */
export function cardNumberOf(cell: string): CardNumber | null {
  const text = cell.trim().replace(/^(?:#|no\.?\s*)/i, '');
  const [head = '', total] = text.split('/');
  const key = numberTerm(head.trim());
  if (key === '' || text.split('/').length > 2) return null;
  const printed = total !== undefined && /^\s*\d{1,4}\s*$/.test(total) ? Number(total) : null;
  return { key, printedTotal: printed };
}

/** The comparable form of a stored card number. */
export const numberKey = (stored: string): string => numberTerm(stored.trim());

/** A number written after a name: "Pikachu - 58/102", "Pikachu (58/102)", "Pikachu - 058" (not "Ho-Oh", "Mewtwo - GX"). */
const NAME_NUMBER =
  /(?:\s+-\s+#?([\p{L}\p{N}]*\d[\p{L}\p{N}]*(?:\/[\p{L}\p{N}]+)?)|\s*\(#?([\p{L}\p{N}]*\d[\p{L}\p{N}]*(?:\/\d+)?)\))\s*$/u;

export interface CardName {
  /** The name as written, without the number after it. */
  raw: string;
  /** Folded words joined by single spaces: `Team Rocket's Moltres ex` → `team rocket s moltres ex`. */
  key: string;
  /** A card number the name carried after it, as TCGplayer's product names do. */
  number: string | null;
}

/**
 * A card's name as compared: folded (diacritics removed, lower case) words joined by spaces, and
 * the card number some exports append to it (`Charizard ex - 125/197`).
 *
 * @example
 * cardNameOf('Charizard ex - 125/197'); // { raw: 'Charizard ex', key: 'charizard ex', number: '125/197' }
 * cardNameOf('Flabébé'); // { raw: 'Flabébé', key: 'flabebe', number: null }
 */
export function cardNameOf(cell: string): CardName | null {
  const match = NAME_NUMBER.exec(cell);
  const name = match && match.index > 0 ? cell.slice(0, match.index) : cell;
  const key = nameKey(name);
  if (key === '') return null;
  return { raw: name.trim(), key, number: match && match.index > 0 ? (match[1] ?? match[2] ?? null) : null };
}

/**
 * The comparable form of a card or set name: folded words joined by single spaces.
 *
 * @example
 * nameKey("Team Rocket's Moltres ex"); // 'team rocket s moltres ex'
 */
export function nameKey(name: string): string {
  return (fold(name).match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/** The most selective word of a name key (its longest), for a first look-up by search term. */
export function longestWord(key: string): string {
  return key.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
}

/**
 * A quantity cell: a whole number from 1 up, else the message that says why not.
 *
 * @example
 * quantityOf('3'); // 3
 * quantityOf('1.5'); // 'must be a whole number greater than 0'
 */
export function quantityOf(cell: string): number | string {
  const text = cell.trim();
  if (!/^\d{1,9}$/.test(text) || Number(text) === 0) return 'must be a whole number greater than 0';
  return Number(text);
}

export const DATE_FORMATS = ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY', 'YYYY/MM/DD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const DATE_PATTERNS: Record<
  DateFormat,
  { pattern: RegExp; order: ['y' | 'm' | 'd', 'y' | 'm' | 'd', 'y' | 'm' | 'd'] }
> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, order: ['y', 'm', 'd'] },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['m', 'd', 'y'] },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['d', 'm', 'y'] },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: ['d', 'm', 'y'] },
  'YYYY/MM/DD': { pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, order: ['y', 'm', 'd'] },
};

/**
 * A date cell in the caller's stated format (a time after it, `T…` or ` …`, is ignored: the date is
 * taken as written) as `YYYY-MM-DD`, or the message that says why not; dates after `today` are
 * refused.
 *
 * @example
 * dateOf('3/1/2024', 'MM/DD/YYYY', '2026-11-25'); // '2024-03-01'
 * dateOf('2024-02-30', 'YYYY-MM-DD', '2026-11-25'); // 'is not a calendar date'
 */
export function dateOf(cell: string, format: DateFormat, today: string): string {
  const text = cell.trim().replace(/(?:T|\s+)\d{1,2}:\d{2}.*$/, '');
  const { pattern, order } = DATE_PATTERNS[format];
  const match = pattern.exec(text);
  if (!match) return `must be a date in the format ${format}`;
  const part = (name: 'y' | 'm' | 'd') => match[order.indexOf(name) + 1]!;
  const iso = `${part('y')}-${part('m').padStart(2, '0')}-${part('d').padStart(2, '0')}`;
  const ms = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso) return 'is not a calendar date';
  if (iso > today) return `must not be after today (${today})`;
  return iso;
}

/** True when `dateOf` returned a date rather than a message. */
export const isIsoDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s);

/**
 * A price cell as a plain decimal for exact parsing: a currency sign or code around it, spaces and
 * thousands separators (`1,234.50`) removed; a decimal comma is not read (it would be ambiguous).
 *
 * @example
 * priceText('$1,234.50'); // '1234.50'
 * priceText('4,99'); // '4,99' (refused by the exact parser)
 */
export function priceText(cell: string): string {
  const text = cell
    .trim()
    .replace(/^(?:[$€£¥]|US\$|[A-Z]{3})\s*/, '')
    .replace(/\s*(?:[$€£¥]|[A-Z]{3})$/, '')
    .trim();
  return /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
}
