import { describe, expect, it } from 'vitest';
import { portfolioExposures, type Position } from './exposure.ts';
import { proposeExposureTrades, proposeWeightTrades } from './orders.ts';

const pos = (
  key: string,
  printingKey: number,
  quantity: number,
  unitValue: number,
  z: number[] | null = null,
): Position => ({
  key,
  printingKey,
  quantity,
  unitValue,
  cost: 0,
  z,
});

describe('proposeWeightTrades', () => {
  // V = 4 × 100 + 2 × 300 = 1000.
  const book = [pos('a', 1, 4, 100), pos('b', 3, 2, 300)];

  it('trades the largest deviations first, buys within the budget, sells at most what is held', () => {
    const p = proposeWeightTrades(
      book,
      [
        { printingKey: 1, weight: 0.42 }, // 420 − 400 = 20: under one unit, no trade
        { printingKey: 2, weight: 0.3 }, // +300 at 70: 4 units wanted, the budget of 250 pays 3
        { printingKey: 3, weight: 0.3 }, // 300 − 600 = −300: sell 1 at 300
        { printingKey: 4, weight: 0.1 }, // no price: skipped
      ],
      new Map([
        [1, 100],
        [2, 70],
        [3, 300],
      ]),
      250,
    );
    expect(p.trades).toEqual([
      { printingKey: 2, side: 'buy', quantity: 3, unitPrice: 70 },
      { printingKey: 3, side: 'sell', quantity: 1, unitPrice: 300, positionKey: 'b' },
    ]);
    expect(p.spent).toBe(210);
    expect(p.proceeds).toBe(300);
    expect(p.skipped).toEqual([4]);
  });

  it('sells everything for a zero weight, from the most valuable position first', () => {
    const p = proposeWeightTrades(
      [pos('x', 7, 1, 100), pos('y', 7, 2, 200)],
      [{ printingKey: 7, weight: 0 }],
      new Map(),
      0,
    );
    expect(p.trades).toEqual([
      { printingKey: 7, side: 'sell', quantity: 2, unitPrice: 200, positionKey: 'y' },
      { printingKey: 7, side: 'sell', quantity: 1, unitPrice: 100, positionKey: 'x' },
    ]);
  });
});

describe('proposeExposureTrades', () => {
  const candidates = [
    { printingKey: 5, unitPrice: 50, z: [1] },
    { printingKey: 6, unitPrice: 50, z: [0.5] },
    { printingKey: 8, unitPrice: 0, z: [3] },
  ];

  it('takes the step that lowers the distance most (one step: buy 1 of the z = 1 printing)', () => {
    // V 1000, e −1, target 0. Buying 1 of printing 5: e = −950/1050 (distance 0.819); of 6: −975/1050 (0.862).
    const p = proposeExposureTrades([pos('a', 1, 10, 100, [-1])], candidates, [{ factor: 0, target: 0 }], 1_000, 1, {
      maxSteps: 1,
    });
    expect(p.trades).toEqual([{ printingKey: 5, side: 'buy', quantity: 1, unitPrice: 50 }]);
    expect(p.spent).toBe(50);
  });

  it('moves toward the target within the budget and stops when no step helps', () => {
    const book = [pos('a', 1, 10, 100, [-1])];
    const p = proposeExposureTrades(book, candidates, [{ factor: 0, target: 0 }], 600, 1);
    expect(p.spent).toBeLessThanOrEqual(600);
    const after = [
      ...book.map((b) => {
        const sold = p.trades.find((t) => t.positionKey === b.key)?.quantity ?? 0;
        return { ...b, quantity: b.quantity - sold };
      }),
      ...p.trades
        .filter((t) => t.side === 'buy')
        .map((t) =>
          pos(
            `n${t.printingKey}`,
            t.printingKey,
            t.quantity,
            t.unitPrice,
            candidates.find((c) => c.printingKey === t.printingKey)!.z,
          ),
        ),
    ];
    const e = portfolioExposures(after, 1).exposures[0]!;
    expect(Math.abs(e)).toBeLessThan(1);
    expect(e).toBeGreaterThan(-1);
    // A portfolio at its target proposes nothing.
    expect(proposeExposureTrades(book, candidates, [{ factor: 0, target: -1 }], 600, 1).trades).toEqual([]);
  });

  it('sells when selling is the best step and the budget buys nothing', () => {
    // V 1100, e = (−1000 + 100) / 1100. Step 55 → 1 unit; selling 1 of a gives −800/1000 = −0.8.
    const p = proposeExposureTrades(
      [pos('a', 1, 10, 100, [-1]), pos('b', 2, 1, 100, [1])],
      candidates,
      [{ factor: 0, target: 0.5 }],
      0,
      1,
      { maxSteps: 1 },
    );
    expect(p.trades).toEqual([{ printingKey: 1, side: 'sell', quantity: 1, unitPrice: 100, positionKey: 'a' }]);
    expect(p.proceeds).toBe(100);
  });

  it('builds an empty portfolio from the budget', () => {
    const p = proposeExposureTrades([], candidates, [{ factor: 0, target: 0.5 }], 1_000, 1, { maxSteps: 1 });
    // Step = 5 % of the budget = 50 → 1 unit; printing 6 alone has e = 0.5 exactly.
    expect(p.trades).toEqual([{ printingKey: 6, side: 'buy', quantity: 1, unitPrice: 50 }]);
  });
});
