import { describe, expect, it } from 'vitest';
import { epochDay } from '../../platform/clock.ts';
import {
  coverageDrops,
  DEFAULT_ANOMALY_RULES,
  isRepeatedDigits,
  SeriesChecker,
  type Series,
} from './anomalies.checks.ts';

const END = epochDay('2026-11-20');
const rules = DEFAULT_ANOMALY_RULES;

/** Daily observations ending on END (the last value is END's). */
function daily(cents: number[], id = 'p-1'): Series {
  return { key: 1, id, days: cents.map((_, i) => END - (cents.length - 1 - i)), cents, priorDay: null };
}
const alternating = (n: number, a: number, b: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b));
const check = (s: Series, days = [END]) => new SeriesChecker(s, rules).check(days);

describe('return outliers', () => {
  it('a tripling after two months of ±5 % alternation: z = ln 3 / (1.4826 · ln 1.05)', () => {
    // 61 alternating prices ending on 10.00 give 60 returns, half +ln 1.05 and half −ln 1.05: median 0, MAD ln 1.05.
    const found = check(daily([...alternating(61, 1000, 1050), 3000]));
    expect(found).toEqual([
      {
        kind: 'return_outlier',
        subject: 'p-1',
        printingKey: 1,
        day: END,
        severity: 15.1876,
        detail: {
          from_date: '2026-11-19',
          from_cents: 1000,
          to_cents: 3000,
          currency: 'USD',
          return: 1.0986,
          z: 15.1876,
          returns: 60,
        },
      },
    ]);
  });

  it('a fall is judged like a rise (negative z, severity |z|)', () => {
    const [found] = check(daily([...alternating(61, 1000, 1050), 333]));
    expect(found).toMatchObject({ kind: 'return_outlier', severity: 15.2014, detail: { z: -15.2014 } });
  });

  it('needs 20 prior returns in the 60 days before the date', () => {
    expect(check(daily([...alternating(21, 1000, 1050), 3000]))).toHaveLength(1);
    expect(check(daily([...alternating(20, 1000, 1050), 3000]))).toEqual([]);
  });

  it('a series unchanged on most days has no scale (MAD 0) and is not judged', () => {
    const flat = [...Array.from({ length: 40 }, () => 500), ...alternating(21, 510, 500)];
    expect(check(daily([...flat, 5000]))).toEqual([]);
  });

  it('a return across more than three days is no one-day return', () => {
    const series = daily([...alternating(61, 1000, 1050), 3000]);
    const gap = (days: number) => ({
      ...series,
      days: series.days.map((d, i) => (i === series.days.length - 1 ? d : d - days + 1)),
    });
    expect(check(gap(3))).toHaveLength(1);
    expect(check(gap(4))).toEqual([]);
  });

  it('a 40-cent card rising a cent every other day: one cent is 2.5 %, so 40 → 48 is within its steps and 40 → 50 is not', () => {
    const rising = [10];
    for (let i = 0; i < 60; i++) rising.push(rising.at(-1)! + (i % 2 === 0 ? 1 : 0));
    // Robust σ is 0.0188 here; against the 0.02 floor alone 40 → 48 would score z 8.48.
    expect(check(daily([...rising, 48]))).toEqual([]);
    expect(check(daily([...rising, 50]))).toMatchObject([{ kind: 'return_outlier', severity: 8.4194 }]);
  });

  it('a volatile series is measured against its own volatility: a 35 % fall among ±20 % days is normal', () => {
    const cents = [2000];
    let seed = 7;
    for (let i = 0; i < 90; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      cents.push(Math.round(cents.at(-1)! * Math.exp((seed / 2147483648 - 0.5) * 0.4)));
    }
    cents.push(Math.round(cents.at(-1)! * 0.65));
    expect(check(daily(cents), daily(cents).days.slice(-30))).toEqual([]);
  });
});

