/**
 * Materialises signals for a list of dates (docs/METHODS.md, "Signals"). For each date t and each
 * printing whose primary series is alive at t (an observation within MAX_GAP_DAYS of t), the
 * engine sees only the observations in [t − W + 1, t]; components are standardised across the
 * printings of that date (robust z, winsorised), combined linearly with the weights version into
 * z, mapped to a score and an action. The daily step is this function for one date, a backfill
 * for many, so both give identical rows; dates are processed in blocks to bound memory.
 */
import type { Database } from '../../platform/db/database.ts';
import { median, mad, MAD_TO_SIGMA } from '../../quant/robust.ts';
import { action, DEFAULT_ACTION_THRESHOLDS, scoreFromZ, type ActionThresholds } from '../../quant/score.ts';
import { MAX_GAP_DAYS } from '../prices/derive-latest.ts';
import type { PriceWindow, SignalEngine } from './engine.ts';
import { round6 } from './robust-trend.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import {
  forEachSeries,
  printingCards,
  readSearchInterest,
  replaceSignals,
  SeriesStore,
  windowAggregates,
  type SeriesBuffer,
  type SignalRow,
} from './signals.repo.ts';

/** Standardised components are clamped to ±WINSOR (robust z units). */
export const WINSOR = 3;
/** Fewer printings than this with a component on a date: the component is standardised to 0. */
export const MIN_CROSS_SECTION = 5;
/** Signal rows held in memory per block of dates, which sets how many dates a block spans. */
const ROWS_PER_BLOCK = 150_000;

export interface SignalSettings {
  engine: SignalEngine;
  weightsVersion: string;
  weights: Readonly<Record<string, number>>;
  /** Least observations in the window for a signal (else `insufficient_data`). */
  minHistory: number;
  /** W: the window [t − W + 1, t] in calendar days. */
  windowDays: number;
  thresholds?: ActionThresholds;
}

export interface DeriveSignalsCounts {
  dates: number;
  signals: number;
  insufficient: number;
  price_rows_read: number;
  /** Where the time went (milliseconds): reading prices and aggregates, engine calls, standardising and writing. */
  read_ms: number;
  engine_ms: number;
  write_ms: number;
}

interface Pending {
  printingKey: number;
  date: number;
  observations: number;
  lastCents: number;
  raw: (number | null)[] | null;
  confidence: number;
  model: (number | null)[] | null;
  usedSearch: boolean;
}

/** Robust z of each value across the sample, winsorised; 0 where the cross-section says nothing. */
export function standardise(values: (number | null)[]): (number | null)[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const m = median(finite);
  const scale = MAD_TO_SIGMA * mad(finite);
  const informative = finite.length >= MIN_CROSS_SECTION && scale > 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    if (!informative) return 0;
    return round6(Math.max(-WINSOR, Math.min(WINSOR, (v - m) / scale)));
  });
}

/**
 * z = Σ weight × standardised component, summed in component order (unavailable components add
 * nothing). The explanation endpoint sums the same products in the same order.
 */
export function composite(
  components: readonly string[],
  weights: Readonly<Record<string, number>>,
  standardised: readonly (number | null)[],
): number {
  let z = 0;
  for (let i = 0; i < components.length; i++) {
    const s = standardised[i];
    if (s !== null && s !== undefined) z += (weights[components[i]!] ?? 0) * s;
  }
  return z;
}

/** Reason codes of a signal; the API renders them as sentences. */
export function reasonCodes(
  components: readonly string[],
  standardised: readonly (number | null)[],
  z: number,
  confidence: number,
  thresholds: ActionThresholds,
): string[] {
  const reasons: string[] = [];
  if (z >= thresholds.buyZ) reasons.push('z_at_or_above_buy');
  else if (z <= thresholds.sellZ) reasons.push('z_at_or_below_sell');
  else reasons.push('z_between_thresholds');
  if (!(confidence >= thresholds.minConfidence)) reasons.push('low_confidence');
  components.forEach((c, i) => {
    const s = standardised[i];
    if (s === null || s === undefined) reasons.push(`${c}:unavailable`);
    else if (s >= 1) reasons.push(`${c}:high`);
    else if (s <= -1) reasons.push(`${c}:low`);
  });
  return reasons;
}

