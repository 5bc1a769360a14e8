import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import type { Clock } from '../clock.ts';
import { bumpDataVersion, readDataVersion } from './data-version.ts';
import { openDatabase, type Database } from './database.ts';
import { migrate } from './migrator.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(dialects)('readDataVersion on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let database: Database;
    let tick = Date.parse('2026-11-20T00:00:00Z');
    const clock = (): Clock => ({ now: () => (tick += 1000) });
    beforeAll(async () => {
      url = await d.create();
      database = openDatabase(url);
      await migrate(database, () => '2026-01-01T00:00:00.000Z');
    });
    afterAll(async () => {
      await database.close();
      await d.drop(url);
    });

    it('callers that ask in the same turn share one statement', async () => {
      const written = await bumpDataVersion(database.db, clock());
      const before = database.queryCount;
      const versions = await Promise.all([
        readDataVersion(database.db),
        readDataVersion(database.db),
        readDataVersion(database.db),
      ]);
      expect(versions).toEqual([written, written, written]);
      expect(database.queryCount - before).toBe(1);
    });

    it('a caller never gets a version older than one committed before it asked', async () => {
      for (let round = 0; round < 20; round++) {
        const early = readDataVersion(database.db);
        // Let the first read start (on PostgreSQL it is then in flight), then commit a new version.
        await nextTurn();
        const written = await bumpDataVersion(database.db, clock());
        const late = readDataVersion(database.db);
        expect(await late).toBe(written);
        await early;
      }
    });
  });
});
