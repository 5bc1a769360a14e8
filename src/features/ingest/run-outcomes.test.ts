/**
 * Honest run outcomes on both dialects: a run that reads nothing or rejects every row fails with
 * a hint; a resumed TCGCSV files run skips the dates its predecessor finished and records it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { CROSSWALK_CSV, NOW, dayPrices, seedCatalog, writePriceTree } from '#test/tcgcsv-fixtures.ts';
import { withRun } from './context.ts';
import { allRejectedMessage, IngestionRuns } from './ingestion-run.ts';
import { idFactory } from '../../platform/ids.ts';
import { importTcgcsvArchive, importTcgcsvFiles } from './sources/tcgcsv-files.ts';

describe('the message of a run that rejected every row', () => {
  it('names the reasons, largest first, with a hint for the largest', () => {
    expect(allRejectedMessage({ malformed_row: 3, unmatched_product: 1234 })).toBe(
      'every row was rejected: 1,234 unmatched_product, 3 malformed_row — did you forget --map (a TCGplayer → card cross-walk)?',
    );
    expect(allRejectedMessage({ duplicate_row: 2 })).toBe('every row was rejected: 2 duplicate_row');
  });
});

describe.each(dialects)('run outcomes on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d, NOW);
    let dir: string;
    let tree: string;
    let map: string;

    it('a run records its holder and heartbeats while it works', async () => {
      const runs = new IngestionRuns(ctx.database.db, ctx.clock, idFactory(ctx.clock), {
        keepPayloads: false,
        heartbeatMs: 20,
        holder: 'test-host:1/beat',
      });
      const heartbeatOf = async (id: string) =>
        await ctx.database.db
          .selectFrom('ingestion_runs')
          .select(['heartbeat_at', 'holder'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
      let runId = '';
      await withRun(
        { ...ctx, runs },
        { importer: 'heartbeat-test', feed: 'pokemontcg', kind: 'prices' },
        async (run) => {
          runId = run.id;
          expect(await heartbeatOf(run.id)).toEqual({ heartbeat_at: NOW, holder: 'test-host:1/beat' });
          ctx.clock.advance(60_000);
          const later = new Date(Date.parse(NOW) + 60_000).toISOString();
          await vi.waitFor(async () => expect((await heartbeatOf(run.id)).heartbeat_at).toBe(later), {
            timeout: 30_000,
            interval: 10,
          });
          run.add({ accepted: 1, updated: 0, unchanged: 0 });
        },
      );
      expect(
        (
          await ctx.database.db
            .selectFrom('ingestion_runs')
            .select('status')
            .where('id', '=', runId)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('succeeded');
      ctx.clock.set(NOW);
    });

    beforeAll(async () => {
      await seedCatalog(ctx);
      dir = mkdtempSync(join(tmpdir(), 'cardquant-run-outcomes-'));
      map = join(dir, 'map.csv');
      writeFileSync(map, CROSSWALK_CSV);
      tree = join(dir, 'prices');
      writePriceTree(tree, {
        '2025-10-18': dayPrices(330),
        '2025-10-19': dayPrices(340),
        '2025-10-20': dayPrices(350),
      });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const runRow = (id: string) =>
      ctx.database.db.selectFrom('ingestion_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('a run that rejects every row (no cross-walk yet) fails with a hint', async () => {
      const run = await importTcgcsvFiles(ctx, { path: tree, from: '2025-10-18', to: '2025-10-18' });
      expect(run.status).toBe('failed');
      expect(run.rows_read).toBeGreaterThan(0);
      expect(run.rejected).toBe(run.rows_read);
      expect(run.error).toMatch(
        /^every row was rejected: \d+ unmapped_product, .* — import the product listings .* or a cross-walk \(--map\)/,
      );
      expect(await runRow(run.id)).toMatchObject({ status: 'failed', error: run.error });
    });

    it('a folder without price files fails, saying where it looked', async () => {
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      const run = await importTcgcsvFiles(ctx, { path: empty });
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toBe('no price files (<date>/3/<groupId>/prices) under empty');
      expect(await runRow(run.id)).toMatchObject({ status: 'failed', error: run.error });
    });

    it('a date range with no files fails, naming the range', async () => {
      const run = await importTcgcsvFiles(ctx, { path: tree, from: '2025-09-01', to: '2025-09-30', map });
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toBe('no price files (<date>/3/<groupId>/prices) under prices for 2025-09-01…2025-09-30');
      const archives = await importTcgcsvArchive(ctx, { path: tree, from: '2025-09-01', to: '2025-09-30' });
      expect(archives).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(archives.error).toBe(
        'no TCGCSV archives (prices-YYYY-MM-DD.ppmd.7z) under prices for 2025-09-01…2025-09-30',
      );
    });

    it('counts placeholder fields dropped from kept rows in the run', async () => {
      const run = await importTcgcsvFiles(ctx, { path: tree, from: '2025-10-18', to: '2025-10-18', map });
      expect(run.status).toBe('succeeded');
      // The 9999 "high" of Charizard and the 501.5 "high" of Pikachu.
      expect(run.dropped_placeholder_fields).toBe(2);
      expect((await runRow(run.id)).dropped_placeholder_fields).toBe(2);
      // The malformed row of the fixture is named with its field and value.
      expect(run.rejected_examples).toEqual([
        {
          at: '2025-10-18 results[6]',
          reason: 'malformed_row',
          detail: 'productId "x42" is not a TCGplayer product id',
        },
      ]);
    });

    it('--resume skips the dates the resumed run finished, carries them on, and records the run it resumes', async () => {
      const first = await importTcgcsvFiles(ctx, { path: tree, from: '2025-10-19', to: '2025-10-19', map });
      expect(first.status).toBe('succeeded');
      const checkpoint = JSON.parse((await runRow(first.id)).checkpoint!) as { doneDates: string[] };
      expect(checkpoint).toEqual({ doneDates: ['2025-10-19'] });

      const resumed = await importTcgcsvFiles(ctx, {
        path: tree,
        from: '2025-10-19',
        map,
        resume: checkpoint,
        resumesRun: first.id,
      });
      expect(resumed.status).toBe('succeeded');
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(resumed.id)) names.push(p.name);
      expect(names.every((n) => n.startsWith('2025-10-20/'))).toBe(true);
      expect(names.length).toBeGreaterThan(0);
      const row = await runRow(resumed.id);
      expect(row.resumes).toBe(first.id);
      expect(JSON.parse(row.checkpoint!)).toEqual({ doneDates: ['2025-10-19', '2025-10-20'] });

      // tcgcsv-archive skips the archives of finished dates without opening them.
      const archives = join(dir, 'archives');
      mkdirSync(archives, { recursive: true });
      writeFileSync(join(archives, 'prices-2025-10-19.ppmd.7z'), 'not an archive');
      const fresh = await importTcgcsvArchive(ctx, { path: archives });
      expect(fresh.failures.map((f) => f.item)).toEqual(['prices-2025-10-19.ppmd.7z']);
      const skipped = await importTcgcsvArchive(ctx, {
        path: archives,
        resume: { doneDates: ['2025-10-19'] },
        resumesRun: fresh.id,
      });
      expect(skipped).toMatchObject({ status: 'failed', rows_read: 0, failures: [] });
      expect(skipped.error).toBe(
        'no TCGCSV archives (prices-YYYY-MM-DD.ppmd.7z) under archives (the resumed run had already imported 1 date(s))',
      );
      expect((await runRow(skipped.id)).resumes).toBe(fresh.id);

      // Resuming a run that finished everything reads nothing, and says so.
      const nothing = await importTcgcsvFiles(ctx, {
        path: tree,
        from: '2025-10-19',
        to: '2025-10-20',
        map,
        resume: { doneDates: ['2025-10-19', '2025-10-20'] },
        resumesRun: resumed.id,
      });
      expect(nothing.status).toBe('failed');
      expect(nothing.error).toMatch(/for 2025-10-19…2025-10-20 \(the resumed run had already imported 2 date\(s\)\)$/);
    });
  });
});
