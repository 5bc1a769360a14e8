/**
 * The burn-rate evaluator (docs/METHODS.md "Service level objectives"): pure functions over
 * window sums, no I/O. An SLO's events are good or bad; its error ratio over a window is
 * bad / total, its burn rate that ratio divided by the budget's ratio (1 − target), and an alert
 * condition of BURN_RATE_ALERTS holds while the burn rate exceeds its factor in both its long and
 * its short window (Google SRE Workbook, ch. 5 "Alerting on SLOs", approach 6).
 */
import { BUDGET_PERIOD_MINUTES, BURN_RATE_ALERTS, type BurnRateAlert } from './defaults.ts';

/** Events of one SLO over one window. */
export interface WindowCounts {
  total: number;
  bad: number;
}

export type Severity = BurnRateAlert['severity'];
export type SloStatus = 'ok' | Severity;

/** Every window an evaluation reads, in minutes: the alerts' windows and the budget period. */
export const EVALUATION_WINDOWS_MINUTES: readonly number[] = [
  ...new Set([...BURN_RATE_ALERTS.flatMap((a) => [a.shortWindowMinutes, a.longWindowMinutes]), BUDGET_PERIOD_MINUTES]),
].sort((a, b) => a - b);

/** bad / total; 0 for a window without events (no traffic burns no budget). */
export function errorRatio(counts: WindowCounts): number {
  return counts.total > 0 ? counts.bad / counts.total : 0;
}

/** How many times faster than allowed the budget burns: error ratio / (1 − target). 1 spends it exactly in the period. */
export function burnRate(counts: WindowCounts, target: number): number {
  return errorRatio(counts) / (1 - target);
}

/**
 * The fraction of the period's error budget left: 1 − bad / ((1 − target) × total) over the budget
 * period; 1 without events, negative once overspent.
 */
export function budgetRemaining(period: WindowCounts, target: number): number {
  if (period.total === 0) return 1;
  return 1 - period.bad / ((1 - target) * period.total);
}

export interface ConditionResult {
  alert: BurnRateAlert;
  longBurnRate: number;
  shortBurnRate: number;
  /** Both windows burn faster than the alert's factor. */
  active: boolean;
}

export interface SloEvaluation {
  /** Burn rate per window (minutes → rate). */
  burnRates: Record<number, number>;
  conditions: ConditionResult[];
  /** Whether some condition of each severity holds. */
  firing: Record<Severity, boolean>;
  /** `page` when a page condition holds, else `ticket` when a ticket condition holds, else `ok`. */
  status: SloStatus;
  budgetRemaining: number;
}

/**
 * Evaluates one SLO from its counts per window (`windows(m)` for every m of
 * EVALUATION_WINDOWS_MINUTES).
 *
 * @example
 * evaluateSlo(0.999, (m) => ({ total: 100 * m, bad: m <= 5 ? 100 * m : 500 })).status // 'page'
 */
export function evaluateSlo(
  target: number,
  windows: (minutes: number) => WindowCounts,
  alerts: readonly BurnRateAlert[] = BURN_RATE_ALERTS,
): SloEvaluation {
  const burnRates: Record<number, number> = {};
  for (const minutes of EVALUATION_WINDOWS_MINUTES) burnRates[minutes] = burnRate(windows(minutes), target);
  const rateOf = (minutes: number) => burnRates[minutes] ?? burnRate(windows(minutes), target);
  const conditions = alerts.map((alert) => {
    const longBurnRate = rateOf(alert.longWindowMinutes);
    const shortBurnRate = rateOf(alert.shortWindowMinutes);
    return {
      alert,
      longBurnRate,
      shortBurnRate,
      active: longBurnRate > alert.burnRate && shortBurnRate > alert.burnRate,
    };
  });
  const firing = {
    page: conditions.some((c) => c.active && c.alert.severity === 'page'),
    ticket: conditions.some((c) => c.active && c.alert.severity === 'ticket'),
  };
  return {
    burnRates,
    conditions,
    firing,
    status: firing.page ? 'page' : firing.ticket ? 'ticket' : 'ok',
    budgetRemaining: budgetRemaining(windows(BUDGET_PERIOD_MINUTES), target),
  };
}

/** The event an alert's change of state causes: a firing when it starts, a resolve when it stops, else none. */
export function transition(wasFiring: boolean, isFiring: boolean): 'firing' | 'resolved' | null {
  if (isFiring === wasFiring) return null;
  return isFiring ? 'firing' : 'resolved';
}

/** One minute of an SLO's events. */
export interface MinuteCounts extends WindowCounts {
  /** Minutes since the epoch. */
  minute: number;
}

/**
 * Window sums over per-minute counts: the window of m minutes ending at `nowMinute` (exclusive)
 * covers the minutes [nowMinute − m, nowMinute), the complete minutes before now.
 */
export function windowSums(series: readonly MinuteCounts[], nowMinute: number): (minutes: number) => WindowCounts {
  return (minutes) => {
    const from = nowMinute - minutes;
    let total = 0;
    let bad = 0;
    for (const m of series) {
      if (m.minute < from || m.minute >= nowMinute) continue;
      total += m.total;
      bad += m.bad;
    }
    return { total, bad };
  };
}
