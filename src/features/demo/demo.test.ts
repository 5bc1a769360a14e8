import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { datasetKind, prepareForRealData } from '../ingest/dataset.ts';
import { deriveReadModels } from '../market/derive.ts';
import { demoCatalog, demoFinishes, demoSeries } from './demo-generator.ts';
import { seedDemo } from './demo.service.ts';

const options = { cards: 40, printingsPerCard: 1.5, days: 60, seed: 7, end: '2026-11-25', cardsPerSet: 25 };

describe('demo generator', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(demoCatalog(options)).toEqual(demoCatalog(options));
    expect(demoSeries(options, 3, 'Rare', 0)).toEqual(demoSeries(options, 3, 'Rare', 0));
    expect(demoSeries(options, 3, 'Rare', 0)).not.toEqual(demoSeries({ ...options, seed: 8 }, 3, 'Rare', 0));
  });

  it('invents names, ends on the end date, and leaves some days missing', () => {
    const { sets, cards } = demoCatalog(options);
    expect(sets).toHaveLength(2);
    expect(cards).toHaveLength(40);
    expect(cards.every((c) => c.id.startsWith('demo') && !c.images)).toBe(true);
    const all = cards.flatMap((_, i) => demoSeries(options, i, 'Common', 0));
    expect(all.length).toBeLessThan(40 * 60);
    expect(all.length).toBeGreaterThan(40 * 60 * 0.9);
    expect(demoSeries({ ...options, days: 400 }, 0, 'Common', 0).at(-1)?.date).toBe('2026-11-25');
  });

  it('spreads fractional printings per card evenly', () => {
    const counts = Array.from({ length: 4 }, (_, i) => demoFinishes(i, 1.5).length);
    expect(counts).toEqual([1, 2, 1, 2]);
  });
});

describe.each(dialects)('demo data on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);

    it('seeds a labelled demo with every row accounted, and reseeding changes nothing', async () => {
      const first = await seedDemo(ctx, options);
      const expected = demoCatalog(options).cards.reduce(
        (n, c, i) => n + demoFinishes(i, 1.5).reduce((m, _f, f) => m + demoSeries(options, i, c.rarity!, f).length, 0),
        0,
      );
      expect(first).toMatchObject({ status: 'succeeded', accepted: expected, rejected: 0, rows_read: expected });
      expect(await datasetKind(ctx.database.db)).toBe('demo');
      const printings = await ctx.database.db.selectFrom('printings').select('id').execute();
      expect(printings).toHaveLength(60);
      const again = await seedDemo(ctx, options);
      expect(again).toMatchObject({ accepted: 0, unchanged: expected });
    });

    it('refuses real data into the demo unless asked to replace it; replacing removes derived rows and watchlist entries of demo printings', async () => {
      const db = ctx.database.db;
      await deriveReadModels(ctx.database, ctx.clock);
      const now = '2026-11-25T00:00:00.000Z';
      await db
        .insertInto('principals')
        .values({ id: 'prn_owner', kind: 'portfolio', name: 'owner', created_at: now })
        .execute();
      await db
        .insertInto('portfolios')
        .values({ id: 'pf_1', owner_id: 'prn_owner', name: null, secret_hash: 'x', created_at: now })
        .execute();
      const printing = await db.selectFrom('printings').select('key').limit(1).executeTakeFirstOrThrow();
      await db
        .insertInto('watchlist_items')
        .values({ portfolio_id: 'pf_1', printing_key: printing.key, added_at: now })
        .execute();
      // A portfolio on the demo: a lot and a sale of a demo printing, and an item outside the catalogue.
      const lot = {
        portfolio_id: 'pf_1',
        quantity: 2,
        unit_cost_minor: 100,
        fees_minor: 0,
        currency: 'USD',
        acquired_on: '2026-11-01',
        condition: 'NM' as const,
        origin: 'manual' as const,
        created_at: now,
        updated_at: now,
      };
      await db
        .insertInto('portfolio_lots')
        .values([
          { ...lot, id: 'lot_demo', printing_key: printing.key },
          { ...lot, id: 'lot_box', item_name: 'Sealed box' },
        ])
        .execute();
      await db
        .insertInto('portfolio_sales')
        .values({
          id: 'sale_demo',
          portfolio_id: 'pf_1',
          printing_key: printing.key,
          condition: 'NM',
          quantity: 1,
          proceeds_minor: 150,
          fees_minor: 0,
          currency: 'USD',
          sold_on: '2026-11-02',
          origin: 'manual',
          created_at: now,
        })
        .execute();
      expect((await db.selectFrom('card_summary').select('card_id').execute()).length).toBe(40);

      await expect(prepareForRealData(db, { replaceDemo: false, nowIso: now })).rejects.toThrow(/--replace-demo/);
      await prepareForRealData(db, { replaceDemo: true, nowIso: now });
      expect(await datasetKind(db)).toBe('real');
      expect(await db.selectFrom('prices').select('date').execute()).toEqual([]);
      for (const table of [
        'card_summary',
        'card_terms',
        'set_summary',
        'facet_counts',
        'latest_prices',
        'watchlist_items',
      ] as const) {
        expect(await db.selectFrom(table).selectAll().execute(), table).toEqual([]);
      }
      expect(await db.selectFrom('portfolios').select('id').execute()).toEqual([{ id: 'pf_1' }]);
      // The demo printing's lot and sale went with it; the item outside the catalogue stays.
      expect(await db.selectFrom('portfolio_lots').select('id').execute()).toEqual([{ id: 'lot_box' }]);
      expect(await db.selectFrom('portfolio_sales').select('id').execute()).toEqual([]);
      await expect(seedDemo(ctx, options)).rejects.toThrow(/real data/);
    });
  });
});
