// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Prints kept out of analytics (docs/METHODS.md, "Flagged prints"): one row per flagged price row,
 * on the grain of `prices`, written by the `quality` step. A price without a row here is used.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const date = dialect === 'postgres' ? 'date' : 'text';
  const withoutRowid = dialect === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema
    .createTable('price_flags')
    .addColumn('printing_key', 'integer', (c) => c.notNull().references('printings.key'))
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('placeholder_price', 'jump', 'return_outlier')`),
    )
    /** The print the step was measured from (jump, return outlier); null for a placeholder. */
    .addColumn('ref_date', date)
    .addPrimaryKeyConstraint('price_flags_pk', ['printing_key', 'market', 'condition', 'currency', 'date'])
    .modifyEnd(withoutRowid)
    .execute();
}
