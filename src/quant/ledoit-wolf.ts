/**
 * Ledoit–Wolf shrinkage covariance (docs/METHODS.md, "Shrinkage covariance"; Ledoit & Wolf 2004,
 * "A well-conditioned estimator for large-dimensional covariance matrices"). Pure functions: no I/O,
 * no clock, no imports from the rest of the program.
 */

/** A shrunk covariance estimate. */
export interface ShrunkCovariance {
  /** N × N: (1 − δ)·S + δ·μ·I. */
  covariance: number[][];
  /** δ ∈ [0, 1], the weight on the scaled identity. */
  shrinkage: number;
  /** Column means used for centring. */
  mean: number[];
}

/**
 * Ledoit–Wolf covariance of T observations (rows, e.g. dates) of N variables (columns, e.g.
 * factors), matching `sklearn.covariance.LedoitWolf().fit(X)` (assume_centered=False): columns are
 * centred on their means, S = XᵀX / T (divisor T, not T − 1), the target is μ·I with μ = tr(S) / N,
 * and the shrinkage is sklearn's `ledoit_wolf_shrinkage`:
 * δ = min(β, d) / d with d = ‖S − μI‖²_F / N and β = (Σₜ‖xₜ‖⁴ / T − ‖S‖²_F) / (N·T)
 * (δ = 0 when β = 0; with one column δ = 0). Rows holding any non-finite value are dropped.
 * Returns null with fewer than two complete rows or no columns.
 *
 * @example
 * ledoitWolf([[1, 2], [2, 1], [3, 5], [4, 3]])?.shrinkage; // 0.664…
 */
export function ledoitWolf(X: readonly (readonly number[])[]): ShrunkCovariance | null {
  const nVars = X[0]?.length ?? 0;
  X.forEach((row, t) => {
    if (row.length !== nVars) throw new RangeError(`ledoitWolf: row ${t} has ${row.length} columns, expected ${nVars}`);
  });
  const rows = X.filter((row) => row.every((v) => Number.isFinite(v)));
  const T = rows.length;
  if (T < 2 || nVars === 0) return null;
  const mean = Array.from({ length: nVars }, (_, j) => rows.reduce((s, row) => s + row[j]!, 0) / T);
  const centred = rows.map((row) => row.map((v, j) => v - mean[j]!));
  const sample = Array.from({ length: nVars }, () => new Array<number>(nVars).fill(0));
  for (const row of centred) {
    for (let i = 0; i < nVars; i++) {
      for (let j = i; j < nVars; j++) sample[i]![j]! += row[i]! * row[j]!;
    }
  }
  for (let i = 0; i < nVars; i++) {
    for (let j = i; j < nVars; j++) sample[j]![i] = sample[i]![j] = sample[i]![j]! / T;
  }
  const shrinkage = nVars === 1 ? 0 : shrinkageIntensity(centred, sample);
  const mu = sample.reduce((s, row, i) => s + row[i]!, 0) / nVars;
  const covariance = sample.map((row, i) => row.map((v, j) => (1 - shrinkage) * v + (i === j ? shrinkage * mu : 0)));
  return { covariance, shrinkage, mean };
}

/** sklearn's `ledoit_wolf_shrinkage` on already-centred rows, given S = XᵀX / T. */
function shrinkageIntensity(centred: readonly (readonly number[])[], sample: readonly (readonly number[])[]): number {
  const T = centred.length;
  const N = sample.length;
  const trace = sample.reduce((s, row, i) => s + row[i]!, 0);
  const mu = trace / N;
  // Σᵢⱼ (X²ᵀX²)ᵢⱼ = Σₜ (Σᵢ xₜᵢ²)²; Σᵢⱼ ((XᵀX)ᵢⱼ)² / T² = ‖S‖²_F.
  const fourth = centred.reduce((s, row) => s + row.reduce((r, v) => r + v * v, 0) ** 2, 0);
  const frobenius2 = sample.reduce((s, row) => s + row.reduce((r, v) => r + v * v, 0), 0);
  const beta = (fourth / T - frobenius2) / (N * T);
  const delta = (frobenius2 - 2 * mu * trace + N * mu * mu) / N;
  const bounded = Math.min(beta, delta);
  return bounded === 0 ? 0 : bounded / delta;
}

/**
 * Correlation matrix of a covariance matrix: Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ). Rows and columns of a variable with
 * zero variance are NaN (its correlation is undefined), including its diagonal entry.
 *
 * @example
 * correlation([[4, 2], [2, 9]]); // [[1, 0.333…], [0.333…, 1]]
 */
export function correlation(cov: readonly (readonly number[])[]): number[][] {
  const sd = volatilities(cov);
  return cov.map((row, i) =>
    row.map((v, j) => {
      if (!(sd[i]! > 0 && sd[j]! > 0)) return Number.NaN;
      return i === j ? 1 : v / (sd[i]! * sd[j]!);
    }),
  );
}

/**
 * Standard deviations on the diagonal of a covariance matrix, √Cᵢᵢ, in the units of the data.
 *
 * @example
 * volatilities([[4, 2], [2, 9]]); // [2, 3]
 */
export function volatilities(cov: readonly (readonly number[])[]): number[] {
  return cov.map((row, i) => Math.sqrt(row[i]!));
}
