/**
 * Run accounting shared by every feature that writes imported rows: what a write did, how a run
 * starts and what it reports, and the stable reasons a row is rejected for. The ingestion run
 * (features/ingest) keeps the books; catalogue and price writers only report into them.
 */
import type { IngestionRunsTable } from '../platform/db/schema.ts';

/** Why a row was not stored (stable: API and reports name them). See docs/METHODS.md "Price acceptance rules". */
export type RejectReason =
  | 'all_prices_null'
  | 'placeholder_listing'
  | 'negative_price'
  | 'not_a_number'
  | 'impossible_date'
  | 'unknown_finish'
  /** Before the listings split it (kept for overrides and runs recorded earlier). */
  | 'unmatched_product'
  | 'sealed_product'
  | 'code_card'
  | 'accessory'
  | 'unknown_card'
  | 'unmapped_product'
  | 'card_not_in_catalog'
  | 'unknown_currency'
  | 'malformed_row'
  | 'ambiguous_product'
  | 'product_card_mismatch';

export interface WriteOutcome {
  accepted: number;
  updated: number;
  unchanged: number;
}

export interface RunStart {
  /** The importer (adapter) that runs, e.g. `tcgcsv-files`; `feed` names the upstream it reads. */
  importer: string;
  feed: string;
  kind: 'catalog' | 'prices' | 'products' | 'search_interest' | 'fx' | 'rematch';
  from?: string | null;
  to?: string | null;
  params?: Record<string, unknown>;
  resumes?: string | null;
}

export interface RunSummary {
  id: string;
  importer: string;
  status: IngestionRunsTable['status'];
  rows_read: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejected_by_reason: Record<string, number>;
  failures: { item: string; error: string }[];
  /** Placeholder fields dropped from rows that were otherwise kept (not part of the accounting). */
  dropped_placeholder_fields: number;
  /** The first rejected rows that say which field and value were wrong (at most `REJECT_EXAMPLES`). */
  rejected_examples: RejectExample[];
  error: string | null;
}

/** One rejected row, named: where it was (`line 12`, a file), its reason, and the field and value at fault. */
export interface RejectExample {
  at: string;
  reason: string;
  detail: string;
}

/** How many rejected rows a run names; the counts by reason cover all of them. */
export const REJECT_EXAMPLES = 20;

/** What a writer may tell the run it writes for: its id, row outcomes, rejects and retractions. */
export interface RunTally {
  readonly id: string;
  reject(reason: string, count?: number, example?: { at: string; detail: string }): void;
  dropPlaceholders(count: number): void;
  retract(from: 'accepted' | 'updated', reason: string): void;
  add(outcome: WriteOutcome): void;
}
