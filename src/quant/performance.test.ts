import { describe, expect, it } from 'vitest';
import {
  brent,
  compareWithIndex,
  daysBetween,
  investorFlows,
  portfolioPerformance,
  timeWeightedReturn,
  xirr,
  type NavDay,
} from './performance.ts';

const day = (date: string, value: number, flow = 0): NavDay => ({ date, value, flow });

describe('timeWeightedReturn', () => {
  it('a collector buys 2 cards at 50, the price goes to 55, buys 1 more at 55, the price falls to 44', () => {
    const twr = timeWeightedReturn([
      day('2026-01-05', 100, 100),
      day('2026-01-06', 110),
      day('2026-01-07', 165, 55),
      day('2026-01-08', 132),
    ]);
    expect(twr.days.map((d) => d.dailyReturn)).toEqual([null, 110 / 100 - 1, (165 - 55) / 110 - 1, 132 / 165 - 1]);
    // 1.1 × 1 × 0.8: the purchase at the market price is not a return.
    expect(twr.twr).toBeCloseTo(-0.12, 14);
    expect(twr.days.at(-1)!.index).toBeCloseTo(0.88, 14);
    expect(twr.periods).toBe(3);
  });

  it('fees paid on a purchase are a loss of that day; a sale at the market price net of fees too', () => {
    // Day 2: buys 50 of cards and pays 2 of fees: value 150, flow 52 → (150 − 52) / 100 − 1 = −2 %.
    // Day 3: sells 60 of cards for 60 less 3 of fees: value 90, flow −57 → (90 + 57) / 150 − 1 = −2 %.
    const twr = timeWeightedReturn([
      day('2026-02-01', 100, 100),
      day('2026-02-02', 150, 52),
      day('2026-02-03', 90, -57),
    ]);
    expect(twr.days[1]!.dailyReturn).toBeCloseTo(-0.02, 15);
    expect(twr.days[2]!.dailyReturn).toBeCloseTo(-0.02, 15);
    expect(twr.twr).toBeCloseTo(0.98 * 0.98 - 1, 15);
  });

  it('a day after everything was sold starts a new sub-period; the index waits at its level', () => {
    const twr = timeWeightedReturn([
      day('2026-03-01', 100, 100),
      day('2026-03-02', 0, -120), // all sold for 120: +20 %
      day('2026-03-03', 0),
      day('2026-03-04', 40, 40), // bought again: no return on that day
      day('2026-03-05', 30),
    ]);
    const returns = twr.days.map((d) => d.dailyReturn);
    expect(returns.map((r) => r === null)).toEqual([true, false, true, true, false]);
    expect(returns[1]).toBeCloseTo(0.2, 15);
    expect(returns[4]).toBeCloseTo(-0.25, 15);
    expect(twr.days.map((d) => d.index)).toEqual([
      1,
      1 + returns[1]!,
      1 + returns[1]!,
      1 + returns[1]!,
      (1 + returns[1]!) * 0.75,
    ]);
    expect(twr.periods).toBe(2);
  });

  it('no day with a previous value: no TWR (null, not NaN); an empty series too', () => {
    expect(timeWeightedReturn([day('2026-01-01', 50, 50)]).twr).toBeNull();
    expect(timeWeightedReturn([day('2026-01-01', 0), day('2026-01-02', 0)]).twr).toBeNull();
    expect(timeWeightedReturn([])).toEqual({ days: [], twr: null, periods: 0 });
  });

  it('refuses negative or non-finite values, non-finite flows and dates out of order', () => {
    expect(() => timeWeightedReturn([day('2026-01-01', -1)])).toThrow(RangeError);
    expect(() => timeWeightedReturn([day('2026-01-01', Number.NaN)])).toThrow(RangeError);
    expect(() => timeWeightedReturn([day('2026-01-01', 1, Number.POSITIVE_INFINITY)])).toThrow(RangeError);
    expect(() => timeWeightedReturn([day('2026-01-02', 1), day('2026-01-02', 1)])).toThrow(/not after/);
    expect(() => timeWeightedReturn([day('2026-01-02', 1), day('2026-01-01', 1)])).toThrow(/not after/);
  });
});

