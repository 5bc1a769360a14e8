/**
 * The default signal engine, `robust-trend`: robust trend, local-trend filter, short-term
 * reversal, drawdown, regime change and search interest, each computed from one printing's
 * point-in-time window (docs/METHODS.md, "Signals: the robust-trend engine").
 */
import { cusum } from '../../quant/cusum.ts';
import { drawdowns } from '../../quant/drawdown.ts';
import { localLinearTrend } from '../../quant/kalman.ts';
import { confidence } from '../../quant/liquidity.ts';
import { robustSigmaInPlace } from '../../quant/robust.ts';
import { theilSen } from '../../quant/theil-sen.ts';
import type { EngineOutput, PriceWindow, SignalEngine } from './engine.ts';

/** Days of history each component reads (all inside the signal window). */
export const VOL_DAYS = 90;
export const TREND_DAYS = 30;
export const FILTER_DAYS = 90;
export const REVERSAL_DAYS = 7;
/** How much older than `t − 7` the reversal base may be. */
export const REVERSAL_MAX_GAP = 3;
export const SEARCH_RECENT_DAYS = 28;
export const SEARCH_PRIOR_DAYS = 56;
/** Floor of the daily volatility (log units): one-cent steps on cheap cards are not news. */
export const VOL_FLOOR = 0.005;
/** A regime change's weight halves about every REGIME_DECAY·ln 2 days. */
export const REGIME_DECAY_DAYS = 15;
/** CUSUM allowance and decision interval on standardised returns. */
export const CUSUM_K = 0.5;
export const CUSUM_H = 5;
/** History (days available) at which confidence is no longer scaled down: the trend window. */
export const FULL_HISTORY_DAYS = TREND_DAYS;
/** The filter's one-step forecast must stay within this many log-price ranges of the grid's prices. */
export const FORECAST_RANGE_MULTIPLE = 3;
/** |β| beyond this many prior standard deviations counts as divergence. */
export const BETA_BOUND_SDS = 3;

const COMPONENTS = ['trend', 'filter', 'reversal', 'drawdown', 'regime', 'search'] as const;

/**
 * Rounds to 6 significant digits: what is stored, so stored rows are compact and reproducible.
 * Dividing by an exact power of ten gives the double nearest the rounded decimal, like
 * `Number(x.toPrecision(6))` at a third of its cost (it runs ~25 times per signal); only a value
 * within a rounding error of a tie (…5 in the 7th digit) may round the other way.
 *
 * @example
 * round6(0.0123456789); // 0.0123457
 */
export function round6(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const e = Math.floor(Math.log10(Math.abs(x)));
  // Powers of ten are exact doubles up to 1e22; outside that range, the slow path.
  if (e < -16 || e > 27) return Number(x.toPrecision(6));
  if (e <= 5) {
    const p = 10 ** (5 - e);
    return Math.round(x * p) / p;
  }
  const q = 10 ** (e - 5);
  return Math.round(x / q) * q;
}

/** Scratch buffers reused across calls (the engine runs millions of times in a backfill). */
let scratch = new Float64Array(512);
function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  return scratch;
}

/**
 * Robust daily volatility: 1.4826·MAD of the log returns of the last VOL_DAYS (both ends inside
 * them), each divided by √(gap in days); floored at VOL_FLOOR, which is also what a series with no
 * such return gets, and at the one-cent tick 1 / (median price in cents of those days), as the
 * movers' z uses: on a card worth a few cents every step is a whole cent, quantisation, not news.
 */
function dailyVolatility(w: PriceWindow, logs: Float64Array, fromIndex: number): number {
  const buffer = scratchOf(w.end - fromIndex);
  let n = 0;
  for (let i = fromIndex + 1; i < w.end; i++) {
    buffer[n++] = (logs[i - w.start]! - logs[i - 1 - w.start]!) / Math.sqrt(w.days[i]! - w.days[i - 1]!);
  }
  const sigma = n > 0 ? robustSigmaInPlace(buffer.subarray(0, n)) : Number.NaN;
  // The median price of the same days, in the same scratch buffer (the returns are no longer needed).
  const m = w.end - fromIndex;
  const prices = buffer.subarray(0, m);
  for (let i = 0; i < m; i++) prices[i] = w.market[fromIndex + i]!;
  prices.sort();
  const medianCents = m % 2 === 1 ? prices[(m - 1) / 2]! : (prices[m / 2 - 1]! + prices[m / 2]!) / 2;
  const floor = Math.max(VOL_FLOOR, 1 / medianCents);
  return Number.isFinite(sigma) ? Math.max(sigma, floor) : floor;
}

