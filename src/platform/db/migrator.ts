/**
 * Ordered, checksummed migrations. Files in `migrations/` are named `YYYYMMDD_NN_verb_phrase.ts`
 * and export `up(db, dialect)`; their SHA-256 (line endings normalised) is recorded when applied, so an
 * edited migration or one the code does not know is refused with a clear message.
 *
 * Concurrency: on PostgreSQL a session advisory lock serialises migrators; on SQLite the whole
 * run is one `BEGIN IMMEDIATE` transaction, so a second process waits (busy timeout) and then
 * finds nothing left to do.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database, DialectName } from './database.ts';
import { moduleToRun } from '../entrypoints.ts';

export interface MigrationFile {
  name: string;
  checksum: string;
  load(): Promise<{ up(db: Kysely<any>, dialect: DialectName): Promise<void> }>;
}

export type MigrationState = 'applied' | 'pending' | 'modified' | 'unknown';

export interface MigrationStatus {
  name: string;
  state: MigrationState;
  appliedAt: string | null;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const defaultDir = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_PATTERN = /^\d{8}_\d{2}_[a-z0-9_]+\.ts$/;
/** Arbitrary constant naming cardquant's migration lock among PostgreSQL advisory locks. */
const PG_LOCK_KEY = 7_421_001;
/** Serialises SQLite migrators within this process (see `migrate`). */
let sqliteTurn: Promise<void> = Promise.resolve();

/**
 * Lists migration files in order with their checksums.
 *
 * @example
 * const files = listMigrations(); // [{ name: '20261125_01_create_platform_tables', … }]
 */
export function listMigrations(dir: string = defaultDir): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
      return {
        name: file.replace(/\.ts$/, ''),
        checksum: createHash('sha256').update(text).digest('hex'),
        // Compiled, the checksum is still the .ts source's (copied beside the emitted .js by the build).
        load: () => import(moduleToRun(file, pathToFileURL(join(dir, '/'))).href),
      };
    });
}

async function ensureTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
}

async function appliedRows(db: Kysely<any>): Promise<Map<string, { checksum: string; applied_at: string }>> {
  const rows = await db.selectFrom('schema_migrations').select(['name', 'checksum', 'applied_at']).execute();
  return new Map(
    rows.map((r) => [r.name as string, { checksum: r.checksum as string, applied_at: r.applied_at as string }]),
  );
}

async function tableExists(database: Database): Promise<boolean> {
  const tables = await database.db.introspection.getTables();
  return tables.some((t) => t.name === 'schema_migrations');
}

/**
 * Compares the database with the code's migrations without changing anything.
 *
 * @example
 * const rows = await migrationStatus(database); // [{ name, state: 'applied', appliedAt }]
 */
export async function migrationStatus(database: Database, files = listMigrations()): Promise<MigrationStatus[]> {
  const applied = (await tableExists(database)) ? await appliedRows(database.db) : new Map();
  const out: MigrationStatus[] = files.map((f) => {
    const row = applied.get(f.name);
    if (!row) return { name: f.name, state: 'pending', appliedAt: null };
    return { name: f.name, state: row.checksum === f.checksum ? 'applied' : 'modified', appliedAt: row.applied_at };
  });
  const known = new Set(files.map((f) => f.name));
  for (const [name, row] of applied) {
    if (!known.has(name)) out.push({ name, state: 'unknown', appliedAt: row.applied_at });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function assertConsistent(
  applied: Map<string, { checksum: string }>,
  files: MigrationFile[],
  newerAllowed = false,
): void {
  const known = new Map(files.map((f) => [f.name, f]));
  const last = files.reduce((max, f) => (f.name > max ? f.name : max), '');
  const unknown = [...applied.keys()].filter((n) => !known.has(n) && !(newerAllowed && n > last));
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database holds migration(s) this version of cardquant does not know: ${unknown.join(', ')}. ` +
        'It was probably migrated by a newer version; run that version (or restore a backup) instead. Refusing to start.',
    );
  }
  for (const [name, row] of applied) {
    const file = known.get(name);
    if (file !== undefined && file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${name} was changed after it was applied (checksum differs). Migrations are frozen: ` +
          'restore the original file and add a new migration for the change.',
      );
    }
  }
}

/**
 * Applies every pending migration in order, each in its own transaction.
 * Returns the names applied by this call (empty when the database was current).
 *
 * @example
 * const applied = await migrate(database, () => new Date().toISOString());
 */
export async function migrate(database: Database, nowIso: () => string, files = listMigrations()): Promise<string[]> {
  const applied: string[] = [];
  // Loaded before any lock is taken: nothing slow happens inside the migration transaction.
  const modules = await Promise.all(files.map(async (file) => ({ file, mod: await file.load() })));
  const run = async (db: Kysely<any>, inTransaction: (fn: (trx: Kysely<any>) => Promise<void>) => Promise<void>) => {
    await ensureTable(db);
    const done = await appliedRows(db);
    assertConsistent(done, files);
    for (const { file, mod } of modules) {
      if (done.has(file.name)) continue;
      await inTransaction(async (trx) => {
        await mod.up(trx, database.dialect);
        await trx
          .insertInto('schema_migrations')
          .values({ name: file.name, checksum: file.checksum, applied_at: nowIso() })
          .execute();
      });
      applied.push(file.name);
    }
  };

  if (database.dialect === 'postgres') {
    await database.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${PG_LOCK_KEY})`.execute(conn);
      try {
        await run(conn, (fn) => conn.transaction().execute(fn));
      } finally {
        await sql`select pg_advisory_unlock(${PG_LOCK_KEY})`.execute(conn);
      }
    });
  } else {
    // better-sqlite3 waits for a lock synchronously, blocking the event loop; two migrators in one
    // process would deadlock, so they take turns here and processes take turns on the lock.
    const previous = sqliteTurn;
    let release!: () => void;
    sqliteTurn = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      await migrateSqlite();
    } finally {
      release();
    }
  }
  return applied;

  async function migrateSqlite(): Promise<void> {
    await database.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        await run(conn, (fn) => fn(conn));
        await sql`commit`.execute(conn);
      } catch (err) {
        await sql`rollback`.execute(conn);
        applied.length = 0;
        throw err;
      }
    });
  }
}

/**
 * Throws a MigrationError unless every known migration is applied unchanged and the database
 * holds none the code does not know. Used by `/readyz` and by roles that must not migrate.
 *
 * `newerAllowed` (readiness of a running process): migrations named after every one this code
 * knows are a newer release's, applied while this process still serves — it stays ready until it
 * is replaced (a rolling upgrade), while an unknown migration among its own still fails.
 */
export async function assertCurrent(
  database: Database,
  files = listMigrations(),
  options: { newerAllowed?: boolean } = {},
): Promise<void> {
  // One statement: readiness probes call this often.
  const applied = await appliedRows(database.db);
  assertConsistent(applied, files, options.newerAllowed ?? false);
  const pending = files.filter((f) => !applied.has(f.name)).map((f) => f.name);
  if (pending.length > 0) throw new MigrationError(`Database schema is not current: pending ${pending.join(', ')}.`);
}
