// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

/**
 * Ingestion runs count the placeholder fields (999, 9999 … "high" listings) the acceptance rules
 * dropped from otherwise good rows (the rows themselves are counted as accepted, so this number
 * is beside the accounting, not part of it), and name their first rejected rows: where, the
 * reason, and the field and value at fault (a JSON array, bounded).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ingestion_runs')
    .addColumn('dropped_placeholder_fields', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('ingestion_runs')
    .addColumn('rejected_examples', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
