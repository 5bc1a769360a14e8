// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

/**
 * Serialised documents in the read models, so hot reads send stored JSON instead of building
 * objects from dozens of columns per row: each card's list item, each series' card and printing
 * reference (movers), and the dashboard.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('card_summary').addColumn('item', 'text').execute();
  await db.schema.alterTable('latest_prices').addColumn('ref', 'text').execute();
  await db.schema.alterTable('latest_prices').addColumn('rarity_key', 'text').execute();

  await db.schema
    .createTable('dashboard_snapshot')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('built_at', 'text', (c) => c.notNull())
    .execute();
}
