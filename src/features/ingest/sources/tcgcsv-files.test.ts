import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sevenZip from '7z-wasm';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import { NOW, dayPrices, seedCatalogAndListings, writeCrosswalk, writePriceTree } from '#test/tcgcsv-fixtures.ts';
import type { IngestContext } from '../context.ts';
import { extract7z, importTcgcsvArchive, importTcgcsvFiles } from './tcgcsv-files.ts';

/** Builds `<outDir>/<name>` from `<root>/<entry>` the way TCGCSV does (7z, PPMd), with the 7-Zip build the importer uses. */
async function build7z(root: string, outDir: string, name: string, entry: string): Promise<void> {
  const sz = await sevenZip.default({ print: () => undefined, printErr: () => undefined });
  sz.FS.mkdir('/src');
  sz.FS.mount(sz.NODEFS, { root }, '/src');
  sz.FS.mkdir('/out');
  sz.FS.mount(sz.NODEFS, { root: outDir }, '/out');
  sz.FS.chdir('/src');
  const code = sz.callMain(['a', '-t7z', '-m0=PPMd', `/out/${name}`, entry]) as unknown;
  if (code !== 0) throw new Error(`7-Zip could not build ${name} (exit ${String(code)})`);
}

describe.each(dialects)('TCGCSV files import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    let dir: string;
    let tree: string;
    let map: string;
    beforeAll(async () => {
      url = await d.create();
      ctx = await ingestContext(url, NOW);
      await seedCatalogAndListings(ctx);
      dir = mkdtempSync(join(tmpdir(), 'cardquant-tcgcsv-files-'));
      map = writeCrosswalk(dir);
      tree = join(dir, 'prices');
      writePriceTree(tree, {
        '2025-10-18': dayPrices(330),
        '2025-10-19': dayPrices(340),
        '2025-10-20': {
          ...dayPrices(350.25),
          630: '{"success": true, "errors": [], "results": [{"productId": 42',
          635: '{"success": false, "errors": ["gone"], "results": []}',
        },
      });
      mkdirSync(join(tree, 'notes'));
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const stored = (printing: string) =>
      ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['date', 'market_cents', 'low_cents', 'mid_cents', 'high_cents', 'direct_low_cents', 'feed'])
        .where('printings.id', '=', printing)
        .orderBy('date')
        .execute();

    it('imports the dated files in range, file by file, and accounts for every row', async () => {
      const run = await importTcgcsvFiles(ctx, { path: tree, from: '2025-10-19', to: '2025-10-20', map });
      expect(run.status).toBe('partial');
      expect(run.failures.map((f) => f.item)).toEqual(['2025-10-20/3/630/prices', '2025-10-20/3/635/prices']);
      expect(run.failures[0]!.error).toMatch(/invalid JSON/);
      expect(run.failures[1]!.error).toBe('TCGCSV reported failure: gone');
      // The sealed product is priced as its own item; the unlisted product is unmapped.
      expect(run).toMatchObject({ rows_read: 20, accepted: 10, updated: 0, unchanged: 0, rejected: 10 });
      expect(run.rejected_by_reason).toEqual({
        placeholder_listing: 2,
        card_not_in_catalog: 2,
        unmapped_product: 2,
        malformed_row: 2,
        unknown_finish: 2,
      });
      expect((await stored('sealed-tcgplayer-136400.normal')).map((r) => [r.date, r.market_cents])).toEqual([
        ['2025-10-19', 11000],
        ['2025-10-20', 11000],
      ]);
      expect(await stored('base1-4.holofoil')).toEqual([
        {
          date: '2025-10-19',
          market_cents: 34000,
          low_cents: 30000,
          mid_cents: 38050,
          high_cents: null,
          direct_low_cents: 32000,
          feed: 'tcgcsv',
        },
        {
          date: '2025-10-20',
          market_cents: 35025,
          low_cents: 30000,
          mid_cents: 38050,
          high_cents: null,
          direct_low_cents: 32000,
          feed: 'tcgcsv',
        },
      ]);
      // A null market price keeps the row; the 501.5 "high" without a market price is dropped.
      expect((await stored('base1-58.normal')).map((r) => [r.market_cents, r.low_cents, r.high_cents])).toEqual([
        [null, 50, null],
        [null, 50, null],
      ]);
      // Two products of one card and finish are two printings.
      const printings = await ctx.database.db
        .selectFrom('printings')
        .select(['id', 'tcgplayer_product_id'])
        .where('card_id', '=', 'sv3pt5-25')
        .orderBy('id')
        .execute();
      expect(printings).toEqual([
        { id: 'sv3pt5-25.reverse-holofoil', tcgplayer_product_id: 502001 },
        { id: 'sv3pt5-25.reverse-holofoil.502002', tcgplayer_product_id: 502002 },
      ]);
      expect((await stored('sv3pt5-25.reverse-holofoil.502002')).map((r) => r.market_cents)).toEqual([375, 375]);
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(run.id)) names.push(p.name);
      expect(names).toEqual([
        '2025-10-19/604/prices',
        '2025-10-19/23237/prices',
        '2025-10-20/604/prices',
        '2025-10-20/630/prices',
        '2025-10-20/635/prices',
        '2025-10-20/23237/prices',
      ]);
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .selectAll()
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        importer: 'tcgcsv-files',
        range_from: '2025-10-19',
        range_to: '2025-10-20',
        rows_read: 20,
      });
      expect(JSON.parse(row.checkpoint!)).toEqual({ doneDates: ['2025-10-19', '2025-10-20'] });
    });

    it('re-importing changes nothing; a value changed upstream counts as updated', async () => {
      const again = await importTcgcsvFiles(ctx, { path: tree, from: '2025-10-19', to: '2025-10-20', map });
      expect(again).toMatchObject({ rows_read: 20, accepted: 0, updated: 0, unchanged: 10, rejected: 10 });
      const changed = join(dir, 'changed');
      writePriceTree(changed, { '2025-10-20': { 604: [[42382, 'Holofoil', 300, 380.5, 9999, 360, 320]] } });
      const run = await importTcgcsvFiles(ctx, { path: changed });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 1, accepted: 0, updated: 1, unchanged: 0 });
      expect((await stored('base1-4.holofoil')).map((r) => r.market_cents)).toEqual([34000, 36000]);
    });

    it('fails the run when the folder does not exist, a date only when it has no Pokémon folder', async () => {
      const run = await importTcgcsvFiles(ctx, { path: join(dir, 'missing') });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/ENOENT/);
      const other = join(dir, 'other-category');
      mkdirSync(join(other, '2025-10-15', '1', '1'), { recursive: true });
      writePriceTree(other, { '2025-10-16': { 604: [[42402, 'Normal', 0.5, 1, 2, 0.75]] } });
      const partial = await importTcgcsvFiles(ctx, { path: other });
      expect(partial).toMatchObject({ status: 'partial', rows_read: 1, accepted: 1 });
      expect(partial.failures.map((f) => f.item)).toEqual(['2025-10-15/3']);
      expect(partial.failures[0]!.error).toMatch(/^no Pokémon prices for 2025-10-15/);
    });

    it('imports TCGCSV daily archives (7z, PPMd): Pokémon only, in range; a broken archive fails alone', async () => {
      const src = join(dir, 'archive-src');
      writePriceTree(src, { '2025-10-21': dayPrices(355), '2025-10-16': dayPrices(300) });
      // Another category in the same archive must be left out.
      mkdirSync(join(src, '2025-10-21', '1', '1'), { recursive: true });
      writeFileSync(
        join(src, '2025-10-21', '1', '1', 'prices'),
        '{"success": true, "errors": [], "results": [{"productId": 1, "subTypeName": "Normal", "marketPrice": 1}]}',
      );
      const archives = join(dir, 'archives');
      mkdirSync(archives);
      await build7z(src, archives, 'prices-2025-10-21.ppmd.7z', '2025-10-21');
      await build7z(src, archives, 'prices-2025-10-16.ppmd.7z', '2025-10-16');
      writeFileSync(join(archives, 'prices-2025-10-22.ppmd.7z'), Buffer.from('7z¼¯\x27\x1c not really an archive'));
      writeFileSync(join(archives, 'readme.txt'), 'not an archive');
      expect(readdirSync(archives).sort()).toEqual([
        'prices-2025-10-16.ppmd.7z',
        'prices-2025-10-21.ppmd.7z',
        'prices-2025-10-22.ppmd.7z',
        'readme.txt',
      ]);

      const run = await importTcgcsvArchive(ctx, { path: archives, from: '2025-10-20', map });
      expect(run.status).toBe('partial');
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]!.item).toBe('prices-2025-10-22.ppmd.7z');
      expect(run.failures[0]!.error).toMatch(/7-Zip could not extract prices-2025-10-22\.ppmd\.7z/);
      expect(run).toMatchObject({ importer: 'tcgcsv-archive', rows_read: 10, accepted: 5, rejected: 5 });
      expect((await stored('base1-4.holofoil')).map((r) => [r.date, r.market_cents])).toEqual([
        ['2025-10-19', 34000],
        ['2025-10-20', 36000],
        ['2025-10-21', 35500],
      ]);
      // The temporary extraction folders are gone.
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('cardquant-tcgcsv-extract-'))).toEqual([]);
    });

    it('a failed write fails the archive run: no later write marks the lost days done, and a resume imports them', async () => {
      const src = join(dir, 'archive-src-write');
      writePriceTree(src, { '2025-10-13': dayPrices(300), '2025-10-14': dayPrices(305) });
      const archives = join(dir, 'archives-write');
      mkdirSync(archives);
      await build7z(src, archives, 'prices-2025-10-13.ppmd.7z', '2025-10-13');
      await build7z(src, archives, 'prices-2025-10-14.ppmd.7z', '2025-10-14');
      // The database refuses the first day's rows (a full disk, a lost connection): a trigger.
      if (d.name === 'sqlite')
        await sql`create trigger refuse_day before insert on prices when new.date = '2025-10-13' begin select raise(abort, 'refused'); end`.execute(
          ctx.database.db,
        );
      else {
        await sql`create function refuse_day() returns trigger language plpgsql as $$ begin if new.date = date '2025-10-13' then raise exception 'refused'; end if; return new; end $$`.execute(
          ctx.database.db,
        );
        await sql`create trigger refuse_day before insert on prices for each row execute function refuse_day()`.execute(
          ctx.database.db,
        );
      }
      // Each day written as soon as it is read, so the second day's write comes after the failure.
      const failed = await importTcgcsvArchive(ctx, { path: archives, map, flushRows: 1 });
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/refused/);
      const checkpoint = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', failed.id)
        .executeTakeFirstOrThrow();
      const done = checkpoint.checkpoint
        ? ((JSON.parse(checkpoint.checkpoint) as { doneDates?: string[] }).doneDates ?? [])
        : [];
      expect(done).not.toContain('2025-10-13');

      if (d.name === 'sqlite') await sql`drop trigger refuse_day`.execute(ctx.database.db);
      else {
        await sql`drop trigger refuse_day on prices`.execute(ctx.database.db);
        await sql`drop function refuse_day()`.execute(ctx.database.db);
      }
      const resumed = await importTcgcsvArchive(ctx, { path: archives, map, resume: { doneDates: done } });
      expect(resumed.status).toBe('succeeded');
      const dates = (await stored('base1-4.holofoil')).map((r) => String(r.date).slice(0, 10));
      expect(dates).toEqual(expect.arrayContaining(['2025-10-13', '2025-10-14']));
    });

    it('extract7z says why it cannot extract: not an archive, or no such file', async () => {
      await expect(extract7z(join(dir, 'archives', 'prices-2025-10-22.ppmd.7z'), join(dir, 'out'))).rejects.toThrow(
        /exit 2.*Cannot open the file as \[7z\] archive/,
      );
      await expect(extract7z(join(dir, 'archives', 'prices-1999-01-01.ppmd.7z'), join(dir, 'out'))).rejects.toThrow(
        /ENOENT/,
      );
    });
  });
});
