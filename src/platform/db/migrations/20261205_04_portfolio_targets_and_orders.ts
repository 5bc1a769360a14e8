// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * A portfolio's targets (a weight per printing, as a fraction of the portfolio value, or a factor
 * exposure) and its orders: proposed trades toward the targets within a budget, executed (recorded
 * as lots and sales) or cancelled. The trades are a JSON array; money is integer minor units.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('portfolio_targets')
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('weight', 'exposure')`))
    /** A printing id (weight) or a factor name (exposure). */
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('target', real, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_targets_pk', ['portfolio_id', 'kind', 'subject'])
    .execute();

  await db.schema
    .createTable('portfolio_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('proposed', 'executed', 'cancelled')`))
    .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('weight', 'exposure')`))
    .addColumn('budget_minor', money, (c) => c.notNull().check(sql`budget_minor >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('executed_at', 'text')
    .addColumn('cancelled_at', 'text')
    /** JSON array: { printing_key, condition, side, quantity, unit_price_minor, currency, as_of }. */
    .addColumn('trades', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('portfolio_orders_by_portfolio')
    .on('portfolio_orders')
    .columns(['portfolio_id', 'id'])
    .execute();
}
