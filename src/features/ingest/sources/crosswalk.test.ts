import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext, ingestDatabase } from '#test/ingest-harness.ts';
import { CROSSWALK_CSV, GROUPS, NOW, PRODUCTS, seedCatalog } from '#test/tcgcsv-fixtures.ts';
import { ProductMap } from '../../catalog/product-map.ts';
import { withRun, type IngestContext } from '../context.ts';
import {
  CardIndex,
  cardNotInCatalog,
  cardNumberKey,
  importCrosswalk,
  matchTcgcsvProducts,
  nameKey,
  type CrosswalkResult,
} from './crosswalk.ts';

describe('card number and name keys', () => {
  it('compare numbers without the set total and leading zeros, names without accents and notes', () => {
    expect(cardNumberKey('004/102')).toBe('4');
    expect(cardNumberKey('GG01/GG70')).toBe('GG1');
    expect(cardNumberKey('TG05')).toBe('TG5');
    expect(cardNumberKey('0')).toBe('0');
    expect(nameKey('Pokémon Breeder')).toBe(nameKey('Pokemon Breeder'));
    expect(nameKey('Nidoran ♂')).toBe(nameKey('Nidoran M'));
    expect(nameKey('Pikachu - 025/165 (Poke Ball Pattern)')).toBe('pikachu');
    expect(nameKey("Farfetch'd")).toBe('farfetchd');
    expect(nameKey('Mewtwo')).not.toBe(nameKey('Mew'));
  });
});

describe.each(dialects)('TCGplayer cross-walk on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    let dir: string;
    let file: string;
    beforeAll(async () => {
      url = await d.create();
      ctx = await ingestContext(url, NOW);
      await seedCatalog(ctx);
      dir = mkdtempSync(join(tmpdir(), 'cardquant-crosswalk-'));
      file = join(dir, 'tcgplayer_to_pokemontcg.csv');
      writeFileSync(file, CROSSWALK_CSV);
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const importFile = async (path: string) => {
      let result: CrosswalkResult | null = null;
      const summary = await withRun(ctx, { importer: 'test', feed: 'tcgcsv', kind: 'prices' }, async (run) => {
        result = await importCrosswalk(ctx, run, path);
      });
      return { summary, result: result as CrosswalkResult | null };
    };

    it('maps products to catalogue cards, once per product, and never counts its rows as price rows', async () => {
      const { summary, result } = await importFile(file);
      // A price run that only read a cross-walk read no price rows (and so does not succeed).
      expect(summary).toMatchObject({ status: 'failed', rows_read: 0, error: 'the run read no rows' });
      expect(result).toMatchObject({
        rows: 10,
        skipped: 1,
        products: 7,
        mapped: 5,
        ambiguous: [900001],
        outcome: { accepted: 6, updated: 0, unchanged: 0 },
      });
      expect([...result!.notInCatalog]).toEqual([[42347, 'base1-10']]);
      const rows = await ctx.database.db
        .selectFrom('tcgplayer_products')
        .select(['product_id', 'group_id', 'card_id', 'kind', 'feed'])
        .orderBy('product_id')
        .execute();
      expect(rows).toEqual([
        // Kept although base1-10 is not catalogued: a re-match after a catalogue import accepts its rows.
        { product_id: 42347, group_id: 604, card_id: 'base1-10', kind: 'card', feed: 'crosswalk' },
        { product_id: 42382, group_id: 604, card_id: 'base1-4', kind: 'card', feed: 'crosswalk' },
        { product_id: 42402, group_id: 604, card_id: 'base1-58', kind: 'card', feed: 'crosswalk' },
        { product_id: 502000, group_id: 23237, card_id: 'sv3pt5-1', kind: 'card', feed: 'crosswalk' },
        { product_id: 502001, group_id: 23237, card_id: 'sv3pt5-25', kind: 'card', feed: 'crosswalk' },
        { product_id: 502002, group_id: null, card_id: 'sv3pt5-25', kind: 'card', feed: 'crosswalk' },
      ]);
      const map = await ProductMap.load(ctx.database.db);
      expect(map.lookup(42382)).toEqual({ ok: true, cardId: 'base1-4' });
      // Ambiguous in the cross-walk and listed nowhere: nothing links it.
      expect(map.lookup(900001)).toEqual({ ok: false, reason: 'unmapped_product' });
      const missing = cardNotInCatalog(result);
      expect([missing(42347), missing(42382), missing(900001)]).toEqual([true, false, false]);
      expect(cardNotInCatalog(null)(42347)).toBe(false);
    });

    it('records the TCGplayer group of a set the file names exactly one group for', async () => {
      const sets = await ctx.database.db
        .selectFrom('sets')
        .select(['id', 'tcgplayer_group_id'])
        .orderBy('id')
        .execute();
      expect(Object.fromEntries(sets.map((s) => [s.id, s.tcgplayer_group_id]))).toEqual({
        base1: 604,
        sv3pt5: 23237,
        swsh12pt5: null,
        swsh12pt5gg: null,
      });
    });

    it('a second import of the same file changes nothing', async () => {
      const { result } = await importFile(file);
      expect(result!.outcome).toEqual({ accepted: 0, updated: 0, unchanged: 6 });
      expect(result!.groupsRecorded).toBe(0);
    });

    it('refuses a file without the needed columns, and a missing file', async () => {
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'product,card\n1,base1-4\n');
      const { summary } = await importFile(bad);
      expect(summary.status).toBe('failed');
      expect(summary.error).toMatch(/no tcgplayer_product_id column/);
      const missing = await importFile(join(dir, 'nope.csv'));
      expect(missing.summary.status).toBe('failed');
      expect(missing.summary.error).toMatch(/ENOENT/);
    });
  });
});

