/**
 * Factor statistics per signal date (docs/METHODS.md, "Factor statistics"): for every component
 * and the composite, the Spearman rank IC against forward returns, the top-minus-bottom quintile
 * spread and a cross-sectional regression; and summaries over a date range (IC mean, IR, hit
 * rate, t, half-life, factor returns, a Ledoit–Wolf risk model, suggested weights).
 *
 * Forward returns are measured strictly after the signal date: over (t, t + h] for horizons, and
 * over (t + k − 1, t + k] for the decay lags. The price "at" a date d is the last observation on
 * or before d, at most MAX_GAP_DAYS older; a return whose end price was not observed after its
 * start is missing (excluded, never zero).
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { FactorStatsTable } from '../../platform/db/schema.ts';
import { icHalfLife, icSummary, neweyWestMean, type IcSummary } from '../../quant/ic.ts';
import { correlation, ledoitWolf, volatilities } from '../../quant/ledoit-wolf.ts';
import { rankedColumn, rankPair, rankScratch, spearmanOfRanks } from '../../quant/rank.ts';
import { ols, quantileSpreadOfRanks } from '../../quant/regression.ts';
import { MAX_GAP_DAYS } from '../prices/derive-latest.ts';
import type { SignalEngine } from '../signals/engine.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import { forEachSeries, latestMarketDate, type SignalKey } from '../signals/signals.repo.ts';
import { okSignalsOn, replaceFactorStats, signalDates, storedFactorStats } from './factors.repo.ts';

/** Forward-return horizons (days) and the lags of the one-day-return decay profile. */
export const HORIZONS = [1, 7, 30] as const;
export const DECAY_LAGS = [1, 2, 3, 5, 7, 10] as const;
/** Least printings with both a factor value and a forward return for a date's statistics. */
export const MIN_SAMPLE = 10;
export const QUANTILES = 5;
export const COMPOSITE = 'composite';
/**
 * Newey–West lag of a horizon's daily IC and factor-return series: an h-day forward window measured
 * every day overlaps the next h − 1 windows, so the series is autocorrelated up to lag h − 1.
 */
export function hacLag(horizonDays: number): number {
  return Math.max(0, horizonDays - 1);
}
/** Without a range, signal dates up to this many days before the longest horizon's are considered. */
export const DAILY_LOOKBACK_DAYS = 30;

interface Target {
  kind: 'horizon' | 'lag';
  days: number;
}

const TARGETS: Target[] = [
  ...HORIZONS.map((d) => ({ kind: 'horizon' as const, days: d })),
  ...DECAY_LAGS.map((d) => ({ kind: 'lag' as const, days: d })),
];

/** Last day a target needs a price for, relative to the signal date. */
function reach(t: Target): number {
  return t.days;
}

/** One printing's primary-series prices in a span: ascending days and their cents. */
interface Series {
  days: Int32Array;
  cents: Float64Array;
}

/** Primary-series prices on days [fromDay, toDay] per printing, read in one streaming pass. */
async function readPrices(database: Database, fromDay: number, toDay: number): Promise<Map<number, Series>> {
  const out = new Map<number, Series>();
  await forEachSeries(database, epochDate(fromDay), epochDate(toDay), (s) => {
    out.set(s.printingKey, { days: s.days.slice(0, s.length), cents: s.market.slice(0, s.length) });
  });
  return out;
}

