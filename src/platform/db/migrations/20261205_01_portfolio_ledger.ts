// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * The portfolio ledger: a portfolio's settings (base currency, cost method, which market and price
 * field value it), its purchase lots and its sales. Money is integer minor units of the row's own
 * currency; quantities are whole copies. `revision` is bumped as the first statement of every
 * mutating transaction, which serialises the writers of one portfolio on both dialects (a row lock
 * on PostgreSQL, the write lock on SQLite) so two sales can never both pass the holding check.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const date = dialect === 'postgres' ? 'date' : 'text';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .alterTable('portfolios')
    .addColumn('base_currency', 'text', (c) => c.notNull().defaultTo('USD'))
    .execute();
  await db.schema
    .alterTable('portfolios')
    .addColumn('cost_method', 'text', (c) =>
      c
        .notNull()
        .defaultTo('fifo')
        .check(sql`cost_method in ('fifo', 'average')`),
    )
    .execute();
  await db.schema
    .alterTable('portfolios')
    .addColumn('preferred_market', 'text', (c) => c.notNull().defaultTo('tcgplayer'))
    .execute();
  await db.schema
    .alterTable('portfolios')
    .addColumn('price_field', 'text', (c) =>
      c
        .notNull()
        .defaultTo('market')
        .check(sql`price_field in ('market', 'low')`),
    )
    .execute();
  await db.schema
    .alterTable('portfolios')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('portfolios').addColumn('updated_at', 'text').execute();

  await db.schema
    .createTable('portfolio_lots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('printing_key', 'integer', (c) => c.references('printings.key'))
    .addColumn('item_name', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('unit_cost_minor', money, (c) => c.notNull().check(sql`unit_cost_minor >= 0`))
    .addColumn('fees_minor', money, (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`fees_minor >= 0`),
    )
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('acquired_on', date, (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull().check(sql`condition in ('NM', 'LP', 'MP', 'HP', 'DMG')`))
    .addColumn('grade_company', 'text')
    .addColumn('grade', 'text')
    .addColumn('note', 'text')
    .addColumn('manual_value_minor', money, (c) => c.check(sql`manual_value_minor >= 0`))
    .addColumn('manual_value_on', date)
    .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('manual', 'import', 'order')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('portfolio_lots_item', sql`printing_key is not null or item_name is not null`)
    .addCheckConstraint('portfolio_lots_grade', sql`(grade_company is null) = (grade is null)`)
    .addCheckConstraint('portfolio_lots_manual', sql`(manual_value_minor is null) = (manual_value_on is null)`)
    .execute();
  await db.schema
    .createIndex('portfolio_lots_by_portfolio')
    .on('portfolio_lots')
    .columns(['portfolio_id', 'acquired_on', 'id'])
    .execute();

  await db.schema
    .createTable('portfolio_sales')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('printing_key', 'integer', (c) => c.references('printings.key'))
    .addColumn('condition', 'text', (c) => c.notNull().check(sql`condition in ('NM', 'LP', 'MP', 'HP', 'DMG')`))
    .addColumn('grade_company', 'text')
    .addColumn('grade', 'text')
    /** An item outside the catalogue is its own holding: its sale names the lot. */
    .addColumn('lot_id', 'text', (c) => c.references('portfolio_lots.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('proceeds_minor', money, (c) => c.notNull().check(sql`proceeds_minor >= 0`))
    .addColumn('fees_minor', money, (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`fees_minor >= 0`),
    )
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('sold_on', date, (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('manual', 'import', 'order')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('portfolio_sales_item', sql`printing_key is not null or lot_id is not null`)
    .addCheckConstraint('portfolio_sales_grade', sql`(grade_company is null) = (grade is null)`)
    .execute();
  await db.schema
    .createIndex('portfolio_sales_by_portfolio')
    .on('portfolio_sales')
    .columns(['portfolio_id', 'sold_on', 'id'])
    .execute();
}
