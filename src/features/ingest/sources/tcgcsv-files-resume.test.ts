/**
 * A TCGCSV files import interrupted after some of its buffered writes, then resumed from its
 * checkpoint: no day's rows are lost or stored twice, the checkpoint names only days whose rows
 * are all written, and each run's counts match what it stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import { NOW, dayPrices, seedCatalogAndListings, writeCrosswalk, writePriceTree } from '#test/tcgcsv-fixtures.ts';
import type { IngestContext } from '../context.ts';
import { importTcgcsvFiles } from './tcgcsv-files.ts';

const DAYS = ['2025-10-18', '2025-10-19', '2025-10-20'];
// Per day of the fixtures: 10 rows read, 5 stored, 5 rejected.
const READ_PER_DAY = 10;
const STORED_PER_DAY = 5;

describe.each(dialects)('TCGCSV files import interrupted and resumed on $name', (d) => {
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
      dir = mkdtempSync(join(tmpdir(), 'cardquant-tcgcsv-resume-'));
      map = writeCrosswalk(dir);
      tree = join(dir, 'prices');
      writePriceTree(tree, { [DAYS[0]!]: dayPrices(330), [DAYS[1]!]: dayPrices(340), [DAYS[2]!]: dayPrices(350) });
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const storedBy = async (runId: string) =>
      (
        await ctx.database.db
          .selectFrom('prices')
          .select(['date'])
          .where('run_id', '=', runId)
          .orderBy('date')
          .execute()
      ).map((r) => String(r.date).slice(0, 10));
    const checkpointOf = async (runId: string): Promise<string[]> => {
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      return row.checkpoint ? ((JSON.parse(row.checkpoint) as { doneDates?: string[] }).doneDates ?? []) : [];
    };

    it('resumes without losing or double-counting a day whose rows were partly written', async () => {
      // Writes of 4 rows within a day, dates settled every 6 buffered rows: the interruption after
      // the second day leaves rows of an unsettled day written.
      const interrupted = await importTcgcsvFiles(
        { ...ctx, progress: (_done, _total, date) => void (date === DAYS[1] && fail()) },
        { path: tree, map, flushRows: 6, chunkRows: 4 },
      );
      function fail(): never {
        throw new Error('interrupted');
      }
      expect(interrupted.status).toBe('failed');
      const done = await checkpointOf(interrupted.id);
      const first = await storedBy(interrupted.id);
      // Every day in the checkpoint is stored whole; some rows of a day not in it are stored too.
      for (const day of done) expect(first.filter((x) => x === day)).toHaveLength(STORED_PER_DAY);
      expect(first.filter((x) => !done.includes(x)).length).toBeGreaterThan(0);
      expect(done.length).toBeLessThan(2);
      // The run counts exactly the rows it stored.
      expect(interrupted.accepted + interrupted.updated).toBe(first.length);

      const resumed = await importTcgcsvFiles(ctx, {
        path: tree,
        map,
        resume: { doneDates: done },
        resumesRun: interrupted.id,
        flushRows: 6,
        chunkRows: 4,
      });
      expect(resumed.status).toBe('succeeded');
      const left = DAYS.length - done.length;
      const partly = first.filter((x) => !done.includes(x)).length;
      // The days not done are read again whole: their rows the interrupted run wrote are unchanged.
      expect(resumed).toMatchObject({
        rows_read: READ_PER_DAY * left,
        accepted: STORED_PER_DAY * left - partly,
        unchanged: partly,
        updated: 0,
        rejected: (READ_PER_DAY - STORED_PER_DAY) * left,
      });
      expect(await checkpointOf(resumed.id)).toEqual(DAYS);
      // Each day's rows are stored once, each accepted by exactly one of the two runs.
      const all = await ctx.database.db
        .selectFrom('prices')
        .select(({ fn }) => ['date', fn.countAll<number>().as('n')])
        .groupBy('date')
        .orderBy('date')
        .execute();
      expect(all.map((r) => [String(r.date).slice(0, 10), Number(r.n)])).toEqual(DAYS.map((x) => [x, STORED_PER_DAY]));
      expect(interrupted.accepted + resumed.accepted).toBe(STORED_PER_DAY * DAYS.length);
      expect((await storedBy(resumed.id)).length).toBe(resumed.accepted);
    });
  });
});
