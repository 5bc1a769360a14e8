/**
 * The generic price CSV on both dialects: product ids keep two products of one card and finish
 * apart, a collision without them is rejected as `ambiguous_product`, a first import counts no
 * updates, the file is streamed in bounded chunks, gzip is read and other compressions refused,
 * and rejected rows name the field and value at fault.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { catalogWriter } from '../context.ts';
import { importHistoryCsv } from './history-csv.ts';

const HEADER = 'card_id,finish,market,currency,date,market_price,low_price,mid_price,high_price,condition';

/** `n` distinct valid rows of one card: one per market and date from 1996-01-01 on. */
function distinctRows(n: number): string[] {
  const rows: string[] = [];
  const day0 = Date.parse('1996-01-01T00:00:00Z');
  for (let i = 0; rows.length < n; i++) {
    const date = new Date(day0 + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`base1-4,Holofoil,tcgplayer,USD,${date},${(100 + (i % 50)).toFixed(2)},,,,`);
    if (rows.length < n) rows.push(`base1-4,Holofoil,cardmarket,EUR,${date},${(90 + (i % 40)).toFixed(2)},,,,`);
  }
  return rows;
}

describe.each(dialects)('generic price CSV on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d, '2026-02-01T00:00:00.000Z');
    let dir: string;
    const file = (name: string, text: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const prices = () =>
      ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select([
          'printings.id as printing',
          'printings.tcgplayer_product_id as product',
          'prices.market',
          'prices.date',
          'prices.market_cents',
        ])
        .orderBy('printings.id')
        .orderBy('prices.market')
        .orderBy('prices.date')
        .execute();
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-csv-stream-'));
      const now = ctx.runs.nowIso();
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], now);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'base1-2', setId: 'base1', number: '2', name: 'Blastoise' },
        ],
        now,
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    beforeEach(async () => {
      await ctx.database.db.deleteFrom('prices').execute();
    });

    it('a product_id column keeps two products of one card and finish as two printings', async () => {
      const run = await importHistoryCsv(ctx, {
        path: file(
          'products.csv',
          `card_id,finish,market,currency,date,market_price,product_id
base1-2,Holofoil,tcgplayer,USD,2025-10-01,120.50,42350
base1-2,Holofoil,tcgplayer,USD,2025-10-01,12.25,99001
base1-2,Holofoil,tcgplayer,USD,2025-10-02,121.00,42350
base1-2,Holofoil,tcgplayer,USD,2025-10-02,12.50,99001
base1-2,Holofoil,tcgplayer,USD,2025-10-02,1,x9
`,
        ),
      });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 5,
        accepted: 4,
        updated: 0,
        rejected: 1,
        rejected_by_reason: { malformed_row: 1 },
      });
      expect(run.rejected_examples).toEqual([
        { at: 'line 6', reason: 'malformed_row', detail: 'product_id "x9" is not a TCGplayer product id' },
      ]);
      expect(await prices()).toEqual([
        { printing: 'base1-2.holofoil', product: 42350, market: 'tcgplayer', date: '2025-10-01', market_cents: 12050 },
        { printing: 'base1-2.holofoil', product: 42350, market: 'tcgplayer', date: '2025-10-02', market_cents: 12100 },
        {
          printing: 'base1-2.holofoil.99001',
          product: 99001,
          market: 'tcgplayer',
          date: '2025-10-01',
          market_cents: 1225,
        },
        {
          printing: 'base1-2.holofoil.99001',
          product: 99001,
          market: 'tcgplayer',
          date: '2025-10-02',
          market_cents: 1250,
        },
      ]);
      // The same file again: every row is where it was.
      const again = await importHistoryCsv(ctx, { path: join(dir, 'products.csv') });
      expect(again).toMatchObject({ accepted: 0, updated: 0, unchanged: 4 });
      // Another card's product is refused; a row without product id that lands on a product's
      // printing with other prices than that product's row is ambiguous, not silently merged.
      const mixed = await importHistoryCsv(ctx, {
        path: file(
          'mixed.csv',
          `card_id,finish,market,currency,date,market_price,product_id
base1-4,Holofoil,tcgplayer,USD,2025-10-03,350.00,42350
base1-2,Holofoil,tcgplayer,USD,2025-10-03,122.00,42350
base1-2,Holofoil,tcgplayer,USD,2025-10-03,99.00,
`,
        ),
      });
      expect(mixed).toMatchObject({
        rows_read: 3,
        accepted: 0,
        rejected: 3,
        rejected_by_reason: { product_card_mismatch: 1, ambiguous_product: 2 },
      });
    });

    it('without product ids, rows that give one grain different prices are all rejected as ambiguous_product; equal ones are duplicates', async () => {
      const run = await importHistoryCsv(ctx, {
        path: file(
          'collide.csv',
          `${HEADER}
base1-4,Holofoil,tcgplayer,USD,2025-10-01,350.25,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-01,42.98,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-02,351.00,,,,
base1-4,holofoil,TCGplayer,usd,2025-10-02,351.00,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-03,352.00,,,,
`,
        ),
      });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 5,
        accepted: 2,
        updated: 0,
        unchanged: 0,
        rejected: 3,
      });
      expect(run.rejected_by_reason).toEqual({ ambiguous_product: 2, duplicate_row: 1 });
      expect((await prices()).map((p) => [p.date, p.market_cents])).toEqual([
        ['2025-10-02', 35100],
        ['2025-10-03', 35200],
      ]);
    });

    it('a collision across chunks takes the stored row back out, and a first import counts no updates', async () => {
      // The first and the last row share a grain with different prices, 20,001 rows apart.
      const rows = distinctRows(20_002);
      rows.push(rows[0]!.replace(/,100\.00,/, ',42.98,'));
      const run = await importHistoryCsv(ctx, { path: file('long.csv', `${HEADER}\n${rows.join('\n')}\n`) });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 20_003,
        accepted: 20_001,
        updated: 0,
        unchanged: 0,
        rejected: 2,
      });
      expect(run.rejected_by_reason).toEqual({ ambiguous_product: 2 });
      const stored = await ctx.database.db
        .selectFrom('prices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(20_001);
      const first = await ctx.database.db
        .selectFrom('prices')
        .select('date')
        .where('date', '=', '1996-01-01')
        .where('market', '=', 'tcgplayer')
        .execute();
      expect(first).toEqual([]);
      // Equal repeats across chunks are duplicates, never updates.
      const fresh = ['2025-10-01', '2025-10-02', '2025-10-03'].map(
        (date) => `base1-2,Holofoil,tcgplayer,USD,${date},12.00,,,,`,
      );
      const repeat = await importHistoryCsv(ctx, {
        path: file('repeat.csv', `${HEADER}\n${[...fresh, ...fresh].join('\n')}\n`),
        chunkRows: 3,
      });
      expect(repeat).toMatchObject({
        rows_read: 6,
        accepted: 3,
        updated: 0,
        unchanged: 0,
        rejected: 3,
        rejected_by_reason: { duplicate_row: 3 },
      });
    }, 120_000);

    it("a collision across chunks puts back the earlier run's value it had replaced, and counts it out of updated", async () => {
      const row = (date: string, price: string, product = '') =>
        `base1-4,Holofoil,tcgplayer,USD,${date},${price},,,,,${product}`;
      const H = `${HEADER},product_id`;
      const first = await importHistoryCsv(ctx, {
        path: file('earlier.csv', `${H}\n${row('2025-10-01', '100.00')}\n${row('2025-10-02', '100.00')}\n`),
      });
      expect(first).toMatchObject({ accepted: 2 });
      // The second file replaces 10-01 in one chunk, then names it again with another price.
      const second = await importHistoryCsv(ctx, {
        path: file(
          'later.csv',
          `${H}\n${row('2025-10-01', '200.00')}\n${row('2025-10-01', '300.00')}\n${row('2025-10-02', '100.00')}\n`,
        ),
        chunkRows: 1,
      });
      expect(second).toMatchObject({
        rows_read: 3,
        accepted: 0,
        updated: 0,
        unchanged: 1,
        rejected: 2,
        rejected_by_reason: { ambiguous_product: 2 },
      });
      expect((await prices()).map((p) => [p.date, p.market_cents])).toEqual([
        ['2025-10-01', 10000],
        ['2025-10-02', 10000],
      ]);
      const restored = await ctx.database.db
        .selectFrom('prices')
        .select('run_id')
        .where('date', '=', '2025-10-01')
        .executeTakeFirstOrThrow();
      expect(restored.run_id).toBe(first.id);
    });

    it('a row with a product id and one without that land on one printing collide without negative counts', async () => {
      const row = (date: string, price: string, product = '') =>
        `base1-4,Holofoil,tcgplayer,USD,${date},${price},,,,,${product}`;
      const H = `${HEADER},product_id`;
      await importHistoryCsv(ctx, {
        path: file(
          'p1.csv',
          `${H}\n${row('2025-10-01', '120.50', '77001')}\n${row('2025-10-02', '120.50', '77001')}\n`,
        ),
      });
      const second = await importHistoryCsv(ctx, {
        path: file(
          'p2.csv',
          `${H}\n${row('2025-10-01', '121.00', '77001')}\n${row('2025-10-01', '99.00')}\n${row('2025-10-02', '120.50', '77001')}\n`,
        ),
        chunkRows: 1,
      });
      expect(second).toMatchObject({ rows_read: 3, accepted: 0, updated: 0, unchanged: 1, rejected: 2 });
      expect((await prices()).map((p) => [p.date, p.market_cents])).toEqual([
        ['2025-10-01', 12050],
        ['2025-10-02', 12050],
      ]);
    });

    it('streams the file: the first chunk is written before most of the file is read', async () => {
      const path = file('big.csv', `${HEADER}\n${distinctRows(20_000).join('\n')}\n`);
      const size = statSync(path).size;
      const input = createReadStream(path, { highWaterMark: 16 * 1024 });
      let readAtFirstChunk: number | null = null;
      let storedAtFirstChunk: Promise<unknown> | null = null;
      const run = await importHistoryCsv(
        {
          ...ctx,
          progress: () => {
            readAtFirstChunk ??= input.bytesRead;
            storedAtFirstChunk ??= ctx.database.db.selectFrom('prices').select('date').limit(1).execute();
          },
        },
        { path, input, chunkRows: 500 },
      );
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 20_000, accepted: 20_000 });
      expect(readAtFirstChunk).not.toBeNull();
      // 500 rows are about 20 KB; a reader that holds the whole file would have read all of it.
      expect(readAtFirstChunk!).toBeLessThan(size / 4);
      expect(await storedAtFirstChunk).toHaveLength(1);
    }, 120_000);

    it('archives the file in gzip parts compressed as they are read, which reassemble the file byte for byte', async () => {
      const text = `${HEADER}\n${distinctRows(12_000).join('\n')}\n`;
      const path = file('archived.csv', text);
      const input = createReadStream(path, { highWaterMark: 16 * 1024 });
      const run = await importHistoryCsv(ctx, { path, input, chunkRows: 1_000, payloadPartBytes: 64 * 1024 });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 12_000, accepted: 12_000 });
      const parts: { name: string; body: Buffer }[] = [];
      for await (const p of ctx.runs.payloads(run.id)) parts.push(p);
      expect(parts.length).toBeGreaterThanOrEqual(5);
      expect(parts.map((p) => p.name)).toEqual(parts.map((_, i) => `archived.csv#${i + 1}`));
      // Every part but the last is about one part long (compressed per part, not per file).
      for (const p of parts.slice(0, -1)) expect(p.body.byteLength).toBeLessThan(2 * 64 * 1024);
      expect(Buffer.concat(parts.map((p) => p.body)).toString('utf8')).toBe(text);
      const stored = await ctx.database.db
        .selectFrom('ingestion_payloads')
        .select(['bytes', 'encoding'])
        .where('run_id', '=', run.id)
        .orderBy('id')
        .execute();
      expect(stored.map((s) => s.bytes)).toEqual(parts.map((p) => p.body.byteLength));
      expect(new Set(stored.map((s) => s.encoding))).toEqual(new Set(['gzip']));
    }, 120_000);

    it('reads a gzip-compressed CSV; refuses zip, 7z, bzip2 and xz files, saying they are compressed', async () => {
      const plain = `${HEADER}\nbase1-4,Holofoil,tcgplayer,USD,2025-10-01,350.25,300,380.5,9999,\n`;
      const run = await importHistoryCsv(ctx, { path: file('prices.csv.gz', gzipSync(plain)) });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 1, accepted: 1, dropped_placeholder_fields: 1 });
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['dropped_placeholder_fields'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row.dropped_placeholder_fields).toBe(1);
      const magic: Record<string, number[]> = {
        zip: [0x50, 0x4b, 0x03, 0x04],
        '7z': [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
        bzip2: [0x42, 0x5a, 0x68, 0x39],
        xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
      };
      for (const [kind, bytes] of Object.entries(magic)) {
        const path = file(`prices.${kind}`, Buffer.concat([Buffer.from(bytes), Buffer.from('rest of the archive')]));
        await expect(importHistoryCsv(ctx, { path })).rejects.toThrow(
          `prices.${kind} is ${kind}-compressed, not a CSV text file`,
        );
      }
      await expect(
        importHistoryCsv(ctx, { path: file('broken.csv.gz', gzipSync(plain).subarray(0, 20)) }),
      ).rejects.toThrow('cannot read broken.csv.gz: unexpected end of file');
    });

    it('names the field and value of rejected rows (bounded), in the summary and the run record', async () => {
      const bad = Array.from(
        { length: 30 },
        (_, i) => `base1-4,Holofoil,tcgplayer,USD,2025-10-${String((i % 28) + 1).padStart(2, '0')},${i}x,,,,`,
      );
      const run = await importHistoryCsv(ctx, {
        path: file(
          'bad.csv',
          `${HEADER}
base1-4,Holofoil,tcgplayer,USD,2025-10-01,abc,,,,
base1-4,Holofoil,ebay,USD,2025-10-01,1,,,,
base1-4,Holofoil,tcgplayer,USD,2025-13-01,1,,,,
base1-4,Shiny,tcgplayer,USD,2025-10-01,1,,,,
base1-4,Holofoil,tcgplayer,GBP,2025-10-01,1,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-03,1
base1-4,Holofoil,tcgplayer,USD,2025-10-04,4.5,,,,
${bad.join('\n')}
`,
        ),
      });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 37, accepted: 1, rejected: 36 });
      expect(run.rejected_examples.slice(0, 7)).toEqual([
        { at: 'line 2', reason: 'not_a_number', detail: 'market_price "abc" is not a decimal number' },
        { at: 'line 3', reason: 'unknown_market', detail: 'market "ebay" is not tcgplayer or cardmarket' },
        { at: 'line 4', reason: 'impossible_date', detail: 'date "2025-13-01" is not a calendar date (YYYY-MM-DD)' },
        { at: 'line 5', reason: 'unknown_finish', detail: 'finish "Shiny" is not a known finish' },
        { at: 'line 6', reason: 'unknown_currency', detail: 'currency "GBP" is not USD or EUR' },
        { at: 'line 7', reason: 'malformed_row', detail: '6 fields where the header has 10' },
        { at: 'line 9', reason: 'not_a_number', detail: 'market_price "0x" is not a decimal number' },
      ]);
      expect(run.rejected_examples).toHaveLength(20);
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['rejected_examples'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.rejected_examples)).toEqual(run.rejected_examples);
    });

    it('a file of nothing but a header fails, saying it holds no rows', async () => {
      const run = await importHistoryCsv(ctx, { path: file('header-only.csv', `${HEADER}\n`) });
      expect(run).toMatchObject({ status: 'failed', rows_read: 0, error: 'header-only.csv holds no data rows' });
    });
  });
});
