import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { openDatabase, type Database } from './database.ts';
import { dateText, daysBefore, insertInChunks, rawRowIterator, rawRows } from './dialect.ts';
import { migrate } from './migrator.ts';

describe.each(dialects)('dialect helpers on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let database: Database;
    beforeAll(async () => {
      url = await d.create();
      database = openDatabase(url);
      await migrate(database, () => '2026-01-01T00:00:00.000Z');
      await insertInChunks(
        database.db,
        'dataset_meta',
        Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, value: String(i), updated_at: '2026-01-01' })),
        3,
      );
    });
    afterAll(async () => {
      await database.close();
      await d.drop(url);
    });

    it('insertInChunks writes every row across statements', async () => {
      const rows = await rawRows(database, 'select count(*) from dataset_meta', []);
      expect(Number(rows[0]![0])).toBe(7);
    });

    it("insertInChunks stores each value under its column, whatever the order of a row's keys", async () => {
      await insertInChunks(
        database.db,
        'dataset_meta',
        [
          { key: 'm1', value: 'one', updated_at: '2026-02-01' },
          { updated_at: '2026-02-02', value: 'two', key: 'm2' },
          { value: 'three', key: 'm3', updated_at: '2026-02-03' },
        ],
        2,
      );
      const rows = await rawRows(
        database,
        `select key, value, updated_at from dataset_meta where key like 'm%' order by key`,
        [],
      );
      expect(rows).toEqual([
        ['m1', 'one', '2026-02-01'],
        ['m2', 'two', '2026-02-02'],
        ['m3', 'three', '2026-02-03'],
      ]);
    });

    it('rawRowIterator reads every row, and a write between getting it and iterating it is not refused', async () => {
      const rows = await rawRowIterator(
        database,
        `select key, value from dataset_meta where key like $1 and key <= $2 order by key`,
        ['k%', 'k2'],
      );
      // As when another task's statement runs while the caller awaits the iterator.
      await database.db.updateTable('dataset_meta').set({ value: 'six' }).where('key', '=', 'k6').execute();
      expect([...rows]).toEqual([
        ['k0', '0'],
        ['k1', '1'],
        ['k2', '2'],
      ]);
    });

    it('insertInChunks refuses a name that is not a plain identifier (names are part of the text)', async () => {
      const rows = [{ key: 'x1', value: 'v', updated_at: '2026-02-04', 'value") values (1); --': 'y' }];
      await expect(insertInChunks(database.db, 'dataset_meta', rows as never, 10)).rejects.toThrow(/not a plain/);
      expect(await rawRows(database, `select key from dataset_meta where key = 'x1'`, [])).toEqual([]);
    });

    it('rawRows binds positional parameters, a repeated one included, and returns arrays', async () => {
      const rows = await rawRows(
        database,
        'select key, value from dataset_meta where key = $1 or (key = $2 and value <> $1) order by key',
        ['k1', 'k4'],
      );
      expect(rows).toEqual([
        ['k1', '1'],
        ['k4', '4'],
      ]);
    });

    it('daysBefore and dateText: 30 days before 2026-03-01 is 2026-01-30, as text', async () => {
      const day = database.dialect === 'postgres' ? `cast($1 as date)` : '$1';
      const rows = await rawRows(
        database,
        `select ${dateText(database.dialect, daysBefore(database.dialect, day, 30))}`,
        ['2026-03-01'],
      );
      expect(rows).toEqual([['2026-01-30']]);
    });
  });
});

describe('daysBefore', () => {
  it('refuses a fractional day count (it is spliced into SQL)', () => {
    expect(() => daysBefore('sqlite', 'd', 1.5)).toThrow(RangeError);
  });
});
