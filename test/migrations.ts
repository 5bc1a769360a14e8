/**
 * Migration tests: a fresh, empty database of a dialect for every test, and a way to bring it to
 * the schema just before the migration under test, so the test can store rows the old way first.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { listMigrations, migrate } from '../src/platform/db/migrator.ts';
import type { DialectCase } from './dialects.ts';

/** The clock migrations are recorded with. */
export const MIGRATED_AT = () => '2026-12-04T12:00:00.000Z';

/** Registers per-test hooks that create, open, close and drop a database; call inside a `describe`. */
export function freshDatabasePerTest(d: DialectCase): () => Database {
  let url: string | undefined;
  let database: Database | undefined;
  beforeEach(async () => {
    url = await d.create();
    database = openDatabase(url);
  });
  afterEach(async () => {
    await database?.close();
    if (url !== undefined) await d.drop(url);
    database = undefined;
    url = undefined;
  });
  return () => {
    if (!database) throw new Error('the database exists only inside a test');
    return database;
  };
}

/**
 * Applies every migration before `name` (which must exist and not be the first) and returns the
 * database untyped — the tables are as they were then, not as schema.ts says — with the full list
 * and the index of `name` in it.
 */
export async function migratedUpTo(
  database: Database,
  name: string,
): Promise<{ database: Database; db: Kysely<any>; all: ReturnType<typeof listMigrations>; at: number }> {
  const all = listMigrations();
  const at = all.findIndex((f) => f.name === name);
  if (at <= 0) throw new Error(`migration ${name} is not a later migration of this version`);
  await migrate(database, MIGRATED_AT, all.slice(0, at));
  return { database, db: database.db as never as Kysely<any>, all, at };
}
