/**
 * A portfolio's factor exposures, what-if scenarios and return attribution (docs/METHODS.md,
 * "Portfolio exposures, scenarios and attribution"). Pure: positions valued in one currency
 * (integer minor units) and their standardised factor values come in, numbers come out.
 *
 * - Exposure to factor k: e_k = Σ_i w_i·z_ik over the positions with a signal, w_i = v_i / V the
 *   position's share of the valued total V (positions without a signal count in V and contribute
 *   0, the cross-sectional median; a signal whose component is unavailable contributes 0 to it,
 *   as in the composite). Coverage = value with a signal / V.
 * - A scenario removes units (their basis leaves pro rata), adds hypothetical positions and
 *   multiplies unit values by Π(1 + pct/100) over every shock that matches (the market, the set,
 *   the rarity); signals are not recomputed.
 * - Attribution: r = ln(V_end / V_start) of the start positions; r = Σ_k e_k(start)·f_k + residual,
 *   with f_k the factor's log return over the period.
 */
import { mulDivRound } from './ledger.ts';

export interface Position {
  /** Holding key (quant/ledger.ts `holdingKey`) or any id naming the position. */
  key: string;
  printingKey: number;
  quantity: number;
  /** Value of one unit, minor units of the portfolio's currency. */
  unitValue: number;
  /** Open cost basis of the whole position, same currency. */
  cost: number;
  /** Standardised factor values in factor order (null = unavailable); null = no signal. */
  z: readonly (number | null)[] | null;
}

export interface Exposures {
  /** e_k per factor, in factor order; null when nothing is valued. */
  exposures: (number | null)[];
  /** Σ quantity × unit value. */
  value: number;
  /** Value of the positions with a signal. */
  coveredValue: number;
  /** coveredValue / value; null when nothing is valued. */
  coverage: number | null;
  /** Keys of the positions without a signal, in input order. */
  uncovered: string[];
}

/** A position's value: quantity × unit value. */
export const positionValue = (p: Pick<Position, 'quantity' | 'unitValue'>): number => p.quantity * p.unitValue;

/**
 * Value-weighted exposures of `positions` to `factorCount` factors.
 *
 * @example
 * portfolioExposures(
 *   [
 *     { key: 'a', printingKey: 1, quantity: 1, unitValue: 300, cost: 0, z: [1, -1] },
 *     { key: 'b', printingKey: 2, quantity: 1, unitValue: 100, cost: 0, z: null },
 *   ],
 *   2,
 * ); // exposures [0.75, -0.75], coverage 0.75, uncovered ['b']
 */
export function portfolioExposures(positions: readonly Position[], factorCount: number): Exposures {
  const sums = new Array<number>(factorCount).fill(0);
  let value = 0;
  let coveredValue = 0;
  const uncovered: string[] = [];
  for (const p of positions) {
    const v = positionValue(p);
    value += v;
    if (p.z === null) {
      uncovered.push(p.key);
      continue;
    }
    coveredValue += v;
    for (let k = 0; k < factorCount; k++) sums[k]! += v * (p.z[k] ?? 0);
  }
  return {
    exposures: sums.map((s) => (value > 0 ? s / value : null)),
    value,
    coveredValue,
    coverage: value > 0 ? coveredValue / value : null,
    uncovered,
  };
}

export type ShockScope = 'market' | 'set' | 'rarity';

export interface Shock {
  scope: ShockScope;
  /** The set id or rarity the shock applies to (unused for the market). */
  match?: string;
  /** Percent change of the price, > −100. */
  pct: number;
}

export interface ScenarioPosition extends Position {
  setId: string;
  rarity: string | null;
}

export interface Removal {
  key: string;
  quantity: number;
}

/** The product of (1 + pct/100) over the shocks that apply to a position. */
export function shockFactor(position: Pick<ScenarioPosition, 'setId' | 'rarity'>, shocks: readonly Shock[]): number {
  let factor = 1;
  for (const s of shocks) {
    const applies =
      s.scope === 'market' ||
      (s.scope === 'set' && s.match === position.setId) ||
      (s.scope === 'rarity' && s.match !== undefined && s.match === position.rarity);
    if (applies) factor *= 1 + s.pct / 100;
  }
  return factor;
}

