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
 * such return gets.
 */
function dailyVolatility(w: PriceWindow, logs: Float64Array, fromIndex: number): number {
  const buffer = scratchOf(w.end - fromIndex);
  let n = 0;
  for (let i = fromIndex + 1; i < w.end; i++) {
    buffer[n++] = (logs[i - w.start]! - logs[i - 1 - w.start]!) / Math.sqrt(w.days[i]! - w.days[i - 1]!);
  }
  const sigma = n > 0 ? robustSigmaInPlace(buffer.subarray(0, n)) : Number.NaN;
  return Number.isFinite(sigma) ? Math.max(sigma, VOL_FLOOR) : VOL_FLOOR;
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

/** ln(1 + search interest) carried forward per day of the filter grid; null when none falls inside it. */
function searchRegressor(w: PriceWindow, fromDay: number, length: number): Float64Array | null {
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
  return inside >= 2 ? x : null;
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
  const exog = searchRegressor(w, gridFrom, FILTER_DAYS);
  const variance = sigma * sigma;
  const filtered = localLinearTrend(grid, {
    variances: { irregular: variance / 2, level: variance / 2, trend: variance / 400 },
    ...(exog ? { exog } : {}),
  });
  const filter = filtered.slopeSd > 0 && Number.isFinite(filtered.slope) ? filtered.slope / filtered.slopeSd : null;

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
    z[i - volFrom - 1] = (logs[i - w.start]! - logs[i - 1 - w.start]!) / (sigma * Math.sqrt(w.days[i]! - w.days[i - 1]!));
  }
  const change = cusum(z, { k: CUSUM_K, h: CUSUM_H });
  const regime = change.lastAlarm
    ? (change.lastAlarm.direction === 'up' ? 1 : -1) * Math.exp(-(w.asOfDay - w.days[volFrom + 1 + change.lastAlarm.index]!) / REGIME_DECAY_DAYS)
    : 0;

  const search = searchMomentum(w);
  const liquidity = confidence({
    observations: w.end - volFrom,
    windowDays: Math.min(VOL_DAYS, w.windowDays),
    low: w.low[last]!,
    mid: w.mid[last]!,
    market: w.market[last]!,
  });

  const model = [
    sigma,
    trendSlope,
    Math.exp(filtered.level) / 100,
    filtered.slope,
    filtered.slopeSd,
    Math.exp(filtered.forecast) / 100,
    filtered.forecastSd,
    filtered.outliers,
    drawdown,
    dd.max,
    change.upper,
    change.lower,
    liquidity.density,
    liquidity.spread ?? Number.NaN,
    exog ? filtered.beta : Number.NaN,
  ].map(finite);
  return {
    raw: [trend, filter, reversal, drawdown, regime, search],
    confidence: liquidity.value,
    model,
    usedSearchInterest: exog !== null || search !== null,
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
    reversal: 'Minus the last 7 days\' log change in units of weekly volatility (short-term reversal)',
    drawdown: 'Last price against the highest price of the whole window, minus 1 (0 at a peak, −0.3 = 30 % below)',
    regime: 'Last CUSUM regime change of standardised returns (+1 up, −1 down), decaying with age',
    search: 'Search interest of the last 4 weeks against the 8 weeks before, log ratio',
  },
  compute,
};
