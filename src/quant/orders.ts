/**
 * Order proposals (docs/METHODS.md, "Targets and order proposals"): whole-unit trades that move a
 * portfolio toward target weights or target factor exposures, with buys paid from a budget. Pure:
 * positions, candidates and prices (integer minor units of one currency) come in, trades come out.
 *
 * - Weights: one pass over the targeted printings, largest |target value − current value| first;
 *   a printing under its target is bought (nearest whole number of units, as many as the budget
 *   left allows), one over it is sold (nearest whole number, at most what is held). Target values
 *   are taken against the current value; printings without a target are left alone; sale
 *   proceeds do not refill the budget.
 * - Exposures: greedy steps; each step buys about `stepFraction` of the portfolio value (of the
 *   budget when the portfolio is empty) of one candidate or sells as much of one position,
 *   whichever lowers Σ_k (e_k − t_k)² over the targeted factors most; it stops when no step lowers
 *   it, the budget allows no step, or after `maxSteps`. A printing bought is not sold, nor the
 *   reverse.
 */
import { positionValue, type Position } from './exposure.ts';

export interface Trade {
  printingKey: number;
  side: 'buy' | 'sell';
  quantity: number;
  /** Unit price, minor units. */
  unitPrice: number;
  /** For a sale: the position sold from. */
  positionKey?: string;
}

export interface BuyCandidate {
  printingKey: number;
  /** Price of one unit bought now (minor units). */
  unitPrice: number;
  z: readonly (number | null)[] | null;
}

export interface Proposal {
  trades: Trade[];
  /** Σ buy quantity × unit price. */
  spent: number;
  /** Σ sell quantity × unit price. */
  proceeds: number;
}

export interface WeightTarget {
  printingKey: number;
  /** Fraction of the portfolio value, in [0, 1]. */
  weight: number;
}

function totals(trades: Trade[]): Proposal {
  let spent = 0;
  let proceeds = 0;
  for (const t of trades) {
    if (t.side === 'buy') spent += t.quantity * t.unitPrice;
    else proceeds += t.quantity * t.unitPrice;
  }
  return { trades, spent, proceeds };
}

/**
 * Trades toward target weights; `buyPrices` gives each buyable printing's unit price (a printing
 * without one cannot be bought and is skipped).
 *
 * @example
 * proposeWeightTrades([pos('a', 1, 4, 100)], [{ printingKey: 2, weight: 0.5 }], new Map([[2, 50]]), 1_000);
 * // value 400, target 200 of printing 2: buy 4 at 50
 */
export function proposeWeightTrades(
  positions: readonly Position[],
  targets: readonly WeightTarget[],
  buyPrices: ReadonlyMap<number, number>,
  budget: number,
): Proposal & { skipped: number[] } {
  const value = positions.reduce((a, p) => a + positionValue(p), 0);
  const held = (key: number) => positions.filter((p) => p.printingKey === key);
  const deviations = targets.map((t) => {
    const current = held(t.printingKey).reduce((a, p) => a + positionValue(p), 0);
    return { target: t, gap: t.weight * value - current };
  });
  deviations.sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap) || a.target.printingKey - b.target.printingKey);
  const trades: Trade[] = [];
  const skipped: number[] = [];
  let left = budget;
  for (const { target, gap } of deviations) {
    if (gap > 0) {
      const price = buyPrices.get(target.printingKey);
      if (price === undefined || !(price > 0)) {
        skipped.push(target.printingKey);
        continue;
      }
      const quantity = Math.min(Math.round(gap / price), Math.floor(left / price));
      if (quantity <= 0) continue;
      trades.push({ printingKey: target.printingKey, side: 'buy', quantity, unitPrice: price });
      left -= quantity * price;
    } else if (gap < 0) {
      let excess = -gap;
      // Sell from the most valuable positions of the printing first.
      const sources = held(target.printingKey)
        .filter((p) => p.unitValue > 0)
        .sort((a, b) => positionValue(b) - positionValue(a) || a.key.localeCompare(b.key));
      for (const p of sources) {
        const quantity = Math.min(Math.round(excess / p.unitValue), p.quantity);
        if (quantity <= 0) continue;
        trades.push({
          printingKey: p.printingKey,
          side: 'sell',
          quantity,
          unitPrice: p.unitValue,
          positionKey: p.key,
        });
        excess -= quantity * p.unitValue;
      }
    }
  }
  return { ...totals(trades), skipped };
}

