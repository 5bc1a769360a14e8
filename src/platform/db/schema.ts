/**
 * Row types of the tables, as Kysely sees them. The migration files are the schema; this file
 * mirrors them for the type checker. Instants are ISO-8601 UTC strings in both dialects.
 */
import type { Generated } from 'kysely';
export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: string;
}

export type PrincipalKind = 'system' | 'service' | 'user' | 'portfolio';

export interface PrincipalsTable {
  id: string;
  kind: PrincipalKind;
  name: string;
  created_at: string;
}

export type Role = 'viewer' | 'operator' | 'admin';

export interface ApiKeysTable {
  id: string;
  owner_id: string;
  name: string;
  /** First characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  key_hash: string;
  role: Role;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  ip: string | null;
  result: 'success' | 'failure';
  /** JSON object with action-specific facts; never secrets. */
  detail: string | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  route: string;
  key: string;
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface ScheduledRunsTable {
  job: string;
  slot: string;
  instance: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
}

export interface DatasetMetaTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface SetsTable {
  id: string;
  game: string;
  name: string;
  series: string | null;
  printed_total: number | null;
  total: number | null;
  ptcgo_code: string | null;
  release_date: string | null;
  language: string;
  /** JSON: `{ symbol?, logo? }` URLs. */
  images: string | null;
  tcgplayer_group_id: number | null;
  tcgdex_set_id: string | null;
  updated_at: string;
}

export interface CardsTable {
  id: string;
  set_id: string;
  number: string;
  name: string;
  kind: 'card' | 'sealed';
  supertype: string | null;
  /** JSON arrays. */
  subtypes: string | null;
  types: string | null;
  rarity: string | null;
  hp: string | null;
  artist: string | null;
  language: string;
  /** JSON: `{ [source]: { small?, large? } }`. */
  images: string | null;
  pokemontcg_id: string | null;
  tcgdex_id: string | null;
  updated_at: string;
}

export interface PrintingsTable {
  key: Generated<number>;
  id: string;
  card_id: string;
  finish: string;
  language: string;
  tcgplayer_product_id: number | null;
  tcgplayer_sub_type: string | null;
  cardmarket_product_id: number | null;
  created_at: string;
}

export interface PricesTable {
  printing_key: number;
  market: string;
  condition: string;
  currency: string;
  date: string;
  feed: string;
  market_cents: number | null;
  low_cents: number | null;
  mid_cents: number | null;
  high_cents: number | null;
  direct_low_cents: number | null;
  trend_cents: number | null;
  avg1_cents: number | null;
  avg7_cents: number | null;
  avg30_cents: number | null;
  source_as_of: string | null;
  known_at: string;
  run_id: string;
}

export interface SearchInterestTable {
  card_id: string;
  date: string;
  granularity: 'day' | 'week';
  batch: string;
  anchor: string | null;
  value: number;
  source: string;
  known_at: string;
}

export interface FxRatesTable {
  base: string;
  quote: string;
  date: string;
  rate: number;
  source: string;
  known_at: string;
}

export interface TcgplayerProductsTable {
  product_id: number;
  group_id: number | null;
  name: string | null;
  number: string | null;
  card_id: string | null;
  kind: 'card' | 'sealed' | 'code_card' | 'unknown';
  source: string;
  updated_at: string;
}

export interface MappingOverridesTable {
  id: string;
  source: string;
  external_id: string;
  card_id: string | null;
  reject_reason: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
}

export interface IngestionRunsTable {
  id: string;
  source: string;
  feed: string;
  kind: string;
  range_from: string | null;
  range_to: string | null;
  params: string | null;
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  started_at: string;
  finished_at: string | null;
  rows_read: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** JSON object reason → count. */
  rejected_by_reason: string;
  /** JSON array of `{ item, error }`: parts (a set, a page, a file) that failed while others went on. */
  failures: string;
  /** JSON: where a resumed run continues (source-specific). */
  checkpoint: string | null;
  /** Id of the run this one resumes. */
  resumes: string | null;
  error: string | null;
}

export interface IngestionPayloadsTable {
  id: Generated<number>;
  run_id: string;
  name: string;
  encoding: string;
  bytes: number;
  body: Uint8Array;
  created_at: string;
}

export interface PipelineRunsTable {
  id: string;
  step: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  range_from: string | null;
  range_to: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: string | null;
  error: string | null;
}

export interface StepLocksTable {
  step: string;
  holder: string;
  lease_until: string;
}

type WindowColumns<W extends string> = { [K in `from_date_${W}` | `from_cents_${W}` | `change_pct_${W}`]: K extends `from_date_${W}` ? string | null : number | null };

export type LatestPricesTable = {
  printing_key: number;
  market: string;
  condition: string;
  currency: string;
  card_id: string;
  set_id: string;
  as_of: string;
  last_date: string;
  last_cents: number;
  stale: number;
} & WindowColumns<'1d'> &
  WindowColumns<'7d'> &
  WindowColumns<'30d'> &
  WindowColumns<'90d'>;

export interface Tables {
  schema_migrations: SchemaMigrationsTable;
  principals: PrincipalsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_runs: ScheduledRunsTable;
  dataset_meta: DatasetMetaTable;
  sets: SetsTable;
  cards: CardsTable;
  printings: PrintingsTable;
  prices: PricesTable;
  search_interest: SearchInterestTable;
  fx_rates: FxRatesTable;
  tcgplayer_products: TcgplayerProductsTable;
  mapping_overrides: MappingOverridesTable;
  ingestion_runs: IngestionRunsTable;
  ingestion_payloads: IngestionPayloadsTable;
  pipeline_runs: PipelineRunsTable;
  step_locks: StepLocksTable;
  latest_prices: LatestPricesTable;
}
