/**
 * Several processes may start at once against a fresh database (a rolling deploy, `serve` and
 * `worker` side by side): migrations must still be applied exactly once, and nobody may fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { listMigrations, migrate, migrationStatus } from '../src/platform/db/migrator.ts';
import { dialects, label } from './dialects.ts';
import { jsonLines, spawnCli, stopAll } from './process.ts';

const migrationNames = listMigrations().map((m) => m.name);
const now = () => '2026-11-25T12:00:00.000Z';

/** How many times each migration name appears in `schema_migrations`. */
async function appliedCounts(url: string): Promise<Record<string, number>> {
  const database = openDatabase(url);
  try {
    const rows = await database.db.selectFrom('schema_migrations').select('name').execute();
    const counts: Record<string, number> = {};
    for (const { name } of rows) counts[name] = (counts[name] ?? 0) + 1;
    return counts;
  } finally {
    await database.close();
  }
}

const once = () => Object.fromEntries(migrationNames.map((n) => [n, 1]));

describe.each(dialects)('concurrent migrations on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    let open: Database[] = [];

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cq-migrate-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'db.sqlite')}` : await d.create();
      open = [];
    });

    afterEach(async () => {
      await stopAll();
      await Promise.all(open.map((db) => db.close()));
      if (d.name === 'postgres') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it('two processes running `migrate up` at once both succeed and apply each migration once', async () => {
      const env = { DATABASE_URL: url, LOG_LEVEL: 'info' };
      const processes = [
        spawnCli(['migrate', 'up'], { cwd: dir, env }),
        spawnCli(['migrate', 'up'], { cwd: dir, env }),
      ];
      const exits = await Promise.all(processes.map((p) => p.waitForExit()));
      exits.forEach((exit, i) => expect(exit.code, processes[i]!.stderr).toBe(0));

      expect(await appliedCounts(url)).toEqual(once());
      // Exactly one of them did the work; the other found the database current.
      const applied = processes.flatMap((p) =>
        jsonLines(p.stdout)
          .filter((l) => l.msg === 'migrations applied')
          .map((l) => l.applied),
      );
      expect(applied).toEqual([migrationNames]);
      for (const p of processes)
        expect(p.stdout).toContain(`Database is current: ${migrationNames.length} migration(s) applied.`);
    });

    it('two connections in one process migrating at once apply each migration once', async () => {
      const a = openDatabase(url, { sqliteBusyTimeoutMs: 500 });
      const b = openDatabase(url, { sqliteBusyTimeoutMs: 500 });
      open.push(a, b);

      const [fromA, fromB] = await Promise.all([migrate(a, now), migrate(b, now)]);
      expect([...fromA, ...fromB]).toEqual(migrationNames);
      expect(await appliedCounts(url)).toEqual(once());
      expect((await migrationStatus(b)).map((s) => s.state)).toEqual(migrationNames.map(() => 'applied'));
    });
  });
});
