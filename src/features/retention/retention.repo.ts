/**
 * Statements of the retention purge (docs/RUNBOOK.md, "Retention"): for each growing table, which
 * rows a policy may delete (its filter), in what order (its age expression, oldest first), and the
 * batch that deletes up to `limit` of them by primary key. Rows that are live or still referenced
 * never match a filter: running runs, pending deliveries, the latest finished run per step or
 * importer, firings a delivery still names, e-mail events a suppression names.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** The tables a retention policy covers (the `table` label of the retention gauges). */
export const RETENTION_TABLES = [
  'audit_log',
  'idempotency_keys',
  'request_rollups',
  'slo_samples',
  'pipeline_runs',
  'scheduled_runs',
  'ingestion_runs',
  'ingestion_payloads',
  'ingestion_unmatched',
  'anomalies',
  'deliveries',
  'alert_firings',
  'email_events',
  'owner_tokens',
  'backtests',
  'restore_drills',
] as const;

export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** Ingestion run kinds whose price rows carry the run's id (their provenance): those runs are kept. */
const PRICE_RUN_KINDS = sql`('prices', 'rematch')`;

interface Shape {
  /** Primary-key columns. */
  key: string[];
  /** The instant a row's age counts from (an expression over the table's columns). */
  age: RawBuilder<unknown>;
  /** What else a row must satisfy to be deletable (its state, no live reference); `t` is the table. */
  eligible: RawBuilder<unknown>;
  /** Rows of other tables deleted in the same transaction, by the parent keys of the batch. */
  children?: { table: keyof Tables; column: string }[];
  /** What the rows are read from when their age lives in another table (default: the table as `t`). */
  from?: RawBuilder<unknown>;
}

const ref = (c: string) => sql.ref(`t.${c}`);
const TRUE = sql`1 = 1`;

const SHAPES: Record<RetentionTable, Shape> = {
  audit_log: { key: ['id'], age: ref('at'), eligible: TRUE },
  idempotency_keys: { key: ['scope', 'route', 'key'], age: ref('expires_at'), eligible: TRUE },
  request_rollups: {
    key: ['minute', 'route', 'method', 'status_class', 'code'],
    age: ref('minute'),
    eligible: TRUE,
  },
  // Per-minute SLI samples: like the roll-ups, kept past the 30-day budget window (primary key
  // starts with the minute).
  slo_samples: { key: ['minute', 'slo'], age: ref('minute'), eligible: TRUE },
  pipeline_runs: {
    key: ['id'],
    age: ref('started_at'),
    // The latest succeeded run of a step is what /v1/meta and the runs list show: a run goes only
    // when a newer run of its step succeeded.
    eligible: sql`t.status <> 'running' and exists (select 1 from pipeline_runs n
      where n.step = t.step and n.status = 'succeeded' and n.started_at > t.started_at)`,
  },
  scheduled_runs: {
    key: ['job', 'slot'],
    age: ref('started_at'),
    // A job's latest success is what its last-success gauge (and the late-job alert) reads: a slot
    // goes only when a newer slot of its job succeeded.
    eligible: sql`t.status <> 'running' and exists (select 1 from scheduled_runs n
      where n.job = t.job and n.status = 'succeeded' and n.started_at > t.started_at)`,
  },
  ingestion_runs: {
    key: ['id'],
    age: ref('started_at'),
    // Price runs stay: the price rows they wrote carry their id. Others go once a newer run of the
    // same importer succeeded, with the payloads and unmatched lists they still have.
    eligible: sql`t.status <> 'running' and t.kind not in ${PRICE_RUN_KINDS} and exists (select 1 from ingestion_runs n
      where n.importer = t.importer and n.status in ('succeeded', 'partial') and n.started_at > t.started_at)`,
    children: [
      { table: 'ingestion_payloads', column: 'run_id' },
      { table: 'ingestion_unmatched', column: 'run_id' },
    ],
  },
  ingestion_payloads: { key: ['id'], age: ref('created_at'), eligible: TRUE },
  ingestion_unmatched: {
    key: ['run_id', 'product_id'],
    // Aged by their run's start: unmatched lists go with their run's payloads. Read through the
    // runs' start index and the list's primary key (run_id first).
    from: sql`ingestion_runs as r inner join ingestion_unmatched as t on t.run_id = r.id`,
    age: sql`r.started_at`,
    eligible: TRUE,
  },
  anomalies: { key: ['id'], age: ref('resolved_at'), eligible: sql`t.status <> 'open' and t.resolved_at is not null` },
  deliveries: {
    key: ['id'],
    age: ref('updated_at'),
    eligible: sql`t.status in ('delivered', 'dead', 'suppressed', 'cancelled')`,
    children: [{ table: 'delivery_attempts', column: 'delivery_id' }],
  },
  alert_firings: {
    key: ['id'],
    age: ref('fired_at'),
    eligible: sql`not exists (select 1 from deliveries d where d.firing_id = t.id)`,
  },
  email_events: {
    key: ['id'],
    age: ref('received_at'),
    eligible: sql`not exists (select 1 from email_suppressions s where s.event_id = t.id)`,
  },
  owner_tokens: {
    key: ['token_hash'],
    // A token ends when it is used or expires; tokens that do neither are kept.
    age: sql`coalesce(t.used_at, t.expires_at)`,
    eligible: sql`coalesce(t.used_at, t.expires_at) is not null`,
  },
  backtests: { key: ['id'], age: ref('created_at'), eligible: sql`t.status in ('succeeded', 'failed')` },
  // The latest drill is what /v1/admin/backups and the drill gauges show: a drill goes only when a
  // newer one exists.
  restore_drills: {
    key: ['id'],
    age: ref('started_at'),
    eligible: sql`exists (select 1 from restore_drills n where n.started_at > t.started_at)`,
  },
};

