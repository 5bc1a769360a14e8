/**
 * The daily pipeline's steps in order (DESIGN §8). This issue's steps: catalogue, price and FX
 * ingestion from the configured sources, deriving latest prices and changes, and retention.
 * Later capabilities (quality checks, signals, factors, NAV, alerts, backup) add theirs here.
 */
import { isoInstant } from '../../platform/clock.ts';
import type { IngestContext } from '../ingest/context.ts';
import { prepareForRealData } from '../ingest/dataset.ts';
import type { RunSummary } from '../ingest/ingestion-run.ts';
import { purgePayloads } from '../ingest/runs.repo.ts';
import { deriveReadModels } from '../market/derive.ts';
import type { MoverRules } from '../market/movers.repo.ts';
import type { PipelineStep, StepOptions, StepResult } from './pipeline.ts';

export type CatalogImport = (ctx: IngestContext) => Promise<RunSummary>;
export type PriceImport = (ctx: IngestContext, range: { from?: string; to?: string }) => Promise<RunSummary>;

export interface StepSources {
  catalog: { name: string; run: CatalogImport }[];
  prices: { name: string; run: PriceImport }[];
  /** Euro reference rates; absent when no FX source is wired (tests). */
  fx?: PriceImport;
}

function summarise(runs: RunSummary[]): StepResult {
  const failed = runs.filter((r) => r.status === 'failed');
  const counts = {
    runs: runs.map((r) => ({ id: r.id, source: r.source, status: r.status, rows_read: r.rows_read, accepted: r.accepted, updated: r.updated, rejected: r.rejected })),
  };
  if (failed.length === runs.length && runs.length > 0) throw new Error(`every source failed: ${failed.map((f) => `${f.source}: ${f.error}`).join('; ')}`);
  return { counts };
}

export function pipelineSteps(ctx: IngestContext, sources: StepSources, settings: { payloadRetentionDays: number; movers: MoverRules }): PipelineStep[] {
  const ingest = async <T extends CatalogImport | PriceImport>(list: { name: string; run: T }[], call: (run: T) => Promise<RunSummary>): Promise<StepResult> => {
    if (list.length === 0) return { skipped: 'no source configured' };
    await prepareForRealData(ctx.database.db, { replaceDemo: false, nowIso: isoInstant(ctx.clock.now()) });
    const runs: RunSummary[] = [];
    for (const source of list) runs.push(await call(source.run));
    return summarise(runs);
  };
  return [
    {
      name: 'ingest-catalog',
      description: 'Import the card catalogue from CATALOG_SOURCES.',
      run: () => ingest(sources.catalog, (run) => run(ctx)),
    },
    {
      name: 'ingest-prices',
      description: 'Import daily prices from PRICE_SOURCES.',
      run: (o: StepOptions) => ingest(sources.prices, (run) => run(ctx, { from: o.from, to: o.to })),
    },
    {
      name: 'ingest-fx',
      description: 'Import ECB euro reference rates (FX_CURRENCIES) for the last days.',
      run: async (o: StepOptions) => (sources.fx ? summarise([await sources.fx(ctx, { from: o.from, to: o.to })]) : { skipped: 'no price source configured' }),
    },
    {
      name: 'derive',
      description: 'Rebuild latest prices, 1/7/30/90-day changes and movers statistics per printing (as of each market\'s latest date), card summaries and indexes.',
      run: async () => ({ counts: { ...(await deriveReadModels(ctx.database, ctx.clock, settings.movers)) } }),
    },
    {
      name: 'retention',
      description: 'Delete raw upstream payloads older than RAW_PAYLOAD_RETENTION_DAYS.',
      run: async () => {
        const before = isoInstant(ctx.clock.now() - settings.payloadRetentionDays * 86_400_000);
        return { counts: { payloads_deleted: await purgePayloads(ctx.database.db, before) } };
      },
    },
  ];
}
