/**
 * The TCGplayer ⇄ card cross-walk. TCGCSV price rows carry only `productId` + `subTypeName`;
 * they reach a card through the product map, which is filled from two places:
 *
 * - a cross-walk file (`--map`, the format of TCGdex's `tcgplayer_to_pokemontcg.csv`): columns
 *   `tcgplayer_product_id`, `pokemontcg_card_id` and optionally `tcgplayer_group_id`, several rows
 *   per product (one per finish) being normal;
 * - TCGCSV's own product listings (`/tcgplayer/3/{groupId}/products`), matched to the catalogue
 *   by set (group) and card number + name (`matchTcgcsvProducts`).
 *
 * Rules (never guess):
 * - A cross-walk row whose card is not in the catalogue leaves the product unmapped, and the
 *   product is reported in `notInCatalog`. The price adapters reject its rows as
 *   `card_not_in_catalog` — the truthful reason: we know which card the product is, our catalogue
 *   lacks it — rather than `unmapped_product`, which is kept for products nothing links.
 *   Once the catalogue has the card, importing the cross-walk again maps the product.
 * - A product listed for two different cards is left unmapped (`ambiguous`); its rows then stay
 *   `unmapped_product` until an operator override says which card it is.
 * - A TCGCSV product named "… Code Card" is a code card. One without a `Number` is an accessory
 *   when its name says so (sleeves, binder, playmat, deck box …, `ACCESSORY`), else a sealed
 *   product: it becomes a catalogue item of kind `sealed`, id `sealed-tcgplayer-<productId>`
 *   (docs/adr/0011-sealed-products-as-items.md), in the set its group matches; a sealed product
 *   of a group no catalogued set matches stays unlinked (`sealed_product`).
 * - A single card (it has a `Number`) whose set and number + name find exactly one card is that
 *   card; when the group's set has a card of that number but the name differs (or several match)
 *   it is `unmapped` (an operator override links it); when the catalogue has no card of that
 *   number in the group's set (or no set for the group) it is `unknown` (a card the catalogue lacks).
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { Tables } from '../../../platform/db/schema.ts';
import type { CardInput } from '../../catalog/catalog-writer.ts';
import { ProductMap, type ProductEntry } from '../../catalog/product-map.ts';
import { cardSetIds, fillSetGroup, setCodes, singleCardsOfSets } from '../../catalog/catalog.repo.ts';
import { productLineOfName, type ProductLine } from '../../catalog/product-lines.ts';
import type { IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import { slug } from './history-csv.ts';
import type { WriteOutcome } from '../../../shared/run-accounting.ts';

export const CROSSWALK_SOURCE = 'crosswalk';
const UPSERT_CHUNK = 2000;

export interface CrosswalkResult {
  /** Data rows in the file. */
  rows: number;
  /** Rows without a usable product id or card id. */
  skipped: number;
  /** Distinct products in the file. */
  products: number;
  /** Products linked to a catalogue card (the upsert's counts are in `outcome`). */
  mapped: number;
  outcome: WriteOutcome;
  /** productId → the card id the file names, absent from the catalogue. */
  notInCatalog: Map<number, string>;
  /** Products the file lists for more than one card. */
  ambiguous: number[];
  /** Sets whose TCGplayer group was recorded from the file. */
  groupsRecorded: number;
  /** The product map after the upserts (with operator overrides). */
  map: ProductMap;
  /** productId → the edition its `variant_subtype` names (`shadowless` …), for its product line. */
  editions: Map<number, ProductLine>;
}

/** Product ids the cross-walk names a missing card for, and that nothing else maps: reject them as `card_not_in_catalog`. */
export function cardNotInCatalog(result: CrosswalkResult | null): (productId: number) => boolean {
  if (!result || result.notInCatalog.size === 0) return () => false;
  // An operator override that links the product elsewhere wins over the cross-walk.
  return (productId) => {
    const named = result.notInCatalog.get(productId);
    if (named === undefined) return false;
    const found = result.map.lookup(productId);
    return !found.ok || found.cardId === named;
  };
}