/** Child tables a table's batch deletes with it (the purge reports their counts too). */
export function childTables(table: RetentionTable): string[] {
  return (SHAPES[table].children ?? []).map((c) => c.table);
}

const source = (table: RetentionTable) => SHAPES[table].from ?? sql`${sql.table(table)} as t`;

const keyList = (s: Shape, alias?: string) => sql.join(s.key.map((c) => sql.ref(alias ? `${alias}.${c}` : c)));

/** The keys of up to `limit` deletable rows older than `beforeIso`, oldest first. */
function candidates(table: RetentionTable, beforeIso: string, limit: number, forUpdate = false): RawBuilder<unknown> {
  const s = SHAPES[table];
  return sql`select ${keyList(s, 't')} from ${source(table)}
    where ${s.age} < ${beforeIso} and ${s.eligible}
    order by ${s.age} limit ${limit}${forUpdate ? sql` for update of t` : sql``}`;
}

/**
 * Deletes one batch: up to `limit` deletable rows of `table` older than `beforeIso`, oldest first,
 * by primary key, in one short transaction (with their child rows, when the table has any).
 * Returns the rows deleted per table.
 */
export async function deleteBatch(
  db: Kysely<Tables>,
  dialect: 'sqlite' | 'postgres',
  table: RetentionTable,
  beforeIso: string,
  limit: number,
): Promise<Record<string, number>> {
  const s = SHAPES[table];
  if (!s.children) {
    // One statement: the age and state are checked again on the row deleted, so a row that
    // changed since the sub-select (an idempotency key claimed again) stays (rows aged through
    // another table never change: their keys suffice).
    const recheck = s.from ? sql`` : sql` and ${s.age} < ${beforeIso} and ${s.eligible}`;
    const res = await sql`delete from ${sql.table(table)} as t
      where (${keyList(s, 't')}) in (${candidates(table, beforeIso, limit)})${recheck}`.execute(db);
    return { [table]: Number(res.numAffectedRows ?? 0n) };
  }
  const children = s.children;
  return db.transaction().execute(async (trx) => {
    // SQLite: take the write lock before reading the batch, so nothing changes it in between;
    // PostgreSQL: lock the batch's rows (a row that stopped qualifying is skipped).
    if (dialect === 'sqlite') await sql`delete from ${sql.table(table)} where 1 = 0`.execute(trx);
    const rows = await candidates(table, beforeIso, limit, dialect === 'postgres').execute(trx);
    const ids = (rows.rows as Record<string, string>[]).map((r) => r[s.key[0]!]!);
    const out: Record<string, number> = { [table]: 0 };
    for (const c of children) out[c.table] = 0;
    if (ids.length === 0) return out;
    const idList = sql.join(ids.map((id) => sql`${id}`));
    for (const c of children) {
      const res = await sql`delete from ${sql.table(c.table)} where ${sql.ref(c.column)} in (${idList})`.execute(trx);
      out[c.table] = Number(res.numAffectedRows ?? 0n);
    }
    const res = await sql`delete from ${sql.table(table)} where ${sql.ref(s.key[0]!)} in (${idList})`.execute(trx);
    out[table] = Number(res.numAffectedRows ?? 0n);
    return out;
  });
}

/** The age instant of the oldest row a policy could delete (whatever its age), or null when none. */
export async function oldestDeletable(db: Kysely<Tables>, table: RetentionTable): Promise<string | null> {
  const s = SHAPES[table];
  const res = await sql<{ oldest: string | null }>`select min(${s.age}) as oldest from ${source(table)}
    where ${s.eligible}`.execute(db);
  return res.rows[0]?.oldest ?? null;
}

/** The `counts` of the latest finished run of the `retention` step (null: none yet). */
export async function lastRetentionCounts(db: Kysely<Tables>): Promise<string | null> {
  const row = await db
    .selectFrom('pipeline_runs')
    .select('counts')
    .where('step', '=', 'retention')
    .where('status', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.counts ?? null;
}
