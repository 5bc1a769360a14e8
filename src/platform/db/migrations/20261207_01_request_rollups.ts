// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Per-minute roll-ups of HTTP requests (docs/OBSERVABILITY.md): one row per minute, route
 * template, method, status class and problem code, added to by every process in batches
 * (`requests = requests + excluded.requests`), so objectives hold across replicas and restarts.
 * `le_<N>ms` counts the requests that took at most N milliseconds: the same bounds as the
 * Prometheus histogram's buckets (SLO_LATENCY_BUCKETS_SECONDS), so a latency threshold is one of them.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  let table = db.schema
    .createTable('request_rollups')
    /** The minute's start, an ISO instant (`2026-12-07T04:12:00.000Z`). */
    .addColumn('minute', 'text', (c) => c.notNull())
    /** The route template that answered (`/v1/cards/:id`), or `unmatched`. */
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    /** `2xx` … `5xx`. */
    .addColumn('status_class', 'text', (c) => c.notNull())
    /** The problem `code` of an error answer; '' for an answer that is not a problem. */
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('duration_seconds_sum', 'double precision', (c) => c.notNull());
  for (const ms of [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000])
    table = table.addColumn(`le_${ms}ms`, 'integer', (c) => c.notNull().defaultTo(0));
  await table
    .addPrimaryKeyConstraint('request_rollups_pk', ['minute', 'route', 'method', 'status_class', 'code'])
    .execute();
}