describe.each(dialects)('TCGCSV product matching on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d, NOW);
    beforeAll(async () => {
      await seedCatalog(ctx);
    });

    const kinds = (entries: { productId: number; cardId: string | null; kind: string }[]) =>
      Object.fromEntries(entries.map((e) => [e.productId, e.cardId ?? e.kind]));

    it('finds the set by abbreviation, the card by number and name; sealed, code cards and strangers are told apart', async () => {
      const index = await CardIndex.load(ctx.database.db);
      const base = await matchTcgcsvProducts(ctx, GROUPS[0]!, PRODUCTS[604]!, index);
      expect(base.setIds).toEqual(['base1']);
      expect(kinds(base.entries)).toEqual({
        42382: 'base1-4',
        657516: 'base1-4',
        42399: 'base1-55',
        42402: 'base1-58',
        42422: 'base1-76',
        42347: 'unknown',
        136400: 'sealed-tcgplayer-136400',
      });
      // A sealed product becomes a catalogue item of its own in the group's set.
      expect(base.sealed).toEqual([
        {
          id: 'sealed-tcgplayer-136400',
          setId: 'base1',
          number: 'pokemon-2-player-starter-set-revised-base-set-reprint-run',
          name: 'Pokemon 2-Player Starter Set (Revised Base Set Reprint Run)',
          kind: 'sealed',
        },
      ]);
      expect(base.entries.find((e) => e.productId === 42382)).toMatchObject({
        groupId: 604,
        number: '004/102',
        name: 'Charizard',
        feed: 'tcgcsv',
      });
      const sv = await matchTcgcsvProducts(ctx, GROUPS[1]!, PRODUCTS[23237]!, index);
      expect(kinds(sv.entries)).toEqual({
        502000: 'sv3pt5-1',
        502001: 'sv3pt5-25',
        502002: 'sv3pt5-25',
        502100: 'code_card',
        502200: 'sealed-tcgplayer-502200',
      });
    });

    it('searches every set sharing an abbreviation, and records the group on the sets it matched', async () => {
      const crz = await matchTcgcsvProducts(ctx, GROUPS[2]!, PRODUCTS[17688]!);
      expect(kinds(crz.entries)).toEqual({ 478000: 'swsh12pt5-160', 478001: 'swsh12pt5gg-GG01' });
      const sets = await ctx.database.db
        .selectFrom('sets')
        .select(['id', 'tcgplayer_group_id'])
        .orderBy('id')
        .execute();
      expect(Object.fromEntries(sets.map((s) => [s.id, s.tcgplayer_group_id]))).toEqual({
        base1: 604,
        sv3pt5: 23237,
        swsh12pt5: 17688,
        swsh12pt5gg: 17688,
      });
    });

    it('a recorded group id wins over the abbreviation; an unknown group matches nothing', async () => {
      const renamed = await matchTcgcsvProducts(
        ctx,
        { groupId: 604, abbreviation: 'NOPE' },
        PRODUCTS[604]!.slice(0, 1),
      );
      expect(kinds(renamed.entries)).toEqual({ 42382: 'base1-4' });
      const stranger = await matchTcgcsvProducts(ctx, { groupId: 1, abbreviation: 'XYZ' }, PRODUCTS[604]!.slice(0, 1));
      expect(kinds(stranger.entries)).toEqual({ 42382: 'unknown' });
      expect(stranger.setIds).toEqual([]);
    });
  });
});
