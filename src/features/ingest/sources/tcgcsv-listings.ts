/**
 * TCGCSV product listings into the product map, for every TCGCSV path: a listing is matched to
 * the catalogue (crosswalk.ts `matchTcgcsvProducts`), its sealed products become catalogue items
 * first, then the map is upserted. Listings stored before the catalogue knew their cards are
 * matched again at the start of every TCGCSV price run and re-match (`relinkListings`).
 */
import type { CardInput } from '../../catalog/catalog-writer.ts';
import type { ProductEntry, ProductMap } from '../../catalog/product-map.ts';
import { loadGroups, unlinkedListings, upsertGroups, type GroupRow } from '../../catalog/listings.repo.ts';
import { catalogWriter, type IngestContext } from '../context.ts';
import type { WriteOutcome } from '../../../shared/run-accounting.ts';
import { CardIndex, matchTcgcsvProducts, type TcgcsvGroup, type TcgcsvProduct } from './crosswalk.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The groups of a `/tcgplayer/3/groups` body's results (entries without a numeric id are skipped). */
export function groupsOf(results: unknown[]): GroupRow[] {
  const out: GroupRow[] = [];
  for (const g of results) {
    if (isObj(g) && typeof g.groupId === 'number' && Number.isSafeInteger(g.groupId) && g.groupId > 0) {
      out.push({
        groupId: g.groupId,
        name: typeof g.name === 'string' ? g.name : '',
        abbreviation: typeof g.abbreviation === 'string' && g.abbreviation.trim() !== '' ? g.abbreviation : null,
        publishedOn: typeof g.publishedOn === 'string' ? g.publishedOn : null,
      });
    }
  }
  return out;
}

/** Remembers groups, so listings can be matched again later by their abbreviation. */
export function storeGroups(ctx: IngestContext, groups: GroupRow[]): Promise<void> {
  return upsertGroups(ctx.database.db, groups, ctx.runs.nowIso());
}

/** Whether a products result is a usable listing (numeric id and a name). */
export function isListing(p: unknown): p is TcgcsvProduct {
  return (
    isObj(p) &&
    typeof p.productId === 'number' &&
    Number.isSafeInteger(p.productId) &&
    p.productId > 0 &&
    typeof p.name === 'string' &&
    p.name.trim() !== ''
  );
}

/**
 * Matches one group's listings, creates its sealed items and upserts the product map.
 *
 * @example
 * const outcome = await storeListings(ctx, { groupId: 604, abbreviation: 'BS' }, products, map, index);
 */
export async function storeListings(
  ctx: IngestContext,
  group: TcgcsvGroup,
  products: TcgcsvProduct[],
  map: ProductMap,
  index: CardIndex,
): Promise<WriteOutcome> {
  const { entries, sealed } = await matchTcgcsvProducts(ctx, group, products, index);
  return apply(ctx, map, entries, sealed);
}

/**
 * Creates the sealed items the entries link to, then upserts the entries. A product the map
 * already links to a single card (a cross-walk row: some card products are listed without a
 * number) keeps that card: a listing without a number never turns a card into a sealed item.
 */
async function apply(
  ctx: IngestContext,
  map: ProductMap,
  entries: ProductEntry[],
  sealed: CardInput[],
): Promise<WriteOutcome> {
  const kept = entries.map((e) =>
    e.kind === 'sealed' && e.cardId !== null && map.linksCard(e.productId) ? { ...e, cardId: null } : e,
  );
  const needed = new Set(kept.filter((e) => e.kind === 'sealed' && e.cardId !== null).map((e) => e.cardId));
  const items = sealed.filter((s) => needed.has(s.id));
  const nowIso = ctx.runs.nowIso();
  // Items first: a product links to a catalogue item that must exist.
  if (items.length > 0) await catalogWriter(ctx).upsertCards(items, nowIso);
  return map.upsert(kept, nowIso);
}

/**
 * Matches the stored listings that link to nothing again (after a catalogue import a listing
 * once `unknown` may find its card, a sealed product its set). Returns how many now link.
 */
export async function relinkListings(ctx: IngestContext, map: ProductMap): Promise<number> {
  const db = ctx.database.db;
  const rows = await unlinkedListings(db);
  if (rows.length === 0) return 0;
  const groups = await loadGroups(db);
  const index = await CardIndex.load(db);
  const byGroup = new Map<number, TcgcsvProduct[]>();
  for (const r of rows) {
    const list = byGroup.get(r.group_id!) ?? [];
    list.push({
      productId: r.product_id,
      name: r.name!,
      groupId: r.group_id!,
      extendedData: r.number ? [{ name: 'Number', value: r.number }] : [],
    });
    byGroup.set(r.group_id!, list);
  }
  let linked = 0;
  for (const [groupId, products] of byGroup) {
    const g = groups.get(groupId);
    const { entries, sealed } = await matchTcgcsvProducts(
      ctx,
      { groupId, name: g?.name ?? '', abbreviation: g?.abbreviation ?? null },
      products,
      index,
    );
    // The map writes only the entries whose link or kind changed.
    await apply(ctx, map, entries, sealed);
    linked += entries.filter((e) => e.cardId !== null).length;
  }
  if (linked > 0) ctx.log.info({ linked }, 'stored product listings linked to the catalogue');
  return linked;
}
