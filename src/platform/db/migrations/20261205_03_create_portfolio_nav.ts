// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Daily NAV snapshots of portfolios (docs/METHODS.md, "Portfolio NAV"), written by the
 * `portfolio-nav` pipeline step: one row per portfolio and market date, in the portfolio's base
 * currency. Holdings without a price are counted in `unpriced` and left out of `value_minor`,
 * never valued at 0 unannounced.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const date = dialect === 'postgres' ? 'date' : 'text';
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const withoutRowid = dialect === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema
    .createTable('portfolio_nav')
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('value_minor', bigint, (c) => c.notNull())
    .addColumn('cost_minor', bigint, (c) => c.notNull())
    .addColumn('flow_minor', bigint, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('priced', 'integer', (c) => c.notNull().check(sql`priced >= 0`))
    .addColumn('unpriced', 'integer', (c) => c.notNull().check(sql`unpriced >= 0`))
    .addColumn('computed_at', 'text', (c) => c.notNull())
    /** The portfolio's revision the snapshot was computed from: current while it still is. */
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_nav_pk', ['portfolio_id', 'date'])
    .modifyEnd(withoutRowid)
    .execute();
}
