// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Service level objectives (docs/OBSERVABILITY.md): per-route objectives overriding the default,
 * per-minute samples of the SLIs that are states rather than requests (pipeline deadline, data
 * freshness per market), and the alert state per SLO and severity that de-duplicates firing and
 * resolve events.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('slo_objectives')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    /** Fraction of requests answered without a server error (0.999). */
    .addColumn('availability_target', 'double precision', (c) => c.notNull())
    /** A bound of SLO_LATENCY_BUCKETS_SECONDS. */
    .addColumn('latency_threshold_seconds', 'double precision', (c) => c.notNull())
    /** Fraction of requests answered within the threshold (0.99). */
    .addColumn('latency_target', 'double precision', (c) => c.notNull())
    /** 1: evaluated; 0: the route has no SLO (not even the default). */
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('slo_objectives_pk', ['route', 'method'])
    .execute();
  await db.schema
    .createTable('slo_samples')
    /** The minute's start, an ISO instant. */
    .addColumn('minute', 'text', (c) => c.notNull())
    /** The SLO's name (`pipeline:deadline`, `freshness:<market>`). */
    .addColumn('slo', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('bad', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('slo_samples_pk', ['minute', 'slo'])
    .execute();
  await db.schema
    .createTable('slo_alerts')
    .addColumn('slo', 'text', (c) => c.notNull())
    /** `page` or `ticket`. */
    .addColumn('severity', 'text', (c) => c.notNull())
    /** 1 while the condition holds. */
    .addColumn('firing', 'integer', (c) => c.notNull())
    /** When the current firing started (null when resolved). */
    .addColumn('since', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('slo_alerts_pk', ['slo', 'severity'])
    .execute();
}
