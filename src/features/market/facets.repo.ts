/** Reads of the set summary and the rarity / type facet counts (both built by the derive step). */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** Up to `limit` set summaries in release order, after the keyset `(k_release, set_id)`. */
export function listSetSummaries(db: Kysely<Tables>, limit: number, after: { k: string; id: string } | null) {
  let query = db.selectFrom('set_summary').selectAll();
  if (after) query = query.where((eb) => eb(eb.refTuple('k_release', 'set_id'), '>', eb.tuple(after.k, after.id)));
  return query.orderBy('k_release').orderBy('set_id').limit(limit).execute();
}

export function findSetSummary(db: Kysely<Tables>, setId: string) {
  return db.selectFrom('set_summary').selectAll().where('set_id', '=', setId).executeTakeFirst();
}

/** Up to `limit` values of one facet by id, after `afterId`. */
export function listFacet(db: Kysely<Tables>, facet: 'rarity' | 'type', limit: number, afterId: string | null) {
  let query = db.selectFrom('facet_counts').select(['id', 'name', 'cards', 'priced_cards']).where('facet', '=', facet);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}