/**
 * Days the confidence is measured over: min(VOL_DAYS, W) when the window holds observations older
 * than the volatility window, else t − (first observation) + 1 — a card first priced 30 days ago
 * is judged on those 30 days, not on 90 it could not have.
 */
export function availableDays(w: PriceWindow, volFrom: number, volObservations: number): number {
  const full = Math.min(VOL_DAYS, w.windowDays);
  if (w.windowObservations > volObservations) return full;
  return Math.max(1, Math.min(full, w.asOfDay - w.days[volFrom]! + 1));
}

/** First index in [w.start, w.end) whose day is ≥ `day`. */
function firstFrom(w: PriceWindow, day: number): number {
  let lo = w.start;
  let hi = w.end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (w.days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function searchMomentum(w: PriceWindow): number | null {
  const s = w.search;
  if (!s) return null;
  let recent = 0;
  let recentN = 0;
  let prior = 0;
  let priorN = 0;
  const recentFrom = w.asOfDay - SEARCH_RECENT_DAYS + 1;
  const priorFrom = recentFrom - SEARCH_PRIOR_DAYS;
  for (let i = s.end - 1; i >= s.start && s.days[i]! >= priorFrom; i--) {
    if (s.days[i]! >= recentFrom) {
      recent += s.values[i]!;
      recentN++;
    } else {
      prior += s.values[i]!;
      priorN++;
    }
  }
  if (recentN < 2 || priorN < 2) return null;
  return Math.log1p(recent / recentN) - Math.log1p(prior / priorN);
}

/**
 * ln(1 + search interest) carried forward per day of the filter grid, standardised over the grid
 * (mean 0, standard deviation 1; days before the first value get 0, the mean, so they carry no
 * information on β). Null when fewer than two values fall inside the grid or the carried-forward
 * series does not vary (a constant regressor is collinear with the level).
 */
function searchRegressor(w: PriceWindow, fromDay: number, length: number): { x: Float64Array; last: number } | null {
  const s = w.search;
  if (!s) return null;
  const x = new Float64Array(length).fill(Number.NaN);
  let j = s.start;
  let last = Number.NaN;
  let inside = 0;
  for (let d = 0; d < length; d++) {
    const day = fromDay + d;
    while (j < s.end && s.days[j]! <= day) {
      last = Math.log1p(s.values[j]!);
      if (s.days[j]! >= fromDay) inside++;
      j++;
    }
    x[d] = last;
  }
  if (inside < 2) return null;
  let sum = 0;
  let n = 0;
  for (const v of x) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  const mean = sum / n;
  let ss = 0;
  for (const v of x) if (Number.isFinite(v)) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  if (!(sd > 1e-9)) return null;
  for (let d = 0; d < length; d++) x[d] = Number.isFinite(x[d]!) ? (x[d]! - mean) / sd : 0;
  return { x, last: x[length - 1]! };
}

/** What the filter component reads from the filter, after the divergence check. */
interface FilterFit {
  level: number;
  slope: number;
  slopeSd: number;
  /** One-step log-price forecast, with the regression term β·x_last when the regressor is used. */
  forecast: number;
  forecastSd: number;
  outliers: number;
  /** β per standard deviation of ln(1 + search interest); NaN without the regressor. */
  beta: number;
  /** 1: the regressor was dropped because the filter with it diverged; 0: used; NaN: no regressor. */
  searchDropped: number;
}

/**
 * Whether a filter run is usable: a finite forecast inside
 * [L − FORECAST_RANGE_MULTIPLE·R, H + FORECAST_RANGE_MULTIPLE·R] (L, H the lowest and highest log
 * price in the grid, R = max(H − L, σ)); with the regressor also at most half the observations
 * down-weighted by Huber and |β| ≤ BETA_BOUND_SDS prior standard deviations.
 */
function usable(
  fit: { forecast: number; slope: number; slopeSd: number; outliers: number; observations: number; beta: number },
  bounds: ForecastBounds,
  betaSd: number,
): boolean {
  if (!Number.isFinite(fit.forecast) || !Number.isFinite(fit.slope) || !Number.isFinite(fit.slopeSd)) return false;
  if (fit.forecast < bounds.low || fit.forecast > bounds.high) return false;
  if (!Number.isFinite(fit.beta)) return true;
  return fit.outliers <= fit.observations / 2 && Math.abs(fit.beta) <= BETA_BOUND_SDS * betaSd;
}

interface ForecastBounds {
  low: number;
  high: number;
  /** R, the (floored) log-price range of the grid. */
  range: number;
}

/** The stated bound on the filter's one-step log forecast (docs/METHODS.md, "Filter bounds"). */
export function forecastBounds(grid: ArrayLike<number>, sigma: number): ForecastBounds | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < grid.length; i++) {
    const v = grid[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi >= lo)) return null;
  const range = Math.max(hi - lo, sigma);
  return { low: lo - FORECAST_RANGE_MULTIPLE * range, high: hi + FORECAST_RANGE_MULTIPLE * range, range };
}

