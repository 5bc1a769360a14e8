/**
 * Planner statistics for the read models the `read-models` step publishes: run after the commit,
 * so the search-term and sort indexes are chosen well on both dialects.
 */
import type { Database } from '../../platform/db/database.ts';
import { analyzeTables } from '../../platform/db/dialect.ts';

const READ_MODEL_TABLES = [
  'latest_prices',
  'card_summary',
  'card_terms',
  'set_summary',
  'facet_counts',
  'market_indexes',
  'index_values',
] as const;

/** Refreshes the planner statistics of every read model (planner statistics only). */
export async function analyzeReadModels(database: Database): Promise<void> {
  await analyzeTables(database, READ_MODEL_TABLES);
}