describe('xirr', () => {
  it('one year at +10 %', () => {
    const irr = xirr([
      { date: '2025-01-01', amount: -100 },
      { date: '2026-01-01', amount: 110 },
    ]);
    expect(irr.reason).toBeNull();
    expect(irr.rate).toBeCloseTo(0.1, 12);
  });

  it('half a year at +10 % is 1.1^(365/181) − 1 a year (Actual/365)', () => {
    const irr = xirr([
      { date: '2025-01-01', amount: -100 },
      { date: '2025-07-01', amount: 110 },
    ]);
    expect(irr.rate).toBeCloseTo(1.1 ** (365 / 181) - 1, 12);
  });

  it('a rate of 0 exactly: the scan stops on a zero of the NPV', () => {
    expect(
      xirr([
        { date: '2025-01-01', amount: -100 },
        { date: '2025-03-01', amount: -50 },
        { date: '2025-09-01', amount: 150 },
      ]),
    ).toEqual({ rate: 0, reason: null });
  });

  it('a loss of 20 % in one day annualises to −100 % (0.8^365 − 1 rounds to −1), still a number', () => {
    const irr = xirr([
      { date: '2025-05-01', amount: -100 },
      { date: '2025-05-02', amount: 80 },
    ]);
    expect(irr).toEqual({ rate: -1, reason: null });
  });

  it('a rate whose (1 + r) overflows is no answer', () => {
    // Doubling in one day: 2^365 ≈ 7.5e109 is representable; a factor 1e10 in one day is not.
    expect(
      xirr([
        { date: '2025-05-01', amount: -1 },
        { date: '2025-05-02', amount: 2 },
      ]).rate,
    ).toBeCloseTo(2 ** 365 - 1, -100);
    expect(
      xirr([
        { date: '2025-05-01', amount: -1 },
        { date: '2025-05-02', amount: 1e10 },
      ]),
    ).toEqual({
      rate: null,
      reason: 'no_root',
    });
  });

  it('fails with a reason: too few flows, one date, one sign; zero flows do not count', () => {
    expect(xirr([])).toEqual({ rate: null, reason: 'too_few_flows' });
    expect(
      xirr([
        { date: '2025-01-01', amount: -1 },
        { date: '2025-02-01', amount: 0 },
      ]),
    ).toEqual({
      rate: null,
      reason: 'too_few_flows',
    });
    expect(
      xirr([
        { date: '2025-01-01', amount: -1 },
        { date: '2025-01-01', amount: 2 },
      ]),
    ).toEqual({
      rate: null,
      reason: 'one_date',
    });
    expect(
      xirr([
        { date: '2025-01-01', amount: 1 },
        { date: '2025-02-01', amount: 2 },
      ]),
    ).toEqual({
      rate: null,
      reason: 'no_sign_change',
    });
    expect(() => xirr([{ date: '2025-01-01', amount: Number.NaN }])).toThrow(RangeError);
  });
});