/**
 * The Huber-robust local-linear-trend filter of the grid, with the standardised search regressor
 * when there is one. β gets a proper prior (standard deviation R, the grid's log-price range: one
 * standard deviation of search interest is not expected to move the price by more than the
 * window's whole range), and a run that diverges — forecast outside the bounds, β beyond
 * BETA_BOUND_SDS prior standard deviations, or most observations down-weighted — is replaced by
 * the filter without the regressor. Null when even that one diverges (the component is then
 * unavailable).
 */
export function fitFilter(
  grid: Float64Array,
  sigma: number,
  exog: { x: Float64Array; last: number } | null,
): FilterFit | null {
  const bounds = forecastBounds(grid, sigma);
  if (!bounds) return null;
  const variance = sigma * sigma;
  const variances = { irregular: variance / 2, level: variance / 2, trend: variance / 400 };
  if (exog) {
    const withSearch = localLinearTrend(grid, { variances, exog: exog.x, exogVariance: bounds.range * bounds.range });
    const forecast = withSearch.forecast + withSearch.beta * exog.last;
    if (usable({ ...withSearch, forecast }, bounds, bounds.range)) {
      return { ...withSearch, forecast, searchDropped: 0 };
    }
  }
  const plain = localLinearTrend(grid, { variances });
  if (!usable(plain, bounds, bounds.range)) return null;
  return { ...plain, beta: Number.NaN, searchDropped: exog ? 1 : Number.NaN };
}

const MODEL_FIELDS = [
  'volatility_daily',
  'trend_slope_daily',
  'filter_level_price',
  'filter_slope_daily',
  'filter_slope_sd',
  'forecast_price',
  'forecast_log_sd',
  'filter_outliers',
  'drawdown_current',
  'drawdown_max_90d',
  'cusum_upper',
  'cusum_lower',
  'liquidity_density',
  'listing_spread',
  'search_beta',
  'filter_search_dropped',
] as const;

const finite = (v: number) => (Number.isFinite(v) ? round6(v) : null);

