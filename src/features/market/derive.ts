/**
 * The derive step: latest prices and changes, card summaries and search terms, indexes — every
 * table the public market API reads — then a new data version so cached answers revalidate.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { deriveLatestPrices } from '../prices/derive-latest.ts';
import { rebuildCardSummary } from './card-summary.ts';

export interface DeriveCounts {
  series: number;
  stale: number;
  markets: number;
  cards: number;
  priced_cards: number;
  terms: number;
}

/**
 * @example
 * const counts = await deriveReadModels(database, clock); // { series: 30000, cards: 20000, … }
 */
export async function deriveReadModels(database: Database, clock: Clock): Promise<DeriveCounts> {
  const latest = await deriveLatestPrices(database);
  const summary = await rebuildCardSummary(database);
  // Fresh statistics let SQLite's planner choose the search-term and sort indexes well.
  if (database.native.kind === 'sqlite') database.native.db.exec('analyze');
  await bumpDataVersion(database.db, clock);
  return { ...latest, cards: summary.cards, priced_cards: summary.priced, terms: summary.terms };
}
