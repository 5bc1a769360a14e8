/**
 * Prometheus metrics. Each app gets its own registry (tests build many apps in one process).
 * Route labels are route templates, never raw paths, so unknown paths cannot grow the series count.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorCodes, type ErrorCode } from './error-codes.ts';
import { createOperationsGauges, type OperationsGauges } from './operations-metrics.ts';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status_class'>;
  /** Delivery attempts by channel and outcome (delivered, retry, failed, deferred, suppressed, dead). */
  deliveryAttempts: Counter<'channel' | 'outcome'>;
  /** Seconds from the event that caused a delivery to its successful delivery, by channel. */
  deliveryLatency: Histogram<'channel'>;
  /** Deliveries waiting to be sent (due or not), by channel; set at each scrape. */
  deliveryPending: Gauge<'channel'>;
  /** Dead letters (attempts spent or given up), by channel; set at each scrape. */
  deliveryDead: Gauge<'channel'>;
  /** Seconds the oldest due delivery has been waiting past its due time (0 when none is due); set at each scrape. */
  deliveryOldestDueAge: Gauge<'channel'>;
  /** Problem answers by registered `code` (or `unregistered`) and HTTP status. */
  httpProblems: Counter<'code' | 'status'>;
  /** Pipeline steps, ingestion accounting, data freshness and scheduled jobs; set at each scrape. */
  operations: OperationsGauges;
  /** Seconds since the age instant of the oldest row each retention policy could delete, by table; set at each scrape. */
  retentionOldestAge: Gauge<'table'>;
  /** Each retention policy's limit in seconds, by table (absent: kept for ever); set at each scrape. */
  retentionLimit: Gauge<'table'>;
  /** Rows the latest retention run deleted, by table; set at each scrape. */
  retentionLastDeleted: Gauge<'table'>;
  /** Burn rate per SLO and window (minutes); set at each scrape. */
  sloBurnRate: Gauge<'slo' | 'window'>;
  /** Fraction of each SLO's 30-day error budget left; set at each scrape. */
  sloBudgetRemaining: Gauge<'slo'>;
}

/**
 * The latency bounds SLOs may use as thresholds: the request histogram's buckets (beside finer
 * ones below 5 ms) and the `le_<N>ms` columns of the per-minute request roll-ups, so a threshold
 * is exactly a bucket edge in Prometheus and in the database alike.
 */
export const SLO_LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Bounded label for a request method: unknown verbs fold into `OTHER`. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

/**
 * @example
 * const metrics = createMetrics(); metrics.httpDuration.observe({ route: '/healthz', method: 'GET', status_class: '2xx' }, 0.001);
 */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by route template, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.001, 0.0025, ...SLO_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const deliveryAttempts = new Counter({
    name: 'cardquant_delivery_attempts_total',
    help: 'Delivery attempts by channel (email, webhook, discord) and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const deliveryLatency = new Histogram({
    name: 'cardquant_delivery_latency_seconds',
    help: 'Time from the event that caused a delivery (an alert firing) to its successful delivery, by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600],
    registers: [registry],
  });
  const deliveryPending = new Gauge({
    name: 'cardquant_deliveries_pending',
    help: 'Deliveries waiting to be sent (due now or later), by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const deliveryDead = new Gauge({
    name: 'cardquant_deliveries_dead',
    help: 'Dead letters: deliveries whose attempts are spent or that were given up, by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const deliveryOldestDueAge = new Gauge({
    name: 'cardquant_delivery_oldest_due_age_seconds',
    help: 'How long the oldest due delivery has waited past its due time, by channel (0 when none is due).',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const httpProblems = new Counter({
    name: 'cardquant_http_problems_total',
    help: 'Problem (RFC 9457) answers by code (docs/ERRORS.md; `unregistered` for a code missing from the registry) and HTTP status.',
    labelNames: ['code', 'status'] as const,
    registers: [registry],
  });
  // Every registered code starts at 0, so rate() and increase() see a code's first problem.
  for (const code of Object.keys(errorCodes) as ErrorCode[])
    httpProblems.inc({ code, status: String(errorCodes[code].status) }, 0);
  const retentionOldestAge = new Gauge({
    name: 'cardquant_retention_oldest_row_age_seconds',
    help: 'Seconds since the age instant of the oldest row the retention policy of a table could delete (0 when none).',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const retentionLimit = new Gauge({
    name: 'cardquant_retention_limit_seconds',
    help: 'How long the retention policy of a table keeps a row past its age instant (tables kept for ever have no series).',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const retentionLastDeleted = new Gauge({
    name: 'cardquant_retention_last_deleted_rows',
    help: 'Rows the latest succeeded retention run deleted, by table.',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const sloBurnRate = new Gauge({
    name: 'cardquant_slo_burn_rate',
    help: 'Error ratio over the window divided by the error budget ratio (1 − target), by SLO and window (e.g. 5m, 1h, 3d).',
    labelNames: ['slo', 'window'] as const,
    registers: [registry],
  });
  const sloBudgetRemaining = new Gauge({
    name: 'cardquant_slo_error_budget_remaining_ratio',
    help: "Fraction of the SLO's 30-day error budget not yet spent (negative once overspent), by SLO.",
    labelNames: ['slo'] as const,
    registers: [registry],
  });
  return {
    registry,
    sloBurnRate,
    sloBudgetRemaining,
    httpDuration,
    deliveryAttempts,
    deliveryLatency,
    deliveryPending,
    deliveryDead,
    deliveryOldestDueAge,
    httpProblems,
    operations: createOperationsGauges(registry),
    retentionOldestAge,
    retentionLimit,
    retentionLastDeleted,
  };
}
