/**
 * An independent computation of market-price changes from raw TCGCSV price files, written from
 * DESIGN §10's rule and nothing else in the program: per (productId, subTypeName), the series
 * of non-null `marketPrice` values by date; `to_date` = its latest date; the base of an N-day
 * change = the last observation on or before to_date − N and not before to_date − N − 3; a
 * series more than 3 days behind the latest date of all series is stale. Prices stay the files'
 * decimals; the jump is the largest ratio between consecutive observations in [from, to].
 * Prints named in `excluded` (`productId|subType|date`: the flagged ones) are no observations; the
 * latest date is still taken over every print.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IndependentChange {
  fromDate: string;
  from: number;
  pct: number;
  jump: number;
}

export interface IndependentSeries {
  lastDate: string;
  last: number;
  stale: boolean;
  changes: Record<'1d' | '7d' | '30d' | '90d', IndependentChange | null>;
}

export const seriesKey = (productId: number, subType: string) => `${productId}|${subType}`;

const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function independentChanges(
  pricesDir: string,
  excluded: ReadonlySet<string> = new Set(),
): Map<string, IndependentSeries> {
  const observations = new Map<string, [string, number][]>();
  let latest = '';
  for (const date of readdirSync(pricesDir)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort()) {
    for (const group of readdirSync(join(pricesDir, date, '3'))) {
      const body = JSON.parse(readFileSync(join(pricesDir, date, '3', group, 'prices'), 'utf8')) as {
        results: { productId: number; subTypeName: string; marketPrice: number | null }[];
      };
      for (const r of body.results) {
        if (r.marketPrice === null || r.marketPrice === undefined) continue;
        const key = seriesKey(r.productId, r.subTypeName);
        if (date > latest) latest = date;
        if (excluded.has(`${key}|${date}`)) continue;
        const list = observations.get(key) ?? [];
        list.push([date, r.marketPrice]);
        observations.set(key, list);
      }
    }
  }
  const out = new Map<string, IndependentSeries>();
  for (const [key, list] of observations) {
    const [lastDate, last] = list.at(-1)!;
    const changes = {} as IndependentSeries['changes'];
    for (const [name, n] of [
      ['1d', 1],
      ['7d', 7],
      ['30d', 30],
      ['90d', 90],
    ] as const) {
      const target = shift(lastDate, -n);
      const floor = shift(lastDate, -n - 3);
      const baseAt = list.findLastIndex(([d]) => d <= target && d >= floor);
      if (baseAt < 0 || list[baseAt]![1] <= 0) {
        changes[name] = null;
        continue;
      }
      const [fromDate, from] = list[baseAt]!;
      let jump = 1;
      for (let i = baseAt + 1; i < list.length; i++) {
        const a = list[i - 1]![1];
        const b = list[i]![1];
        jump = Math.max(jump, b / a, a / b);
      }
      changes[name] = { fromDate, from, pct: ((last - from) / from) * 100, jump };
    }
    out.set(key, { lastDate, last, stale: lastDate < shift(latest, -3), changes });
  }
  return out;
}
