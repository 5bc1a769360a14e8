/**
 * TCGplayer groups and stored product listings (`tcgplayer_groups`, `tcgplayer_products`): what
 * matching a listing again after a catalogue import needs.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export interface GroupRow {
  groupId: number;
  name: string;
  abbreviation: string | null;
  publishedOn: string | null;
}

/** Inserts or refreshes groups (one statement per 500). */
export async function upsertGroups(db: Kysely<Tables>, groups: GroupRow[], nowIso: string): Promise<void> {
  const unique = [...new Map(groups.map((g) => [g.groupId, g])).values()];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = unique.slice(i, i + 500).map((g) => ({
      group_id: g.groupId,
      name: g.name,
      abbreviation: g.abbreviation,
      published_on: g.publishedOn,
      updated_at: nowIso,
    }));
    await db
      .insertInto('tcgplayer_groups')
      .values(rows)
      .onConflict((oc) =>
        oc.column('group_id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          abbreviation: eb.ref('excluded.abbreviation'),
          published_on: eb.ref('excluded.published_on'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function loadGroups(db: Kysely<Tables>): Promise<Map<number, GroupRow>> {
  const rows = await db
    .selectFrom('tcgplayer_groups')
    .select(['group_id', 'name', 'abbreviation', 'published_on'])
    .execute();
  return new Map(
    rows.map((r) => [
      r.group_id,
      { groupId: r.group_id, name: r.name, abbreviation: r.abbreviation, publishedOn: r.published_on },
    ]),
  );
}

/** Listed TCGCSV products that link to nothing yet but could once the catalogue grows. */
export function unlinkedListings(db: Kysely<Tables>) {
  return db
    .selectFrom('tcgplayer_products')
    .select(['product_id', 'group_id', 'name', 'number', 'kind'])
    .where('card_id', 'is', null)
    .where('kind', 'in', ['unknown', 'unmapped', 'sealed'])
    .where('group_id', 'is not', null)
    .where('name', 'is not', null)
    .orderBy('group_id')
    .orderBy('product_id')
    .execute();
}