function toRow(settings: SignalSettings, date: string, p: Pending, standardised: (number | null)[] | null): SignalRow {
  const base = {
    engine: settings.engine.name,
    engine_version: settings.engine.version,
    weights_version: settings.weightsVersion,
    date,
    printing_key: p.printingKey,
    observations: p.observations,
    last_cents: p.lastCents,
  };
  if (p.raw === null || standardised === null) {
    return {
      ...base,
      status: 'insufficient_data',
      z: null,
      score: null,
      action: null,
      confidence: null,
      used_search_interest: 0,
      raw: null,
      standardised: null,
      model: null,
      reasons: JSON.stringify(['too_few_observations']),
    };
  }
  const thresholds = settings.thresholds ?? DEFAULT_ACTION_THRESHOLDS;
  const z = composite(settings.engine.components, settings.weights, standardised);
  const conf = round6(p.confidence);
  return {
    ...base,
    status: 'ok',
    z,
    score: scoreFromZ(z),
    action: action(z, conf, thresholds),
    confidence: conf,
    used_search_interest: p.usedSearch ? 1 : 0,
    raw: JSON.stringify(p.raw.map((v) => (v === null || !Number.isFinite(v) ? null : round6(v)))),
    standardised: JSON.stringify(standardised),
    model: JSON.stringify(p.model),
    reasons: JSON.stringify(reasonCodes(settings.engine.components, standardised, z, conf, thresholds)),
  };
}

/**
 * Computes and stores the signals of `dates` (ascending or not; duplicates ignored), replacing
 * any stored rows of those dates for the same engine, engine version and weights version.
 *
 * @example
 * await deriveSignals(database, settings, ['2026-11-20']); // { dates: 1, signals: 29876, … }
 */
