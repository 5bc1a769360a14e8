/**
 * Latency thresholds recommended from the observed distribution (pure): for each route, the
 * breach ratio (share of requests slower than the bound) every latency bucket would have had,
 * and the smallest bound whose breach ratio stays within 1 − latency target.
 */
import { SLO_LATENCY_BUCKETS_SECONDS } from '../../platform/metrics.ts';
import type { RouteSums } from './slo.repo.ts';

export interface Recommendation {
  route: string;
  method: string;
  requests: number;
  availability: number | null;
  suggested_threshold_seconds: number | null;
  thresholds: { threshold_seconds: number; breach_ratio: number }[];
}

/**
 * @example
 * recommendThresholds([{ route: '/x', method: 'GET', requests: 100, errors: 0, within: [0, 0, 50, 99, 100, …] }], 0.99)
 * // → suggested_threshold_seconds 0.05 (1 % slower than 50 ms)
 */
export function recommendThresholds(sums: readonly RouteSums[], latencyTarget: number): Recommendation[] {
  return sums
    .filter((s) => s.requests > 0)
    .map((s) => {
      const thresholds = SLO_LATENCY_BUCKETS_SECONDS.map((bound, i) => ({
        threshold_seconds: bound,
        breach_ratio: (s.requests - (s.within[i] ?? 0)) / s.requests,
      }));
      const fit = thresholds.find((t) => t.breach_ratio <= 1 - latencyTarget + 1e-12);
      return {
        route: s.route,
        method: s.method,
        requests: s.requests,
        availability: 1 - s.errors / s.requests,
        suggested_threshold_seconds: fit?.threshold_seconds ?? null,
        thresholds,
      };
    })
    .sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
}
