import { describe, expect, it } from 'vitest';
import { dialects, label } from '../../../test/dialects.ts';
import { ingestDatabase } from '../../../test/ingest-harness.ts';
import { datasetKind, prepareForRealData } from '../ingest/dataset.ts';
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
      const expected = demoCatalog(options).cards.reduce((n, c, i) => n + demoFinishes(i, 1.5).reduce((m, _f, f) => m + demoSeries(options, i, c.rarity!, f).length, 0), 0);
      expect(first).toMatchObject({ status: 'succeeded', accepted: expected, rejected: 0, rows_read: expected });
      expect(await datasetKind(ctx.database.db)).toBe('demo');
      const printings = await ctx.database.db.selectFrom('printings').select('id').execute();
      expect(printings).toHaveLength(60);
      const again = await seedDemo(ctx, options);
      expect(again).toMatchObject({ accepted: 0, unchanged: expected });
    });

    it('refuses real data into the demo unless asked to replace it', async () => {
      await expect(prepareForRealData(ctx.database.db, { replaceDemo: false, nowIso: '2026-11-25T00:00:00.000Z' })).rejects.toThrow(/--replace-demo/);
      await prepareForRealData(ctx.database.db, { replaceDemo: true, nowIso: '2026-11-25T00:00:00.000Z' });
      expect(await datasetKind(ctx.database.db)).toBe('real');
      expect(await ctx.database.db.selectFrom('prices').select('date').execute()).toEqual([]);
      await expect(seedDemo(ctx, options)).rejects.toThrow(/real data/);
    });
  });
});
