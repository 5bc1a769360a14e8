/**
 * Portfolio performance (docs/METHODS.md, "Portfolio performance"): time-weighted return chained
 * daily with external flows taken out, money-weighted return (XIRR), drawdown of the TWR index and
 * a comparison with a market index. Pure functions: no I/O, no clock.
 *
 * Sign of a flow, from the portfolio's side: money put in (a purchase, its fees included) is
 * positive, money taken out (sale proceeds net of fees) is negative.
 */
import { drawdowns } from './drawdown.ts';
import { ols } from './regression.ts';

/** One day of a portfolio: its end-of-day value and the day's net external flow, in one currency. */
export interface NavDay {
  /** `YYYY-MM-DD`, strictly increasing along a series. */
  date: string;
  /** End-of-day value, ≥ 0. */
  value: number;
  /** Net external flow of the day: purchases (with fees) positive, sale proceeds (net of fees) negative. */
  flow: number;
}

export interface TwrDay {
  date: string;
  /** r_t = (V_t − F_t) / V_{t−1} − 1; null on the first day and where the previous value is 0. */
  dailyReturn: number | null;
  /** Cumulative index, 1 on the first day, × (1 + r_t) on every day with a return. */
  index: number;
}

export interface Twr {
  days: TwrDay[];
  /** Index at the last day − 1; null when no day has a return. */
  twr: number | null;
  /** Days with a return. */
  periods: number;
}

/**
 * Daily chain-linked time-weighted return. A day whose previous value is 0 (the first day, or the
 * day after everything was sold) starts a new sub-period: it has no return and leaves the index
 * where it was, so money put into an empty portfolio is never counted as a gain.
 *
 * @example
 * // 100 at the start, +10 %, then 50 more bought at the market price, then +0 %.
 * timeWeightedReturn([
 *   { date: '2026-01-01', value: 100, flow: 100 },
 *   { date: '2026-01-02', value: 110, flow: 0 },
 *   { date: '2026-01-03', value: 160, flow: 50 },
 * ]).twr; // 0.1 (up to rounding)
 */
export function timeWeightedReturn(series: readonly NavDay[]): Twr {
  checkSeries(series);
  const days: TwrDay[] = [];
  let index = 1;
  let periods = 0;
  for (let i = 0; i < series.length; i++) {
    const { date, value, flow } = series[i]!;
    const previous = i === 0 ? 0 : series[i - 1]!.value;
    let dailyReturn: number | null = null;
    if (previous > 0) {
      dailyReturn = (value - flow) / previous - 1;
      index *= 1 + dailyReturn;
      periods++;
    }
    days.push({ date, dailyReturn, index });
  }
  return { days, twr: periods > 0 ? index - 1 : null, periods };
}

function checkSeries(series: readonly NavDay[]): void {
  for (let i = 0; i < series.length; i++) {
    const { date, value, flow } = series[i]!;
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`performance: value ${value} on ${date}`);
    if (!Number.isFinite(flow)) throw new RangeError(`performance: flow ${flow} on ${date}`);
    if (i > 0 && !(date > series[i - 1]!.date))
      throw new RangeError(`performance: ${date} is not after the day before`);
  }
}

/** A dated cash flow from the investor's side: paid in negative, received positive. */
export interface DatedFlow {
  date: string;
  amount: number;
}

export type IrrFailure = 'too_few_flows' | 'one_date' | 'no_sign_change' | 'no_root';

export type Irr = { rate: number; reason: null } | { rate: null; reason: IrrFailure };

const DAY_MS = 86_400_000;
/** Actual/365: a year is 365 days, whatever the calendar. */
export const DAYS_PER_YEAR = 365;
/** exp(x·t) stays finite while x·t ≤ this (Math.exp overflows just past 709.78). */
const MAX_EXPONENT = 700;

