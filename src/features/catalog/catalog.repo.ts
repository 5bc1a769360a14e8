/**
 * Catalogue look-ups the upstream adapters match their rows against: sets by their codes, cards by
 * set and number, and what is stored before a merge.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** Statement size for `in (…)` lists. */
const CHUNK = 500;

/** Every set with the codes upstream feeds name it by. */
export function setCodes(db: Kysely<Tables>) {
  return db.selectFrom('sets').select(['id', 'name', 'ptcgo_code', 'tcgdex_set_id', 'tcgplayer_group_id']).execute();
}

/** The set of every card. */
export async function cardSetIds(db: Kysely<Tables>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('cards').select(['id', 'set_id']).execute();
  return new Map(rows.map((c) => [c.id, c.set_id]));
}

/** The single cards (not sealed items) of the given sets. */
export function singleCardsOfSets(db: Kysely<Tables>, setIds: string[]) {
  if (setIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('cards')
    .select(['id', 'set_id', 'number', 'name'])
    .where('kind', '=', 'card')
    .where('set_id', 'in', setIds)
    .execute();
}

/** Records a set's TCGplayer group where none is recorded; returns whether it did. */
export async function fillSetGroup(
  db: Kysely<Tables>,
  setId: string,
  groupId: number,
  nowIso: string,
): Promise<boolean> {
  const res = await db
    .updateTable('sets')
    .set({ tcgplayer_group_id: groupId, updated_at: nowIso })
    .where('id', '=', setId)
    .where('tcgplayer_group_id', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The stored fields of a set that a TCGdex merge defers to. */
export function storedSetFacts(db: Kysely<Tables>, setId: string) {
  return db
    .selectFrom('sets')
    .select(['name', 'era', 'printed_total', 'total', 'release_date'])
    .where('id', '=', setId)
    .executeTakeFirst();
}

/** The stored fields of cards that a TCGdex merge defers to, by id. */
export async function storedCardFacts(db: Kysely<Tables>, ids: string[]) {
  const out = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('cards')
        .select(['id', 'name', 'number', 'supertype', 'types', 'rarity', 'hp', 'artist', 'pokemontcg_id'])
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute()),
    );
  }
  return out;
}
