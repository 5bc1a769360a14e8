/**
 * Flags the prints of the primary series that analytics leave out (docs/METHODS.md, "Flagged
 * prints"), for the dates the `quality` step evaluates: by default the market's latest date, or
 * each date of a range clamped to it. The rule is `quant/print-quality.ts`; a print's flag reads
 * only observations on or before its date, at most PRINT_FLAG_LOOKBACK_DAYS older, so a one-day run
 * and a backfill over a range store the same flags.
 */
import { epochDate, epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { PRINT_FLAG_LOOKBACK_DAYS, PrintJudge, type PrintRules } from '../../quant/print-quality.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { replacePrimaryFlags, type PriceFlagRow } from '../prices/price-flags.repo.ts';
import type { AnomalyRules } from './anomalies.checks.ts';
import { evaluationDays } from './anomalies.ts';
import { latestObservations, readPrimaryWindow } from './anomalies.repo.ts';

export interface FlagCounts {
  /** Prints flagged in the evaluated range, by reason. */
  flagged_placeholder_price: number;
  flagged_jump: number;
  flagged_return_outlier: number;
}

/** The flag rules of the anomaly settings and the movers' jump factor (MOVERS_MAX_JUMP). */
export function printRules(anomalies: AnomalyRules, movers: { maxJump: number }): PrintRules {
  const { zThreshold, minReturns, sigmaFloor, placeholderJump, placeholderMinCents } = anomalies;
  return { zThreshold, minReturns, sigmaFloor, placeholderJump, placeholderMinCents, maxJump: movers.maxJump };
}

/**
 * Judges every primary-series print dated in the evaluated range and replaces the stored flags of
 * that range. Reads the series from PRINT_FLAG_LOOKBACK_DAYS before the first date, a block of
 * printings per statement.
 *
 * @example
 * await flagPrices(database, printRules(anomalyRules, moverRules), { from: '2026-10-01', to: '2026-11-20' });
 */
export async function flagPrices(
  database: Database,
  rules: PrintRules,
  range?: { from?: string; to?: string },
): Promise<FlagCounts> {
  const counts: FlagCounts = { flagged_placeholder_price: 0, flagged_jump: 0, flagged_return_outlier: 0 };
  const printings = (await latestObservations(database)).filter((p) => p.last_date !== null);
  if (printings.length === 0) return counts;
  const asOf = printings.reduce((max, p) => (p.last_date! > max ? p.last_date! : max), '');
  const days = evaluationDays(asOf, range);
  if (days.length === 0) return counts;
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const since = epochDate(first - PRINT_FLAG_LOOKBACK_DAYS);
  const active = printings.filter((p) => p.last_date! >= since).map((p) => p.key);
  const rows: PriceFlagRow[] = [];
  for await (const block of readPrimaryWindow(database, active, since, epochDate(last))) {
    for (let i = 0; i < block.length;) {
      const key = block[i]!.printing_key;
      const seriesDays: number[] = [];
      const cents: number[] = [];
      for (; i < block.length && block[i]!.printing_key === key; i++) {
        seriesDays.push(epochDay(String(block[i]!.date)));
        cents.push(Number(block[i]!.market_cents));
      }
      const judge = new PrintJudge(seriesDays, cents, rules);
      for (let j = 0; j < seriesDays.length; j++) {
        if (seriesDays[j]! < first) continue;
        const flag = judge.flag(j);
        if (flag === null) continue;
        counts[`flagged_${flag.reason}`]++;
        rows.push({
          printing_key: Number(key),
          ...PRIMARY_SERIES,
          date: epochDate(seriesDays[j]!),
          reason: flag.reason,
          ref_date: flag.ref === null ? null : epochDate(seriesDays[flag.ref]!),
        });
      }
    }
  }
  await replacePrimaryFlags(database.db, { from: epochDate(first), to: epochDate(last) }, rows);
  return counts;
}
