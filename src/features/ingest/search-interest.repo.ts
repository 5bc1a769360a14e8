/** The `search_interest` table: one value per (card, date, granularity, batch). */
import type { Kysely } from 'kysely';
import type { SearchInterestTable, Tables } from '../../platform/db/schema.ts';

/** Statement size for `in (…)` lists. */
const CHUNK = 500;

/** Which of `ids` are catalogued cards. */
export async function existingCardIds(db: Kysely<Tables>, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('cards')
      .select('id')
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** Stored values of `cardIds` dated `from`..`to` (inclusive). */
export function storedValues(db: Kysely<Tables>, cardIds: string[], from: string, to: string) {
  return db
    .selectFrom('search_interest')
    .select(['card_id', 'date', 'granularity', 'batch', 'value', 'anchor'])
    .where('card_id', 'in', cardIds)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .execute();
}

/** Replaces the value of one stored (card, date, granularity, batch). */
export async function updateValue(db: Kysely<Tables>, r: SearchInterestTable): Promise<void> {
  await db
    .updateTable('search_interest')
    .set({ value: r.value, anchor: r.anchor, feed: r.feed, known_at: r.known_at })
    .where('card_id', '=', r.card_id)
    .where('date', '=', r.date)
    .where('granularity', '=', r.granularity)
    .where('batch', '=', r.batch)
    .execute();
}

export async function insertValues(db: Kysely<Tables>, rows: SearchInterestTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('search_interest').values(rows).execute();
}

/**
 * Whether any search interest is stored, so signals can say whether SVI was used.
 *
 * @example
 * const usedSvi = await hasSearchInterest(database.db);
 */
export async function hasSearchInterest(db: Kysely<Tables>): Promise<boolean> {
  const row = await db.selectFrom('search_interest').select('card_id').limit(1).executeTakeFirst();
  return row !== undefined;
}
