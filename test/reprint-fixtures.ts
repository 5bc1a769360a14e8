/**
 * Hand-written TCGCSV fixtures for cards that TCGplayer also sells as reprint products in other
 * groups (a Jumbo card, a World Championship Deck card) and for an edition sold as a product of
 * its own (Base Set Shadowless). Product and group ids of the set products follow the real ones
 * (Obsidian Flames = group 23228, Charizard ex 125/197 = 509879, Base Set = 604, Base Set
 * Shadowless = 1663); the reprint groups' ids, names and all prices are made up for the tests.
 * As in the real TCGdex cross-walk, the cross-walk names the card's set group for every product of
 * the card, reprints included: only the prices files say which group a product is sold under.
 */
import { catalogWriter, type IngestContext } from '../src/features/ingest/context.ts';
import { envelope, pricesBody } from './tcgcsv-fixtures.ts';

export const SET_GROUP = 23228;
export const JUMBO_GROUP = 99001;
export const WCD_GROUP = 99002;
export const BASE_GROUP = 604;
export const SHADOWLESS_GROUP = 1663;

export const OWN_PRODUCT = 509879;
export const JUMBO_PRODUCT = 581987;
export const WCD_PRODUCT = 590001;
export const JUMBO_ONLY_PRODUCT = 581999;
export const BASE_CHARIZARD = 42382;
export const SHADOWLESS_CHARIZARD = 106999;

