/**
 * Signal engines: what turns one printing's price window into raw components. Engines are
 * pluggable (a registry with a default, chosen by `SIGNALS_ENGINE`); signal derivation (derive-signals.ts) owns
 * everything engines share — reading point-in-time windows, cross-sectional standardisation,
 * weights, the composite z, the score map, actions and storage (docs/METHODS.md, "Signals").
 */

/**
 * One printing's point-in-time window for date t (day number `asOfDay`). The engine sees the
 * observations of the last `detailDays` of the window in detail, and the whole window
 * [t − windowDays + 1, t] through its observation count and highest price — so the daily step
 * can read only the recent days while a backfill reads everything, with identical inputs.
 */
export interface PriceWindow {
  /** Internal key of the printing (`printings.key`). */
  printingKey: number;
  /** Calendar day numbers (days since 1970-01-01) of the observations, ascending. */
  days: Int32Array;
  /** Market price in cents per observation (always positive). */
  market: Float64Array;
  /** Listed low and mid in cents per observation; NaN where the source gave none. */
  low: Float64Array;
  mid: Float64Array;
  /**
   * Index range [start, end) of the detailed observations: days in
   * [max(t − windowDays, t − detailDays) + 1, t]. Never empty: the last observation is at most a
   * few days before t.
   */
  start: number;
  end: number;
  asOfDay: number;
  windowDays: number;
  /** Observations in the whole window, and the highest market price among them (cents). */
  windowObservations: number;
  windowMaxCents: number;
  /** The card's search interest inside the detailed range, indexes [start, end), when stored. */
  search: { days: ArrayLike<number>; values: ArrayLike<number>; start: number; end: number } | null;
}

/** What an engine returns for one printing and date. */
export interface EngineOutput {
  /** Raw component values in the engine's `components` order; null = not computable here. */
  raw: (number | null)[];
  /** Confidence in [0, 1] (liquidity and data density). */
  confidence: number;
  /** Model state shown by the API (level, slope, forecast …), in the engine's `modelFields` order; null = not available. */
  model: (number | null)[];
  usedSearchInterest: boolean;
}

export interface SignalEngine {
  name: string;
  /** Bumped whenever the engine's output for the same input changes. */
  version: string;
  /** Component names, in the order of `EngineOutput.raw`. */
  components: readonly string[];
  /** The engine's built-in weights per component (documented in docs/METHODS.md). */
  defaultWeights: Readonly<Record<string, number>>;
  /** Days before the signal date (inclusive of it) the engine reads in detail; at most the window. */
  detailDays: number;
  /** Names of the model state values, in the order of `EngineOutput.model`. */
  modelFields: readonly string[];
  /** Human-readable description of each component, for /explain. */
  describe: Readonly<Record<string, string>>;
  compute(window: PriceWindow): EngineOutput;
}

/** Name of the built-in weights of an engine version. */
export function builtinWeightsVersion(engine: Pick<SignalEngine, 'name' | 'version'>): string {
  return `${engine.name}@${engine.version}:builtin`;
}

export class UnknownEngine extends Error {
  constructor(
    readonly engine: string,
    readonly known: string[],
  ) {
    super(`Unknown signal engine "${engine}"; known engines: ${known.join(', ')}.`);
  }
}

/** Engines by name; `get` throws with the known names for an unknown one. */
export class EngineRegistry {
  private readonly engines = new Map<string, SignalEngine>();

  constructor(engines: SignalEngine[] = []) {
    for (const e of engines) this.register(e);
  }

  register(engine: SignalEngine): this {
    if (this.engines.has(engine.name)) throw new Error(`signal engine "${engine.name}" is registered twice`);
    this.engines.set(engine.name, engine);
    return this;
  }

  get(name: string): SignalEngine {
    const engine = this.engines.get(name);
    if (!engine) throw new UnknownEngine(name, this.names());
    return engine;
  }

  names(): string[] {
    return [...this.engines.keys()];
  }
}