export async function deriveSignals(
  database: Database,
  settings: SignalSettings,
  dates: readonly string[],
  onBlock?: (done: number, total: number) => void,
): Promise<DeriveSignalsCounts> {
  const sorted = [...new Set(dates)].sort();
  const counts: DeriveSignalsCounts = {
    dates: sorted.length,
    signals: 0,
    insufficient: 0,
    price_rows_read: 0,
    read_ms: 0,
    engine_ms: 0,
    write_ms: 0,
  };
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  if (sorted.length === 0) return counts;
  const cards = await printingCards(database);
  const perBlock = Math.max(1, Math.floor(ROWS_PER_BLOCK / Math.max(1, cards.size)));
  const W = settings.windowDays;
  const components = settings.engine.components;

  // A backfill reads every price of its span once into a packed store, then works through it
  // block by block; the daily step (one date) streams its rows instead.
  const store =
    sorted.length > 1
      ? await SeriesStore.load(database, epochDate(epochDay(sorted[0]!) - W + 1), sorted[sorted.length - 1]!)
      : null;
  if (store) counts.price_rows_read = store.rows;
  counts.read_ms += lap();
  for (let b = 0; b < sorted.length; b += perBlock) {
    const block = sorted.slice(b, b + perBlock);
    const blockDays = block.map(epochDay);
    const detail = Math.min(W, settings.engine.detailDays);
    // One date (the daily step): the whole window only through per-printing aggregates, the
    // detailed days read row by row. Several dates (a backfill): every row of the span, with the
    // window's count and maximum kept by sliding pointers and a monotonic deque.
    const single = store === null;
    const aggregates = single ? await windowAggregates(database, epochDate(blockDays[0]! - W + 1), block[0]!) : null;
    const readFrom = epochDate(blockDays[0]! - (single ? detail : W) + 1);
    const readTo = block[block.length - 1]!;
    const search = await readSearchInterest(database, epochDate(blockDays[0]! - detail + 1), readTo);
    const pending: Pending[][] = block.map(() => []);
    let engineMs = 0;
    let deque = new Int32Array(1024);

    const processSeries = (s: SeriesBuffer) => {
      const svi = search.get(cards.get(s.printingKey) ?? '') ?? null;
      if (deque.length < s.length) deque = new Int32Array(s.length * 2);
      let head = 0;
      let tail = 0;
      let lo = 0;
      let dlo = 0;
      let hi = 0;
      let sLo = 0;
      let sHi = 0;
      for (let d = 0; d < blockDays.length; d++) {
        const t = blockDays[d]!;
        while (hi < s.length && s.days[hi]! <= t) {
          while (tail > head && s.market[deque[tail - 1]!]! <= s.market[hi]!) tail--;
          deque[tail++] = hi++;
        }
        while (lo < hi && s.days[lo]! < t - W + 1) lo++;
        while (head < tail && deque[head]! < lo) head++;
        while (dlo < hi && s.days[dlo]! < t - detail + 1) dlo++;
        if (hi === dlo || s.days[hi - 1]! < t - MAX_GAP_DAYS) continue;
        const aggregate = aggregates?.get(s.printingKey);
        const observations = aggregate ? aggregate.count : hi - lo;
        const entry: Pending = {
          printingKey: s.printingKey,
          date: d,
          observations,
          lastCents: s.market[hi - 1]!,
          raw: null,
          confidence: 0,
          model: null,
          usedSearch: false,
        };
        if (observations >= settings.minHistory) {
          if (svi) {
            while (sHi < svi.days.length && svi.days[sHi]! <= t) sHi++;
            while (sLo < sHi && svi.days[sLo]! < t - detail + 1) sLo++;
          }
          const window: PriceWindow = {
            printingKey: s.printingKey,
            days: s.days,
            market: s.market,
            low: s.low,
            mid: s.mid,
            start: dlo,
            end: hi,
            asOfDay: t,
            windowDays: W,
            windowObservations: observations,
            windowMaxCents: aggregate ? aggregate.maxCents : s.market[deque[head]!]!,
            search: svi && sHi > sLo ? { days: svi.days, values: svi.values, start: sLo, end: sHi } : null,
          };
          const before = performance.now();
          const out = settings.engine.compute(window);
          engineMs += performance.now() - before;
          entry.raw = out.raw;
          entry.confidence = out.confidence;
          entry.model = out.model;
          entry.usedSearch = out.usedSearchInterest;
        }
        pending[d]!.push(entry);
      }
    };
    if (store) {
      store.each(processSeries);
    } else {
      counts.price_rows_read += await forEachSeries(database, readFrom, readTo, processSeries);
    }

    counts.engine_ms += engineMs;
    counts.read_ms += lap() - engineMs;
    const rows: SignalRow[] = [];
    for (let d = 0; d < block.length; d++) {
      const list = pending[d]!;
      const ok = list.filter((p) => p.raw !== null);
      const columns = components.map((_, c) => standardise(ok.map((p) => p.raw![c] ?? null)));
      let k = 0;
      for (const p of list) {
        if (p.raw === null) {
          rows.push(toRow(settings, block[d]!, p, null));
          counts.insufficient++;
        } else {
          const i = k++;
          rows.push(
            toRow(
              settings,
              block[d]!,
              p,
              columns.map((col) => col[i] ?? null),
            ),
          );
          counts.signals++;
        }
      }
      pending[d] = [];
    }
    await replaceSignals(
      database,
      { engine: settings.engine.name, engineVersion: settings.engine.version, weightsVersion: settings.weightsVersion },
      block,
      rows,
    );
    counts.write_ms += lap();
    onBlock?.(Math.min(sorted.length, b + perBlock), sorted.length);
  }
  for (const k of ['read_ms', 'engine_ms', 'write_ms'] as const) counts[k] = Math.round(counts[k]);
  return counts;
}