export async function seedReprintCatalog(ctx: IngestContext, nowIso: string): Promise<void> {
  const w = catalogWriter(ctx);
  await w.upsertSets(
    [
      { id: 'sv3', name: 'Obsidian Flames', ptcgoCode: 'OBF', printedTotal: 197 },
      { id: 'base1', name: 'Base', ptcgoCode: 'BS', printedTotal: 102 },
    ],
    nowIso,
  );
  await w.upsertCards(
    [
      { id: 'sv3-125', setId: 'sv3', number: '125', name: 'Charizard ex' },
      { id: 'sv3-1', setId: 'sv3', number: '1', name: 'Pineco' },
      // Priced only as a Jumbo card: its headline is that reprint, labelled as one.
      { id: 'sv3-200', setId: 'sv3', number: '200', name: 'Larvesta' },
      { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
    ],
    nowIso,
  );
}

export const REPRINT_GROUPS = [
  { groupId: SET_GROUP, name: 'SV03: Obsidian Flames', abbreviation: 'OBF', isSupplemental: false, categoryId: 3 },
  { groupId: JUMBO_GROUP, name: 'Jumbo Cards', abbreviation: 'JUMBO', isSupplemental: true, categoryId: 3 },
  { groupId: WCD_GROUP, name: 'World Championship Decks', abbreviation: 'WCD', isSupplemental: true, categoryId: 3 },
  { groupId: BASE_GROUP, name: 'Base Set', abbreviation: 'BS', isSupplemental: false, categoryId: 3 },
  {
    groupId: SHADOWLESS_GROUP,
    name: 'Base Set (Shadowless)',
    abbreviation: 'BS',
    isSupplemental: false,
    categoryId: 3,
  },
];

const product = (productId: number, groupId: number, name: string, number: string) => ({
  productId,
  name,
  cleanName: name,
  categoryId: 3,
  groupId,
  extendedData: [{ name: 'Number', displayName: 'Card Number', value: number }],
});

export const REPRINT_PRODUCTS: Record<number, unknown[]> = {
  [SET_GROUP]: [
    product(OWN_PRODUCT, SET_GROUP, 'Charizard ex - 125/197', '125/197'),
    product(509755, SET_GROUP, 'Pineco - 001/197', '001/197'),
  ],
  [JUMBO_GROUP]: [
    product(JUMBO_PRODUCT, JUMBO_GROUP, 'Charizard ex - 125/197 (Jumbo Card)', '125/197'),
    product(JUMBO_ONLY_PRODUCT, JUMBO_GROUP, 'Larvesta - 200/197 (Jumbo Card)', '200/197'),
  ],
  [WCD_GROUP]: [product(WCD_PRODUCT, WCD_GROUP, 'Charizard ex - 125/197 (Ian Robb)', '125/197')],
  [BASE_GROUP]: [product(BASE_CHARIZARD, BASE_GROUP, 'Charizard', '004/102')],
  [SHADOWLESS_GROUP]: [product(SHADOWLESS_CHARIZARD, SHADOWLESS_GROUP, 'Charizard', '004/102')],
};

/** One day's prices per group: the set's own product $4.01, the Jumbo $42.98, the WCD $0.25. */
export const REPRINT_PRICES: Record<number, string> = {
  [SET_GROUP]: pricesBody([
    [OWN_PRODUCT, 'Holofoil', 3.5, 4.5, 20, 4.01],
    [509755, 'Normal', 0.02, 0.1, 1, 0.05],
  ]),
  [JUMBO_GROUP]: pricesBody([
    [JUMBO_PRODUCT, 'Holofoil', 35, 45, 80, 42.98],
    [JUMBO_ONLY_PRODUCT, 'Holofoil', 0.01, 0.05, 1, 0.01],
  ]),
  [WCD_GROUP]: pricesBody([[WCD_PRODUCT, 'Holofoil', 0.1, 0.3, 2, 0.25]]),
  [BASE_GROUP]: pricesBody([[BASE_CHARIZARD, 'Holofoil', 400, 460, 900, 457.99]]),
  [SHADOWLESS_GROUP]: pricesBody([
    [SHADOWLESS_CHARIZARD, 'Unlimited Holofoil', 2000, 2600, 5000, 2450.5],
    [SHADOWLESS_CHARIZARD, '1st Edition Holofoil', 9000, 12000, 30000, 11999],
  ]),
};

/** The cross-walk, as TCGdex's: every product of a card carries the card's set group. */
export const REPRINT_CROSSWALK = [
  'tcgplayer_product_id,pokemontcg_card_id,tcgdex_set_id,local_id,variant_type,variant_subtype,tcgplayer_group_id',
  `${OWN_PRODUCT},sv3-125,sv03,125,holo,,${SET_GROUP}`,
  `${JUMBO_PRODUCT},sv3-125,sv03,125,holo,,${SET_GROUP}`,
  `${WCD_PRODUCT},sv3-125,sv03,125,holo,,${SET_GROUP}`,
  `509755,sv3-1,sv03,001,normal,,${SET_GROUP}`,
  `${JUMBO_ONLY_PRODUCT},sv3-200,sv03,200,holo,,${SET_GROUP}`,
  `${BASE_CHARIZARD},base1-4,base1,4,holo,unlimited,${BASE_GROUP}`,
  `${SHADOWLESS_CHARIZARD},base1-4,base1,4,holo,shadowless,${BASE_GROUP}`,
  '',
].join('\n');

/** A `fetch` that answers TCGCSV's groups, products and prices endpoints from the fixtures above. */
export function reprintFetch(): typeof fetch {
  return (async (input: string | URL | Request) => {
    const path = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;
    const json = { 'content-type': 'application/json' };
    if (path === '/tcgplayer/3/groups') return new Response(envelope(REPRINT_GROUPS), { status: 200, headers: json });
    const m = /^\/tcgplayer\/3\/(\d+)\/(products|prices)$/.exec(path);
    const body = m
      ? m[2] === 'products'
        ? envelope(REPRINT_PRODUCTS[Number(m[1])] ?? [])
        : REPRINT_PRICES[Number(m[1])]
      : undefined;
    if (body === undefined)
      return new Response(JSON.stringify({ success: false, errors: ['not found'], results: [] }), {
        status: 404,
        headers: json,
      });
    return new Response(body, { status: 200, headers: json });
  }) as typeof fetch;
}
