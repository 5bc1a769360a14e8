/**
 * SQL of backups: the registry (`backups`, `restore_drills`) and the per-table row counts and
 * checksums of a manifest, read from a SQLite file or inside a PostgreSQL snapshot.
 */
import { createHash } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../../platform/db/database.ts';
import type { BackupsTable, RestoreDrillsTable, Tables } from '../../platform/db/schema.ts';

export type BackupRow = BackupsTable;
export type DrillRow = RestoreDrillsTable;

export interface TableSummary {
  table: string;
  rows: number;
  checksum: string;
}

export async function insertBackup(db: Kysely<Tables>, row: BackupRow): Promise<void> {
  await db.insertInto('backups').values(row).execute();
}

export async function updateBackup(db: Kysely<Tables>, id: string, change: Partial<BackupRow>): Promise<void> {
  await db.updateTable('backups').set(change).where('id', '=', id).execute();
}

/**
 * Marks `running` backups created before `before` as `failed` with `error`: their process is gone
 * (a crash, a kill) and nothing else would ever finish them. Answers how many.
 */
export async function failStaleBackups(db: Kysely<Tables>, before: string, error: string): Promise<number> {
  const result = await db
    .updateTable('backups')
    .set({ status: 'failed', error })
    .where('status', '=', 'running')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findBackup(db: Kysely<Tables>, id: string): Promise<BackupRow | undefined> {
  return db.selectFrom('backups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest succeeded backup. */
export async function latestBackup(db: Kysely<Tables>): Promise<BackupRow | undefined> {
  return db
    .selectFrom('backups')
    .selectAll()
    .where('status', '=', 'succeeded')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Backups newest first (every status but `deleted` unless asked). */
export async function listBackups(
  db: Kysely<Tables>,
  { limit, includeDeleted = false }: { limit: number; includeDeleted?: boolean },
): Promise<BackupRow[]> {
  let q = db.selectFrom('backups').selectAll();
  if (!includeDeleted) q = q.where('status', '!=', 'deleted');
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Succeeded backups past the newest `keepLast` and created before `before`: what retention removes. */
export async function expiredBackups(db: Kysely<Tables>, keepLast: number, before: string): Promise<BackupRow[]> {
  const rows = await db
    .selectFrom('backups')
    .selectAll()
    .where('status', 'in', ['succeeded', 'failed'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const succeeded = rows.filter((r) => r.status === 'succeeded');
  const kept = new Set(succeeded.slice(0, keepLast).map((r) => r.id));
  return rows.filter((r) => !kept.has(r.id) && r.created_at < before);
}

export async function insertDrill(db: Kysely<Tables>, row: DrillRow): Promise<void> {
  await db.insertInto('restore_drills').values(row).execute();
}

export async function lastDrill(db: Kysely<Tables>): Promise<DrillRow | undefined> {
  return db
    .selectFrom('restore_drills')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- SQLite: read from an opened backup file (or a restored one) ----

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Row count and SHA-256 over every row (as a JSON array of its values, in primary-key order, or
 * rowid order for a table without one) of each table of a SQLite database.
 */
export function sqliteTableSummaries(native: SqliteDatabase.Database): TableSummary[] {
  const tables = native
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
  return tables.map((table) => {
    const pk = (native.prepare(`pragma table_info(${quoteIdent(table)})`).all() as { name: string; pk: number }[])
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => quoteIdent(c.name));
    const order = pk.length > 0 ? pk.join(', ') : 'rowid';
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of native
      .prepare(`select * from ${quoteIdent(table)} order by ${order}`)
      .raw()
      .iterate()) {
      hash.update(JSON.stringify(row)).update('\n');
      rows++;
    }
    return { table, rows, checksum: `sha256:${hash.digest('hex')}` };
  });
}

export function sqliteMigrationVersion(native: SqliteDatabase.Database): string | null {
  const row = native.prepare('select max(name) as name from schema_migrations').get() as { name: string | null };
  return row.name;
}

/** Tables of a SQLite database (0 for a new, empty file). */
export function sqliteTableCount(native: SqliteDatabase.Database): number {
  return (
    native
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .get() as {
      n: number;
    }
  ).n;
}

export function sqliteIntegrityProblems(native: SqliteDatabase.Database): string[] {
  const integrity = (native.prepare('pragma integrity_check').pluck().all() as string[]).filter((r) => r !== 'ok');
  const foreignKeys = (
    native.prepare('pragma foreign_key_check').all() as { table: string; rowid: number; parent: string }[]
  ).map((r) => `foreign key: ${r.table} row ${r.rowid} refers to a missing ${r.parent} row`);
  return [...integrity.map((r) => `integrity_check: ${r}`), ...foreignKeys];
}

// ---- PostgreSQL: inside one snapshot ----

/**
 * Opens a REPEATABLE READ, READ ONLY transaction on `client` and exports its snapshot: pg_dump
 * started with `--snapshot` then dumps exactly what `fn` reads. Timestamps are written in UTC and
 * ISO style, so a row's text (its checksum) does not depend on the session's settings.
 */
export async function withExportedSnapshot<T>(client: pg.ClientBase, fn: (snapshot: string) => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  try {
    await client.query("set local timezone = 'UTC'");
    await client.query("set local datestyle = 'ISO, YMD'");
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const result = await fn(rows[0]!.snapshot);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** The same UTC/ISO settings as a snapshot, for reading a restored database. */
export async function postgresReadSettings(client: pg.ClientBase): Promise<void> {
  await client.query("set timezone = 'UTC'");
  await client.query("set datestyle = 'ISO, YMD'");
}

async function postgresTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'select tablename as name from pg_tables where schemaname = current_schema() order by tablename collate "C"',
  );
  return rows.map((r) => r.name);
}

/**
 * Row count and checksum of each table: the sum, modulo 2^60, of the first 60 bits of the
 * SHA-256 of each row's text. Order-independent (no sort of a large table) and computed in the
 * server, so only one row per table crosses the connection.
 */
export async function postgresTableSummaries(client: pg.ClientBase): Promise<TableSummary[]> {
  const out: TableSummary[] = [];
  for (const table of await postgresTables(client)) {
    const { rows } = await client.query<{ rows: string; sum: string }>(
      `select count(*)::text as rows,
              (coalesce(sum(('x' || left(encode(sha256(convert_to(t::text, 'UTF8')), 'hex'), 15))::bit(60)::bigint::numeric), 0)
                % 1152921504606846976)::text as sum
         from ${quoteIdent(table)} t`,
    );
    out.push({ table, rows: Number(rows[0]!.rows), checksum: `sha256-sum60:${rows[0]!.sum}` });
  }
  return out;
}

export async function postgresMigrationVersion(client: pg.ClientBase): Promise<string | null> {
  const { rows } = await client.query<{ name: string | null }>('select max(name) as name from schema_migrations');
  return rows[0]?.name ?? null;
}

/** Tables and sequences in the database's schema (0 for a new database). */
export async function postgresObjectCount(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    "select count(*)::text as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and c.relkind in ('r', 'S', 'v', 'm', 'p')",
  );
  return Number(rows[0]!.n);
}

/**
 * Integrity problems of a restored PostgreSQL database, one sentence each: every foreign key of the
 * schema that is not validated, and for every foreign key the rows of its table that refer to a
 * missing row (a query per key, generated from pg_constraint: a row counts when its key columns are
 * not null — any null for MATCH SIMPLE, all null for MATCH FULL, as PostgreSQL enforces them — and
 * no row of the referenced table has those values).
 */
export async function postgresIntegrityProblems(client: pg.ClientBase): Promise<string[]> {
  const { rows: keys } = await client.query<{
    name: string;
    child: string;
    parent: string;
    match: string;
    validated: boolean;
    child_cols: string[];
    parent_cols: string[];
  }>(
    `select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
            c.confmatchtype::text as match, c.convalidated as validated,
            array(select quote_ident(a.attname) from unnest(c.conkey) with ordinality k(n, i)
                    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as child_cols,
            array(select quote_ident(a.attname) from unnest(c.confkey) with ordinality k(n, i)
                    join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as parent_cols
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = current_schema()
      order by c.conname collate "C"`,
  );
  const out: string[] = [];
  for (const key of keys) {
    if (!key.validated) out.push(`foreign key ${key.name} on ${key.child} is not validated`);
    // MATCH FULL: a row with every key column null refers to nothing; one with some null is itself
    // a violation, and the lookup below (equality with null) reports it as an orphan.
    const present = key.child_cols.map((col) => `c.${col} is not null`).join(key.match === 'f' ? ' or ' : ' and ');
    const same = key.child_cols.map((col, i) => `p.${key.parent_cols[i]!} = c.${col}`).join(' and ');
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from ${key.child} c
        where (${present}) and not exists (select 1 from ${key.parent} p where ${same})`,
    );
    const orphans = Number(rows[0]!.n);
    if (orphans > 0)
      out.push(`foreign key ${key.name}: ${orphans} ${key.child} row(s) refer to a missing ${key.parent} row`);
  }
  return out;
}

export async function createScratchDatabase(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`create database ${quoteIdent(name)}`);
}

export async function dropScratchDatabase(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
}

/** The SQLite connection under a database (the online backup API runs on it), or null on PostgreSQL. */
export function liveSqlite(database: Database): SqliteDatabase.Database | null {
  return database.native.kind === 'sqlite' ? database.native.db : null;
}

/** Registered sealed backups (not deleted) per data key id that sealed them. */
export async function sealedBackupKeys(db: Kysely<Tables>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('backups')
    .select('manifest')
    .where('status', '=', 'succeeded')
    .where('encrypted', '=', 1)
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const id = r.manifest ? ((JSON.parse(r.manifest) as { file?: { key_id?: string } }).file?.key_id ?? '?') : '?';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