/** Days from `a` to `b` (`YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/**
 * Money-weighted return: the annual rate r (Actual/365) with Σ c_i (1 + r)^(−t_i) = 0, t_i the
 * years from the first flow. Solved in x = ln(1 + r) (so r > −1 always) by scanning outwards from
 * x = 0 for the first interval with a sign change, then Brent's method in it; the root found is
 * the one nearest r = 0. Fails with a reason, never NaN: fewer than two flows, all on one date,
 * all of one sign, or no sign change before (1 + r)^t overflows.
 *
 * @example
 * xirr([{ date: '2025-01-01', amount: -100 }, { date: '2026-01-01', amount: 110 }]); // { rate: 0.1 (≈), reason: null }
 */
export function xirr(flows: readonly DatedFlow[]): Irr {
  const used = flows.filter((f) => f.amount !== 0);
  if (used.some((f) => !Number.isFinite(f.amount))) throw new RangeError('xirr: a flow is not a finite number');
  if (used.length < 2) return { rate: null, reason: 'too_few_flows' };
  const first = used.reduce((min, f) => (f.date < min ? f.date : min), used[0]!.date);
  const years = used.map((f) => daysBetween(first, f.date) / DAYS_PER_YEAR);
  const span = Math.max(...years);
  if (span === 0) return { rate: null, reason: 'one_date' };
  if (used.every((f) => f.amount > 0) || used.every((f) => f.amount < 0))
    return { rate: null, reason: 'no_sign_change' };
  const npv = (x: number): number => {
    let sum = 0;
    for (let i = 0; i < used.length; i++) sum += used[i]!.amount * Math.exp(-x * years[i]!);
    return sum;
  };
  const limit = MAX_EXPONENT / span;
  // Interval edges 0, ±h, ±2h, ±4h, … ±limit, visited nearest to zero first.
  const edges: number[] = [0];
  for (let h = 1e-4; h < limit; h *= 2) edges.push(h);
  edges.push(limit);
  for (let k = 1; k < edges.length; k++) {
    for (const sign of [1, -1]) {
      const a = sign * edges[k - 1]!;
      const b = sign * edges[k]!;
      const fa = npv(a);
      const fb = npv(b);
      if (fa === 0) return rateOf(a);
      if (fb === 0) return rateOf(b);
      if (Math.sign(fa) !== Math.sign(fb)) return rateOf(brent(npv, Math.min(a, b), Math.max(a, b)));
    }
  }
  return { rate: null, reason: 'no_root' };
}

function rateOf(x: number): Irr {
  const rate = Math.expm1(x);
  return Number.isFinite(rate) ? { rate, reason: null } : { rate: null, reason: 'no_root' };
}

/**
 * Brent's method (Brent 1973, ch. 4) for f(a)·f(b) < 0: bisection, secant and inverse quadratic
 * interpolation, to 4·ε·|x| + 1e-15 (the tolerances of scipy.optimize.brentq's defaults, xtol 2e-12
 * relaxed to what doubles can tell apart).
 *
 * @example
 * brent((x) => x * x - 2, 0, 2); // 1.4142135623730951
 */
export function brent(f: (x: number) => number, lower: number, upper: number, maxIterations = 200): number {
  let a = lower;
  let b = upper;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb)) throw new RangeError('brent: the interval does not bracket a root');
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < maxIterations; i++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 4 * Number.EPSILON * Math.abs(b) + 1e-15;
    const m = (c - b) / 2;
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const r = fb / fc;
        const t = fa / fc;
        p = s * (2 * m * t * (t - r) - (b - a) * (r - 1));
        q = (t - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}

/**
 * The investor's flows of a NAV series for XIRR. Without `openingValue` the first day's value is
 * paid in on the first day (the series starts with what it holds); with it (0 for a series from
 * the portfolio's inception) that opening value and every day's flow, the first day's included,
 * are paid in. Later flows turn sign (a purchase is money paid); the last day's value is received
 * on the last day.
 *
 * @example
 * investorFlows([{ date: '2025-01-01', value: 100, flow: 100 }, { date: '2026-01-01', value: 110, flow: 0 }]);
 * // [{ date: '2025-01-01', amount: −100 }, { date: '2026-01-01', amount: 110 }]
 * investorFlows([{ date: '2025-01-01', value: 100, flow: 102 }, { date: '2026-01-01', value: 110, flow: 0 }], 0);
 * // [{ date: '2025-01-01', amount: −102 }, { date: '2026-01-01', amount: 110 }]
 */