describe('brent', () => {
  it('finds √2 and the root of a cubic, and refuses an interval without a sign change', () => {
    expect(brent((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 15);
    expect(brent((x) => x ** 3 - 2 * x - 5, 2, 3)).toBeCloseTo(2.0945514815423265, 14);
    expect(brent((x) => x - 1, 1, 3)).toBe(1);
    expect(brent((x) => x - 3, 1, 3)).toBe(3);
    expect(() => brent((x) => x * x + 1, -1, 1)).toThrow(RangeError);
  });

  it('a step function is bracketed by bisection', () => {
    const root = brent((x) => (x < 0.3 ? -1 : 1), 0, 1);
    expect(root).toBeCloseTo(0.3, 14);
  });
});

describe('investorFlows and daysBetween', () => {
  it('the first value is paid in, later flows turn sign, the last value is received', () => {
    expect(investorFlows([day('2025-01-01', 100, 100), day('2025-01-02', 150, 50), day('2025-01-03', 160)])).toEqual([
      { date: '2025-01-01', amount: -100 },
      { date: '2025-01-02', amount: -50 },
      { date: '2025-01-03', amount: 160 },
    ]);
    expect(investorFlows([])).toEqual([]);
  });

  it('from inception (opening value 0) the first day pays its flow, fees included, not its value', () => {
    const series = [day('2025-01-01', 200, 202), day('2025-01-02', 330, 111), day('2025-01-03', 125, -245)];
    expect(investorFlows(series, 0)).toEqual([
      { date: '2025-01-01', amount: -202 },
      { date: '2025-01-02', amount: -111 },
      { date: '2025-01-03', amount: 245 },
      { date: '2025-01-03', amount: 125 },
    ]);
    expect(investorFlows(series, 50)[0]).toEqual({ date: '2025-01-01', amount: -252 });
  });

  it('counts calendar days across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
  });
});

describe('performance and compareWithIndex', () => {
  const series = [
    day('2026-01-05', 100, 100),
    day('2026-01-06', 110),
    day('2026-01-07', 99),
    day('2026-01-08', 121),
    day('2026-01-09', 110),
  ];

  it('a portfolio that moves twice as much as the market has beta 2 and its drawdown dated', () => {
    // Portfolio returns: +10 %, −10 %, +22.2 %, −9.09 %; index returns are half of them.
    const twr = timeWeightedReturn(series);
    let level = 200;
    const index = [{ date: '2026-01-05', value: level }];
    for (const d of twr.days.slice(1)) {
      level *= 1 + d.dailyReturn! / 2;
      index.push({ date: d.date, value: level });
    }
    const p = portfolioPerformance(series, index);
    expect(p.twr.twr).toBeCloseTo(0.1, 14);
    expect(p.maxDrawdown).toEqual({ value: 99 / 110 - 1, peakDate: '2026-01-06', troughDate: '2026-01-07' });
    expect(p.market.beta).toBeCloseTo(2, 12);
    expect(p.market.betaObservations).toBe(4);
    expect(p.market.indexReturn).toBeCloseTo(level / 200 - 1, 14);
    expect(p.market.excessReturn).toBeCloseTo(0.1 - (level / 200 - 1), 14);
    expect(p.irr.reason).toBeNull();
  });

  it('index levels before the series start and gaps: the return uses the latest level on or before, beta exact dates only', () => {
    const index = [
      { date: '2026-01-02', value: 100 },
      { date: '2026-01-06', value: 101 },
      { date: '2026-01-07', value: 100 },
      { date: '2026-01-08', value: 0 }, // not a level
    ];
    const m = compareWithIndex(timeWeightedReturn(series), index);
    expect(m.indexReturn).toBeCloseTo(0, 15);
    expect(m.betaObservations).toBe(1);
    expect(m.beta).toBeNull();
  });

  it('no index at all, or none on or before the start: no comparison, and no drawdown without a series', () => {
    expect(compareWithIndex(timeWeightedReturn(series), [])).toEqual({
      indexReturn: null,
      excessReturn: null,
      beta: null,
      betaObservations: 0,
    });
    expect(compareWithIndex(timeWeightedReturn(series), [{ date: '2026-01-09', value: 5 }]).indexReturn).toBeNull();
    const empty = portfolioPerformance([], []);
    expect(empty.maxDrawdown).toEqual({ value: 0, peakDate: null, troughDate: null });
    expect(empty.irr).toEqual({ rate: null, reason: 'too_few_flows' });
    expect(empty.market.indexReturn).toBeNull();
  });
});
