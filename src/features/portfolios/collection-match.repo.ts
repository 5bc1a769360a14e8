/**
 * Catalogue look-ups of a collection import: every candidate printing of all rows in a few
 * statements (by TCGplayer product id, by set and number, by name), never one per row.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** Statement size for `in (…)` lists. */
const CHUNK = 500;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/** A printing that a row may be, with what a report shows of it. */
export interface CandidatePrinting {
  key: number;
  id: string;
  card_id: string;
  finish: string;
  tcgplayer_product_id: number | null;
  tcgplayer_group_id: number | null;
  product_line: string | null;
  card_name: string;
  set_id: string;
  set_name: string;
  number: string;
}

function candidates(db: Kysely<Tables>) {
  return db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .innerJoin('sets as s', 's.id', 'c.set_id')
    .select([
      'p.key',
      'p.id',
      'p.card_id',
      'p.finish',
      'p.tcgplayer_product_id',
      'p.tcgplayer_group_id',
      'p.product_line',
      'c.name as card_name',
      'c.set_id',
      's.name as set_name',
      'c.number',
    ]);
}

/** Numbers come back as strings from some drivers' bigint columns; keys and ids are compared as numbers. */
function normalise<T extends CandidatePrinting>(rows: T[]): T[] {
  for (const r of rows) {
    r.key = Number(r.key);
    if (r.tcgplayer_product_id !== null) r.tcgplayer_product_id = Number(r.tcgplayer_product_id);
    if (r.tcgplayer_group_id !== null) r.tcgplayer_group_id = Number(r.tcgplayer_group_id);
  }
  return rows;
}

/** Every set with the names and codes a collection export may call it by. */
export function setNames(db: Kysely<Tables>) {
  return db.selectFrom('sets').select(['id', 'name', 'ptcgo_code', 'tcgplayer_group_id']).execute();
}

/** Every TCGplayer group with its name and abbreviation. */
export function groupNames(db: Kysely<Tables>) {
  return db.selectFrom('tcgplayer_groups').select(['group_id', 'name', 'abbreviation']).execute();
}

/**
 * The printings sold as the given TCGplayer products, and — for products no printing carries yet —
 * the product-less printings of the card the product listing links the product to
 * (`listed_product_id` says which product brought them).
 */
export async function printingsByProduct(
  db: Kysely<Tables>,
  productIds: readonly number[],
): Promise<{ sold: CandidatePrinting[]; listed: (CandidatePrinting & { listed_product_id: number })[] }> {
  const sold: CandidatePrinting[] = [];
  const listed: (CandidatePrinting & { listed_product_id: number })[] = [];
  for (const ids of chunks(productIds)) {
    sold.push(...(await candidates(db).where('p.tcgplayer_product_id', 'in', ids).execute()));
    const rows = await candidates(db)
      .innerJoin('tcgplayer_products as tp', 'tp.card_id', 'p.card_id')
      .select('tp.product_id as listed_product_id')
      .where('tp.product_id', 'in', ids)
      .where('p.tcgplayer_product_id', 'is', null)
      .execute();
    listed.push(...rows.map((r) => ({ ...r, listed_product_id: Number(r.listed_product_id) })));
  }
  return { sold: normalise(sold), listed: normalise(listed) };
}

/**
 * The printings of cards numbered one of `numbers` (lower case, as stored spellings may be) in the
 * given sets, or sold under the given TCGplayer groups.
 */
export async function printingsBySetAndNumber(
  db: Kysely<Tables>,
  scope: { setIds: readonly string[]; groupIds: readonly number[] },
  numbers: readonly string[],
): Promise<CandidatePrinting[]> {
  if (numbers.length === 0 || (scope.setIds.length === 0 && scope.groupIds.length === 0)) return [];
  const out: CandidatePrinting[] = [];
  for (const list of chunks(numbers)) {
    const rows = await candidates(db)
      .where((eb) => {
        const inScope = [];
        if (scope.setIds.length > 0) inScope.push(eb('c.set_id', 'in', [...scope.setIds]));
        if (scope.groupIds.length > 0) inScope.push(eb('p.tcgplayer_group_id', 'in', [...scope.groupIds]));
        return eb.and([eb.or(inScope), eb(eb.fn('lower', ['c.number']), 'in', list)]);
      })
      .execute();
    out.push(...rows);
  }
  return normalise(out);
}

/**
 * The printings of cards whose name is one of `lowerNames` (compared in lower case), or that have
 * one of `terms` among their search terms (card_terms, so names written without their diacritics
 * are found too); the caller compares the names exactly.
 */
export async function printingsByName(
  db: Kysely<Tables>,
  lowerNames: readonly string[],
  terms: readonly string[],
): Promise<CandidatePrinting[]> {
  const out: CandidatePrinting[] = [];
  const rounds = Math.max(Math.ceil(lowerNames.length / CHUNK), Math.ceil(terms.length / CHUNK));
  for (let i = 0; i < rounds; i++) {
    const names = lowerNames.slice(i * CHUNK, (i + 1) * CHUNK);
    const words = terms.slice(i * CHUNK, (i + 1) * CHUNK);
    const rows = await candidates(db)
      .where((eb) => {
        const either = [];
        if (names.length > 0) either.push(eb(eb.fn('lower', ['c.name']), 'in', names));
        if (words.length > 0)
          either.push(eb('c.id', 'in', eb.selectFrom('card_terms').select('card_id').where('term', 'in', words)));
        return eb.or(either);
      })
      .execute();
    out.push(...rows);
  }
  return normalise(out);
}
