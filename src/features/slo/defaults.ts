/**
 * The fixed parts of every service level objective (docs/OBSERVABILITY.md, docs/METHODS.md):
 * the budget period and the multi-window, multi-burn-rate alert conditions of the SRE workbook
 * (chapter 5, "Alerting on SLOs", approach 6), and the objective every public route gets unless
 * an operator configures another. The Prometheus rules under deploy/prometheus/ are generated
 * from the same values.
 */

/** The error budget's period: 30 days. */
export const BUDGET_PERIOD_MINUTES = 30 * 24 * 60;

export interface BurnRateAlert {
  severity: 'page' | 'ticket';
  /** Fires when the burn rate exceeds this in both windows. */
  burnRate: number;
  longWindowMinutes: number;
  shortWindowMinutes: number;
}

/**
 * Page: 2 % of a 30-day budget in 1 hour (14.4×) or 5 % in 6 hours (6×); ticket: 10 % in 1 day
 * (3×) or 10 % in 3 days (1×). The short window (1/12 of the long) makes an alert resolve soon
 * after the burn stops.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: 'page', burnRate: 14.4, longWindowMinutes: 60, shortWindowMinutes: 5 },
  { severity: 'page', burnRate: 6, longWindowMinutes: 6 * 60, shortWindowMinutes: 30 },
  { severity: 'ticket', burnRate: 3, longWindowMinutes: 24 * 60, shortWindowMinutes: 2 * 60 },
  { severity: 'ticket', burnRate: 1, longWindowMinutes: 3 * 24 * 60, shortWindowMinutes: 6 * 60 },
];

/**
 * What every public route is held to unless configured otherwise: 99.9 % of requests answered
 * without a server error (5xx), and 99 % answered within 250 ms (a bound of
 * SLO_LATENCY_BUCKETS_SECONDS).
 */
export const DEFAULT_ROUTE_OBJECTIVE = {
  availabilityTarget: 0.999,
  latencyThresholdSeconds: 0.25,
  latencyTarget: 0.99,
} as const;

/**
 * Targets of the SLOs that are not per route (docs/METHODS.md "Service level indicators"):
 * minutes in which the daily pipeline was on time, minutes in which each market was fresh,
 * deliveries delivered rather than dead, and deliveries delivered within
 * SLO_DELIVERY_LATENCY_SECONDS of their trigger.
 */
export const SERVICE_OBJECTIVES = {
  pipelineDeadline: 0.99,
  freshness: 0.99,
  deliverySuccess: 0.99,
  deliveryLatency: 0.95,
} as const;
