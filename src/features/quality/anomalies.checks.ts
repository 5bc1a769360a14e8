/**
 * The anomaly rules (docs/METHODS.md, "Anomalies") as pure functions over one printing's
 * observations or one market's daily coverage: no database, no clock. Dates are day numbers
 * (days since 1970-01-01, UTC) so that windows are plain subtraction; every window is measured
 * back from the evaluated date, never from where a read happened to start, so a one-day run and
 * a backfill over a range find the same anomalies.
 */
import { epochDate } from '../../platform/clock.ts';
import type { AnomalyKind } from '../../platform/db/schema.ts';
import {
  MAX_RETURN_GAP_DAYS,
  PLACEHOLDER_WINDOW_DAYS,
  PrintJudge,
  RETURN_WINDOW_DAYS,
  type PlaceholderVerdict,
} from '../../quant/print-quality.ts';
import { median } from '../../quant/robust.ts';

export {
  isRepeatedDigits,
  MAX_RETURN_GAP_DAYS,
  PLACEHOLDER_MIN_OBSERVATIONS,
  PLACEHOLDER_PLAUSIBLE_FACTOR,
  PLACEHOLDER_WINDOW_DAYS,
  RETURN_WINDOW_DAYS,
} from '../../quant/print-quality.ts';

/** Thresholds of the four checks; the defaults are `DEFAULT_ANOMALY_RULES`. */
export interface AnomalyRules {
  /** A one-day log return is an outlier when its robust z exceeds this in absolute value. */
  zThreshold: number;
  /** Least returns in the 60-day window before a return for its z to be computed. */
  minReturns: number;
  /** Least daily volatility (log units) a z is measured against, so a near-flat series does not flag every small step. */
  sigmaFloor: number;
  /** A series is stale when its latest observation is more than this many days behind the market's date. */
  staleDays: number;
  /** … and no more than this many: longer-dead series are no longer reported. */
  staleHorizonDays: number;
  /** A price above this multiple of the median of the previous 30 days is placeholder-like. */
  placeholderJump: number;
  /** Least amount (minor units) for a repeated-digit price to count as a placeholder (9900 = 99.00). */
  placeholderMinCents: number;
  /** A market date is a coverage drop when fewer than this share of its usual printings are priced. */
  coverageDrop: number;
}

/** The defaults (docs/METHODS.md, "Anomalies"). */
export const DEFAULT_ANOMALY_RULES: AnomalyRules = {
  zThreshold: 8,
  minReturns: 20,
  sigmaFloor: 0.02,
  staleDays: 7,
  staleHorizonDays: 90,
  placeholderJump: 20,
  placeholderMinCents: 9_900,
  coverageDrop: 0.8,
};

/** The coverage baseline: the previous 14 market dates inside the lookback, at least 7 of them. */
export const COVERAGE_BASELINE_DATES = 14;
export const COVERAGE_MIN_DATES = 7;
/** How far before an evaluated date any check looks: the return window plus the gap of its first return. */
export const LOOKBACK_DAYS = RETURN_WINDOW_DAYS + MAX_RETURN_GAP_DAYS;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export interface Finding {
  kind: AnomalyKind;
  subject: string;
  printingKey: number | null;
  day: number;
  severity: number;
  detail: Record<string, unknown>;
}

/** One printing's primary-series observations, ascending, with positive market prices in minor units. */
export interface Series {
  key: number;
  id: string;
  days: number[];
  cents: number[];
  /** The latest observation before the first of `days` (or at all, when `days` is empty); null: none known. */
  priorDay: number | null;
}

/** Checks one series on the evaluated dates; `days` of the series must reach `LOOKBACK_DAYS` before the first of them. */
export class SeriesChecker {
  /** The placeholder and return-outlier rules, shared with the flags that keep prints out of analytics. */
  private readonly judge: PrintJudge;

  constructor(
    private readonly s: Series,
    private readonly rules: AnomalyRules,
  ) {
    // Jumps beyond the movers' factor are a flag rule, not an anomaly kind: none is judged here.
    this.judge = new PrintJudge(s.days, s.cents, { ...rules, maxJump: Infinity });
  }