export interface ExposureTarget {
  /** Index of the factor. */
  factor: number;
  target: number;
}

export interface GreedyOptions {
  /** Value of one step as a fraction of the portfolio value (default 0.05). */
  stepFraction?: number;
  /** Most steps (default 200). */
  maxSteps?: number;
}

export const DEFAULT_STEP_FRACTION = 0.05;
export const DEFAULT_MAX_STEPS = 200;

/**
 * Greedy trades toward target exposures.
 *
 * @example
 * proposeExposureTrades([], [{ printingKey: 1, unitPrice: 100, z: [2] }], [{ factor: 0, target: 1 }], 1_000, 1);
 * // buys printing 1 (exposure 2, the nearest to 1 a one-printing portfolio gets)
 */
export function proposeExposureTrades(
  positions: readonly Position[],
  candidates: readonly BuyCandidate[],
  targets: readonly ExposureTarget[],
  budget: number,
  factorCount: number,
  options: GreedyOptions = {},
): Proposal {
  const stepFraction = options.stepFraction ?? DEFAULT_STEP_FRACTION;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const sums = new Array<number>(factorCount).fill(0);
  let value = 0;
  for (const p of positions) {
    const v = positionValue(p);
    value += v;
    if (p.z) for (let k = 0; k < factorCount; k++) sums[k]! += v * (p.z[k] ?? 0);
  }
  /** D after adding `delta` of value with standardised values `zs` (0 and null: the current D). */
  const distance = (delta: number, zs: readonly (number | null)[] | null) => {
    const v = value + delta;
    if (!(v > 0)) return Number.POSITIVE_INFINITY;
    let d = 0;
    for (const t of targets) d += ((sums[t.factor]! + delta * (zs?.[t.factor] ?? 0)) / v - t.target) ** 2;
    return d;
  };
  const remaining = positions.map((p) => p.quantity);
  const bought = new Map<number, number>();
  const sold = new Map<number, number>();
  const soldPrintings = new Set<number>();
  let left = budget;
  let current = distance(0, null);

  for (let step = 0; step < maxSteps; step++) {
    const stepValue = stepFraction * (value > 0 ? value : budget);
    // The best step: a buy of candidate `index` or a sale from position `index`.
    let bestD = current - 1e-12;
    let best: { side: 'buy' | 'sell'; index: number; quantity: number; delta: number } | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (!(c.unitPrice > 0) || soldPrintings.has(c.printingKey)) continue;
      const quantity = Math.min(Math.max(1, Math.round(stepValue / c.unitPrice)), Math.floor(left / c.unitPrice));
      if (quantity <= 0) continue;
      const delta = quantity * c.unitPrice;
      const d = distance(delta, c.z);
      if (d < bestD) {
        bestD = d;
        best = { side: 'buy', index: i, quantity, delta };
      }
    }
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      const have = remaining[i]!;
      if (have <= 0 || !(p.unitValue > 0) || bought.has(p.printingKey)) continue;
      const quantity = Math.min(Math.max(1, Math.round(stepValue / p.unitValue)), have);
      const delta = -quantity * p.unitValue;
      const d = distance(delta, p.z);
      if (d < bestD) {
        bestD = d;
        best = { side: 'sell', index: i, quantity, delta };
      }
    }
    if (best === null) break;
    let zs: readonly (number | null)[] | null;
    if (best.side === 'buy') {
      const c = candidates[best.index]!;
      bought.set(c.printingKey, (bought.get(c.printingKey) ?? 0) + best.quantity);
      left -= best.delta;
      zs = c.z;
    } else {
      const p = positions[best.index]!;
      remaining[best.index]! -= best.quantity;
      sold.set(best.index, (sold.get(best.index) ?? 0) + best.quantity);
      soldPrintings.add(p.printingKey);
      zs = p.z;
    }
    for (let k = 0; k < factorCount; k++) sums[k]! += best.delta * (zs?.[k] ?? 0);
    value += best.delta;
    current = distance(0, null);
  }

  const trades: Trade[] = [];
  for (const c of candidates) {
    const q = bought.get(c.printingKey);
    if (q) trades.push({ printingKey: c.printingKey, side: 'buy', quantity: q, unitPrice: c.unitPrice });
  }
  for (const [i, p] of positions.entries()) {
    const q = sold.get(i);
    if (q)
      trades.push({
        printingKey: p.printingKey,
        side: 'sell',
        quantity: q,
        unitPrice: p.unitValue,
        positionKey: p.key,
      });
  }
  return totals(trades);
}
