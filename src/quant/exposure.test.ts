import { describe, expect, it } from 'vitest';
import {
  applyScenario,
  attributeReturn,
  periodFactorReturn,
  portfolioExposures,
  shockFactor,
  summarise,
  type ScenarioPosition,
} from './exposure.ts';

const pos = (
  key: string,
  quantity: number,
  unitValue: number,
  cost: number,
  z: (number | null)[] | null,
  setId = 's1',
  rarity: string | null = null,
): ScenarioPosition => ({ key, printingKey: key.charCodeAt(0), quantity, unitValue, cost, z, setId, rarity });

describe('portfolioExposures', () => {
  it('weights standardised values by value share; holdings without a signal count in the value and are named', () => {
    // V = 2 × 150 + 100 + 100 = 500; e0 = (300·1 + 100·0) / 500 = 0.6; e1 = (300·−0.5 + 100·2) / 500 = 0.1.
    const e = portfolioExposures(
      [pos('a', 2, 150, 0, [1, -0.5]), pos('b', 1, 100, 0, [null, 2]), pos('c', 1, 100, 0, null)],
      2,
    );
    expect(e.exposures[0]).toBeCloseTo(0.6, 12);
    expect(e.exposures[1]).toBeCloseTo(0.1, 12);
    expect(e.value).toBe(500);
    expect(e.coveredValue).toBe(400);
    expect(e.coverage).toBe(0.8);
    expect(e.uncovered).toEqual(['c']);
  });

  it('says nothing about an empty portfolio', () => {
    expect(portfolioExposures([], 2)).toEqual({
      exposures: [null, null],
      value: 0,
      coveredValue: 0,
      coverage: null,
      uncovered: [],
    });
  });
});

describe('scenarios', () => {
  const book = [
    pos('a', 2, 150, 240, [1, -0.5], 's1', 'Rare Holo'),
    pos('b', 1, 100, 80, [0, 2], 's2', 'Common'),
    pos('c', 1, 100, 120, null, 's1', 'Common'),
  ];

  it('composes shocks that match a position (set −10 % and rarity +20 % → ×1.08)', () => {
    const shocks = [
      { scope: 'set' as const, match: 's1', pct: -10 },
      { scope: 'rarity' as const, match: 'Common', pct: 20 },
    ];
    expect(shockFactor(book[2]!, shocks)).toBeCloseTo(1.08, 12);
    expect(shockFactor(book[0]!, shocks)).toBeCloseTo(0.9, 12);
    expect(shockFactor({ setId: 's9', rarity: null }, [...shocks, { scope: 'market', pct: 5 }])).toBeCloseTo(1.05, 12);
    expect(shockFactor({ setId: 's9', rarity: null }, [{ scope: 'rarity', pct: 5 }])).toBe(1);
  });

  it('removes units with their share of the basis, adds hypothetical lots and shocks prices', () => {
    const result = applyScenario(
      book,
      [{ key: 'a', quantity: 1 }],
      [pos('d', 1, 50, 50, [1, 1], 's2', null)],
      [
        { scope: 'set', match: 's1', pct: -10 },
        { scope: 'rarity', match: 'Common', pct: 20 },
      ],
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // a: 1 left, cost 240 − 120 = 120, 150 × 0.9 = 135; b: 100 × 1.2 = 120; c: 100 × 1.08 = 108; d: 50.
    expect(result.positions.map((p) => [p.key, p.quantity, p.unitValue, p.cost])).toEqual([
      ['a', 1, 135, 120],
      ['b', 1, 120, 80],
      ['c', 1, 108, 120],
      ['d', 1, 50, 50],
    ]);
    const s = summarise(result.positions, 2);
    expect(s.value).toBe(413);
    expect(s.cost).toBe(370);
    expect(s.unrealized).toBe(43);
    expect(s.exposures.exposures[0]).toBeCloseTo(185 / 413, 12);
    expect(s.exposures.exposures[1]).toBeCloseTo(222.5 / 413, 12);
    // The input is not changed.
    expect(book[0]!.quantity).toBe(2);
  });

  it('leaves an unshocked unit value as it is (a value converted at a rate need not be whole per unit)', () => {
    const result = applyScenario([pos('f', 3, 1001 / 3, 900, null)], [], [], [{ scope: 'set', match: 's2', pct: 50 }]);
    expect(result.ok && summarise(result.positions, 0).value).toBeCloseTo(1001, 9);
  });

  it('drops a position removed whole and refuses removing more than held', () => {
    const whole = applyScenario(book, [{ key: 'b', quantity: 1 }], [], []);
    expect(whole.ok && whole.positions.map((p) => p.key)).toEqual(['a', 'c']);
    expect(applyScenario(book, [{ key: 'a', quantity: 3 }], [], [])).toEqual({
      ok: false,
      key: 'a',
      requested: 3,
      held: 2,
    });
    expect(applyScenario(book, [{ key: 'zz', quantity: 1 }], [], [])).toMatchObject({ ok: false, held: 0 });
  });
});

describe('attribution', () => {
  it('splits the log return into exposure × factor return plus a residual that closes the sum', () => {
    const a = attributeReturn(10_000, 11_000, [0.5, -1, null], [0.1, 0.02, 0.3]);
    expect(a.logReturn).toBeCloseTo(0.0953101798, 10);
    expect(a.simpleReturn).toBeCloseTo(0.1, 12);
    expect(a.contributions[0]).toBeCloseTo(0.05, 12);
    expect(a.contributions[1]).toBeCloseTo(-0.02, 12);
    expect(a.contributions[2]).toBeNull();
    expect(a.explained).toBeCloseTo(0.03, 12);
    expect(a.residual).toBeCloseTo(0.0653101798, 10);
    expect(a.explained + a.residual).toBeCloseTo(a.logReturn, 14);
    expect(attributeReturn(100, 100, [1], [null]).contributions).toEqual([null]);
    expect(() => attributeReturn(0, 100, [], [])).toThrow(RangeError);
  });

  it('sums daily factor returns over the period and counts the missing dates', () => {
    const r = periodFactorReturn([0.01, null, -0.004]);
    expect(r.value).toBeCloseTo(0.006, 12);
    expect(r).toMatchObject({ dates: 2, missing: 1 });
    expect(periodFactorReturn([null])).toEqual({ value: null, dates: 0, missing: 1 });
  });
});
