import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  flagPrints,
  isRepeatedDigits,
  PRINT_FLAG_LOOKBACK_DAYS,
  PrintJudge,
  type PrintRules,
} from './print-quality.ts';

const RULES: PrintRules = {
  zThreshold: 8,
  minReturns: 20,
  sigmaFloor: 0.02,
  placeholderJump: 20,
  placeholderMinCents: 9_900,
  maxJump: 10,
};

/** A calm daily series around `level` cents: ±1 % wiggles, deterministic. */
function calm(n: number, level = 1_000): { days: number[]; cents: number[] } {
  const days = Array.from({ length: n }, (_, i) => 20_000 + i);
  const cents = days.map((_, i) => Math.round(level * (1 + 0.01 * Math.sin(i * 1.7))));
  return { days, cents };
}

const reasons = (days: number[], cents: number[]) => flagPrints(days, cents, RULES).map((f) => f?.reason ?? null);

describe('flagPrints: which prints are kept out of analytics', () => {
  it('a one-day spike ×100 in a young series is a jump; the print after it, back at the old level, is used', () => {
    expect(flagPrints([0, 1, 2], [400, 40_000, 410], RULES)).toEqual([null, { reason: 'jump', ref: 0 }, null]);
  });

  it('a fall to a hundredth is a jump too (the factor is symmetric), and exactly ×10 is not', () => {
    expect(reasons([0, 1, 2], [5_000, 50, 5_100])).toEqual([null, 'jump', null]);
    expect(reasons([0, 1], [500, 5_000])).toEqual([null, null]);
  });

  it('with a 30-day baseline, a 99.99 listing under a 10-dollar card is a placeholder, and so is every day it stays', () => {
    const { days, cents } = calm(40);
    cents[35] = 9_999;
    cents[36] = 9_999;
    const out = reasons(days, cents);
    expect(out.slice(30)).toEqual([
      null,
      null,
      null,
      null,
      null,
      'placeholder_price',
      'placeholder_price',
      null,
      null,
      null,
    ]);
  });

  it('a ×4 step on a calm series is a return outlier (robust z far beyond 8), measured from the last clean print', () => {
    const { days, cents } = calm(60);
    cents[50] = cents[49]! * 4;
    const judge = new PrintJudge(days, cents, RULES);
    expect(judge.flag(50)).toEqual({ reason: 'return_outlier', ref: 49 });
    expect(judge.returnOutlier(50, 49)!.z).toBeGreaterThan(8);
    // The way back is measured from day 49, not from the outlier: it is used.
    expect(judge.flag(51)).toBeNull();
  });

  it('a series that moves by ordinary steps has no flag', () => {
    const { days, cents } = calm(120);
    expect(reasons(days, cents).every((r) => r === null)).toBe(true);
  });

  it('a genuine step ×12 to a new level loses its first two prints, then the new level is the reference (as METHODS states)', () => {
    expect(reasons([0, 1, 2, 3, 4, 5], [100, 101, 1_200, 1_210, 1_205, 1_200])).toEqual([
      null,
      null,
      'jump',
      'jump',
      null,
      null,
    ]);
  });

  it('a two-day bad stretch can cost the first two good prints after it (as METHODS states)', () => {
    expect(reasons([0, 1, 2, 3, 4, 5, 6], [100, 101, 1_500, 1_500, 100, 101, 100])).toEqual([
      null,
      null,
      'jump',
      'jump',
      'jump',
      'jump',
      null,
    ]);
  });

  it('without a reference within 3 days a print is not judged on jumps (a gap is not a one-day move)', () => {
    expect(reasons([0, 5], [100, 5_000])).toEqual([null, null]);
  });

  it('isRepeatedDigits reads the amount in major units', () => {
    expect([9_999, 99_900, 444_444, 99_990, 10_000].map(isRepeatedDigits)).toEqual([true, true, true, false, false]);
  });
});

/** A random daily-ish series: mostly small moves, occasional spikes, placeholders and gaps. */
const seriesOf = (minLength: number) =>
  fc
    .array(
      fc.record({
        gap: fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 2, 3, 5),
        move: fc.oneof(
          { weight: 12, arbitrary: fc.double({ min: -0.05, max: 0.05, noNaN: true }) },
          // Steps anywhere from ×1.5 to ×40 either way, so verdicts near every threshold occur.
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.double({ min: Math.log(1.5), max: Math.log(40), noNaN: true }), fc.boolean())
              .map(([m, up]) => (up ? m : -m)),
          },
        ),
        placeholder: fc.constantFrom(...new Array<boolean>(30).fill(false), true),
      }),
      { minLength, maxLength: 160 },
    )
    .map((steps) => {
      const days: number[] = [];
      const cents: number[] = [];
      let day = 20_000;
      let level = Math.log(5_000);
      for (const s of steps) {
        day += s.gap;
        level += s.move;
        days.push(day);
        cents.push(s.placeholder ? 99_999 : Math.max(1, Math.round(Math.exp(level))));
      }
      return { days, cents };
    });
const seriesArb = seriesOf(1);
/** Long enough that most prints have a full return window behind them. */
const longSeriesArb = seriesOf(80);

describe('flagPrints is point in time (property)', () => {
  it('perturbing every observation after d leaves every flag at or before d unchanged', () => {
    fc.assert(
      fc.property(longSeriesArb, fc.nat({ max: 60 }), seriesArb, (s, back, future) => {
        const cut = s.days[Math.max(0, s.days.length - 1 - back)]!;
        const kept = s.days.filter((d) => d <= cut).length;
        // Replace everything after `cut` by an unrelated future (other prices, other dates).
        const offset = cut - future.days[0]! + 1;
        const days = [...s.days.slice(0, kept), ...future.days.map((d) => d + offset)];
        const cents = [...s.cents.slice(0, kept), ...future.cents];
        expect(flagPrints(days, cents, RULES).slice(0, kept)).toEqual(
          flagPrints(s.days, s.cents, RULES).slice(0, kept),
        );
        // The evidence too, not only the verdicts: the same baselines and the same z of every step.
        const perturbed = new PrintJudge(days, cents, RULES);
        const original = new PrintJudge(s.days, s.cents, RULES);
        for (let i = 0; i < kept; i++) {
          expect(perturbed.baselineMedian(i)).toBe(original.baselineMedian(i));
          if (i > 0) expect(perturbed.returnZ(i, i - 1)).toEqual(original.returnZ(i, i - 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a read that starts PRINT_FLAG_LOOKBACK_DAYS before a print judges it as the whole history does', () => {
    fc.assert(
      fc.property(longSeriesArb, fc.nat({ max: 60 }), (s, back) => {
        const i = Math.max(0, s.days.length - 1 - back);
        const start = s.days.findIndex((d) => d >= s.days[i]! - PRINT_FLAG_LOOKBACK_DAYS);
        const part = new PrintJudge(s.days.slice(start, i + 1), s.cents.slice(start, i + 1), RULES);
        const whole = new PrintJudge(s.days, s.cents, RULES);
        const k = i - start;
        const window = part.flag(k);
        expect(window?.reason ?? null).toBe(whole.flag(i)?.reason ?? null);
        if (window?.ref != null) expect(window.ref + start).toBe(whole.flag(i)!.ref);
        // The evidence too, not only the verdict: the same baseline median and the same z.
        expect(part.baselineMedian(k)).toBe(whole.baselineMedian(i));
        if (k > 0) expect(part.returnZ(k, k - 1)).toEqual(whole.returnZ(i, i - 1));
      }),
      { numRuns: 300 },
    );
  });
});