export function investorFlows(series: readonly NavDay[], openingValue?: number): DatedFlow[] {
  if (series.length === 0) return [];
  const first = series[0]!;
  const flows: DatedFlow[] =
    openingValue === undefined
      ? [{ date: first.date, amount: -first.value }]
      : [{ date: first.date, amount: -openingValue - first.flow }];
  for (let i = 1; i < series.length; i++)
    if (series[i]!.flow !== 0) flows.push({ date: series[i]!.date, amount: -series[i]!.flow });
  const last = series[series.length - 1]!;
  flows.push({ date: last.date, amount: last.value });
  return flows;
}

/** A market index level on a date. */
export interface IndexLevel {
  date: string;
  value: number;
}

export interface MaxDrawdown {
  /** ≤ 0 (−0.25 = the TWR index fell 25 % below its running peak). */
  value: number;
  peakDate: string | null;
  troughDate: string | null;
}

export interface MarketComparison {
  /** I(last) / I(first) − 1 with I(d) the latest index level on or before d; null without both. */
  indexReturn: number | null;
  /** twr − indexReturn; null when either is null. */
  excessReturn: number | null;
  /** OLS slope of the portfolio's daily returns on the index's over the same days; null below 3 pairs. */
  beta: number | null;
  /** Days with both a portfolio return and an index return. */
  betaObservations: number;
}

export interface Performance {
  twr: Twr;
  irr: Irr;
  maxDrawdown: MaxDrawdown;
  market: MarketComparison;
}

/**
 * Everything the performance answer reports for one NAV series and a market index;
 * `openingValue` as for `investorFlows`.
 *
 * @example
 * portfolioPerformance(series, indexLevels).market.excessReturn; // portfolio TWR minus the index's return
 */
export function portfolioPerformance(
  series: readonly NavDay[],
  index: readonly IndexLevel[],
  options: { openingValue?: number } = {},
): Performance {
  const twr = timeWeightedReturn(series);
  const dd = drawdowns(twr.days.map((d) => d.index));
  return {
    twr,
    irr: xirr(investorFlows(series, options.openingValue)),
    maxDrawdown: {
      value: dd.max,
      peakDate: dd.peakIndex >= 0 ? series[dd.peakIndex]!.date : null,
      troughDate: dd.troughIndex >= 0 ? series[dd.troughIndex]!.date : null,
    },
    market: compareWithIndex(twr, index),
  };
}

/**
 * Index return over the series' first and last dates, excess return and beta. Beta pairs the
 * portfolio's return on day t (over its previous series day) with the index's over the same two
 * dates, and only where the index has a level on both: a carried level would add false zero
 * returns.
 *
 * @example
 * compareWithIndex(timeWeightedReturn(series), levels).beta;
 */
export function compareWithIndex(twr: Twr, index: readonly IndexLevel[]): MarketComparison {
  const days = twr.days;
  const sorted = [...index].filter((l) => Number.isFinite(l.value) && l.value > 0).sort((a, b) => cmp(a.date, b.date));
  const exact = new Map(sorted.map((l) => [l.date, l.value]));
  let indexReturn: number | null = null;
  if (days.length > 0) {
    const start = levelOnOrBefore(sorted, days[0]!.date);
    const end = levelOnOrBefore(sorted, days[days.length - 1]!.date);
    if (start !== null && end !== null) indexReturn = end / start - 1;
  }
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 1; i < days.length; i++) {
    const r = days[i]!.dailyReturn;
    const now = exact.get(days[i]!.date);
    const before = exact.get(days[i - 1]!.date);
    if (r === null || now === undefined || before === undefined) continue;
    x.push([now / before - 1]);
    y.push(r);
  }
  const fit = x.length >= 3 ? ols(x, y) : null;
  return {
    indexReturn,
    excessReturn: indexReturn !== null && twr.twr !== null ? twr.twr - indexReturn : null,
    beta: fit ? fit.coefficients[1]! : null,
    betaObservations: x.length,
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function levelOnOrBefore(sorted: readonly IndexLevel[], date: string): number | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.date <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : sorted[lo - 1]!.value;
}
