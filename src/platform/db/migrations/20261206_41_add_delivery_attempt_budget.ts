// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Redelivery (docs/DELIVERY.md, "Redeliver and redrive"): an operator may queue a delivery again
 * with a fresh attempt budget while its id — the `webhook-id` — and its attempt numbers continue.
 * `attempts` keeps counting every attempt ever made; `budget_start` is the count when the current
 * budget began (0 until the first redelivery), so the worker gives up after
 * `attempts - budget_start` reaches DELIVERY_MAX_ATTEMPTS. `redeliveries` counts the requeues.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('deliveries')
    .addColumn('budget_start', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('deliveries')
    .addColumn('redeliveries', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Lists of dead letters by when they died (redrive), newest first.
  await db.schema
    .createIndex('deliveries_by_status_updated')
    .on('deliveries')
    .columns(['status', 'updated_at'])
    .execute();
}
