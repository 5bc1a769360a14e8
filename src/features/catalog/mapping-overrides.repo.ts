/** The `mapping_overrides` table: operator links and rejections of TCGplayer products. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export interface OverrideValues {
  card_id: string | null;
  reject_reason: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
}

export async function cardExists(db: Kysely<Tables>, cardId: string): Promise<boolean> {
  const card = await db.selectFrom('cards').select('id').where('id', '=', cardId).executeTakeFirst();
  return card !== undefined;
}

/** Sets the override of one TCGplayer product, replacing an earlier one. */
export async function saveOverride(
  db: Kysely<Tables>,
  id: string,
  productId: number,
  values: OverrideValues,
): Promise<void> {
  await db
    .insertInto('mapping_overrides')
    .values({ id, source: 'tcgplayer', external_id: String(productId), ...values })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet(values))
    .execute();
}

export async function listOverrides(db: Kysely<Tables>) {
  return db.selectFrom('mapping_overrides').selectAll().orderBy('created_at').execute();
}

/** The TCGplayer overrides by product id, for the product map. */
export async function tcgplayerOverrides(
  db: Kysely<Tables>,
): Promise<{ external_id: string; card_id: string | null; reject_reason: string | null }[]> {
  return db
    .selectFrom('mapping_overrides')
    .select(['external_id', 'card_id', 'reject_reason'])
    .where('source', '=', 'tcgplayer')
    .execute();
}
