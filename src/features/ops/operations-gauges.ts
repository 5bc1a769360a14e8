import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { OperationsGauges } from '../../platform/operations-metrics.ts';
import { marketCoverage, daysSince } from './meta.routes.ts';
import {
  lastIngestionRuns,
  lastPipelineRuns,
  lastPipelineSuccesses,
  lastScheduledSuccesses,
} from './operations-gauges.repo.ts';

const STEP_STATUSES = ['succeeded', 'failed', 'skipped', 'abandoned'] as const;
const INGESTION_STATUSES = ['succeeded', 'partial', 'failed', 'abandoned'] as const;
const ROW_OUTCOMES = ['read', 'accepted', 'updated', 'unchanged', 'rejected'] as const;

const seconds = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) / 1000 : null);

/**
 * Sets the operations gauges from the database: the last finished run of each pipeline step and
 * importer, the last success of each step and scheduled job, and each market's data freshness
 * (the latest price date, as /v1/meta computes it). Everything is read first and then the gauges
 * are replaced in one synchronous pass, so a scrape never sees half of them and a label that no
 * longer has a row disappears.
 */
export async function refreshOperationsGauges(
  db: Kysely<Tables>,
  clock: Clock,
  gauges: OperationsGauges,
  staleAfterDays: number,
): Promise<void> {
  const [steps, stepSuccesses, importers, jobs, markets] = await Promise.all([
    lastPipelineRuns(db),
    lastPipelineSuccesses(db),
    lastIngestionRuns(db),
    lastScheduledSuccesses(db),
    marketCoverage(db),
  ]);
  const now = clock.now();
  for (const g of Object.values(gauges)) g.reset();

  for (const run of steps) {
    for (const status of STEP_STATUSES)
      gauges.pipelineStepStatus.set({ step: run.step, status }, run.status === status ? 1 : 0);
    if (run.duration_ms != null) gauges.pipelineStepDuration.set({ step: run.step }, Number(run.duration_ms) / 1000);
    const finished = seconds(run.finished_at);
    if (finished != null) gauges.pipelineStepFinished.set({ step: run.step }, finished);
  }
  for (const s of stepSuccesses) {
    const finished = seconds(s.finished_at as string | null);
    if (finished != null) gauges.pipelineStepLastSuccess.set({ step: s.step }, finished);
  }

  for (const run of importers) {
    const counts = {
      read: run.rows_read,
      accepted: run.accepted,
      updated: run.updated,
      unchanged: run.unchanged,
      rejected: run.rejected,
    };
    for (const outcome of ROW_OUTCOMES)
      gauges.ingestionRows.set({ importer: run.importer, outcome }, Number(counts[outcome]));
    for (const status of INGESTION_STATUSES) {
      gauges.ingestionStatus.set({ importer: run.importer, status }, run.status === status ? 1 : 0);
    }
    const finished = seconds(run.finished_at);
    if (finished != null) gauges.ingestionFinished.set({ importer: run.importer }, finished);
  }

  for (const j of jobs) {
    const finished = seconds(j.finished_at as string | null);
    if (finished != null) gauges.scheduledJobLastSuccess.set({ job: j.job }, finished);
  }

  // A market priced in several currencies is as fresh as its latest date in any of them.
  const latestByMarket = new Map<string, string>();
  for (const m of markets) {
    const seen = latestByMarket.get(m.market);
    if (!seen || m.latest_date > seen) latestByMarket.set(m.market, m.latest_date);
  }
  for (const [market, date] of latestByMarket) {
    gauges.marketDataAge.set({ market }, Math.max(0, (now - Date.parse(`${date}T00:00:00Z`)) / 1000));
    gauges.marketDataStale.set({ market }, daysSince(date, clock) > staleAfterDays ? 1 : 0);
  }
}
