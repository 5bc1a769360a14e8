// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Shared rate-limit counters for `RATE_LIMIT_STORE=postgres` (docs/RUNBOOK.md, "Rate limits"):
 * the table rate-limiter-flexible's PostgreSQL store reads and upserts, created here so the
 * library never creates tables at run time. One row per policy and caller (`anonymous:198.51.100.7`),
 * its points spent in the current window and the window's end (milliseconds since the epoch);
 * rows an hour past their end are deleted by the store every five minutes. SQLite gets the same
 * table for one schema on both dialects; nothing uses it there (processes of one machine share
 * counters through the `serve --processes` primary instead).
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}
