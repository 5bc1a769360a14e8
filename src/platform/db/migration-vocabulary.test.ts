/**
 * Migrations 20261204_31 and _32 give columns and the derive step their glossary names
 * (docs/GLOSSARY.md): stored values move with their columns, constraints and indexes still hold,
 * and past runs of `derive` are listed as `read-models`, on both dialects.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrator.ts';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT, migratedUpTo } from '#test/migrations.ts';

const RENAME = '20261204_31_rename_columns_to_vocabulary';
const STEP = '20261204_32_rename_derive_step';
const now = () => '2026-12-04T12:00:00.000Z';

describe.each(dialects)('vocabulary migrations on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const fresh = freshDatabasePerTest(d);

    it('renames the columns keeping their values, checks and indexes, and the derive step with its runs', async () => {
      const { database, db, all, at } = await migratedUpTo(fresh(), RENAME);
      expect(all[at + 1]?.name).toBe(STEP);
      await db
        .insertInto('sets')
        .values({ id: 'base1', game: 'pokemon', name: 'Base', series: 'Base', language: 'en', updated_at: now() })
        .execute();
      await db
        .insertInto('factor_weights')
        .values({ version: 'v1', engine: 'e', engine_version: '1', source: 'manual', weights: '{}', created_at: now() })
        .execute();
      await db
        .insertInto('ingestion_runs')
        .values({
          id: 'run_1',
          source: 'tcgcsv-files',
          feed: 'tcgcsv',
          kind: 'prices',
          status: 'succeeded',
          started_at: now(),
        })
        .execute();
      await db
        .insertInto('fx_rates')
        .values({ base: 'EUR', quote: 'USD', date: '2026-12-01', rate: 1.1, source: 'ecb', known_at: now() })
        .execute();
      await db
        .insertInto('pipeline_runs')
        .values({ id: 'pr_1', step: 'derive', trigger: 'cli', status: 'succeeded', started_at: now() })
        .execute();
      await db.insertInto('step_locks').values({ step: 'derive', holder: 'old', lease_until: now() }).execute();

      expect(await migrate(database, MIGRATED_AT, all)).toEqual(all.slice(at).map((f) => f.name));

      expect(await db.selectFrom('sets').select(['id', 'era']).execute()).toEqual([{ id: 'base1', era: 'Base' }]);
      expect(await db.selectFrom('factor_weights').select(['version', 'origin']).execute()).toEqual([
        { version: 'v1', origin: 'manual' },
      ]);
      expect(await db.selectFrom('ingestion_runs').select(['importer', 'feed']).execute()).toEqual([
        { importer: 'tcgcsv-files', feed: 'tcgcsv' },
      ]);
      expect(await db.selectFrom('fx_rates').select(['quote', 'feed']).execute()).toEqual([
        { quote: 'USD', feed: 'ecb' },
      ]);
      expect(await db.selectFrom('pipeline_runs').select(['id', 'step']).execute()).toEqual([
        { id: 'pr_1', step: 'read-models' },
      ]);
      expect(await db.selectFrom('step_locks').select(['step', 'holder']).execute()).toEqual([
        { step: 'read-models', holder: 'old' },
      ]);

      // The origin's check constraint follows its column.
      await expect(
        db
          .insertInto('factor_weights')
          .values({
            version: 'v2',
            engine: 'e',
            engine_version: '1',
            origin: 'bogus',
            weights: '{}',
            created_at: now(),
          })
          .execute(),
      ).rejects.toThrow();
      // The old names are gone.
      await expect(db.selectFrom('sets').select('series').execute()).rejects.toThrow();
      await expect(db.selectFrom('latest_prices').select('z_7d').execute()).rejects.toThrow();
      await db
        .selectFrom('latest_prices')
        .select(['robust_z_1d', 'robust_z_7d', 'robust_z_30d', 'robust_z_90d'])
        .execute();
      await db.selectFrom('set_summary').select('era').execute();
      await db.selectFrom('search_interest').select('feed').execute();
      await db.selectFrom('tcgplayer_products').select('feed').execute();

      // The movers' z indexes now cover the renamed columns.
      const indexed = (
        d.name === 'sqlite'
          ? await sql<{ name: string }>`select name from pragma_index_info('latest_prices_z_7d_idx')`.execute(db)
          : await sql<{ name: string }>`select a.attname as name from pg_index x
              join pg_class c on c.oid = x.indexrelid
              join pg_attribute a on a.attrelid = x.indrelid and a.attnum = any(x.indkey)
              where c.relname = 'latest_prices_z_7d_idx'`.execute(db)
      ).rows;
      expect(indexed.map((r) => r.name).sort()).toEqual(['printing_key', 'robust_z_7d']);
    });
  });
});