const positiveInt = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/**
 * Streams a cross-walk CSV into the product map. The run is only named in log lines: cross-walk
 * rows are not rows of the price run, so they are not counted in it. An unreadable file or a CSV
 * syntax error throws (the price run then fails rather than rejecting every row).
 *
 * @example
 * const xw = await importCrosswalk(ctx, run, '../shared/data/tcgdex/tcgplayer_to_pokemontcg.csv');
 * xw.mapped; // products linked to catalogue cards
 */
export async function importCrosswalk(ctx: IngestContext, run: IngestionRun, file: string): Promise<CrosswalkResult> {
  const db = ctx.database.db;
  const cards = await cardSetIds(db);
  const byProduct = new Map<number, { cardId: string; groupId: number | null } | 'ambiguous'>();
  const groupsOfSet = new Map<string, Set<number>>();
  const editions = new Map<number, ProductLine>();
  let rows = 0;
  let skipped = 0;
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    columns: (header: string[]) => {
      for (const need of ['tcgplayer_product_id', 'pokemontcg_card_id']) {
        if (!header.includes(need)) throw new Error(`cross-walk ${file} has no ${need} column`);
      }
      return header;
    },
  });
  const input = createReadStream(file);
  // `pipe` does not pass on errors: a missing or unreadable file must end the parse with its error.
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  for await (const rec of parser as AsyncIterable<Record<string, string>>) {
    rows++;
    const productId = positiveInt(rec.tcgplayer_product_id);
    const cardId = rec.pokemontcg_card_id?.trim();
    if (!productId || !cardId) {
      skipped++;
      continue;
    }
    const groupId = positiveInt(rec.tcgplayer_group_id);
    const edition = productLineOfName(rec.variant_subtype?.replace(/-/g, ' '));
    if (edition) editions.set(productId, edition);
    const before = byProduct.get(productId);
    if (before === undefined) byProduct.set(productId, { cardId, groupId });
    else if (before !== 'ambiguous' && before.cardId !== cardId) byProduct.set(productId, 'ambiguous');
    else if (before !== 'ambiguous' && before.groupId === null) before.groupId = groupId;
    const setId = cards.get(cardId);
    if (setId && groupId) groupsOfSet.set(setId, (groupsOfSet.get(setId) ?? new Set()).add(groupId));
  }

  const map = await ProductMap.load(db);
  const nowIso = ctx.runs.nowIso();
  const outcome: WriteOutcome = { accepted: 0, updated: 0, unchanged: 0 };
  const notInCatalog = new Map<number, string>();
  const ambiguous: number[] = [];
  let batch: ProductEntry[] = [];
  let mapped = 0;
  const write = async () => {
    const o = await map.upsert(batch, nowIso);
    outcome.accepted += o.accepted;
    outcome.updated += o.updated;
    outcome.unchanged += o.unchanged;
    batch = [];
  };
  for (const [productId, link] of byProduct) {
    if (link === 'ambiguous') ambiguous.push(productId);
    else if (!cards.has(link.cardId)) {
      // Kept in the map too: its rows are rejected `card_not_in_catalog` now, and a re-match
      // after the catalogue gains the card accepts them.
      notInCatalog.set(productId, link.cardId);
      batch.push({ productId, groupId: link.groupId, cardId: link.cardId, kind: 'card', feed: CROSSWALK_SOURCE });
      if (batch.length >= UPSERT_CHUNK) await write();
    } else {
      batch.push({ productId, groupId: link.groupId, cardId: link.cardId, kind: 'card', feed: CROSSWALK_SOURCE });
      mapped++;
      if (batch.length >= UPSERT_CHUNK) await write();
    }
  }
  if (batch.length > 0) await write();
  const groupsRecorded = await recordGroups(db, groupsOfSet, nowIso);
  ctx.log.info(
    {
      runId: run.id,
      file: basename(file),
      rows,
      skipped,
      products: byProduct.size,
      mapped,
      notInCatalog: notInCatalog.size,
      ambiguous: ambiguous.length,
    },
    'cross-walk imported',
  );
  return {
    rows,
    skipped,
    products: byProduct.size,
    mapped,
    outcome,
    notInCatalog,
    ambiguous,
    groupsRecorded,
    map,
    editions,
  };
}

