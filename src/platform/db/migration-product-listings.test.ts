/**
 * The product-listings migration keeps what was stored: product map rows and materialised indexes
 * survive the table rebuild (SQLite) or constraint change (PostgreSQL), and the new kinds are
 * accepted afterwards while unknown ones are still refused.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from './migrator.ts';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT, migratedUpTo } from '#test/migrations.ts';

const NAME = '20261204_02_add_product_listings_and_sealed';
const now = () => '2026-12-04T12:00:00.000Z';

describe.each(dialects)('product listings migration on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const fresh = freshDatabasePerTest(d);

    it('keeps product map rows and indexes, then accepts the new kinds only', async () => {
      const { database, db, all, at } = await migratedUpTo(fresh(), NAME);
      await db
        .insertInto('tcgplayer_products')
        .values([
          {
            product_id: 42382,
            group_id: 604,
            name: 'Charizard',
            number: '004/102',
            card_id: 'base1-4',
            kind: 'card',
            source: 'tcgcsv',
            updated_at: now(),
          },
          {
            product_id: 136400,
            group_id: 604,
            name: 'Starter Set',
            number: null,
            card_id: null,
            kind: 'sealed',
            source: 'tcgcsv',
            updated_at: now(),
          },
        ])
        .execute();
      await db
        .insertInto('market_indexes')
        .values({
          id: 'market',
          kind: 'market',
          set_id: null,
          name: 'Market index',
          market: 'tcgplayer',
          currency: 'USD',
          base_date: '2026-11-01',
          last_date: '2026-11-02',
          last_value: 101.5,
          constituents: 7,
          points: 2,
        })
        .execute();

      expect(await migrate(database, MIGRATED_AT, all)).toEqual(all.slice(at).map((f) => f.name));
      expect(
        await db
          .selectFrom('tcgplayer_products')
          .select(['product_id', 'card_id', 'kind'])
          .orderBy('product_id')
          .execute(),
      ).toEqual([
        { product_id: 42382, card_id: 'base1-4', kind: 'card' },
        { product_id: 136400, card_id: null, kind: 'sealed' },
      ]);
      const index = await db
        .selectFrom('market_indexes')
        .select(['id', 'kind', 'last_value', 'constituents'])
        .execute();
      expect(index.map((r) => ({ ...r, last_value: Number(r.last_value) }))).toEqual([
        { id: 'market', kind: 'market', last_value: 101.5, constituents: 7 },
      ]);

      await db
        .insertInto('tcgplayer_products')
        .values({ product_id: 1, kind: 'accessory', feed: 'tcgcsv', updated_at: now() })
        .execute();
      await db
        .insertInto('tcgplayer_products')
        .values({ product_id: 2, kind: 'unmapped', feed: 'tcgcsv', updated_at: now() })
        .execute();
      await expect(
        db
          .insertInto('tcgplayer_products')
          .values({ product_id: 3, kind: 'bogus', feed: 'tcgcsv', updated_at: now() })
          .execute(),
      ).rejects.toThrow();
      await db
        .insertInto('market_indexes')
        .values({
          id: 'sealed',
          kind: 'sealed',
          set_id: null,
          name: 'Sealed',
          market: 'tcgplayer',
          currency: 'USD',
          base_date: '2026-11-01',
          last_date: '2026-11-01',
          last_value: 100,
          constituents: 1,
          points: 1,
        })
        .execute();
      await expect(
        db
          .insertInto('market_indexes')
          .values({
            id: 'x',
            kind: 'bogus',
            set_id: null,
            name: 'X',
            market: 'tcgplayer',
            currency: 'USD',
            base_date: '2026-11-01',
            last_date: '2026-11-01',
            last_value: 100,
            constituents: 1,
            points: 1,
          })
          .execute(),
      ).rejects.toThrow();
    });
  });
});
