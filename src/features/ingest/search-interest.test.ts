import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import { catalogWriter, type IngestContext } from './context.ts';
import {
  hasSearchInterest,
  importSearchInterestCsv,
  SearchInterestService,
  type SearchInterestInput,
} from './search-interest.ts';

const row = (
  card_id: string,
  date: string,
  value: number,
  extra: Partial<SearchInterestInput> = {},
): SearchInterestInput => ({
  card_id,
  date,
  value,
  granularity: 'day',
  batch: 'b1',
  ...extra,
});

const CSV = `card_id,date,value,granularity,batch,anchor
base1-4,2025-10-01,40,week,w1,pikachu
base1-4,2025-10-08,45.5,week,w1,pikachu
base1-2,2025-10-01,12,week,w1,
base1-4,2025-10-15,,week,w1,pikachu
base1-4,2025-10-15,abc,week,w1,pikachu
base1-4,2025-10-15,1,month,w1,pikachu
base1-4,2025-10-15,1,week,,pikachu
base1-4,2025-10-15,1,week
"base1-4","2025-10-08","46","week","w1","pikachu"
`;

describe.each(dialects)('search interest on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let ctx: IngestContext & { clock: { set(at: string): void }; close(): Promise<void> };
    let service: SearchInterestService;
    let dir: string;
    const stored = () =>
      ctx.database.db
        .selectFrom('search_interest')
        .selectAll()
        .orderBy('card_id')
        .orderBy('date')
        .orderBy('granularity')
        .orderBy('batch')
        .execute();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-svi-'));
      url = await d.create();
      ctx = await ingestContext(url, '2025-10-21T02:00:00.000Z');
      const now = ctx.runs.nowIso();
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], now);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'base1-2', setId: 'base1', number: '2', name: 'Blastoise' },
        ],
        now,
      );
      service = new SearchInterestService(ctx.database, ctx.runs, ctx.clock);
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const batch = [
      row('base1-4', '2025-10-19', 55),
      row('base1-4', '2025-10-20', 62.5, { anchor: 'charizard' }),
      row('base1-2', '2025-10-20', 0),
      row('base1-2', '2025-10-20', 100, { batch: 'b2' }),
      row('nope-1', '2025-10-20', 10),
      row('base1-4', '2025-10-23', 10),
      row('base1-4', '2025-02-30', 10),
      row('base1-4', '2025-10-18', 100.5),
      row('base1-4', '2025-10-18', -1),
      row('base1-4', '2025-10-18', Number.NaN),
      row('base1-4', '2025-10-18', 10, { granularity: 'month' }),
      row('base1-4', '2025-10-18', 10, { batch: ' ' }),
      row('base1-4', '2025-10-19', 56),
    ];

    it('stores valid rows, rejects the rest by reason, and records the run', async () => {
      expect(await hasSearchInterest(ctx.database.db)).toBe(false);
      const run = await service.ingest(batch, { importer: 'api' });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 4,
        updated: 0,
        unchanged: 0,
        rejected: 9,
      });
      expect(run.rejected_by_reason).toEqual({
        card_not_in_catalog: 1,
        impossible_date: 2,
        value_out_of_range: 2,
        not_a_number: 1,
        unknown_granularity: 1,
        missing_batch: 1,
        duplicate_row: 1,
      });
      const known_at = '2025-10-21T02:00:00.000Z';
      expect(await stored()).toEqual([
        {
          card_id: 'base1-2',
          date: '2025-10-20',
          granularity: 'day',
          batch: 'b1',
          anchor: null,
          value: 0,
          feed: 'api',
          known_at,
        },
        {
          card_id: 'base1-2',
          date: '2025-10-20',
          granularity: 'day',
          batch: 'b2',
          anchor: null,
          value: 100,
          feed: 'api',
          known_at,
        },
        {
          card_id: 'base1-4',
          date: '2025-10-19',
          granularity: 'day',
          batch: 'b1',
          anchor: null,
          value: 56,
          feed: 'api',
          known_at,
        },
        {
          card_id: 'base1-4',
          date: '2025-10-20',
          granularity: 'day',
          batch: 'b1',
          anchor: 'charizard',
          value: 62.5,
          feed: 'api',
          known_at,
        },
      ]);
      const runRow = await ctx.database.db
        .selectFrom('ingestion_runs')
        .selectAll()
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(runRow).toMatchObject({
        importer: 'api',
        feed: 'search-interest',
        kind: 'search_interest',
        status: 'succeeded',
        rows_read: 13,
        accepted: 4,
        rejected: 9,
      });
      expect(await hasSearchInterest(ctx.database.db)).toBe(true);
    });

    it('re-ingesting the same rows changes nothing; a changed value or anchor counts as updated', async () => {
      ctx.clock.set('2025-10-21T03:00:00.000Z');
      const again = await service.ingest(batch, { importer: 'api' });
      expect(again).toMatchObject({ rows_read: 13, accepted: 0, updated: 0, unchanged: 4, rejected: 9 });

      const changed = await service.ingest(
        [
          row('base1-4', '2025-10-19', 57),
          row('base1-4', '2025-10-20', 62.5, { anchor: 'pikachu' }),
          row('base1-2', '2025-10-20', 0),
        ],
        { importer: 'api' },
      );
      expect(changed).toMatchObject({ rows_read: 3, accepted: 0, updated: 2, unchanged: 1, rejected: 0 });
      const rows = await stored();
      expect(rows.find((r) => r.card_id === 'base1-4' && r.date === '2025-10-19')).toMatchObject({
        value: 57,
        known_at: '2025-10-21T03:00:00.000Z',
      });
      expect(rows.find((r) => r.card_id === 'base1-4' && r.date === '2025-10-20')).toMatchObject({ anchor: 'pikachu' });
      expect(rows.find((r) => r.card_id === 'base1-2' && r.batch === 'b1')).toMatchObject({
        known_at: '2025-10-21T02:00:00.000Z',
      });
    });

    it('imports the CSV layout, counting every row', async () => {
      const path = join(dir, 'svi.csv');
      writeFileSync(path, CSV);
      const run = await importSearchInterestCsv(ctx, { path });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 9,
        accepted: 3,
        updated: 0,
        unchanged: 0,
        rejected: 6,
      });
      expect(run.rejected_by_reason).toEqual({
        not_a_number: 2,
        unknown_granularity: 1,
        missing_batch: 1,
        malformed_row: 1,
        duplicate_row: 1,
      });
      const weekly = (await stored()).filter((r) => r.granularity === 'week');
      expect(weekly.map((r) => [r.card_id, r.date, r.value, r.anchor, r.feed])).toEqual([
        ['base1-2', '2025-10-01', 12, null, 'csv'],
        ['base1-4', '2025-10-01', 40, 'pikachu', 'csv'],
        ['base1-4', '2025-10-08', 46, 'pikachu', 'csv'],
      ]);
      const runRow = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['importer', 'feed', 'kind'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(runRow).toEqual({ importer: 'csv', feed: 'search-interest', kind: 'search_interest' });
      const again = await importSearchInterestCsv(ctx, { path });
      expect(again).toMatchObject({ rows_read: 9, accepted: 0, unchanged: 3, rejected: 6 });
      // The same file gzip-compressed is read as it is; a zip file is refused as compressed.
      const gz = join(dir, 'svi.csv.gz');
      writeFileSync(gz, gzipSync(CSV));
      expect(await importSearchInterestCsv(ctx, { path: gz })).toMatchObject({
        rows_read: 9,
        accepted: 0,
        unchanged: 3,
        rejected: 6,
      });
      const zip = join(dir, 'svi.zip');
      writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(CSV)]));
      await expect(importSearchInterestCsv(ctx, { path: zip })).rejects.toThrow(
        'svi.zip is zip-compressed, not a CSV text file',
      );
    });

    it('fails the CSV run when a required column is missing', async () => {
      const path = join(dir, 'bad.csv');
      writeFileSync(path, 'card_id,date,value,batch\nbase1-4,2025-10-01,40,w1\n');
      const run = await importSearchInterestCsv(ctx, { path });
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toContain('granularity');
    });
  });
});
