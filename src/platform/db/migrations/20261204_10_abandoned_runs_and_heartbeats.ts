// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

const INGESTION_STATUSES = `status in ('running', 'succeeded', 'partial', 'failed', 'abandoned')`;
const PIPELINE_STATUSES = `status in ('running', 'succeeded', 'failed', 'skipped', 'abandoned')`;

/**
 * Crash recovery (docs/RUNBOOK.md "Crash recovery"):
 *
 * - `ingestion_runs.status` and `pipeline_runs.status` gain `abandoned`: a run whose process is
 *   gone (its heartbeat is overdue) is closed as abandoned, with its counts taken from the rows
 *   it wrote;
 * - both run tables gain `holder` (the process running it: host, pid and instance) and
 *   `heartbeat_at` (written between chunks of work);
 * - `step_locks` gains `token` (a fencing token, raised at every acquisition; a run whose token is
 *   no longer the lock's may not publish), `run_id` and `acquired_at` (who holds it, since when).
 *
 * SQLite cannot change a CHECK constraint, so both run tables are rebuilt with their rows from
 * their own stored definitions. `ingestion_payloads` references `ingestion_runs` (on delete
 * cascade): it is set aside and rebuilt after, so dropping the old table cascades into nothing
 * and the reference points at the new table.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table ingestion_runs drop constraint if exists ingestion_runs_status_check`.execute(db);
    await sql
      .raw(`alter table ingestion_runs add constraint ingestion_runs_status_check check (${INGESTION_STATUSES})`)
      .execute(db);
    await sql`alter table pipeline_runs drop constraint if exists pipeline_runs_status_check`.execute(db);
    await sql
      .raw(`alter table pipeline_runs add constraint pipeline_runs_status_check check (${PIPELINE_STATUSES})`)
      .execute(db);
  } else {
    const payloadsSql = await definition(db, 'ingestion_payloads');
    await sql`create table ingestion_payloads__keep as select * from ingestion_payloads`.execute(db);
    await sql`drop table ingestion_payloads`.execute(db);

    await rebuild(db, 'ingestion_runs', `status in ('running', 'succeeded', 'partial', 'failed')`, INGESTION_STATUSES);
    await db.schema.createIndex('ingestion_runs_started_idx').on('ingestion_runs').column('started_at').execute();
    await rebuild(db, 'pipeline_runs', `status in ('running', 'succeeded', 'failed', 'skipped')`, PIPELINE_STATUSES);
    await db.schema.createIndex('pipeline_runs_step_idx').on('pipeline_runs').columns(['step', 'started_at']).execute();

    await sql.raw(payloadsSql).execute(db);
    await sql`insert into ingestion_payloads select * from ingestion_payloads__keep`.execute(db);
    await sql`drop table ingestion_payloads__keep`.execute(db);
    await db.schema.createIndex('ingestion_payloads_run_idx').on('ingestion_payloads').column('run_id').execute();
  }

  for (const table of ['ingestion_runs', 'pipeline_runs']) {
    await db.schema.alterTable(table).addColumn('holder', 'text').execute();
    await db.schema.alterTable(table).addColumn('heartbeat_at', 'text').execute();
  }
  await db.schema
    .alterTable('step_locks')
    .addColumn('token', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('step_locks').addColumn('run_id', 'text').execute();
  await db.schema.alterTable('step_locks').addColumn('acquired_at', 'text').execute();
}

/** The `create table` statement SQLite stored for `table`. */
async function definition(db: Kysely<any>, table: string): Promise<string> {
  const row = (
    await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db)
  ).rows[0];
  if (!row) throw new Error(`table ${table} is missing`);
  return row.sql;
}

/** Rebuilds `table` from its own definition with one CHECK replaced, keeping every row. */
async function rebuild(db: Kysely<any>, table: string, oldCheck: string, newCheck: string): Promise<void> {
  const original = await definition(db, table);
  if (!original.includes(oldCheck) || !original.startsWith(`CREATE TABLE "${table}" (`)) {
    throw new Error(`table ${table} does not have the expected definition; cannot add the abandoned status`);
  }
  const next = original
    .replace(`CREATE TABLE "${table}" (`, `CREATE TABLE "${table}__new" (`)
    .replace(oldCheck, newCheck);
  await sql.raw(next).execute(db);
  await sql.raw(`insert into "${table}__new" select * from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${table}__new" rename to "${table}"`).execute(db);
}
