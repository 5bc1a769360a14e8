/**
 * One vocabulary of finishes (the sellable variant of a card) across sources. TCGplayer's
 * `subTypeName`, pokemontcg.io's price keys and TCGdex's variant keys all map here; the source's
 * own label is kept verbatim beside it on the printing (`tcgplayer_sub_type`).
 */

export const FINISHES = [
  'normal',
  'holofoil',
  'reverse-holofoil',
  '1st-edition',
  '1st-edition-holofoil',
  'unlimited',
  'unlimited-holofoil',
] as const;
export type Finish = (typeof FINISHES)[number];

/**
 * Each finish as TCGplayer names it (its `subTypeName`): the label shown for a printing, and the
 * sub-type of rows that name a product id but not its sub-type.
 */
export const FINISH_LABELS: Record<Finish, string> = {
  normal: 'Normal',
  holofoil: 'Holofoil',
  'reverse-holofoil': 'Reverse Holofoil',
  '1st-edition': '1st Edition',
  '1st-edition-holofoil': '1st Edition Holofoil',
  unlimited: 'Unlimited',
  'unlimited-holofoil': 'Unlimited Holofoil',
};

/** Source labels (lower case, single spaces) to finishes; a Map, so a label such as `constructor` finds nothing. */
const ALIASES = new Map<string, Finish>(
  Object.entries({
    // TCGplayer subTypeName
    normal: 'normal',
    holofoil: 'holofoil',
    'reverse holofoil': 'reverse-holofoil',
    '1st edition': '1st-edition',
    '1st edition normal': '1st-edition',
    '1st edition holofoil': '1st-edition-holofoil',
    unlimited: 'unlimited',
    'unlimited normal': 'unlimited',
    'unlimited holofoil': 'unlimited-holofoil',
    // pokemontcg.io price keys
    reverseholofoil: 'reverse-holofoil',
    '1steditionnormal': '1st-edition',
    '1steditionholofoil': '1st-edition-holofoil',
    unlimitedholofoil: 'unlimited-holofoil',
    // TCGdex variant keys (both documented spellings)
    holo: 'holofoil',
    reverse: 'reverse-holofoil',
    'reverse-holofoil': 'reverse-holofoil',
    reverseholo: 'reverse-holofoil',
    firstedition: '1st-edition',
    '1st-edition': '1st-edition',
    'first-edition': '1st-edition',
    '1st-edition-holofoil': '1st-edition-holofoil',
    'unlimited-holofoil': 'unlimited-holofoil',
  } satisfies Record<string, Finish>),
);

/** Labels already mapped: sources use a handful, once per price row. */
const seenLabels = new Map<string, Finish | null>();
const SEEN_LABELS_MAX = 1_000;

/**
 * Maps a source's variant label to our finish, or null when unknown (the row is then rejected
 * with reason `unknown_finish`, never guessed).
 *
 * @example
 * finishOf('Reverse Holofoil'); // 'reverse-holofoil'
 * finishOf('1stEditionHolofoil'); // '1st-edition-holofoil'
 */
export function finishOf(label: string): Finish | null {
  let finish = seenLabels.get(label);
  if (finish === undefined) {
    const key = label.trim().toLowerCase().replace(/[_]+/g, ' ').replace(/\s+/g, ' ');
    finish = ALIASES.get(key) ?? ALIASES.get(key.replace(/\s/g, '')) ?? null;
    // A flood of odd labels is not kept.
    if (seenLabels.size < SEEN_LABELS_MAX) seenLabels.set(label, finish);
  }
  return finish;
}
