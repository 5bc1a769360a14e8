/**
 * Small hand-written fixtures in TCGCSV's wire formats (groups, products, prices envelopes, the
 * daily archive layout) and the TCGdex cross-walk CSV, with a catalogue they link to. The ids
 * follow the real ones where they are public knowledge (Base Set = group 604, Charizard = 42382);
 * names, numbers and prices are made up for the tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProductMap } from '../src/features/catalog/product-map.ts';
import { catalogWriter, type IngestContext } from '../src/features/ingest/context.ts';
import { CardIndex } from '../src/features/ingest/sources/crosswalk.ts';
import { storeListings } from '../src/features/ingest/sources/tcgcsv-listings.ts';

export const NOW = '2025-10-21T02:00:00.000Z';

/** Sets and cards the fixtures link to. */
export async function seedCatalog(ctx: IngestContext): Promise<void> {
  const w = catalogWriter(ctx);
  await w.upsertSets(
    [
      { id: 'base1', name: 'Base', ptcgoCode: 'BS', printedTotal: 102 },
      { id: 'sv3pt5', name: '151', ptcgoCode: 'MEW', printedTotal: 165 },
      { id: 'swsh12pt5', name: 'Crown Zenith', ptcgoCode: 'CRZ' },
      { id: 'swsh12pt5gg', name: 'Crown Zenith Galarian Gallery', ptcgoCode: 'CRZ' },
    ],
    NOW,
  );
  await w.upsertCards(
    [
      { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
      { id: 'base1-55', setId: 'base1', number: '55', name: 'Nidoran ♂' },
      { id: 'base1-58', setId: 'base1', number: '58', name: 'Pikachu' },
      { id: 'base1-76', setId: 'base1', number: '76', name: 'Pokémon Breeder' },
      { id: 'sv3pt5-1', setId: 'sv3pt5', number: '1', name: 'Bulbasaur' },
      { id: 'sv3pt5-25', setId: 'sv3pt5', number: '25', name: 'Pikachu' },
      { id: 'swsh12pt5-160', setId: 'swsh12pt5', number: '160', name: 'Pikachu' },
      { id: 'swsh12pt5gg-GG01', setId: 'swsh12pt5gg', number: 'GG01', name: 'Zoroark' },
    ],
    NOW,
  );
}

/** `/tcgplayer/3/groups` results. */
export const GROUPS = [
  {
    groupId: 604,
    name: 'Base Set',
    abbreviation: 'BS',
    isSupplemental: false,
    publishedOn: '1999-01-09T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
  {
    groupId: 23237,
    name: 'SV: Scarlet & Violet 151',
    abbreviation: 'MEW',
    isSupplemental: false,
    publishedOn: '2023-09-22T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
  {
    groupId: 17688,
    name: 'Crown Zenith',
    abbreviation: 'CRZ',
    isSupplemental: false,
    publishedOn: '2023-01-20T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
  {
    groupId: 630,
    name: 'Fossil',
    abbreviation: 'FO',
    isSupplemental: false,
    publishedOn: '1999-10-10T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
  {
    groupId: 2848,
    name: 'Empty Promo Group',
    abbreviation: 'EPG',
    isSupplemental: true,
    publishedOn: '2021-01-01T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
];

const ext = (number: string | null, rarity = 'Common') => [
  ...(number ? [{ name: 'Number', displayName: 'Card Number', value: number }] : []),
  { name: 'Rarity', displayName: 'Rarity', value: number ? rarity : 'None' },
];
const product = (productId: number, groupId: number, name: string, number: string | null, rarity?: string) => ({
  productId,
  name,
  cleanName: name.replace(/[()[\]&'!?/:.-]/g, ''),
  imageUrl: `https://tcgplayer-cdn.tcgplayer.com/product/${productId}_200w.jpg`,
  categoryId: 3,
  groupId,
  url: `https://www.tcgplayer.com/product/${productId}`,
  modifiedOn: '2025-10-01T00:00:00',
  imageCount: 1,
  presaleInfo: { isPresale: false, releasedOn: null, note: null },
  extendedData: ext(number, rarity),
});

/** `/tcgplayer/3/{groupId}/products` results per group. */
export const PRODUCTS: Record<number, ReturnType<typeof product>[]> = {
  604: [
    product(42382, 604, 'Charizard', '004/102', 'Holo Rare'),
    product(657516, 604, 'Charizard (Black Dot Error)', '004/102', 'Holo Rare'),
    product(42399, 604, 'Nidoran M', '055/102'),
    product(42402, 604, 'Pikachu', '058/102'),
    product(42422, 604, 'Pokemon Breeder', '076/102', 'Rare'),
    product(42347, 604, 'Mewtwo', '010/102', 'Holo Rare'),
    product(136400, 604, 'Pokemon 2-Player Starter Set (Revised Base Set Reprint Run)', null),
  ],
  23237: [
    product(502000, 23237, 'Bulbasaur - 001/165', '001/165'),
    product(502001, 23237, 'Pikachu - 025/165', '025/165'),
    product(502002, 23237, 'Pikachu - 025/165 (Poke Ball Pattern)', '025/165'),
    product(502100, 23237, 'Code Card - Scarlet & Violet 151 Booster Pack', null),
    product(502200, 23237, 'Scarlet & Violet 151 Booster Bundle', null),
  ],
  17688: [
    product(478000, 17688, 'Pikachu - 160/159', '160/159', 'Secret Rare'),
    product(478001, 17688, 'Zoroark', 'GG01/GG70', 'Trainer Gallery'),
  ],
};

type Price = [
  productId: number,
  subType: string,
  low: number | null,
  mid: number | null,
  high: number | null,
  market: number | null,
  directLow?: number | null,
];

/** A `/tcgplayer/3/{groupId}/prices` body. */
export function pricesBody(rows: (Price | Record<string, unknown>)[]): string {
  const results = rows.map((r) =>
    Array.isArray(r)
      ? {
          productId: r[0],
          lowPrice: r[2],
          midPrice: r[3],
          highPrice: r[4],
          marketPrice: r[5],
          directLowPrice: r[6] ?? null,
          subTypeName: r[1],
        }
      : r,
  );
  return JSON.stringify({ success: true, errors: [], results });
}

export function envelope(results: unknown[]): string {
  return JSON.stringify({ totalItems: results.length, success: true, errors: [], results });
}

/** TCGCSV's answer for a group without content. */
export const NOT_FOUND_BODY = JSON.stringify({
  success: false,
  errors: ['No data found for this group.'],
  results: [],
});

/** Price rows of one day per group; what each row becomes is in the comment beside it. */
export function dayPrices(marketCharizard: number): Record<number, (Price | Record<string, unknown>)[]> {
  return {
    604: [
      [42382, 'Holofoil', 300, 380.5, 9999, marketCharizard, 320], // accepted, high dropped (placeholder)
      [42382, '1st Edition Holofoil', 999, 999, 999, null], // placeholder_listing
      [42402, 'Normal', 0.5, 1.1, 501.5, null], // accepted with a null market price
      [42347, 'Holofoil', 20, 30, 50, 25], // card_not_in_catalog (cross-walk names base1-10)
      [136400, 'Normal', 90, 120, 9999.99, 110], // sealed_product
      [777777, 'Normal', 1, 1, 1, 1], // unmatched_product
      { productId: 'x42', subTypeName: 'Normal', marketPrice: 1 }, // malformed_row
    ],
    23237: [
      [502001, 'Reverse Holofoil', 1, 1.5, 5, 1.25], // accepted: sv3pt5-25.reverse-holofoil
      [502002, 'Reverse Holofoil', 3, 4, 8, 3.75], // accepted: a second printing of the same card and finish
      [502000, 'Shiny Foil', 1, 1, 1, 1], // unknown_finish
    ],
  };
}

/** The cross-walk file (CRLF, like the real one): several rows per product, a missing card, an ambiguous product, an empty card id. */
export const CROSSWALK_CSV = [
  'tcgplayer_product_id,pokemontcg_card_id,tcgdex_set_id,local_id,variant_type,variant_subtype,tcgplayer_group_id',
  '42382,base1-4,base1,4,holo,,604',
  '42382,base1-4,base1,4,firstEdition,,604',
  '42402,base1-58,base1,58,normal,,604',
  '42347,base1-10,base1,10,holo,,604',
  '502001,sv3pt5-25,sv03.5,025,reverse,,23237',
  '502002,sv3pt5-25,sv03.5,025,reverse,pokeball,',
  '502000,sv3pt5-1,sv03.5,001,normal,,23237',
  '900001,sv3pt5-1,sv03.5,001,normal,,23237',
  '900001,sv3pt5-25,sv03.5,025,normal,,23237',
  '900002,,sv03.5,999,normal,,23237',
  '',
].join('\r\n');

/** Writes `<root>/<date>/3/<groupId>/prices` files; a string body is written verbatim. */
export function writePriceTree(
  root: string,
  days: Record<string, Record<number, string | (Price | Record<string, unknown>)[]>>,
): void {
  for (const [date, groups] of Object.entries(days)) {
    for (const [groupId, rows] of Object.entries(groups)) {
      const dir = join(root, date, '3', groupId);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'prices'), typeof rows === 'string' ? rows : pricesBody(rows));
    }
  }
}

/**
 * `seedCatalog`, then the product listings of the first two groups: an earlier listing tells which
 * products are sealed (and makes them catalogue items), as before a files import.
 */
export async function seedCatalogAndListings(ctx: IngestContext): Promise<void> {
  await seedCatalog(ctx);
  const products = await ProductMap.load(ctx.database.db);
  const index = await CardIndex.load(ctx.database.db);
  for (const g of GROUPS.slice(0, 2)) await storeListings(ctx, g, PRODUCTS[g.groupId]!, products, index);
}

/** Writes `CROSSWALK_CSV` to `<dir>/map.csv`; returns its path. */
export function writeCrosswalk(dir: string): string {
  const path = join(dir, 'map.csv');
  writeFileSync(path, CROSSWALK_CSV);
  return path;
}
