/**
 * The derive step: latest prices and changes, card summaries and search terms, indexes — every
 * table the public market API reads — then a new data version so cached answers revalidate.
 */
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { deriveLatestPrices } from '../prices/derive-latest.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import { rebuildCardSummary, rescoreCardSummary } from './card-summary.ts';
import { buildDashboard } from './dashboard.ts';
import { rebuildIndexes } from './indexes.ts';
import { DEFAULT_MOVER_RULES, type MoverRules } from './movers.repo.ts';

const DERIVED_TABLES = ['latest_prices', 'card_summary', 'card_terms', 'set_summary', 'facet_counts', 'market_indexes', 'index_values'];

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
}

/**
 * @example
 * const counts = await deriveReadModels(database, clock); // { series: 30000, cards: 20000, … }
 */
export async function deriveReadModels(database: Database, clock: Clock, rules: MoverRules = DEFAULT_MOVER_RULES, signals?: SignalKey, log?: Logger): Promise<DeriveCounts> {
  const latest = await deriveLatestPrices(database, log);
  const summary = await rebuildCardSummary(database, signals);
  const indexes = await rebuildIndexes(database);
  // Fresh statistics let the planner choose the search-term and sort indexes well.
  if (database.native.kind === 'sqlite') database.native.db.exec('analyze');
  else await sql.raw(`analyze ${DERIVED_TABLES.join(', ')}`).execute(database.db);
  await buildDashboard(database, clock, rules);
  await bumpDataVersion(database.db, clock);
  return { ...latest, cards: summary.cards, priced_cards: summary.priced, terms: summary.terms, indexes: indexes.indexes, index_points: indexes.points };
}

/**
 * After new signals: card summaries pick up the latest scores, the dashboard its top signals, and
 * the data version moves so cached answers revalidate.
 */
export async function refreshScores(database: Database, clock: Clock, rules: MoverRules, signals: SignalKey): Promise<{ cards: number }> {
  const cards = await rescoreCardSummary(database, signals);
  await buildDashboard(database, clock, rules);
  await bumpDataVersion(database.db, clock);
  return { cards };
}
