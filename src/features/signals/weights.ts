/**
 * Versioned factor weights (docs/METHODS.md, "Factor weights"). Every engine version has a
 * built-in weight set; operators add manual ones or save the weights suggested from the factors'
 * information ratios. A weights version is immutable: signals computed with it stay reproducible.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { builtinWeightsVersion, type SignalEngine } from './engine.ts';
import { findWeights, insertWeights, insertWeightsIfAbsent, weightsOfEngine } from './weights.repo.ts';

export interface WeightsVersion {
  version: string;
  engine: string;
  engine_version: string;
  /** Where the weights came from (docs/GLOSSARY.md, weights version). */
  origin: 'builtin' | 'manual' | 'suggested';
  weights: Record<string, number>;
  note: string | null;
  created_by: string | null;
  created_at: string;
}

export class UnknownWeights extends Error {
  constructor(
    readonly version: string,
    readonly engine: string,
  ) {
    super(`Unknown weights version "${version}" for engine ${engine}.`);
  }
}

function parse(row: Tables['factor_weights']): WeightsVersion {
  return { ...row, weights: JSON.parse(row.weights) as Record<string, number> };
}

/** Stores the engine's built-in weights once (idempotent). */
export async function ensureBuiltinWeights(db: Kysely<Tables>, engine: SignalEngine, clock: Clock): Promise<void> {
  await insertWeightsIfAbsent(db, {
    version: builtinWeightsVersion(engine),
    engine: engine.name,
    engine_version: engine.version,
    origin: 'builtin',
    weights: JSON.stringify(engine.defaultWeights),
    note: 'Built-in weights of the engine version (docs/METHODS.md).',
    created_by: null,
    created_at: isoInstant(clock.now()),
  });
}

/**
 * The weights version signals are computed with: `configured` (SIGNALS_WEIGHTS) when set, else
 * the engine's built-in weights. A configured version of another engine is refused.
 */
export async function resolveWeights(
  db: Kysely<Tables>,
  engine: SignalEngine,
  clock: Clock,
  configured: string | undefined,
): Promise<WeightsVersion> {
  await ensureBuiltinWeights(db, engine, clock);
  const version = configured && configured.length > 0 ? configured : builtinWeightsVersion(engine);
  const row = await findWeights(db, version);
  if (!row || row.engine !== engine.name || row.engine_version !== engine.version)
    throw new UnknownWeights(version, `${engine.name}@${engine.version}`);
  return parse(row);
}

export async function listWeights(db: Kysely<Tables>, engine: SignalEngine): Promise<WeightsVersion[]> {
  const rows = await weightsOfEngine(db, engine.name, engine.version);
  return rows.map(parse);
}

/** Checks a weight set against the engine's components: every weight named, finite, not all zero. */
export function validateWeights(engine: SignalEngine, weights: Record<string, number>): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(weights))
    if (!engine.components.includes(name))
      problems.push(`unknown component "${name}"; components: ${engine.components.join(', ')}`);
  for (const c of engine.components) {
    const w = weights[c];
    if (w === undefined) problems.push(`missing weight for "${c}"`);
    else if (!Number.isFinite(w) || Math.abs(w) > 10)
      problems.push(`weight of "${c}" must be a finite number in [-10, 10]`);
  }
  if (problems.length === 0 && engine.components.every((c) => weights[c] === 0))
    problems.push('at least one weight must be non-zero');
  return problems;
}

export async function createWeights(
  db: Kysely<Tables>,
  clock: Clock,
  newId: (prefix: 'fw') => string,
  engine: SignalEngine,
  input: {
    weights: Record<string, number>;
    origin: 'manual' | 'suggested';
    note: string | null;
    createdBy: string | null;
  },
): Promise<WeightsVersion> {
  const row = {
    version: newId('fw'),
    engine: engine.name,
    engine_version: engine.version,
    origin: input.origin,
    weights: JSON.stringify(Object.fromEntries(engine.components.map((c) => [c, input.weights[c]!]))),
    note: input.note,
    created_by: input.createdBy,
    created_at: isoInstant(clock.now()),
  };
  await insertWeights(db, row);
  return parse(row);
}

/**
 * Weights suggested from each component's information ratio (mean IC / sd of IC) at one horizon,
 * among the components whose IC t statistic (Newey–West, docs/METHODS.md "Factor weights") is at
 * least `minT`: w_c = max(IR_c, 0) / Σ max(IR, 0) over those, rounded to 4 decimals — components
 * that did not predict, or whose prediction could be noise, get no weight. A component without a
 * t statistic does not pass a positive threshold. Null when no component qualifies.
 *
 * @example
 * suggestWeights(['a', 'b', 'c'], { a: 0.3, b: 0.1, c: -0.2 }, { a: 3.1, b: 2.4, c: -2.5 }, 2); // { a: 0.75, b: 0.25, c: 0 }
 */
export function suggestWeights(
  components: readonly string[],
  ir: Readonly<Record<string, number | null>>,
  tStats: Readonly<Record<string, number | null>>,
  minT: number,
): Record<string, number> | null {
  const passes = (c: string) => {
    const t = tStats[c];
    return minT <= 0 || (t !== null && t !== undefined && t >= minT);
  };
  const positive = components.map((c) => (passes(c) ? Math.max(0, ir[c] ?? 0) : 0));
  const total = positive.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  return Object.fromEntries(components.map((c, i) => [c, Math.round((positive[i]! / total) * 10_000) / 10_000]));
}
