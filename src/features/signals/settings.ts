/**
 * The signal configuration of a process: which engine (SIGNALS_ENGINE, from the registry), which
 * weights version (SIGNALS_WEIGHTS, default the engine's built-in weights), the minimum history
 * and the window.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { EngineRegistry, type SignalEngine } from './engine.ts';
import type { SignalSettings } from './derive-signals.ts';
import { robustTrendEngine } from './robust-trend.ts';
import type { SignalKey } from './signals.repo.ts';
import { resolveWeights } from './weights.ts';

export interface SignalConfig {
  engine: string;
  weights?: string;
  minHistory: number;
  windowDays: number;
  /** Worker threads of a backfill (1: none). */
  workers?: number;
  /** Least Newey–West IC t of a component for suggested weights (default DEFAULT_FACTORS_MIN_T). */
  factorsMinT?: number;
}

/** FACTORS_MIN_T's default: |t| ≥ 2, about the two-sided 5 % level. */
export const DEFAULT_FACTORS_MIN_T = 2;

export const DEFAULT_ENGINE = robustTrendEngine.name;

/** The engines this build knows; `robust-trend` is the default. */
export function defaultEngines(): EngineRegistry {
  return new EngineRegistry([robustTrendEngine]);
}

export function signalConfig(config: {
  SIGNALS_ENGINE: string;
  SIGNALS_WEIGHTS?: string;
  SIGNALS_MIN_HISTORY: number;
  SIGNALS_WINDOW_DAYS: number;
  SIGNALS_WORKERS: number;
  FACTORS_MIN_T?: number;
}): SignalConfig {
  return {
    engine: config.SIGNALS_ENGINE,
    weights: config.SIGNALS_WEIGHTS,
    minHistory: config.SIGNALS_MIN_HISTORY,
    windowDays: config.SIGNALS_WINDOW_DAYS,
    workers: config.SIGNALS_WORKERS,
    factorsMinT: config.FACTORS_MIN_T ?? DEFAULT_FACTORS_MIN_T,
  };
}

export function signalKey(engine: Pick<SignalEngine, 'name' | 'version'>, weightsVersion: string): SignalKey {
  return { engine: engine.name, engineVersion: engine.version, weightsVersion };
}

/** Resolves engine and weights (storing the built-in weights on first use). */
export async function resolveSignalSettings(
  db: Kysely<Tables>,
  clock: Clock,
  registry: EngineRegistry,
  config: SignalConfig,
): Promise<SignalSettings & { key: SignalKey }> {
  const engine = registry.get(config.engine);
  const weights = await resolveWeights(db, engine, clock, config.weights);
  return {
    engine,
    weightsVersion: weights.version,
    weights: weights.weights,
    minHistory: config.minHistory,
    windowDays: config.windowDays,
    key: signalKey(engine, weights.version),
  };
}