/** Fills `sets.tcgplayer_group_id` where it is empty and the file names exactly one group for the set. */
async function recordGroups(
  db: Kysely<Tables>,
  groupsOfSet: Map<string, Set<number>>,
  nowIso: string,
): Promise<number> {
  let n = 0;
  for (const [setId, groups] of groupsOfSet) {
    if (groups.size !== 1) continue;
    const [groupId] = [...groups];
    if (await fillSetGroup(db, setId, groupId!, nowIso)) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// TCGCSV product listings → cards
// ---------------------------------------------------------------------------------------------

export interface TcgcsvGroup {
  groupId: number;
  name?: string;
  abbreviation?: string | null;
}

export interface TcgcsvProduct {
  productId: number;
  name: string;
  cleanName?: string | null;
  groupId?: number;
  extendedData?: { name: string; value: string }[];
}

/**
 * A card number as both sides can compare it: the part before `/`, upper-case, without leading
 * zeros of its digits.
 *
 * @example
 * cardNumberKey('004/102'); // '4'
 * cardNumberKey('GG01/GG70'); // 'GG1'
 */
export function cardNumberKey(number: string): string {
  const head = number.split('/')[0]!.trim().toUpperCase();
  return head.replace(/^([A-Z]*)0+(?=\d)/, '$1');
}

/**
 * A card or product name for comparison: no accents, ♂/♀ as m/f, without TCGplayer's
 * ` - 004/102` suffix and parenthesised or bracketed notes, only letters and digits.
 *
 * @example
 * nameKey('Pokémon Breeder'); // 'pokemonbreeder'
 * nameKey('Charizard (Black Dot Error)'); // 'charizard'
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/♂/g, ' m')
    .replace(/♀/g, ' f')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, '')
    .replace(/\s+-\s+[A-Za-z]*\d+[A-Za-z]*(\/[A-Za-z]*\d+)?\s*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

interface SetRow {
  id: string;
  ptcgo: string | null;
  groupId: number | null;
}

/** The catalogue as product matching needs it: sets once, each set's cards when first asked. */
export class CardIndex {
  private readonly cardsBySet = new Map<string, Map<string, { id: string; name: string }[]>>();

  private constructor(
    private readonly db: Kysely<Tables>,
    private readonly sets: SetRow[],
  ) {}

  static async load(db: Kysely<Tables>): Promise<CardIndex> {
    const rows = await setCodes(db);
    return new CardIndex(
      db,
      rows.map((r) => ({ id: r.id, ptcgo: r.ptcgo_code?.toUpperCase() ?? null, groupId: r.tcgplayer_group_id })),
    );
  }

  /** Sets a group may hold: those recorded with its id, else those whose PTCGO code is its abbreviation. */
  setsFor(group: TcgcsvGroup): SetRow[] {
    const byGroup = this.sets.filter((s) => s.groupId === group.groupId);
    if (byGroup.length > 0) return byGroup;
    const abbr = group.abbreviation?.trim().toUpperCase();
    return abbr ? this.sets.filter((s) => s.ptcgo === abbr) : [];
  }

  async cards(setId: string): Promise<Map<string, { id: string; name: string }[]>> {
    let byNumber = this.cardsBySet.get(setId);
    if (!byNumber) {
      byNumber = new Map();
      const rows = await singleCardsOfSets(this.db, [setId]);
      for (const r of rows) {
        const key = cardNumberKey(r.number);
        byNumber.set(key, [...(byNumber.get(key) ?? []), { id: r.id, name: r.name }]);
      }
      this.cardsBySet.set(setId, byNumber);
    }
    return byNumber;
  }

  /** Remembers a set's group, here and in the database (only where none was recorded). */
  async recordGroup(setId: string, groupId: number, nowIso: string): Promise<void> {
    const set = this.sets.find((s) => s.id === setId);
    if (!set || set.groupId !== null) return;
    set.groupId = groupId;
    await fillSetGroup(this.db, setId, groupId, nowIso);
  }
}

/** Names of products that are neither cards nor sealed products: supplies and accessories. */
export const ACCESSORY =
  /\b(sleeves?|binders?|playmats?|play mat|deck ?box(es)?|portfolios?|albums?|card case|toploaders?|top loaders?|pages?|storage box|dice|damage counters?)\b/i;

/** The id of the catalogue item a sealed TCGplayer product becomes (ADR 0011). */
export function sealedItemId(productId: number): string {
  return `sealed-tcgplayer-${productId}`;
}

/**
 * Links the products of one TCGCSV group to catalogue cards (see the file comment for the
 * rules) and records the group on the sets it matched. The caller creates the sealed items
 * (`sealed`) and then upserts the entries (`storeListings` does both).
 *
 * @example
 * const { entries } = await matchTcgcsvProducts(ctx, { groupId: 604, abbreviation: 'BS' }, products);
 * await productMap.upsert(entries, nowIso);
 */
export async function matchTcgcsvProducts(
  ctx: IngestContext,
  group: TcgcsvGroup,
  products: TcgcsvProduct[],
  index?: CardIndex,
): Promise<{ setIds: string[]; entries: ProductEntry[]; sealed: CardInput[] }> {
  const idx = index ?? (await CardIndex.load(ctx.database.db));
  const candidates = idx.setsFor(group);
  const matchedSets = new Set<string>();
  const entries: ProductEntry[] = [];
  const sealedProducts: { base: Omit<ProductEntry, 'cardId' | 'kind'>; name: string }[] = [];
  for (const p of products) {
    const number = p.extendedData?.find((e) => e.name === 'Number')?.value?.trim() || null;
    const base = {
      productId: p.productId,
      groupId: p.groupId ?? group.groupId,
      name: p.name,
      number,
      feed: 'tcgcsv',
    };
    if (/code card/i.test(p.name)) {
      entries.push({ ...base, cardId: null, kind: 'code_card' });
      continue;
    }
    if (!number) {
      if (ACCESSORY.test(p.name)) entries.push({ ...base, cardId: null, kind: 'accessory' });
      else sealedProducts.push({ base, name: p.name });
      continue;
    }
    const key = cardNumberKey(number);
    const wanted = nameKey(p.name);
    const hits: { id: string; setId: string }[] = [];
    let sameNumber = 0;
    for (const set of candidates) {
      for (const c of (await idx.cards(set.id)).get(key) ?? []) {
        sameNumber++;
        if (nameKey(c.name) === wanted) hits.push({ id: c.id, setId: set.id });
      }
    }
    if (hits.length === 1) {
      matchedSets.add(hits[0]!.setId);
      entries.push({ ...base, cardId: hits[0]!.id, kind: 'card' });
    } else {
      entries.push({ ...base, cardId: null, kind: sameNumber > 0 ? 'unmapped' : 'unknown' });
    }
  }
  // Sealed items go into the set the group's cards matched, else the group's only (or first) set.
  const home = [...matchedSets].sort()[0] ?? candidates.map((c) => c.id).sort()[0];
  const sealed: CardInput[] = [];
  for (const { base, name } of sealedProducts) {
    if (home === undefined) {
      entries.push({ ...base, cardId: null, kind: 'sealed' });
      continue;
    }
    const id = sealedItemId(base.productId);
    sealed.push({ id, setId: home, number: slug(name) || String(base.productId), name, kind: 'sealed' });
    entries.push({ ...base, cardId: id, kind: 'sealed' });
  }
  const nowIso = ctx.runs.nowIso();
  for (const setId of matchedSets) await idx.recordGroup(setId, group.groupId, nowIso);
  return { setIds: [...matchedSets], entries, sealed };
}
