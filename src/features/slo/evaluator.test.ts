/**
 * The SRE workbook's scenarios (ch. 5, "Alerting on SLOs") through the evaluator, minute by
 * minute on a simulated clock: a 99.9 % objective with 100 requests a minute and 30 days of
 * healthy history before each scenario.
 */
import { describe, expect, it } from 'vitest';
import { BUDGET_PERIOD_MINUTES } from './defaults.ts';
import {
  budgetRemaining,
  burnRate,
  evaluateSlo,
  transition,
  windowSums,
  type Severity,
  type WindowCounts,
} from './evaluator.ts';

const TARGET = 0.999;
const PER_MINUTE = 100;
/** The first simulated minute of a scenario; the history before it is healthy. */
const T = BUDGET_PERIOD_MINUTES;

/** Window sums over a dense per-minute series starting at minute 0 (prefix sums: O(1) per window). */
function series(minutes: number, badAt: (minute: number) => number, perMinute = PER_MINUTE) {
  const total = new Float64Array(minutes + 1);
  const bad = new Float64Array(minutes + 1);
  for (let m = 0; m < minutes; m++) {
    total[m + 1] = total[m]! + perMinute;
    bad[m + 1] = bad[m]! + badAt(m);
  }
  return (now: number) =>
    (window: number): WindowCounts => {
      const from = Math.max(0, now - window);
      return { total: total[now]! - total[from]!, bad: bad[now]! - bad[from]! };
    };
}

/** Evaluates every minute in [from, to) and returns the alert events with the minute they happen. */
function run(windowsAt: (now: number) => (w: number) => WindowCounts, from: number, to: number) {
  const state: Record<Severity, boolean> = { page: false, ticket: false };
  const events: string[] = [];
  for (let now = from; now < to; now++) {
    const evaluation = evaluateSlo(TARGET, windowsAt(now));
    for (const severity of ['page', 'ticket'] as const) {
      const event = transition(state[severity], evaluation.firing[severity]);
      state[severity] = evaluation.firing[severity];
      if (event) events.push(`${severity} ${event} at T+${now - T}`);
    }
  }
  return events;
}

describe('formulas', () => {
  it('burn rate is the error ratio over the budget ratio; budget remaining spends it', () => {
    expect(burnRate({ total: 1000, bad: 2 }, TARGET)).toBeCloseTo(2, 10);
    expect(burnRate({ total: 0, bad: 0 }, TARGET)).toBe(0);
    expect(budgetRemaining({ total: 1_000_000, bad: 250 }, TARGET)).toBeCloseTo(0.75, 10);
    expect(budgetRemaining({ total: 0, bad: 0 }, TARGET)).toBe(1);
  });

  it('windowSums covers the complete minutes before now', () => {
    const sums = windowSums(
      [
        { minute: 10, total: 5, bad: 1 },
        { minute: 14, total: 5, bad: 2 },
        { minute: 15, total: 5, bad: 4 },
      ],
      15,
    );
    expect(sums(5)).toEqual({ total: 10, bad: 3 });
    expect(sums(1)).toEqual({ total: 5, bad: 2 });
  });

  it('a change of state is one event; no change is none', () => {
    expect([
      transition(false, true),
      transition(true, true),
      transition(true, false),
      transition(false, false),
    ]).toEqual(['firing', null, 'resolved', null]);
  });
});

describe('SRE workbook scenarios', () => {
  it('a 100 % outage pages after its first complete minute', () => {
    const at = series(T + 10, (m) => (m >= T ? PER_MINUTE : 0));
    expect(evaluateSlo(TARGET, at(T)).status).toBe('ok');
    const first = evaluateSlo(TARGET, at(T + 1));
    // One bad minute in the hour: 1/60 / 0.001 = 16.7 > 14.4; in 5 minutes: 1/5 / 0.001 = 200.
    expect(first.burnRates[60]).toBeCloseTo(1000 / 60, 6);
    expect(first.burnRates[5]).toBeCloseTo(200, 6);
    expect(first.status).toBe('page');
  });

  it('a 2× burn sustained for days tickets and never pages', () => {
    const days = 3;
    const at = series(T + days * 1440, (m) => (m >= T ? 2 * PER_MINUTE * 0.001 * 10 : 0), PER_MINUTE * 10);
    const statuses = new Set<string>();
    for (let now = T + 1; now <= T + days * 1440; now += 15) statuses.add(evaluateSlo(TARGET, at(now)).status);
    expect(statuses.has('page')).toBe(false);
    expect(evaluateSlo(TARGET, at(T + days * 1440)).status).toBe('ticket');
    // The 1× condition needs both 6 h and 3 d above 1×: the ticket starts once 3 d of history average above 1×.
    const events = run(at, T, T + days * 1440);
    expect(events).toEqual([`ticket firing at T+${events[0]!.match(/T\+(\d+)/)![1]}`]);
    const firstMinute = Number(events[0]!.match(/T\+(\d+)/)![1]);
    // 3 d window: 2 × k / 4320 > 1 ⇔ k > 2160 minutes of 2× burn.
    expect(firstMinute).toBe(2161);
  });

  it('recovery after a 10-minute outage resolves each severity once, at the exact minute', () => {
    const at = series(T + 480, (m) => (m >= T && m < T + 10 ? PER_MINUTE : 0));
    expect(run(at, T, T + 480)).toEqual([
      'page firing at T+1', // 14.4× over 1 h and 5 min
      'ticket firing at T+5', // 5 bad minutes: 5/1440 / 0.001 = 3.5 > 3 (and 5/4320 / 0.001 = 1.16 > 1)
      'page resolved at T+40', // the 6×/30 min condition's short window is clean 30 minutes after the outage
      'ticket resolved at T+370', // the 1×/6 h condition's short window is clean 6 hours after
    ]);
    // 1,000 bad requests of 30 days × 100 a minute at 99.9 %: 1 − 1000 / 4320 of the budget is left.
    expect(evaluateSlo(TARGET, at(T + 480)).budgetRemaining).toBeCloseTo(1 - 1000 / 4320, 3);
  });

  it('a delivery SLO fires on dead letters and resolves when deliveries succeed again', () => {
    // 99 % of deliveries delivered; 10 deliveries a minute, all dead for 20 minutes.
    const dead = series(T + 400, (m) => (m >= T && m < T + 20 ? 10 : 0), 10);
    const state = { page: false };
    const events: string[] = [];
    for (let now = T; now < T + 400; now++) {
      const firing = evaluateSlo(0.99, dead(now)).firing.page;
      const event = transition(state.page, firing);
      state.page = firing;
      if (event) events.push(`${event} at T+${now - T}`);
    }
    // At 99 % the 1 h window needs k/60 / 0.01 > 14.4, k ≥ 9 dead minutes (6 h: 20/360 / 0.01 = 5.6 < 6 never
    // holds); it resolves when the 5-minute window is clean, 5 minutes after the last dead letter.
    expect(events).toEqual(['firing at T+9', 'resolved at T+25']);
  });
});
