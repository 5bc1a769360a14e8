/**
 * Row types of the tables, as Kysely sees them. The migration files are the schema; this file
 * mirrors them for the type checker. Instants are ISO-8601 UTC strings in both dialects.
 */
export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: string;
}

export type PrincipalKind = 'system' | 'service' | 'user' | 'portfolio';

export interface PrincipalsTable {
  id: string;
  kind: PrincipalKind;
  name: string;
  created_at: string;
}

export type Role = 'viewer' | 'operator' | 'admin';

export interface ApiKeysTable {
  id: string;
  owner_id: string;
  name: string;
  /** First characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  key_hash: string;
  role: Role;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  ip: string | null;
  result: 'success' | 'failure';
  /** JSON object with action-specific facts; never secrets. */
  detail: string | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  route: string;
  key: string;
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface ScheduledRunsTable {
  job: string;
  slot: string;
  instance: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
}

export interface Tables {
  schema_migrations: SchemaMigrationsTable;
  principals: PrincipalsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_runs: ScheduledRunsTable;
}
