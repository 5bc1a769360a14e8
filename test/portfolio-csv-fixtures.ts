/**
 * A small invented catalogue for collection-import tests, shaped like the real one: sets with
 * their TCGplayer groups, a product-line group (Shadowless), products with two sub-types, a
 * product known only from its listing, a card numbered with leading zeros, a name with diacritics
 * and a name shared by cards of two sets. Written straight into the tables (no importer).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../src/platform/db/schema.ts';
import { cardTerms, fold } from '../src/features/prices/search-terms.ts';

const NOW = '2026-11-25T12:00:00.000Z';

export const GROUPS = [
  { group_id: 604, name: 'Base Set', abbreviation: 'BS' },
  { group_id: 1663, name: 'Base Set (Shadowless)', abbreviation: 'BSS' },
  { group_id: 23228, name: 'SV03: Obsidian Flames', abbreviation: 'OBF' },
  { group_id: 23237, name: 'SV: Scarlet & Violet 151', abbreviation: 'MEW' },
];

const SETS = [
  { id: 'base1', name: 'Base', ptcgo_code: 'BS', tcgplayer_group_id: 604 },
  { id: 'sv3', name: 'Obsidian Flames', ptcgo_code: 'OBF', tcgplayer_group_id: 23228 },
  { id: 'sv3pt5', name: '151', ptcgo_code: 'MEW', tcgplayer_group_id: 23237 },
];

const CARDS = [
  { id: 'base1-4', set_id: 'base1', number: '4', name: 'Charizard' },
  { id: 'base1-58', set_id: 'base1', number: '58', name: 'Pikachu' },
  { id: 'base1-2', set_id: 'base1', number: '2', name: 'Blastoise' },
  { id: 'sv3-125', set_id: 'sv3', number: '125', name: 'Charizard ex' },
  { id: 'sv3-223', set_id: 'sv3', number: '223', name: 'Charizard ex' },
  { id: 'sv3-87', set_id: 'sv3', number: '087', name: 'Flabébé' },
  { id: 'sv3pt5-25', set_id: 'sv3pt5', number: '025', name: 'Pikachu' },
  { id: 'sv3pt5-6', set_id: 'sv3pt5', number: '6', name: 'Charizard ex' },
];

interface PrintingRow {
  id: string;
  card_id: string;
  finish: string;
  product: number | null;
  subType: string | null;
  group: number | null;
  line?: string;
}

export const PRINTINGS: PrintingRow[] = [
  { id: 'base1-4.holofoil', card_id: 'base1-4', finish: 'holofoil', product: 42382, subType: 'Holofoil', group: 604 },
  {
    id: 'base1-4.holofoil.106999',
    card_id: 'base1-4',
    finish: 'holofoil',
    product: 106999,
    subType: 'Holofoil',
    group: 1663,
    line: 'shadowless',
  },
  { id: 'base1-58.normal', card_id: 'base1-58', finish: 'normal', product: 42421, subType: 'Normal', group: 604 },
  { id: 'base1-2.holofoil', card_id: 'base1-2', finish: 'holofoil', product: 42380, subType: 'Holofoil', group: null },
  {
    id: 'sv3-125.holofoil',
    card_id: 'sv3-125',
    finish: 'holofoil',
    product: 509604,
    subType: 'Holofoil',
    group: 23228,
  },
  { id: 'sv3-223.holofoil', card_id: 'sv3-223', finish: 'holofoil', product: null, subType: null, group: null },
  { id: 'sv3-87.normal', card_id: 'sv3-87', finish: 'normal', product: 509500, subType: 'Normal', group: 23228 },
  {
    id: 'sv3-87.reverse-holofoil',
    card_id: 'sv3-87',
    finish: 'reverse-holofoil',
    product: 509500,
    subType: 'Reverse Holofoil',
    group: 23228,
  },
  { id: 'sv3pt5-25.normal', card_id: 'sv3pt5-25', finish: 'normal', product: 502566, subType: 'Normal', group: 23237 },
  {
    id: 'sv3pt5-25.reverse-holofoil',
    card_id: 'sv3pt5-25',
    finish: 'reverse-holofoil',
    product: 502566,
    subType: 'Reverse Holofoil',
    group: 23237,
  },
  {
    id: 'sv3pt5-6.holofoil',
    card_id: 'sv3pt5-6',
    finish: 'holofoil',
    product: 502551,
    subType: 'Holofoil',
    group: 23237,
  },
];

/** A product only the listing knows: it links product 512000 to sv3-223, whose printing has no product id. */
export const LISTED_ONLY_PRODUCT = 512000;

/**
 * Writes the catalogue; `card_terms` of every card as the read-models step writes them (the
 * words of its name and its number, with its name sort key and kind), so diacritic-free names
 * are found.
 */
export async function seedCollectionCatalogue(db: Kysely<Tables>): Promise<void> {
  await db
    .insertInto('tcgplayer_groups')
    .values(GROUPS.map((g) => ({ ...g, published_on: null, updated_at: NOW })))
    .execute();
  await db
    .insertInto('sets')
    .values(
      SETS.map((s) => ({
        ...s,
        game: 'pokemon',
        era: null,
        printed_total: null,
        total: null,
        release_date: null,
        language: 'en',
        images: null,
        tcgdex_set_id: null,
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('cards')
    .values(
      CARDS.map((c) => ({
        ...c,
        kind: 'card' as const,
        supertype: 'Pokémon',
        subtypes: null,
        types: null,
        rarity: null,
        hp: null,
        artist: null,
        language: 'en',
        images: null,
        pokemontcg_id: null,
        tcgdex_id: null,
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(
      PRINTINGS.map((p) => ({
        id: p.id,
        card_id: p.card_id,
        finish: p.finish,
        language: 'en',
        tcgplayer_product_id: p.product,
        tcgplayer_sub_type: p.subType,
        cardmarket_product_id: null,
        created_at: NOW,
        tcgplayer_group_id: p.group,
        product_line: p.line ?? null,
      })),
    )
    .execute();
  await db
    .insertInto('tcgplayer_products')
    .values({
      product_id: LISTED_ONLY_PRODUCT,
      group_id: 23228,
      name: 'Charizard ex - 223/197',
      number: '223/197',
      card_id: 'sv3-223',
      kind: 'card',
      feed: 'tcgcsv',
      updated_at: NOW,
    })
    .execute();
  await db
    .insertInto('card_terms')
    .values(
      CARDS.flatMap((c) =>
        cardTerms(c.name, c.number).map((term) => ({ term, card_id: c.id, k_name: fold(c.name), kind: 'card' })),
      ),
    )
    .execute();
}