describe('placeholder-like prices', () => {
  it('spells placeholders with one digit in major units', () => {
    for (const cents of [9_900, 9_999, 99_900, 99_999, 999_900, 444_444, 11_111])
      expect(isRepeatedDigits(cents), String(cents)).toBe(true);
    for (const cents of [99_990, 10_000, 9_990, 12_345, 990, 1_000])
      expect(isRepeatedDigits(cents), String(cents)).toBe(false);
  });

  it('999.99 on a 12.34 card: reported the day it appears, not while it stays, and the return out of it is no outlier', () => {
    const s = daily([...alternating(61, 1234, 1250), 99_999, 99_999, 1234]);
    const found = check(s, [END - 2, END - 1, END]);
    // Baseline: 30 observations, 15 at 12.34 and 15 at 12.50, median 12.42.
    expect(found).toEqual([
      {
        kind: 'placeholder_price',
        subject: 'p-1',
        printingKey: 1,
        day: END - 2,
        severity: 80.5145,
        detail: {
          rule: 'jump',
          cents: 99_999,
          previous_cents: 1234,
          median_cents: 1242,
          ratio: 80.5145,
          currency: 'USD',
        },
      },
    ]);
  });

  it('99.99 on a 30.00 card is a repeated-digit placeholder; on a card trading near 100 it is a price', () => {
    expect(check(daily([...alternating(30, 3000, 3000), 9_999]))).toMatchObject([
      {
        kind: 'placeholder_price',
        severity: 3.333,
        detail: { rule: 'repeated_digits', median_cents: 3000, ratio: 3.333 },
      },
    ]);
    expect(check(daily([...alternating(30, 9_950, 10_050), 9_999]))).toEqual([]);
  });

  it('a price more than 20 times the baseline median is placeholder-like whatever its digits; 20 times is not', () => {
    expect(check(daily([...alternating(30, 100, 100), 2_001]))).toMatchObject([
      { kind: 'placeholder_price', severity: 20.01, detail: { rule: 'jump' } },
    ]);
    expect(check(daily([...alternating(30, 100, 100), 2_000]))).toEqual([]);
  });

  it('a repeated-digit amount without a baseline counts, with severity 1; below 99.00 it does not', () => {
    expect(check(daily([500, 500, 99_999]))).toMatchObject([
      { kind: 'placeholder_price', severity: 1, detail: { median_cents: null, ratio: null } },
    ]);
    expect(check(daily([500, 500, 8_888]))).toEqual([]);
  });
});

describe('stale series', () => {
  const lastSeen = (daysAgo: number): Series => ({ key: 2, id: 'p-2', days: [], cents: [], priorDay: END - daysAgo });

  it('more than 7 days behind is stale, severity the days behind', () => {
    expect(check(lastSeen(10))).toEqual([
      {
        kind: 'stale_series',
        subject: 'p-2',
        printingKey: 2,
        day: END,
        severity: 10,
        detail: { last_date: '2026-11-10', days_behind: 10 },
      },
    ]);
    expect(check(lastSeen(7))).toEqual([]);
  });

  it('a series dead for more than 90 days is no longer reported', () => {
    expect(check(lastSeen(90))).toHaveLength(1);
    expect(check(lastSeen(91))).toEqual([]);
  });

  it('is judged per evaluated date from the latest observation on or before it', () => {
    const s = daily([100, 100, 100]);
    const gapped = { ...s, days: [END - 30, END - 20, END - 1], priorDay: END - 45 };
    expect(check(gapped, [END - 32, END - 21, END - 12, END]).map((f) => [f.day, f.severity])).toEqual([
      [END - 32, 13],
      [END - 21, 9],
      [END - 12, 8],
    ]);
  });
});

describe('coverage drops', () => {
  const counts = (values: number[]) => new Map(values.map((v, i) => [END - (values.length - 1 - i), v]));

  it('6 printings priced against a median of 15 over the previous 14 market dates: severity 0.6', () => {
    const found = coverageDrops(
      'tcgplayer',
      counts([99, 16, 16, 16, 16, 16, 15, 15, 15, 14, 14, 14, 14, 14, 14, 6]),
      [END],
      rules,
    );
    expect(found).toEqual([
      {
        kind: 'coverage_drop',
        subject: 'market:tcgplayer',
        printingKey: null,
        day: END,
        severity: 0.6,
        detail: { printings: 6, baseline_median: 15, ratio: 0.4, baseline_from: '2026-11-06', baseline_dates: 14 },
      },
    ]);
  });

  it('80 % of the usual count is no drop; under it is', () => {
    expect(coverageDrops('tcgplayer', counts([10, 10, 10, 10, 10, 10, 10, 8]), [END], rules)).toEqual([]);
    expect(coverageDrops('tcgplayer', counts([10, 10, 10, 10, 10, 10, 10, 7]), [END], rules)).toMatchObject([
      { severity: 0.3 },
    ]);
  });

  it('needs 7 previous market dates, and a date without prices is not a market date', () => {
    expect(coverageDrops('tcgplayer', counts([10, 10, 10, 10, 10, 10, 1]), [END], rules)).toEqual([]);
    expect(coverageDrops('tcgplayer', counts([10, 10, 10, 10, 10, 10, 10, 0]), [END], rules)).toEqual([]);
  });
});
