// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

/**
 * The TCGplayer group a printing was sold under and, when that is not its set's own group, its
 * product line ("World Championship Deck", "Jumbo", "Shadowless" …; docs/METHODS.md, "Headline
 * printing"); and the names of TCGplayer groups, which the product lines are read from.
 * Existing printings keep their ids and get their group when their next price row arrives.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('printings').addColumn('tcgplayer_group_id', 'integer').execute();
  await db.schema.alterTable('printings').addColumn('product_line', 'text').execute();

  // The product listings' table of groups, where it is not there yet (same definition).
  await db.schema
    .createTable('tcgplayer_groups')
    .ifNotExists()
    .addColumn('group_id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('abbreviation', 'text')
    .addColumn('published_on', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
