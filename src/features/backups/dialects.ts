/**
 * Taking and restoring a backup, per dialect. SQLite: the online backup API (consistent while
 * other connections write), the manifest read from the copy itself. PostgreSQL: `pg_dump -Fc`
 * sharing an exported snapshot with the transaction that computes the manifest; `pg_restore`
 * into an empty database. Connection details reach the programs as PG* variables, never argv.
 */
import { spawn } from 'node:child_process';
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { childEnvironment } from '../../config.ts';
import {
  postgresIntegrityProblems,
  postgresMigrationVersion,
  postgresObjectCount,
  postgresReadSettings,
  postgresTableSummaries,
  sqliteIntegrityProblems,
  sqliteMigrationVersion,
  sqliteTableCount,
  sqliteTableSummaries,
  withExportedSnapshot,
  type TableSummary,
} from './backups.repo.ts';

/** Pages per backup step after the first: all of them. */
const ALL_PAGES = 2 ** 30;

export interface Snapshot {
  migration: string | null;
  tables: TableSummary[];
}

export interface RestoredState extends Snapshot {
  /** Integrity problems found in the restored database (empty when sound). */
  problems: string[];
}

/** Refused: the restore target already holds tables. */
export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  if (path === '' || path === ':memory:') throw new Error('a backup of an in-memory SQLite database is not possible');
  return resolve(path);
}

/** PG* variables for a `postgres://` URL (the password included), for pg_dump and pg_restore. */
export function postgresEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(u.hostname),
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function run(program: string, args: string[], url: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, {
      env: childEnvironment(postgresEnvironment(url)),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 8192) stderr += d.toString('utf8');
    });
    child.on('error', (err) => fail(new Error(`${program} could not start: ${err.message}`)));
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`${program} exited with ${code}: ${stderr.trim().slice(0, 2000)}`)),
    );
  });
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function readSqliteFile(path: string): RestoredState {
  const copy = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  try {
    return {
      migration: sqliteMigrationVersion(copy),
      tables: sqliteTableSummaries(copy),
      problems: sqliteIntegrityProblems(copy),
    };
  } finally {
    copy.close();
  }
}

/** Copies the live SQLite database to `target` and reads the manifest from the copy. */
export async function dumpSqlite(live: SqliteDatabase.Database, target: string): Promise<Snapshot> {
  // The first step copies 100 pages and yields; every later step copies all remaining pages at
  // once. A write by another connection restarts a backup at its next step, so many small steps
  // could restart for ever under write load; one whole step reads one consistent snapshot.
  await live.backup(target, { progress: () => ALL_PAGES });
  const { migration, tables } = readSqliteFile(target);
  return { migration, tables };
}

/** `pg_dump -Fc` to `target`, with the manifest read inside the dump's snapshot. */
export async function dumpPostgres(url: string, target: string): Promise<Snapshot> {
  return withClient(url, (client) =>
    withExportedSnapshot(client, async (snapshot) => {
      const dump = run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${target}`], url);
      // Read while pg_dump runs; a failed read must not leave the dump unawaited.
      const read = (async () => ({
        migration: await postgresMigrationVersion(client),
        tables: await postgresTableSummaries(client),
      }))();
      const [, snap] = await Promise.all([dump, read]);
      return snap;
    }),
  );
}

/** Refused: the restored copy is unreadable or fails its integrity checks; nothing was put in place. */
export class RestoreFailedError extends Error {
  override name = 'RestoreFailedError';
}

/**
 * Puts a plain SQLite backup file in place at `url` (refusing a database with tables) and checks
 * it. The copy is written to `<path>.tmp` beside the target and checked there (readable,
 * `integrity_check`, foreign keys); only a sound copy is renamed into place, so a failed restore
 * leaves the target as it was and a second attempt is not refused.
 */
export async function restoreSqlite(plain: string, url: string): Promise<RestoredState> {
  const path = sqlitePath(url);
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size > 0) {
    const db = new SqliteDatabase(path, { readonly: true });
    try {
      if (sqliteTableCount(db) > 0)
        throw new TargetNotEmptyError(`the target database ${path} is not empty: restore only into an empty database`);
    } finally {
      db.close();
    }
  }
  const tmp = `${path}.tmp`;
  const removeTmp = async () => {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) await rm(f, { force: true });
  };
  await removeTmp();
  let state: RestoredState;
  try {
    await copyFile(plain, tmp);
    state = readSqliteFile(tmp);
  } catch (err) {
    await removeTmp();
    throw new RestoreFailedError(`the backup file is not a readable SQLite database: ${(err as Error).message}`);
  }
  if (state.problems.length > 0) {
    await removeTmp();
    throw new RestoreFailedError(`the restored copy fails its integrity checks: ${state.problems.join('; ')}`);
  }
  await rm(`${path}-wal`, { force: true });
  await rm(`${path}-shm`, { force: true });
  await rename(tmp, path);
  await removeTmp();
  return state;
}

/**
 * `pg_restore` into the empty database at `url` (refusing one with tables), then checks it. One
 * transaction (`--single-transaction`): a restore that fails part-way leaves the database empty,
 * so a second attempt is not refused as "not empty".
 */
export async function restorePostgres(plain: string, url: string): Promise<RestoredState> {
  await withClient(url, async (client) => {
    if ((await postgresObjectCount(client)) > 0)
      throw new TargetNotEmptyError(
        `the target database ${new URL(url).pathname.slice(1)} is not empty: restore only into an empty database`,
      );
  });
  await run(
    'pg_restore',
    [
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${new URL(url).pathname.slice(1)}`,
      plain,
    ],
    url,
  );
  return withClient(url, async (client) => {
    await postgresReadSettings(client);
    return {
      migration: await postgresMigrationVersion(client),
      tables: await postgresTableSummaries(client),
      problems: await postgresIntegrityProblems(client),
    };
  });
}
