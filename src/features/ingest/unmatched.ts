/**
 * A run's unmatched products, as the operator acts on them: product id, group, what the listing
 * says (name, number), the reason and row count, and a suggested card — the catalogue card of the
 * same number in the set(s) of the product's group, the one of the same name first — so
 * `cardquant mapping add --product ID --card CARD` needs no guessing.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { NotFound, ValidationFailed } from '../../platform/errors.ts';
import { loadGroups } from '../catalog/listings.repo.ts';
import { CardIndex, cardNumberKey, nameKey } from './sources/crosswalk.ts';
import { listUnmatched, runExists, setGroupFacts } from './unmatched.repo.ts';

export interface UnmatchedItem {
  product_id: number;
  group_id: number | null;
  group_name: string | null;
  name: string | null;
  number: string | null;
  reason: string;
  rows: number;
  suggested_card: { id: string; name: string; set_id: string } | null;
}

export interface UnmatchedRequest {
  runId: string;
  reason?: string;
  /** A set id: only products of the TCGplayer group(s) that set is sold under. */
  set?: string;
  afterProductId?: number;
  limit: number;
}

/** The groups a set is sold under: its recorded group, and groups whose abbreviation is its PTCGO code. */
async function groupsOfSet(db: Kysely<Tables>, setId: string): Promise<number[]> {
  const set = await setGroupFacts(db, setId);
  if (!set) throw new ValidationFailed([{ field: 'set', message: `no set ${setId} in the catalogue` }]);
  const ids = new Set<number>();
  if (set.tcgplayer_group_id !== null) ids.add(set.tcgplayer_group_id);
  if (set.ptcgo_code) {
    for (const g of (await loadGroups(db)).values())
      if (g.abbreviation?.toUpperCase() === set.ptcgo_code.toUpperCase()) ids.add(g.groupId);
  }
  return [...ids];
}

/**
 * One page of a run's unmatched products (`limit + 1` rows fetched: `more` says whether another
 * page exists). An unknown run is a 404.
 *
 * @example
 * const { items } = await unmatchedProducts(db, { runId: 'run_01…', reason: 'unmapped_product', limit: 50 });
 */
export async function unmatchedProducts(
  db: Kysely<Tables>,
  req: UnmatchedRequest,
): Promise<{ items: UnmatchedItem[]; more: boolean }> {
  if (!(await runExists(db, req.runId))) throw new NotFound('ingestion_run', req.runId);
  const groupIds = req.set === undefined ? undefined : await groupsOfSet(db, req.set);
  const rows = await listUnmatched(db, {
    runId: req.runId,
    reason: req.reason,
    groupIds,
    afterProductId: req.afterProductId,
    limit: req.limit + 1,
  });
  const more = rows.length > req.limit;
  const page = rows.slice(0, req.limit);
  const groups = await loadGroups(db);
  const index = await CardIndex.load(db);
  const items: UnmatchedItem[] = [];
  for (const r of page) {
    let suggested: UnmatchedItem['suggested_card'] = null;
    if (r.number && r.group_id !== null) {
      const g = groups.get(r.group_id);
      const key = cardNumberKey(r.number);
      const found: { id: string; name: string; set_id: string }[] = [];
      for (const set of index.setsFor({ groupId: r.group_id, abbreviation: g?.abbreviation ?? null })) {
        for (const c of (await index.cards(set.id)).get(key) ?? [])
          found.push({ id: c.id, name: c.name, set_id: set.id });
      }
      const wanted = r.name ? nameKey(r.name) : '';
      suggested = found.find((c) => nameKey(c.name) === wanted) ?? found[0] ?? null;
    }
    items.push({
      product_id: Number(r.product_id),
      group_id: r.group_id === null ? null : Number(r.group_id),
      group_name: r.group_name ?? null,
      name: r.name ?? null,
      number: r.number ?? null,
      reason: r.reason,
      rows: Number(r.rows),
      suggested_card: suggested,
    });
  }
  return { items, more };
}
