/** Sets the SLO gauges at scrape time (labels: SLO names, bounded by the objectives, and windows). */
import type { Metrics } from '../../platform/metrics.ts';
import type { SloService } from './slo.service.ts';

/** `5m`, `1h`, `3d`: a window in minutes as a Prometheus duration. */
export function windowLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Evaluations are per minute: a scrape within a minute of the last one reuses its reports (the 30-day sums are not free). */
const MAX_AGE_MS = 60_000;
const last = new WeakMap<SloService, { atMs: number; reports: Awaited<ReturnType<SloService['status']>> }>();

export async function refreshSloGauges(slo: SloService, metrics: Metrics, nowMs: number): Promise<void> {
  let cached = last.get(slo);
  if (!cached || nowMs - cached.atMs >= MAX_AGE_MS || nowMs < cached.atMs) {
    cached = { atMs: nowMs, reports: await slo.status() };
    last.set(slo, cached);
  }
  const { reports } = cached;
  // Reset first: an SLO that no longer exists leaves no stale series.
  metrics.sloBurnRate.reset();
  metrics.sloBudgetRemaining.reset();
  for (const r of reports) {
    for (const [minutes, rate] of Object.entries(r.burnRates))
      metrics.sloBurnRate.set({ slo: r.slo.name, window: windowLabel(Number(minutes)) }, rate);
    metrics.sloBudgetRemaining.set({ slo: r.slo.name }, r.budgetRemaining);
  }
}
