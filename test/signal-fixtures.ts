/**
 * A synthetic market with a planted factor of known information coefficient and half-life, for
 * end-to-end tests of the signal pipeline (docs/METHODS.md, "Signals" and "Factor statistics").
 *
 * Per printing i and day t: a latent X_i(t) ~ N(0, 1), independent over i and t, known at the end
 * of day t; the log return of day t is
 *   r_i(t) = b · m_i(t) + ε_i(t),  m_i(t) = Σ_{j≥1} δ^(j−1) · X_i(t − j),  ε ~ N(0, σ²).
 * m follows m(t + 1) = X(t) + δ·m(t), started from its stationary law N(0, 1 / (1 − δ²)), so the
 * infinite sum is exact from day 0 — no truncation, no burn-in.
 *
 * Then corr(X(t), r(t + k)) = b·δ^(k−1) / √(b² / (1 − δ²) + σ²) (Pearson), and for jointly normal
 * variables Spearman's ρ_s = (6/π)·asin(ρ/2) (Pearson 1907; Kendall & Stuart).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface PlantedFactor {
  printings: number;
  days: number;
  /** Loading of the return on the decayed factor sum, log units per unit of X. */
  b: number;
  /** Daily idiosyncratic volatility, log units. */
  sigma: number;
  /** Daily decay of the factor's effect; the IC half-life is ln 2 / −ln δ days. */
  delta: number;
  /** Price of every printing on day 0, in cents. */
  startCents: number;
  seed: number;
}

export interface PlantedMarket {
  /** x[i][t]: the factor of printing i on day t. */
  x: Float64Array[];
  /** cents[i][t]: the market price of printing i on day t, rounded to the cent. */
  cents: Int32Array[];
}

/** A seeded standard normal stream (Box–Muller; 1 − u keeps the log argument in (0, 1]). */
export function normalStream(seed: number): () => number {
  const gen = xoroshiro128plus(seed | 0);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniformFloat64(gen)));
    const angle = 2 * Math.PI * uniformFloat64(gen);
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Generates the market; the same parameters give the same market, bit for bit. */
export function plantedMarket(p: PlantedFactor): PlantedMarket {
  const normal = normalStream(p.seed);
  const x: Float64Array[] = [];
  const cents: Int32Array[] = [];
  const stationarySd = 1 / Math.sqrt(1 - p.delta * p.delta);
  for (let i = 0; i < p.printings; i++) {
    const xi = new Float64Array(p.days);
    const ci = new Int32Array(p.days);
    for (let t = 0; t < p.days; t++) xi[t] = normal();
    let m = stationarySd * normal();
    let logPrice = Math.log(p.startCents);
    ci[0] = p.startCents;
    for (let t = 1; t < p.days; t++) {
      m = xi[t - 1]! + p.delta * m;
      logPrice += p.b * m + p.sigma * normal();
      ci[t] = Math.round(Math.exp(logPrice));
    }
    x.push(xi);
    cents.push(ci);
  }
  return { x, cents };
}

/** Pearson correlation of X(t) with the one-day return k ≥ 1 days later. */
export function plantedPearson(p: Pick<PlantedFactor, 'b' | 'sigma' | 'delta'>, k: number): number {
  const returnSd = Math.sqrt((p.b * p.b) / (1 - p.delta * p.delta) + p.sigma * p.sigma);
  return (p.b * p.delta ** (k - 1)) / returnSd;
}

/** Spearman's rank correlation of a bivariate normal pair with Pearson correlation ρ. */
export function spearmanOfNormal(rho: number): number {
  return (6 / Math.PI) * Math.asin(rho / 2);
}

/** The planted rank IC at decay lag k (the one-day return over (t + k − 1, t + k]). */
export function plantedIc(p: Pick<PlantedFactor, 'b' | 'sigma' | 'delta'>, k: number): number {
  return spearmanOfNormal(plantedPearson(p, k));
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** z_0.8, the 80th percentile of the standard normal. */
export const Z_80 = 0.8416212335729143;
