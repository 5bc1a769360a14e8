/**
 * Small hand-written TCGCSV files in the layout TCGCSV serves (`3/groups`, `3/<groupId>/products`,
 * `<date>/3/<groupId>/prices`), one product per class the importers must tell apart: a black-star
 * promo set no cross-walk row covers, a card of a catalogued set, a card listed under a name the
 * catalogue does not know, a card the catalogue lacks, a sealed product, a code card, an
 * accessory, and a product no listing names. Names, numbers and prices are made up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { catalogWriter, type IngestContext } from '../src/features/ingest/context.ts';
import { envelope, pricesBody } from './tcgcsv-fixtures.ts';

export const D1 = '2026-11-23';
export const D2 = '2026-11-24';

export async function seedPromoCatalog(ctx: IngestContext, nowIso: string): Promise<void> {
  const w = catalogWriter(ctx);
  await w.upsertSets(
    [
      { id: 'basep', name: 'Wizards Black Star Promos', ptcgoCode: 'PR', releaseDate: '1999-07-01' },
      { id: 'base1', name: 'Base', ptcgoCode: 'BS', printedTotal: 102, releaseDate: '1999-01-09' },
    ],
    nowIso,
  );
  await w.upsertCards(
    [
      { id: 'basep-1', setId: 'basep', number: '1', name: 'Pikachu' },
      { id: 'basep-2', setId: 'basep', number: '2', name: 'Electabuzz' },
      { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
      { id: 'base1-58', setId: 'base1', number: '58', name: 'Pikachu' },
    ],
    nowIso,
  );
}

export const GROUP_LIST = [
  {
    groupId: 1418,
    name: 'WoTC Promo',
    abbreviation: 'PR',
    isSupplemental: true,
    publishedOn: '1999-07-01T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
  {
    groupId: 604,
    name: 'Base Set',
    abbreviation: 'BS',
    isSupplemental: false,
    publishedOn: '1999-01-09T00:00:00',
    modifiedOn: '2025-10-01T00:00:00',
    categoryId: 3,
  },
];

const listing = (productId: number, groupId: number, name: string, number: string | null) => ({
  productId,
  name,
  cleanName: name,
  imageUrl: `https://tcgplayer-cdn.tcgplayer.com/product/${productId}_200w.jpg`,
  categoryId: 3,
  groupId,
  url: `https://www.tcgplayer.com/product/${productId}`,
  modifiedOn: '2025-10-01T00:00:00',
  imageCount: 1,
  presaleInfo: { isPresale: false, releasedOn: null, note: null },
  extendedData: number ? [{ name: 'Number', displayName: 'Card Number', value: number }] : [],
});

/** What each product is: the comment says what its price rows become. */
export const LISTINGS: Record<number, unknown[]> = {
  1418: [
    listing(100001, 1418, 'Pikachu', '1'), // basep-1 (no cross-walk row: only the listing links it)
    listing(100002, 1418, 'Electabuzz', '2'), // basep-2
    listing(100009, 1418, 'Mewtwo', '3'), // unknown_card: the catalogue has no basep-3
  ],
  604: [
    listing(42382, 604, 'Charizard', '004/102'), // base1-4
    listing(42500, 604, 'Raichu', '058/102'), // unmapped_product: base1 has a 58, named Pikachu
    listing(136401, 604, 'Base Set Booster Box', null), // sealed: the item sealed-tcgplayer-136401
    listing(136500, 604, 'Code Card - Base Set Booster Pack', null), // code_card
    listing(136600, 604, 'Pokemon Card Sleeves - Charizard (65 Sleeves)', null), // accessory
    { productId: 'not-a-number', name: 'Broken listing' }, // malformed_row (products run)
  ],
};

/** Writes `<root>/3/groups` (unless `withGroups` is false) and `<root>/3/<groupId>/products`. */
export function writeListings(root: string, withGroups = true): void {
  mkdirSync(join(root, '3'), { recursive: true });
  if (withGroups) writeFileSync(join(root, '3', 'groups'), envelope(GROUP_LIST));
  for (const [groupId, products] of Object.entries(LISTINGS)) {
    mkdirSync(join(root, '3', groupId), { recursive: true });
    writeFileSync(join(root, '3', groupId, 'products'), envelope(products));
  }
}

/** One day of prices for every product above (and one no listing names); `k` moves them. */
export function promoPrices(k: number): Record<number, Parameters<typeof pricesBody>[0]> {
  return {
    1418: [
      [100001, 'Normal', 4, 5, 8, 5 + k],
      [100002, 'Normal', 3, 4, 6, 4],
      [100009, 'Holofoil', 10, 12, 15, 12],
    ],
    604: [
      [42382, 'Holofoil', 300, 380, 450, 350],
      [42500, 'Normal', 1, 2, 3, 2],
      [136401, 'Normal', 9000, 10000, 12000, 10000 + 1000 * k],
      [136500, 'Normal', 0.1, 0.2, 0.3, 0.2],
      [136600, 'Normal', 5, 6, 7, 6],
      [777001, 'Normal', 1, 1, 1, 1], // unmapped_product: listed nowhere
    ],
  };
}

/** Writes `<root>/<date>/3/<groupId>/prices`. */
export function writePromoPrices(root: string, days: Record<string, number>): void {
  for (const [date, k] of Object.entries(days)) {
    for (const [groupId, rows] of Object.entries(promoPrices(k))) {
      mkdirSync(join(root, date, '3', groupId), { recursive: true });
      writeFileSync(join(root, date, '3', groupId, 'prices'), pricesBody(rows));
    }
  }
}

/**
 * Turns TCGCSV's `ProductsAndPrices.csv` of one group (one row per product and sub-type, the
 * extended data as `ext…` columns) into that group's `products` body in the JSON layout
 * (`<root>/3/<groupId>/products`); returns the group id and the listed products.
 */
export function listingFromProductsCsv(
  csvText: string,
  root: string,
): { groupId: number; products: { productId: number; name: string; number: string | null }[] } {
  const rows = parse(csvText, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const byId = new Map<number, Record<string, string>>();
  for (const r of rows) if (!byId.has(Number(r.productId))) byId.set(Number(r.productId), r);
  const groupIds = new Set(rows.map((r) => Number(r.groupId)));
  if (groupIds.size !== 1) throw new Error(`expected one group in the CSV, found ${groupIds.size}`);
  const [groupId] = [...groupIds] as [number];
  const results = [...byId.values()].map((r) => ({
    productId: Number(r.productId),
    name: r.name,
    cleanName: r.cleanName,
    imageUrl: r.imageUrl,
    categoryId: Number(r.categoryId),
    groupId,
    url: r.url,
    modifiedOn: r.modifiedOn,
    imageCount: Number(r.imageCount),
    extendedData: [
      ...(r.extNumber ? [{ name: 'Number', displayName: 'Card Number', value: r.extNumber }] : []),
      ...(r.extRarity ? [{ name: 'Rarity', displayName: 'Rarity', value: r.extRarity }] : []),
    ],
  }));
  mkdirSync(join(root, '3', String(groupId)), { recursive: true });
  writeFileSync(join(root, '3', String(groupId), 'products'), envelope(results));
  return {
    groupId,
    products: results.map((p) => ({
      productId: p.productId,
      name: p.name!,
      number: p.extendedData.find((e) => e.name === 'Number')?.value ?? null,
    })),
  };
}