  /** Every finding on the given market dates (ascending day numbers). */
  check(evalDays: readonly number[]): Finding[] {
    const out: Finding[] = [];
    let i = -1;
    for (const d of evalDays) {
      while (i + 1 < this.s.days.length && this.s.days[i + 1]! <= d) i++;
      const stale = this.stale(d, i >= 0 ? this.s.days[i]! : this.s.priorDay);
      if (stale) out.push(stale);
      if (i < 0 || this.s.days[i] !== d) continue;
      const like = this.judge.placeholderLike(i);
      if (like) {
        const placeholder = this.placeholder(i, like);
        if (placeholder) out.push(placeholder);
        continue;
      }
      // A return out of a placeholder-like price belongs to that placeholder, not a second anomaly.
      if (Number.isNaN(this.judge.oneDayReturn(i)) || this.judge.placeholderLike(i - 1)) continue;
      const outlier = this.returnOutlier(i);
      if (outlier) out.push(outlier);
    }
    return out;
  }

  private finding(kind: AnomalyKind, day: number, severity: number, detail: Record<string, unknown>): Finding {
    return { kind, subject: this.s.id, printingKey: this.s.key, day, severity: round4(severity), detail };
  }

  private stale(d: number, last: number | null): Finding | null {
    if (last === null) return null;
    const behind = d - last;
    if (behind <= this.rules.staleDays || behind > this.rules.staleHorizonDays) return null;
    return this.finding('stale_series', d, behind, { last_date: epochDate(last), days_behind: behind });
  }

  /** Reported on the day a series moves to a placeholder-like price, not again while it stays there. */
  private placeholder(i: number, verdict: PlaceholderVerdict): Finding | null {
    const { days, cents } = this.s;
    const previous = i > 0 && days[i]! - days[i - 1]! <= PLACEHOLDER_WINDOW_DAYS ? cents[i - 1]! : null;
    if (previous === cents[i]) return null;
    return this.finding('placeholder_price', days[i]!, verdict.ratio ?? 1, {
      rule: verdict.rule,
      cents: cents[i],
      previous_cents: previous,
      median_cents: verdict.medianCents,
      ratio: verdict.ratio === null ? null : round4(verdict.ratio),
      currency: 'USD',
    });
  }

  private returnOutlier(i: number): Finding | null {
    const outlier = this.judge.returnOutlier(i, i - 1);
    if (outlier === null) return null;
    const { days, cents } = this.s;
    return this.finding('return_outlier', days[i]!, Math.abs(outlier.z), {
      from_date: epochDate(days[i - 1]!),
      from_cents: cents[i - 1],
      to_cents: cents[i],
      currency: 'USD',
      return: round4(outlier.r),
      z: round4(outlier.z),
      returns: outlier.n,
    });
  }
}

/**
 * Coverage drops of one market: on each evaluated market date, the printings priced that day
 * against the median of the previous 14 market dates within `LOOKBACK_DAYS`.
 *
 * @example
 * coverageDrops('tcgplayer', counts, [epochDay('2026-11-20')], DEFAULT_ANOMALY_RULES);
 */
export function coverageDrops(
  market: string,
  printingsByDay: ReadonlyMap<number, number>,
  evalDays: readonly number[],
  rules: AnomalyRules,
): Finding[] {
  const marketDays = [...printingsByDay.keys()].filter((d) => printingsByDay.get(d)! > 0).sort((a, b) => a - b);
  const out: Finding[] = [];
  for (const d of evalDays) {
    const count = printingsByDay.get(d) ?? 0;
    if (count === 0) continue;
    const previous = marketDays.filter((x) => x < d && x >= d - LOOKBACK_DAYS).slice(-COVERAGE_BASELINE_DATES);
    if (previous.length < COVERAGE_MIN_DATES) continue;
    const baseline = median(previous.map((x) => printingsByDay.get(x)!));
    const ratio = count / baseline;
    if (!(ratio < rules.coverageDrop)) continue;
    out.push({
      kind: 'coverage_drop',
      subject: `market:${market}`,
      printingKey: null,
      day: d,
      severity: round4(1 - ratio),
      detail: {
        printings: count,
        baseline_median: baseline,
        ratio: round4(ratio),
        baseline_from: epochDate(previous[0]!),
        baseline_dates: previous.length,
      },
    });
  }
  return out;
}
