/** What every importer gets: storage, the run registry, time and a logger. */
import type { Clock } from '../../platform/clock.ts';
import { isoInstant } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';
import { CatalogWriter } from '../catalog/catalog-writer.ts';
import type { ProductMap } from '../catalog/product-map.ts';
import { PriceImporter, type RepeatPolicy } from '../prices/price-importer.ts';
import type { IngestionRun, IngestionRuns } from './ingestion-run.ts';
import type { RunStart, RunSummary } from '../../shared/run-accounting.ts';

export interface IngestContext {
  database: Database;
  runs: IngestionRuns;
  clock: Clock;
  log: Logger;
  /** Reports progress of long imports (a terminal bar, or periodic log lines). */
  progress?: (done: number, total: number | null, label: string) => void;
}

/** Today's UTC calendar date by the context's clock. */
export function today(ctx: IngestContext): string {
  return isoInstant(ctx.clock.now()).slice(0, 10);
}

export function catalogWriter(ctx: IngestContext): CatalogWriter {
  return new CatalogWriter(ctx.database.db);
}

/** A price importer bound to `run`, with `known_at` = now. */
export function priceImporter(
  ctx: IngestContext,
  run: IngestionRun,
  feed: string,
  options: { chunkRows?: number; repeats?: RepeatPolicy; products?: ProductMap } = {},
): Promise<PriceImporter> {
  return PriceImporter.create(ctx.database, run, {
    feed,
    today: today(ctx),
    nowIso: isoInstant(ctx.clock.now()),
    log: ctx.log,
    ...options,
  });
}

/**
 * Runs `body` inside a recorded ingestion run: the run is closed as succeeded, partial (some
 * parts failed) or failed (body threw, or the run read nothing or rejected every row — see
 * `IngestionRun.finish`), and its summary returned either way.
 *
 * @example
 * return withRun(ctx, { importer: 'tcgcsv-files', feed: 'tcgcsv', kind: 'prices' }, async (run) => { … });
 */
export async function withRun(
  ctx: IngestContext,
  start: RunStart,
  body: (run: IngestionRun) => Promise<void>,
): Promise<RunSummary> {
  const run = await ctx.runs.start(start);
  try {
    await body(run);
    const summary = await run.finish();
    ctx.log.info(
      {
        runId: run.id,
        importer: start.importer,
        status: summary.status,
        rows_read: summary.rows_read,
        rejected: summary.rejected,
      },
      'ingestion run finished',
    );
    return summary;
  } catch (err) {
    ctx.log.error(
      { runId: run.id, importer: start.importer, err: { message: (err as Error).message } },
      'ingestion run failed',
    );
    return run.finish(err);
  }
}
