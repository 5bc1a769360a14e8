/**
 * Data-quality anomalies of the primary price series (docs/METHODS.md, "Anomalies"): return
 * outliers, stale series, placeholder-like prices and coverage drops, found for the dates of a
 * range — by default the market's latest date, as of the data and never the wall clock
 * (DESIGN §10) — and stored once per (subject, kind, date). A stored anomaly is never touched
 * again by detection, so an operator's acknowledgement or dismissal survives every re-run.
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { AnomalyKind } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import {
  coverageDrops,
  DEFAULT_ANOMALY_RULES,
  LOOKBACK_DAYS,
  SeriesChecker,
  type AnomalyRules,
  type Finding,
} from './anomalies.checks.ts';
import { insertAnomalies, latestObservations, readPrimaryWindow } from './anomalies.repo.ts';

export { DEFAULT_ANOMALY_RULES, type AnomalyRules } from './anomalies.checks.ts';

export type AnomalyCounts = Record<AnomalyKind, number> & { inserted: number };

function checkDate(name: string, date: string | undefined): void {
  if (date !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(date) && epochDate(epochDay(date)) === date)) {
    throw new RangeError(`deriveAnomalies: ${name} must be a YYYY-MM-DD date, got ${date}`);
  }
}

/** The dates to evaluate: [from, to] clamped to the market's latest date; by default that date alone. */
export function evaluationDays(asOf: string, range: { from?: string; to?: string } | undefined): number[] {
  checkDate('from', range?.from);
  checkDate('to', range?.to);
  const to = Math.min(epochDay(range?.to ?? asOf), epochDay(asOf));
  const from = range?.from === undefined ? to : epochDay(range.from);
  if (range?.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new RangeError(`deriveAnomalies: from ${range.from} is after to ${range.to}`);
  }
  const days: number[] = [];
  for (let d = from; d <= to; d++) days.push(d);
  return days;
}

type Printing = { key: number; id: string; last_date: string };

/**
 * Runs every check on the dates of `range` and stores what is new. Reads the primary series from
 * `LOOKBACK_DAYS` before the first date, a block of printings per statement.
 *
 * @example
 * const counts = await deriveAnomalies(database, clock, newId); // { return_outlier: 2, stale_series: 5, …, inserted: 7 }
 */
export async function deriveAnomalies(
  database: Database,
  clock: Clock,
  newId: (prefix: 'anm') => string,
  rules: AnomalyRules = DEFAULT_ANOMALY_RULES,
  range?: { from?: string; to?: string },
): Promise<AnomalyCounts> {
  const counts: AnomalyCounts = {
    return_outlier: 0,
    stale_series: 0,
    placeholder_price: 0,
    coverage_drop: 0,
    inserted: 0,
  };
  const printings = (await latestObservations(database)).filter((p): p is Printing => p.last_date !== null);
  if (printings.length === 0) return counts;
  const asOf = printings.reduce((max, p) => (p.last_date > max ? p.last_date : max), '');
  const evalDays = evaluationDays(asOf, range);
  if (evalDays.length === 0) return counts;
  const found = await findAnomalies(database, printings, asOf, evalDays, rules);
  found.sort((a, b) => a.day - b.day || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
  for (const f of found) counts[f.kind]++;
  const detectedAt = isoInstant(clock.now());
  counts.inserted = await insertAnomalies(
    database.db,
    found.map((f) => ({
      id: newId('anm'),
      kind: f.kind,
      subject: f.subject,
      printing_key: f.printingKey,
      date: epochDate(f.day),
      severity: f.severity,
      detail: JSON.stringify(f.detail),
      status: 'open' as const,
      note: null,
      resolved_by: null,
      resolved_at: null,
      detected_at: detectedAt,
    })),
  );
  return counts;
}

async function findAnomalies(
  database: Database,
  printings: Printing[],
  asOf: string,
  evalDays: number[],
  rules: AnomalyRules,
): Promise<Finding[]> {
  const since = epochDate(evalDays[0]! - LOOKBACK_DAYS);
  // On the latest date alone every series' latest observation is on or before it; a past date may
  // precede all of a series' observations inside the window, and then the one before the window counts.
  const beforeWindow =
    evalDays.length === 1 && epochDate(evalDays[0]!) === asOf
      ? new Map<number, string | null>()
      : new Map((await latestObservations(database, since)).map((p) => [p.key, p.last_date]));
  const priorDay = (p: Printing) => {
    const prior = p.last_date < since ? p.last_date : (beforeWindow.get(p.key) ?? null);
    return prior === null ? null : epochDay(prior);
  };
  const findings: Finding[] = [];
  const judge = (p: Printing, days: number[], cents: number[]) =>
    findings.push(
      ...new SeriesChecker({ key: p.key, id: p.id, days, cents, priorDay: priorDay(p) }, rules).check(evalDays),
    );

  const unseen = new Map(printings.map((p) => [p.key, p]));
  const printingsByDay = new Map<number, number>();
  const active = printings.filter((p) => p.last_date >= since).map((p) => p.key);
  for await (const rows of readPrimaryWindow(database, active, since, epochDate(evalDays.at(-1)!))) {
    for (let i = 0; i < rows.length;) {
      const key = rows[i]!.printing_key;
      const days: number[] = [];
      const cents: number[] = [];
      for (; i < rows.length && rows[i]!.printing_key === key; i++) {
        const day = epochDay(rows[i]!.date);
        days.push(day);
        cents.push(rows[i]!.market_cents);
        printingsByDay.set(day, (printingsByDay.get(day) ?? 0) + 1);
      }
      judge(unseen.get(key)!, days, cents);
      unseen.delete(key);
    }
  }
  // Series without prices in the window: only their staleness can be judged.
  for (const p of unseen.values()) judge(p, [], []);
  findings.push(...coverageDrops(PRIMARY_SERIES.market, printingsByDay, evalDays, rules));
  // Staleness is judged on market dates only: a day without any prices is the source's gap, not the series'.
  return findings.filter((f) => f.kind !== 'stale_series' || (printingsByDay.get(f.day) ?? 0) > 0);
}

/** The anomaly rules of a configuration (the ANOMALY_* settings; the rest are the defaults). */
export function anomalyRules(config: {
  ANOMALY_Z_THRESHOLD: number;
  ANOMALY_STALE_DAYS: number;
  ANOMALY_PLACEHOLDER_JUMP: number;
  ANOMALY_COVERAGE_DROP: number;
}): AnomalyRules {
  return {
    ...DEFAULT_ANOMALY_RULES,
    zThreshold: config.ANOMALY_Z_THRESHOLD,
    staleDays: config.ANOMALY_STALE_DAYS,
    placeholderJump: config.ANOMALY_PLACEHOLDER_JUMP,
    coverageDrop: config.ANOMALY_COVERAGE_DROP,
  };
}
