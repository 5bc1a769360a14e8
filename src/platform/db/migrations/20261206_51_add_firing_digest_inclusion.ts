// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * The daily digest (docs/METHODS.md, "Alert conditions") records which digest listed each firing:
 * `alert_firings.digest_delivery_id` is set in the digest's own transaction, so a digest lists the
 * firings no digest has listed yet, whenever they were committed, and never one twice. Plain text,
 * no foreign key: a purged delivery must not make its firings eligible again. A digest also leaves
 * out the firings an e-mail of their own carried: `deliveries_by_firing` finds those by firing.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('alert_firings').addColumn('digest_delivery_id', 'text').execute();
  await db.schema.createIndex('deliveries_by_firing').on('deliveries').column('firing_id').execute();
}