/** The last observation on or before `day`, at most MAX_GAP_DAYS older: [day, cents] or null. */
function priceAt(series: Series | undefined, day: number): [number, number] | null {
  if (!series) return null;
  let lo = 0;
  let hi = series.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (series.days[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  if (i < 0 || series.days[i]! < day - MAX_GAP_DAYS) return null;
  return [series.days[i]!, series.cents[i]!];
}

/** ln(P(b) / P(a)) when P(b) was observed after `a`; NaN (missing) otherwise. */
function forwardReturn(series: Series | undefined, a: number, b: number, base?: number): number {
  const end = priceAt(series, b);
  if (!end || end[0] <= a) return Number.NaN;
  const start = base !== undefined ? base : priceAt(series, a)?.[1];
  return start === undefined ? Number.NaN : Math.log(end[1] / start);
}

export interface FactorStatsCounts {
  dates: number;
  rows: number;
  /** The latest market date the forward windows were measured against; null without prices. */
  latest: string | null;
}

/**
 * Computes and stores factor statistics for signal dates. Without a range: for each horizon and
 * lag, the latest signal date whose forward window has ended by the latest market date. With a
 * range: every signal date in it, for each horizon and lag that has ended.
 */
export async function deriveFactorStats(
  database: Database,
  clock: Clock,
  engine: SignalEngine,
  key: SignalKey,
  range: { from?: string; to?: string } = {},
): Promise<FactorStatsCounts> {
  const last = await latestMarketDate(database);
  if (last === null) return { dates: 0, rows: 0, latest: null };
  const lastDay = epochDay(last);
  const ranged = range.from !== undefined || range.to !== undefined;
  const maxReach = Math.max(...TARGETS.map(reach));
  // The daily run looks back far enough for the longest horizon (and a missed month of runs).
  const from = range.from ?? (ranged ? '0000-01-01' : epochDate(lastDay - maxReach - DAILY_LOOKBACK_DAYS));
  const signalDays = (await signalDates(database, key, from, range.to ?? '9999-12-31')).map(epochDay);

  // Which (date, target) pairs to compute.
  const work = new Map<number, Target[]>();
  for (const target of TARGETS) {
    const eligible = signalDays.filter((d) => d + reach(target) <= lastDay);
    const chosen = ranged ? eligible : eligible.slice(-1);
    for (const d of chosen) work.set(d, [...(work.get(d) ?? []), target]);
  }
  const days = [...work.keys()].sort((a, b) => a - b);
  const computedAt = isoInstant(clock.now());
  let stored = 0;
  if (days.length === 0) return { dates: 0, rows: 0, latest: last };
  const factors = [...engine.components, COMPOSITE];
  // Every price the returns look at, [t + days − 1 − MAX_GAP_DAYS, t + days] per date and target,
  // read once per stretch of at most PRICE_READ_DAYS signal dates (the daily run's targets all end
  // on the latest date, so it reads a few days once): few re-reads, and memory bounded however
  // long a range run is.
  const PRICE_READ_DAYS = 120;
  const BLOCK = 20;
  let prices: Awaited<ReturnType<typeof readPrices>> = new Map();
  let readUntil = Number.NEGATIVE_INFINITY;
  for (let b = 0; b < days.length; b += BLOCK) {
    const block = days.slice(b, b + BLOCK);
    if (block[block.length - 1]! > readUntil) {
      // The whole block, and the dates after it within PRICE_READ_DAYS of its first.
      const stretch = days.slice(b).filter((day, i) => i < BLOCK || day < block[0]! + PRICE_READ_DAYS);
      let spanFrom = Number.POSITIVE_INFINITY;
      let spanTo = Number.NEGATIVE_INFINITY;
      for (const day of stretch)
        for (const t of work.get(day)!) {
          spanFrom = Math.min(spanFrom, day + t.days - 1 - MAX_GAP_DAYS);
          spanTo = Math.max(spanTo, day + t.days);
        }
      prices = new Map(); // the previous stretch's prices can be collected while these are read
      prices = await readPrices(database, spanFrom, spanTo);
      readUntil = stretch[stretch.length - 1]!;
    }
    const rows: FactorStatsTable[] = [];
    for (const day of block) {
      const signals = await okSignalsOn(database, key, epochDate(day));
      const exposures = signals.map((s) => {
        const std = JSON.parse(s.standardised ?? '[]') as (number | null)[];
        return [...engine.components.map((_, i) => std[i] ?? Number.NaN), Number(s.z)];
      });
      const series = signals.map((s) => prices.get(Number(s.printing_key)));
      // Each factor's column is prepared for ranking once per date and serves every target.
      const columns = factors.map((_, f) => exposures.map((e) => e[f]!));
      const rankedFactors = columns.map(rankedColumn);
      const scratch = rankScratch(signals.length);
      // Fama–MacBeth cross-section: forward returns on every component that has values for
      // enough printings that day and varies, at once (a component nobody has, e.g. search
      // interest without data, would empty the regression; a constant one makes it singular).
      const usable = engine.components.map((_, f) => {
        const values = columns[f]!.filter(Number.isFinite);
        return values.length >= MIN_SAMPLE && values.some((v) => v !== values[0]);
      });
      const jointColumns = engine.components.map((_, f) => f).filter((f) => usable[f]);
      const design = exposures.map((e) => jointColumns.map((f) => e[f]!));
      const compositeDesign = columns[engine.components.length]!.map((v) => [v]);
      for (const target of work.get(day)!) {
        const returns = signals.map((s, i) =>
          target.kind === 'horizon'
            ? forwardReturn(series[i], day, day + target.days, Number(s.last_cents))
            : forwardReturn(
                series[i],
                day + target.days - 1,
                day + target.days,
                target.days === 1 ? Number(s.last_cents) : undefined,
              ),
        );
        const rankedReturns = rankedColumn(returns);
        const joint = jointColumns.length > 0 ? ols(design, returns) : null;
        const jointAt = (f: number) => (jointColumns.includes(f) ? jointColumns.indexOf(f) + 1 : -1);
        factors.forEach((factor, f) => {
          const x = columns[f]!;
          const n = rankPair(rankedFactors[f]!, rankedReturns, scratch);
          const ic = spearmanOfRanks(scratch, n, MIN_SAMPLE);
          const spread = quantileSpreadOfRanks(x, returns, scratch, n, QUANTILES);
          const single = f === engine.components.length ? ols(compositeDesign, returns) : null;
          const beta = single ? single.coefficients[1] : jointAt(f) > 0 ? joint?.coefficients[jointAt(f)] : undefined;
          const betaT = single ? single.tStats[1] : jointAt(f) > 0 ? joint?.tStats[jointAt(f)] : undefined;
          rows.push({
            engine: key.engine,
            engine_version: key.engineVersion,
            weights_version: key.weightsVersion,
            date: epochDate(day),
            factor,
            kind: target.kind,
            days: target.days,
            n,
            ic: ic?.rho ?? null,
            top: spread?.top ?? null,
            bottom: spread?.bottom ?? null,
            spread: spread?.spread ?? null,
            beta: beta !== undefined && Number.isFinite(beta) ? beta : null,
            beta_t: betaT !== undefined && Number.isFinite(betaT) ? betaT : null,
            computed_at: computedAt,
          });
        });
      }
    }
    await replaceFactorStats(database.db, key, new Map(block.map((day) => [epochDate(day), work.get(day)!])), rows);
    stored += rows.length;
  }
  return { dates: days.length, rows: stored, latest: last };
}

export interface FactorSummary {
  factor: string;
  /** Per horizon: the IC summary with `tStat` the Newey–West t (lag `hac_lag`), spreads and factor returns. */
  horizons: Record<
    string,
    IcSummary & { hac_lag: number; spread_mean: number | null; beta_mean: number | null; beta_t: number | null }
  >;
  decay: { lag: number; ic: number | null }[];
  half_life_days: number | null;
}

export interface FactorReport {
  engine: string;
  engine_version: string;
  weights_version: string;
  from: string | null;
  to: string | null;
  dates: number;
  factors: FactorSummary[];
  risk: {
    horizon_days: number;
    dates: number;
    factors: string[];
    shrinkage: number;
    volatility: number[];
    covariance: number[][];
    correlation: number[][];
  } | null;
}

function mean(values: number[]): number | null {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/**
 * Summarises stored factor statistics over [from, to]: per factor and horizon the IC summary,
 * mean quintile spread and mean regression return with its Fama–MacBeth t; the mean IC per
 * decay lag and the half-life fitted to it; a Ledoit–Wolf risk model of the components' daily
 * factor returns (horizon 1).
 */
export async function factorReport(
  database: Database,
  engine: SignalEngine,
  key: SignalKey,
  range: { from?: string; to?: string },
): Promise<FactorReport> {
  const rows = await storedFactorStats(database, key, range);
  const factors = [...engine.components, COMPOSITE];
  const dates = new Set(rows.map((r) => r.date));
  const by = (factor: string, kind: string, days: number) =>
    rows.filter((r) => r.factor === factor && r.kind === kind && r.days === days);
  const summaries: FactorSummary[] = factors.map((factor) => {
    const horizons: FactorSummary['horizons'] = {};
    for (const h of HORIZONS) {
      // Rows are in date order, so the series below are too (the HAC weights need the order).
      const list = by(factor, 'horizon', h);
      const lag = hacLag(h);
      const ics = list.map((r) => r.ic ?? Number.NaN);
      const betas = list.map((r) => r.beta ?? Number.NaN);
      horizons[`${h}d`] = {
        ...icSummary(ics),
        tStat: neweyWestMean(ics, lag).tStat,
        hac_lag: lag,
        spread_mean: mean(list.map((r) => r.spread ?? Number.NaN)),
        beta_mean: neweyWestMean(betas, lag).mean,
        beta_t: neweyWestMean(betas, lag).tStat,
      };
    }
    const decay = DECAY_LAGS.map((lag) => ({ lag, ic: mean(by(factor, 'lag', lag).map((r) => r.ic ?? Number.NaN)) }));
    const halfLife = icHalfLife(decay.filter((d) => d.ic !== null).map((d) => ({ horizon: d.lag, ic: d.ic! })));
    return { factor, horizons, decay, half_life_days: halfLife };
  });

  // Risk model: dates × components matrix of one-day factor returns.
  const byDate = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.kind !== 'horizon' || r.days !== 1 || r.factor === COMPOSITE || r.beta === null) continue;
    let m = byDate.get(r.date);
    if (!m) byDate.set(r.date, (m = new Map()));
    m.set(r.factor, Number(r.beta));
  }
  // Components with a factor return on at least 80 % of the dates; dates that have all of them.
  const riskFactors = engine.components.filter(
    (c) => [...byDate.values()].filter((m) => m.has(c)).length >= 0.8 * byDate.size,
  );
  const matrix = [...byDate.values()]
    .filter((m) => riskFactors.every((c) => m.has(c)))
    .map((m) => riskFactors.map((c) => m.get(c)!));
  const shrunk = matrix.length >= 3 && riskFactors.length > 0 ? ledoitWolf(matrix) : null;
  return {
    engine: key.engine,
    engine_version: key.engineVersion,
    weights_version: key.weightsVersion,
    from: range.from ?? null,
    to: range.to ?? null,
    dates: dates.size,
    factors: summaries,
    risk: shrunk
      ? {
          horizon_days: 1,
          dates: matrix.length,
          factors: riskFactors,
          shrinkage: shrunk.shrinkage,
          volatility: volatilities(shrunk.covariance),
          covariance: shrunk.covariance,
          correlation: correlation(shrunk.covariance),
        }
      : null,
  };
}
