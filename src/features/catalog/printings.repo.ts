/**
 * Queries about the TCGplayer group behind each printing: group names, the group a set's own
 * product is sold under, product lines (catalog/product-lines.ts), and where the recorded groups
 * disagree (docs/METHODS.md, "Headline printing").
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { productLineOf, type ProductLine } from './product-lines.ts';

/** Statement size for `in (…)` lists. */
const CHUNK = 500;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/**
 * The group whose products the price rows of a set's cards arrive from most often, per set
 * (ties: the lowest group id). Used for sets without a recorded `tcgplayer_group_id`.
 */
export async function arrivingGroups(
  db: Kysely<Tables>,
  setIds?: string[],
): Promise<Map<string, { groupId: number; printings: number }[]>> {
  const run = (ids: string[] | null) => {
    let q = db
      .selectFrom('printings as p')
      .innerJoin('cards as c', 'c.id', 'p.card_id')
      .select((eb) => ['c.set_id', 'p.tcgplayer_group_id', eb.fn.countAll<number>().as('n')])
      .where('p.tcgplayer_group_id', 'is not', null)
      .groupBy(['c.set_id', 'p.tcgplayer_group_id']);
    if (ids) q = q.where('c.set_id', 'in', ids);
    return q.execute();
  };
  const rows = setIds ? (await Promise.all(chunks(setIds).map(run))).flat() : await run(null);
  const out = new Map<string, { groupId: number; printings: number }[]>();
  for (const r of rows) {
    const list = out.get(r.set_id) ?? [];
    list.push({ groupId: Number(r.tcgplayer_group_id), printings: Number(r.n) });
    out.set(r.set_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.printings - a.printings || a.groupId - b.groupId);
  return out;
}

/** The set's own group: the recorded one, else the one most of its printings arrive from. */
export function ownGroup(recorded: number | null, arriving: { groupId: number }[] | undefined): number | null {
  return recorded ?? arriving?.[0]?.groupId ?? null;
}

/**
 * (Re)computes `printings.product_line` of the printings with a known group (all, or those of
 * `keys`) and writes the ones that changed. Where neither the group's nor the product's name says
 * a line (`other`), a line named for the product in `hints` (a cross-walk's edition), else the
 * specific line stored before, is kept. Returns how many changed.
 */
export async function assignProductLines(
  db: Kysely<Tables>,
  keys?: number[],
  hints: ReadonlyMap<number, ProductLine> = new Map(),
): Promise<number> {
  return applyProductLines(db, await planProductLines(db, keys, hints));
}

/** The product-line changes `assignProductLines` would write: line → printing keys (reads only). */
export async function planProductLines(
  db: Kysely<Tables>,
  keys?: number[],
  hints: ReadonlyMap<number, ProductLine> = new Map(),
): Promise<Map<string | null, number[]>> {
  const select = (list: number[] | null) => {
    let q = db
      .selectFrom('printings as p')
      .innerJoin('cards as c', 'c.id', 'p.card_id')
      .innerJoin('sets as s', 's.id', 'c.set_id')
      .leftJoin('tcgplayer_groups as g', 'g.group_id', 'p.tcgplayer_group_id')
      .leftJoin('tcgplayer_products as tp', 'tp.product_id', 'p.tcgplayer_product_id')
      .select([
        'p.key',
        'p.tcgplayer_group_id',
        'p.tcgplayer_product_id',
        'p.product_line',
        'c.set_id',
        's.tcgplayer_group_id as set_group',
        'g.name as group_name',
        'tp.name as product_name',
      ])
      .where('p.tcgplayer_group_id', 'is not', null);
    if (list) q = q.where('p.key', 'in', list);
    return q.execute();
  };
  const rows = keys ? (await Promise.all(chunks([...new Set(keys)]).map(select))).flat() : await select(null);
  const changes = new Map<string | null, number[]>();
  if (rows.length === 0) return changes;
  const unrecorded = [...new Set(rows.filter((r) => r.set_group === null).map((r) => r.set_id))];
  const arriving = unrecorded.length > 0 ? await arrivingGroups(db, unrecorded) : new Map();
  for (const r of rows) {
    let line = productLineOf({
      groupId: r.tcgplayer_group_id,
      setGroupId: ownGroup(r.set_group, arriving.get(r.set_id)),
      groupName: r.group_name,
      productName: r.product_name,
    });
    if (line === 'other')
      line =
        hints.get(Number(r.tcgplayer_product_id)) ??
        (r.product_line && r.product_line !== 'other' ? (r.product_line as ProductLine) : 'other');
    if (line === r.product_line) continue;
    const list = changes.get(line);
    if (list) list.push(Number(r.key));
    else changes.set(line, [Number(r.key)]);
  }
  return changes;
}

/** Writes planned product-line changes (in `db`'s transaction, or a new one); returns how many printings changed. */
export async function applyProductLines(
  db: Kysely<Tables>,
  changes: ReadonlyMap<string | null, number[]>,
): Promise<number> {
  let n = 0;
  await inTransaction(db, async (trx) => {
    for (const [line, list] of changes) {
      for (const chunk of chunks(list)) {
        await trx.updateTable('printings').set({ product_line: line }).where('key', 'in', chunk).execute();
        n += chunk.length;
      }
    }
  });
  return n;
}

/** Fills `tcgplayer_group_id` of printings where it is still null (ids and recorded groups never change). */
export async function fillPrintingGroups(db: Kysely<Tables>, fills: Map<number, number>): Promise<void> {
  if (fills.size === 0) return;
  const byGroup = new Map<number, number[]>();
  for (const [key, group] of fills) byGroup.set(group, [...(byGroup.get(group) ?? []), key]);
  await db.transaction().execute(async (trx) => {
    for (const [group, keys] of byGroup) {
      for (const chunk of chunks(keys)) {
        await trx
          .updateTable('printings')
          .set({ tcgplayer_group_id: group })
          .where('key', 'in', chunk)
          .where('tcgplayer_group_id', 'is', null)
          .execute();
      }
    }
  });
}

export interface GroupWarning {
  kind: 'set_group_not_arriving' | 'listed_group_differs';
  /** The set, or the printing, the warning is about. */
  subject: string;
  recorded: number;
  arriving: number[];
}

/**
 * Where a recorded group disagrees with the groups price rows arrive from: a set whose recorded
 * `tcgplayer_group_id` none of its priced printings was sold under, and a printing whose product
 * a listing or cross-walk (`tcgplayer_products.group_id`) places in another group.
 */
export async function groupWarnings(db: Kysely<Tables>): Promise<GroupWarning[]> {
  const [sets, arriving, listed] = await Promise.all([
    db.selectFrom('sets').select(['id', 'tcgplayer_group_id']).where('tcgplayer_group_id', 'is not', null).execute(),
    arrivingGroups(db),
    db
      .selectFrom('printings as p')
      .innerJoin('tcgplayer_products as tp', 'tp.product_id', 'p.tcgplayer_product_id')
      .select(['p.id', 'p.tcgplayer_group_id', 'tp.group_id'])
      .where('p.tcgplayer_group_id', 'is not', null)
      .where('tp.group_id', 'is not', null)
      .whereRef('tp.group_id', '<>', 'p.tcgplayer_group_id')
      .orderBy('p.id')
      .execute(),
  ]);
  const out: GroupWarning[] = [];
  for (const s of sets) {
    const groups = arriving.get(s.id);
    if (groups && groups.length > 0 && !groups.some((g) => g.groupId === s.tcgplayer_group_id)) {
      out.push({
        kind: 'set_group_not_arriving',
        subject: s.id,
        recorded: Number(s.tcgplayer_group_id),
        arriving: groups.map((g) => g.groupId),
      });
    }
  }
  for (const p of listed)
    out.push({
      kind: 'listed_group_differs',
      subject: p.id,
      recorded: Number(p.group_id),
      arriving: [Number(p.tcgplayer_group_id)],
    });
  return out;
}

/** Each card's set's recorded TCGplayer group (null when the set has none). */
export function setGroupsOfCards(db: Kysely<Tables>): Promise<{ id: string; tcgplayer_group_id: number | null }[]> {
  return db
    .selectFrom('cards as c')
    .innerJoin('sets as s', 's.id', 'c.set_id')
    .select(['c.id', 's.tcgplayer_group_id'])
    .execute();
}

/** Every printing's id, finish and product line (what a card summary's headline names). */
export function printingLabels(
  db: Kysely<Tables>,
): Promise<{ key: number; id: string; finish: string; product_line: string | null }[]> {
  return db.selectFrom('printings').select(['key', 'id', 'finish', 'product_line']).execute();
}

/** Every printing's identity (card, finish, TCGplayer product, sub-type and group), in key order. */
export function printingIdentities(db: Kysely<Tables>) {
  return db
    .selectFrom('printings')
    .select(['key', 'id', 'card_id', 'finish', 'tcgplayer_product_id', 'tcgplayer_sub_type', 'tcgplayer_group_id'])
    .orderBy('key')
    .execute();
}

/** Gives a product-less printing its TCGplayer product (and group, when known). */
export async function adoptProduct(
  db: Kysely<Tables>,
  key: number,
  product: { productId: number; subType: string; groupId: number | null },
): Promise<void> {
  await db
    .updateTable('printings')
    .set({
      tcgplayer_product_id: product.productId,
      tcgplayer_sub_type: product.subType,
      ...(product.groupId ? { tcgplayer_group_id: product.groupId } : {}),
    })
    .where('key', '=', key)
    .execute();
}

export interface NewPrinting {
  id: string;
  cardId: string;
  finish: string;
  productId: number | null;
  subType: string | null;
  groupId: number | null;
}

/** Inserts printings in chunks (9 columns × 500 stay under the bound-parameter limits); returns id → key. */
export async function insertPrintings(
  db: Kysely<Tables>,
  printings: NewPrinting[],
  createdAt: string,
): Promise<Map<string, number>> {
  const keyOf = new Map<string, number>();
  for (const chunk of chunks(printings)) {
    const rows = await db
      .insertInto('printings')
      .values(
        chunk.map((p) => ({
          id: p.id,
          card_id: p.cardId,
          finish: p.finish,
          language: 'en',
          tcgplayer_product_id: p.productId,
          tcgplayer_sub_type: p.subType,
          tcgplayer_group_id: p.groupId,
          cardmarket_product_id: null,
          created_at: createdAt,
        })),
      )
      .returning(['key', 'id'])
      .execute();
    for (const r of rows) keyOf.set(r.id, Number(r.key));
  }
  return keyOf;
}

/** Every TCGplayer product some printing is sold as. */
export async function printedProductIds(db: Kysely<Tables>): Promise<number[]> {
  const rows = await db
    .selectFrom('printings')
    .select('tcgplayer_product_id')
    .distinct()
    .where('tcgplayer_product_id', 'is not', null)
    .execute();
  return rows.map((r) => r.tcgplayer_product_id!);
}
