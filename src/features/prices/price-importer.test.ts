import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext, ingestDatabase } from '#test/ingest-harness.ts';
import { ProductMap } from '../catalog/product-map.ts';
import { catalogWriter, priceImporter, withRun } from '../ingest/context.ts';
import type { PriceObservation } from './price-importer.ts';

const tcg = (
  productId: number,
  subType: string,
  date: string,
  prices: PriceObservation['prices'],
): PriceObservation => ({
  ref: { kind: 'tcgplayer', productId, subType },
  market: 'tcgplayer',
  currency: 'USD',
  date,
  prices,
});

describe.each(dialects)('price import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    beforeAll(async () => {
      const now = '2025-10-21T00:00:00.000Z';
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base', ptcgoCode: 'BS' }], now);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard', rarity: 'Rare Holo' },
          { id: 'sv3pt5-1', setId: 'base1', number: '1', name: 'Bulbasaur' },
        ],
        now,
      );
      const map = await ProductMap.load(ctx.database.db);
      await map.upsert(
        [
          { productId: 42382, cardId: 'base1-4', kind: 'card', feed: 'test' },
          { productId: 500, cardId: 'sv3pt5-1', kind: 'card', feed: 'test' },
          { productId: 501, cardId: 'sv3pt5-1', kind: 'card', feed: 'test' },
          { productId: 900, cardId: null, kind: 'sealed', feed: 'test' },
        ],
        now,
      );
    });

    const importRows = (rows: PriceObservation[]) =>
      withRun(ctx, { importer: 'test', feed: 'tcgcsv', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'tcgcsv');
        await importer.add(rows);
        await importer.flush();
      });

    const day1 = [
      tcg(42382, 'Holofoil', '2025-10-20', { market: 350.25, low: 300, mid: 380.5, high: 9999 }),
      tcg(42382, 'Holofoil', '2025-10-20', { market: 351, low: 300 }),
      tcg(500, 'Reverse Holofoil', '2025-10-20', { market: 0.29, low: 0.1 }),
      tcg(501, 'Reverse Holofoil', '2025-10-20', { market: 1.5, low: 1 }),
      tcg(900, 'Normal', '2025-10-20', { market: 120 }),
      tcg(777, 'Normal', '2025-10-20', { market: 1 }),
      tcg(500, 'Normal', '2025-10-20', { market: null, low: 999, mid: 999, high: 999 }),
      tcg(500, 'Normal', '2025-13-01', { market: 1 }),
      tcg(500, 'Shiny Foil', '2025-10-20', { market: 1 }),
      tcg(500, 'Normal', '2025-10-20', { market: -1 }),
    ];

    it('stores valid rows and accounts for every row read', async () => {
      const run = await importRows(day1);
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 10,
        accepted: 3,
        updated: 0,
        unchanged: 0,
        rejected: 7,
      });
      expect(run.rejected_by_reason).toEqual({
        duplicate_row: 1,
        sealed_product: 1,
        unmapped_product: 1,
        placeholder_listing: 1,
        impossible_date: 1,
        unknown_finish: 1,
        negative_price: 1,
      });
      const stored = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['printings.id', 'printings.tcgplayer_product_id', 'market_cents', 'low_cents', 'high_cents'])
        .orderBy('printings.id')
        .execute();
      expect(stored).toEqual([
        {
          id: 'base1-4.holofoil',
          tcgplayer_product_id: 42382,
          market_cents: 35100,
          low_cents: 30000,
          high_cents: null,
        },
        {
          id: 'sv3pt5-1.reverse-holofoil',
          tcgplayer_product_id: 500,
          market_cents: 29,
          low_cents: 10,
          high_cents: null,
        },
        {
          id: 'sv3pt5-1.reverse-holofoil.501',
          tcgplayer_product_id: 501,
          market_cents: 150,
          low_cents: 100,
          high_cents: null,
        },
      ]);
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .selectAll()
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row.rows_read).toBe(row.accepted + row.updated + row.unchanged + row.rejected);
    });

    it('re-importing the same day changes nothing; a changed upstream value counts as updated', async () => {
      const again = await importRows(day1);
      expect(again).toMatchObject({ rows_read: 10, accepted: 0, updated: 0, unchanged: 3, rejected: 7 });
      const changed = await importRows([tcg(500, 'Reverse Holofoil', '2025-10-20', { market: 0.31, low: 0.1 })]);
      expect(changed).toMatchObject({ accepted: 0, updated: 1, unchanged: 0 });
      const next = await importRows([tcg(500, 'Reverse Holofoil', '2025-10-21', { market: 0.33 })]);
      expect(next).toMatchObject({ accepted: 1 });
      const printings = await ctx.database.db.selectFrom('printings').select('id').execute();
      expect(printings).toHaveLength(3);
    });
  });
});

describe.each(dialects)('feed precedence on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    it('a lower-ranked feed never overwrites a higher-ranked row; a higher-ranked one does', async () => {
      const url = await d.create();
      const ctx = await ingestContext(url);
      try {
        const now = '2025-10-21T00:00:00.000Z';
        await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], now);
        await catalogWriter(ctx).upsertCards([{ id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' }], now);
        const row = (market: number): PriceObservation => ({
          ref: { kind: 'card', cardId: 'base1-4', finishLabel: 'holofoil' },
          market: 'tcgplayer',
          currency: 'USD',
          date: '2025-10-20',
          prices: { market },
        });
        const importAs = (feed: string, market: number) =>
          withRun(ctx, { importer: feed, feed, kind: 'prices' }, async (run) => {
            const importer = await priceImporter(ctx, run, feed);
            await importer.add([row(market)]);
            await importer.flush();
          });
        expect(await importAs('tcgcsv', 100)).toMatchObject({ accepted: 1 });
        expect(await importAs('pokemontcg', 90)).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
        expect(await importAs('tcgcsv', 101)).toMatchObject({ updated: 1 });
        const stored = await ctx.database.db.selectFrom('prices').select(['feed', 'market_cents']).execute();
        expect(stored).toEqual([{ feed: 'tcgcsv', market_cents: 10100 }]);
      } finally {
        await ctx.close();
        await d.drop(url);
      }
    });
  });
});
