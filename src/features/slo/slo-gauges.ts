/** Sets the SLO gauges at scrape time (labels: SLO names, bounded by the objectives, and windows). */
import type { Metrics } from '../../platform/metrics.ts';
import type { SloService } from './slo.service.ts';

/** `5m`, `1h`, `3d`: a window in minutes as a Prometheus duration. */
export function windowLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

export async function refreshSloGauges(slo: SloService, metrics: Metrics): Promise<void> {
  const reports = await slo.status();
  // Reset first: an SLO that no longer exists leaves no stale series.
  metrics.sloBurnRate.reset();
  metrics.sloBudgetRemaining.reset();
  for (const r of reports) {
    for (const [minutes, rate] of Object.entries(r.burnRates))
      metrics.sloBurnRate.set({ slo: r.slo.name, window: windowLabel(Number(minutes)) }, rate);
    metrics.sloBudgetRemaining.set({ slo: r.slo.name }, r.budgetRemaining);
  }
}
