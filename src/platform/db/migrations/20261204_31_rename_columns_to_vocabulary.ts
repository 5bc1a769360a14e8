// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

/**
 * Column names follow docs/GLOSSARY.md: a set's family of sets is its `era` (`series` means a
 * price series), a weights version's provenance is its `origin`, the upstream a row came from is
 * its `feed`, the movers' robust z-score is `robust_z_<window>`, and the adapter an ingestion run ran is its `importer` (the run's `feed` column
 * already names the upstream). RENAME COLUMN keeps data, indexes and constraints on both dialects
 * (SQLite rewrites the references in CHECK constraints and indexes).
 */
const RENAMES: [table: string, from: string, to: string][] = [
  ['sets', 'series', 'era'],
  ['set_summary', 'series', 'era'],
  ['factor_weights', 'source', 'origin'],
  ['ingestion_runs', 'source', 'importer'],
  ['search_interest', 'source', 'feed'],
  ['fx_rates', 'source', 'feed'],
  ['tcgplayer_products', 'source', 'feed'],
  // The movers' robust z-score per window (its indexes keep their names).
  ...[1, 7, 30, 90].map((w): [string, string, string] => ['latest_prices', `z_${w}d`, `robust_z_${w}d`]),
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, from, to] of RENAMES) await db.schema.alterTable(table).renameColumn(from, to).execute();
}
