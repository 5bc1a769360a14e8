/**
 * The derive step: latest prices and changes, card summaries and search terms, indexes — every
 * table the public market API reads — then a new data version so cached answers revalidate.
 *
 * Compute, then publish (docs/ARCHITECTURE.md, "Read models"): the heavy reads of the prices run
 * first and write nothing; then one transaction bumps the data version, replaces every read model
 * and builds the dashboard from them. Readers see the old read models under the old ETag or the
 * new ones under the new ETag, never a mix, and a derive killed at any point leaves the old state.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { publish } from '../../platform/db/transaction.ts';
import { finishLatestPrices, latestPricesReader, publishLatestPrices } from '../prices/derive-latest.ts';
import { scanSeries } from '../prices/series-scan.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import { computeCardSummary, rescoreCardSummary, SPARK_DAYS, writeCardSummary } from './card-summary.ts';
import { deriveDashboard } from './dashboard.ts';
import { finishIndexes, indexAccumulator, writeIndexes } from './indexes.ts';
import { DEFAULT_MOVER_RULES, type MoverRules } from './movers.repo.ts';
import { analyzeReadModels } from './read-models.repo.ts';

export interface DeriveCounts {
  series: number;
  stale: number;
  markets: number;
  /** Recorded TCGplayer groups that disagree with the groups price rows arrive from (logged). */
  group_warnings: number;
  cards: number;
  priced_cards: number;
  terms: number;
  indexes: number;
  index_points: number;
  /** Milliseconds of reading and computing, with nothing written. */
  compute_ms: number;
  /** Milliseconds of the publication's transaction (other writers wait for it). */
  publish_ms: number;
}

/** Throws when the calling run no longer holds its pipeline step (checked inside the publication). */
export type Fence = (db: Kysely<Tables>) => Promise<void>;

/**
 * @example
 * const counts = await deriveReadModels(database, clock); // { series: 30000, cards: 20000, … }
 */
export async function deriveReadModels(
  database: Database,
  clock: Clock,
  rules: MoverRules = DEFAULT_MOVER_RULES,
  signals?: SignalKey,
  log?: Logger,
  fence?: Fence,
): Promise<DeriveCounts> {
  const started = performance.now();
  const { computed, computedSummary, computedIndexes } = await computeReadModels(database, signals, log);
  const computedAt = performance.now();
  const { latest, summary, indexes } = await publish(database, async (tx) => {
    // First statement a write: SQLite takes its write lock now (a read first could meet a newer
    // snapshot at the first write and fail), and on PostgreSQL a concurrent bump waits for the commit.
    await bumpDataVersion(tx.db, clock);
    // A run that lost its step to a takeover publishes nothing (its lock row stays locked until the commit).
    await fence?.(tx.db);
    const latest = await publishLatestPrices(tx, computed);
    const summary = await writeCardSummary(tx, computedSummary);
    const indexes = await writeIndexes(tx, computedIndexes);
    // Reads what this transaction wrote: movers, index, counts and top signals of the new state.
    await deriveDashboard(tx, clock, rules);
    return { latest, summary, indexes };
  });
  const publishMs = Math.round(performance.now() - computedAt);
  // Fresh statistics let the planner choose the search-term and sort indexes well (statistics only: after the commit).
  await analyzeReadModels(database);
  return {
    ...latest,
    cards: summary.cards,
    priced_cards: summary.priced,
    terms: summary.terms,
    indexes: indexes.indexes,
    index_points: indexes.points,
    compute_ms: Math.round(computedAt - started),
    publish_ms: publishMs,
  };
}

/**
 * The compute phase: one read of every series feeds the latest prices (with their sparklines) and
 * the indexes; the card summaries' inputs follow from the headlines. Only what the publication
 * writes outlives this function (the readers' working state does not).
 */
async function computeReadModels(database: Database, signals?: SignalKey, log?: Logger) {
  const latestReader = await latestPricesReader(database, SPARK_DAYS);
  const accumulator = await indexAccumulator(database);
  await scanSeries(database, [latestReader.read, accumulator.read]);
  const computed = await finishLatestPrices(database, latestReader, log);
  const computedSummary = await computeCardSummary(database, signals, computed);
  const computedIndexes = await finishIndexes(database, accumulator);
  return { computed, computedSummary, computedIndexes };
}

/**
 * After new signals: card summaries pick up the latest scores, the dashboard its top signals, and
 * the data version moves so cached answers revalidate — in one transaction, like the derive.
 */
export async function deriveScores(
  database: Database,
  clock: Clock,
  rules: MoverRules,
  signals: SignalKey,
  fence?: Fence,
): Promise<{ cards: number }> {
  return publish(database, async (tx) => {
    await bumpDataVersion(tx.db, clock);
    await fence?.(tx.db);
    const cards = await rescoreCardSummary(tx, signals);
    await deriveDashboard(tx, clock, rules);
    return { cards };
  });
}
