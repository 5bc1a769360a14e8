import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { openDatabase, type Database } from './database.ts';

describe.each(dialects)('database statement caches on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let database: Database;
    beforeEach(async () => {
      url = await d.create();
      database = openDatabase(url);
      await sql`create table t (id integer primary key, a text)`.execute(database.db);
      await sql`insert into t (id, a) values (1, 'x'), (2, 'y')`.execute(database.db);
    });
    afterEach(async () => {
      await database.close();
      await d.drop(url);
    });

    const readAll = () => sql<Record<string, unknown>>`select * from t order by id`.execute(database.db);

    it('repeats a read with new parameters and counts every statement', async () => {
      const one = (id: number) => sql<{ a: string }>`select a from t where id = ${id}`.execute(database.db);
      const before = database.queryCount;
      expect((await one(1)).rows).toEqual([{ a: 'x' }]);
      expect((await one(2)).rows).toEqual([{ a: 'y' }]);
      expect((await one(3)).rows).toEqual([]);
      expect(database.queryCount - before).toBe(3);
    });

    it('a cached read still answers after the table it reads changes shape', async () => {
      expect((await readAll()).rows).toEqual([
        { id: 1, a: 'x' },
        { id: 2, a: 'y' },
      ]);
      await sql`alter table t add column b text`.execute(database.db);
      await sql`update t set b = 'z' where id = 1`.execute(database.db);
      expect((await readAll()).rows).toEqual([
        { id: 1, a: 'x', b: 'z' },
        { id: 2, a: 'y', b: null },
      ]);
      expect((await readAll()).rows).toHaveLength(2);
    });
  });
});
