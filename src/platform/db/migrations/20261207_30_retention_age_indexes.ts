// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Retention (docs/RUNBOOK.md, "Retention") deletes the oldest rows of each growing table first, in
 * batches, and the scrape reads each table's oldest row: an index on each table's age column makes
 * both a seek where there was none (tables whose primary key or an index already starts with it
 * need nothing: request_rollups, idempotency_keys, ingestion_runs).
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  const indexes: [name: string, table: string, column: string][] = [
    ['audit_log_at_idx', 'audit_log', 'at'],
    ['pipeline_runs_started_idx', 'pipeline_runs', 'started_at'],
    ['scheduled_runs_started_idx', 'scheduled_runs', 'started_at'],
    ['ingestion_payloads_created_idx', 'ingestion_payloads', 'created_at'],
    ['anomalies_resolved_idx', 'anomalies', 'resolved_at'],
    ['deliveries_updated_idx', 'deliveries', 'updated_at'],
    ['alert_firings_fired_idx', 'alert_firings', 'fired_at'],
    ['email_events_received_idx', 'email_events', 'received_at'],
  ];
  for (const [name, table, column] of indexes) await db.schema.createIndex(name).on(table).column(column).execute();
}