export type ScenarioResult =
  { ok: true; positions: ScenarioPosition[] } | { ok: false; key: string; requested: number; held: number };

/**
 * Applies removals (the basis of the units removed leaves pro rata, exactly), additions (new
 * positions, kept as given) and then the shocks (unit values rounded to the minor unit).
 *
 * @example
 * applyScenario([pos('a', 2, 100, 150, 's1')], [{ key: 'a', quantity: 1 }], [], [{ scope: 'set', match: 's1', pct: -10 }]);
 * // a: quantity 1, unit value 90, cost 75
 */
export function applyScenario(
  positions: readonly ScenarioPosition[],
  removals: readonly Removal[],
  additions: readonly ScenarioPosition[],
  shocks: readonly Shock[],
): ScenarioResult {
  const out = positions.map((p) => ({ ...p }));
  for (const r of removals) {
    const p = out.find((x) => x.key === r.key);
    const held = p?.quantity ?? 0;
    if (!p || r.quantity > held) return { ok: false, key: r.key, requested: r.quantity, held };
    p.cost -= mulDivRound(p.cost, r.quantity, p.quantity);
    p.quantity -= r.quantity;
  }
  const all = [...out.filter((p) => p.quantity > 0), ...additions.map((a) => ({ ...a }))];
  for (const p of all) {
    const factor = shockFactor(p, shocks);
    if (factor !== 1) p.unitValue = Math.round(p.unitValue * factor);
  }
  return { ok: true, positions: all };
}

export interface PositionsSummary {
  value: number;
  cost: number;
  /** value − cost. */
  unrealized: number;
  exposures: Exposures;
}

export function summarise(positions: readonly Position[], factorCount: number): PositionsSummary {
  const exposures = portfolioExposures(positions, factorCount);
  const cost = positions.reduce((a, p) => a + p.cost, 0);
  return { value: exposures.value, cost, unrealized: exposures.value - cost, exposures };
}

export interface Attribution {
  /** ln(endValue / startValue). */
  logReturn: number;
  /** endValue / startValue − 1. */
  simpleReturn: number;
  /** e_k·f_k per factor; null where the factor has no return or no exposure. */
  contributions: (number | null)[];
  /** Σ of the contributions. */
  explained: number;
  /** logReturn − explained. */
  residual: number;
}

/**
 * Splits a period's log return into factor contributions and a residual, so that
 * Σ contributions + residual = logReturn (exactly, up to float addition).
 *
 * @example
 * attributeReturn(10_000, 11_000, [0.5, -1], [0.1, 0.02]);
 * // logReturn ln 1.1 = 0.09531, contributions [0.05, -0.02], explained 0.03, residual 0.06531
 */
export function attributeReturn(
  startValue: number,
  endValue: number,
  exposures: readonly (number | null)[],
  factorReturns: readonly (number | null)[],
): Attribution {
  if (!(startValue > 0) || !(endValue > 0)) throw new RangeError('values must be positive');
  const logReturn = Math.log(endValue / startValue);
  const contributions = exposures.map((e, k) => {
    const f = factorReturns[k];
    return e === null || f === null || f === undefined ? null : e * f;
  });
  const explained = contributions.reduce<number>((a, c) => a + (c ?? 0), 0);
  return {
    logReturn,
    simpleReturn: endValue / startValue - 1,
    contributions,
    explained,
    residual: logReturn - explained,
  };
}

/**
 * A factor's log return over a period: the sum of its daily regression coefficients (one-day
 * horizon) over the signal dates of the period; dates without one are skipped and counted.
 *
 * @example
 * periodFactorReturn([0.01, null, -0.004]); // { value: 0.006, dates: 2, missing: 1 }
 */
export function periodFactorReturn(daily: readonly (number | null)[]): {
  value: number | null;
  dates: number;
  missing: number;
} {
  const finite = daily.filter((b): b is number => b !== null && Number.isFinite(b));
  return {
    value: finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0),
    dates: finite.length,
    missing: daily.length - finite.length,
  };
}