function compute(w: PriceWindow): EngineOutput {
  const n = w.end - w.start;
  const logs = new Float64Array(n);
  for (let i = 0; i < n; i++) logs[i] = Math.log(w.market[w.start + i]!);
  const volFrom = firstFrom(w, w.asOfDay - VOL_DAYS + 1);
  const sigma = dailyVolatility(w, logs, volFrom);
  const last = w.end - 1;

  // Trend: Theil–Sen slope of log price per day over the last TREND_DAYS, as a 30-day drift in
  // units of 30-day volatility.
  const trendFrom = firstFrom(w, w.asOfDay - TREND_DAYS + 1);
  let trend: number | null = null;
  let trendSlope = Number.NaN;
  if (w.end - trendFrom >= 5) {
    const x = w.days.subarray(trendFrom, w.end);
    const y = logs.subarray(trendFrom - w.start, n);
    trendSlope = theilSen(x, y).slope;
    if (Number.isFinite(trendSlope)) trend = (trendSlope * Math.sqrt(30)) / sigma;
  }

  // Filter: Huber-robust local linear trend on the daily grid of the last FILTER_DAYS, with
  // search interest as a regressor when the card has some.
  const gridFrom = w.asOfDay - FILTER_DAYS + 1;
  const grid = new Float64Array(FILTER_DAYS).fill(Number.NaN);
  for (let i = firstFrom(w, gridFrom); i < w.end; i++) grid[w.days[i]! - gridFrom] = logs[i - w.start]!;
  const fit = fitFilter(grid, sigma, searchRegressor(w, gridFrom, FILTER_DAYS));
  const filter = fit && fit.slopeSd > 0 ? fit.slope / fit.slopeSd : null;

  // Reversal: minus the last week's log change in units of weekly volatility.
  let reversal: number | null = null;
  const baseDay = w.asOfDay - REVERSAL_DAYS;
  const afterBase = firstFrom(w, baseDay + 1) - 1;
  if (afterBase >= w.start && w.days[afterBase]! >= baseDay - REVERSAL_MAX_GAP) {
    reversal = -(logs[last - w.start]! - logs[afterBase - w.start]!) / (sigma * Math.sqrt(REVERSAL_DAYS));
  }

  // Drawdown: the last price against the whole window's peak; the deepest fall over the detailed days.
  const drawdown = w.market[last]! / w.windowMaxCents - 1;
  const dd = drawdowns(w.market.subarray(w.start, w.end));

  // Regime: the last CUSUM alarm on standardised returns of the last VOL_DAYS (both ends inside
  // them), signed, decaying with age.
  const z = new Float64Array(Math.max(0, w.end - volFrom - 1));
  for (let i = volFrom + 1; i < w.end; i++) {
    z[i - volFrom - 1] =
      (logs[i - w.start]! - logs[i - 1 - w.start]!) / (sigma * Math.sqrt(w.days[i]! - w.days[i - 1]!));
  }
  const change = cusum(z, { k: CUSUM_K, h: CUSUM_H });
  const regime = change.lastAlarm
    ? (change.lastAlarm.direction === 'up' ? 1 : -1) *
      Math.exp(-(w.asOfDay - w.days[volFrom + 1 + change.lastAlarm.index]!) / REGIME_DECAY_DAYS)
    : 0;

  const search = searchMomentum(w);
  // Confidence over the span actually available: the whole volatility window when the series is
  // older than it, else from its first observation; scaled down below a month of history.
  const volObservations = w.end - volFrom;
  const span = availableDays(w, volFrom, volObservations);
  const liquidity = confidence({
    observations: volObservations,
    windowDays: span,
    low: w.low[last]!,
    mid: w.mid[last]!,
    market: w.market[last]!,
  });
  const history = Math.min(1, span / FULL_HISTORY_DAYS);

  const model = [
    sigma,
    trendSlope,
    fit ? Math.exp(fit.level) / 100 : Number.NaN,
    fit ? fit.slope : Number.NaN,
    fit ? fit.slopeSd : Number.NaN,
    fit ? Math.exp(fit.forecast) / 100 : Number.NaN,
    fit ? fit.forecastSd : Number.NaN,
    fit ? fit.outliers : Number.NaN,
    drawdown,
    dd.max,
    change.upper,
    change.lower,
    liquidity.density,
    liquidity.spread ?? Number.NaN,
    fit ? fit.beta : Number.NaN,
    fit ? fit.searchDropped : Number.NaN,
  ].map(finite);
  return {
    raw: [trend, filter, reversal, drawdown, regime, search],
    confidence: liquidity.value * history,
    model,
    usedSearchInterest: (fit !== null && Number.isFinite(fit.beta)) || search !== null,
  };
}

export const robustTrendEngine: SignalEngine = {
  name: 'robust-trend',
  version: '2',
  detailDays: Math.max(VOL_DAYS, TREND_DAYS, FILTER_DAYS, SEARCH_RECENT_DAYS + SEARCH_PRIOR_DAYS),
  components: COMPONENTS,
  modelFields: MODEL_FIELDS,
  defaultWeights: { trend: 0.3, filter: 0.25, reversal: 0.15, drawdown: 0.1, regime: 0.1, search: 0.1 },
  describe: {
    trend: 'Theil–Sen slope of log price over the last 30 days, as a 30-day drift in units of 30-day volatility',
    filter: 'Local-linear-trend filter (Huber-robust Kalman, last 90 days): slope over its standard error',
    reversal: "Minus the last 7 days' log change in units of weekly volatility (short-term reversal)",
    drawdown: 'Last price against the highest price of the whole window, minus 1 (0 at a peak, −0.3 = 30 % below)',
    regime: 'Last CUSUM regime change of standardised returns (+1 up, −1 down), decaying with age',
    search: 'Search interest of the last 4 weeks against the 8 weeks before, log ratio',
  },
  compute,
};
