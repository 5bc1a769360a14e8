import { mkdtempSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { openDatabase, type Database } from './database.ts';
import { assertCurrent, listMigrations, migrate, migrationStatus, MigrationError } from './migrator.ts';

const realDir = fileURLToPath(new URL('./migrations/', import.meta.url));
const now = () => '2026-11-25T12:00:00.000Z';

/** A private copy of the migrations folder that a test may add to or edit. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cq-migrations-'));
  for (const f of readdirSync(realDir)) copyFileSync(join(realDir, f), join(dir, f));
  return dir;
}

describe.each(dialects)('migrator on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let database: Database;
    beforeEach(async () => {
      url = await d.create();
      database = openDatabase(url);
    });
    afterEach(async () => {
      await database.close();
      await d.drop(url);
    });

    it('applies every migration once, in order, and a second run is a no-op', async () => {
      const files = listMigrations();
      expect(await migrate(database, now)).toEqual(files.map((f) => f.name));
      expect(await migrate(database, now)).toEqual([]);
      const status = await migrationStatus(database);
      expect(status.map((s) => s.state)).toEqual(files.map(() => 'applied'));
      await expect(assertCurrent(database)).resolves.toBeUndefined();
      const system = await database.db
        .selectFrom('principals')
        .select('kind')
        .where('id', '=', 'prn_system')
        .executeTakeFirst();
      expect(system?.kind).toBe('system');
    });

    it('reports pending migrations without applying them', async () => {
      const status = await migrationStatus(database);
      expect(status.every((s) => s.state === 'pending')).toBe(true);
      await expect(assertCurrent(database)).rejects.toThrow();
    });

    it('applies a newly added migration file on the next run', async () => {
      const dir = copyOfMigrations();
      await migrate(database, now, listMigrations(dir));
      writeFileSync(
        join(dir, '20991231_01_add_example_table.ts'),
        "export async function up(db) { await db.schema.createTable('example').addColumn('id', 'text').execute(); }\n",
      );
      expect(await migrate(database, now, listMigrations(dir))).toEqual(['20991231_01_add_example_table']);
      await database.db
        .insertInto('example' as never)
        .values({ id: 'x' } as never)
        .execute();
    });

    it('refuses a database that holds a migration the code does not know', async () => {
      await migrate(database, now);
      await database.db
        .insertInto('schema_migrations')
        .values({ name: '20991231_01_from_the_future', checksum: 'x', applied_at: now() })
        .execute();
      await expect(migrate(database, now)).rejects.toThrow(MigrationError);
      await expect(migrate(database, now)).rejects.toThrow(/20991231_01_from_the_future/);
      await expect(assertCurrent(database)).rejects.toThrow(/does not know/);
      const status = await migrationStatus(database);
      expect(status.find((s) => s.name === '20991231_01_from_the_future')?.state).toBe('unknown');
      // A running process stays ready while a newer release migrates ahead of it (rolling upgrade) …
      await expect(assertCurrent(database, undefined, { newerAllowed: true })).resolves.toBeUndefined();
    });

    it('keeps an unknown migration among its own a failure, newer ones allowed or not', async () => {
      await migrate(database, now);
      await database.db
        .insertInto('schema_migrations')
        .values({ name: '20000101_01_from_nowhere', checksum: 'x', applied_at: now() })
        .execute();
      await expect(assertCurrent(database, undefined, { newerAllowed: true })).rejects.toThrow(
        /20000101_01_from_nowhere/,
      );
    });

    it('refuses a migration that was edited after it was applied', async () => {
      const dir = copyOfMigrations();
      await migrate(database, now, listMigrations(dir));
      const first = listMigrations(dir)[0]!;
      writeFileSync(join(dir, `${first.name}.ts`), '// edited\n', { flag: 'a' });
      await expect(migrate(database, now, listMigrations(dir))).rejects.toThrow(/changed after it was applied/);
      expect((await migrationStatus(database, listMigrations(dir)))[0]?.state).toBe('modified');
    });

    it('rolls back a failing migration and records nothing for it', async () => {
      const dir = copyOfMigrations();
      writeFileSync(
        join(dir, '20991231_01_broken.ts'),
        "export async function up(db) { await db.schema.createTable('half').addColumn('id', 'text').execute(); throw new Error('boom'); }\n",
      );
      await expect(migrate(database, now, listMigrations(dir))).rejects.toThrow('boom');
      const status = await migrationStatus(database, listMigrations(dir));
      expect(status.find((s) => s.name === '20991231_01_broken')?.state).toBe('pending');
      const tables = await database.db.introspection.getTables();
      expect(tables.some((t) => t.name === 'half')).toBe(false);
    });
  });
});
