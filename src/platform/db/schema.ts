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
  era: string | null;
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
  /** The TCGplayer group (TCGCSV `groupId`) the product was sold under; null until a price row arrives from it. */
  tcgplayer_group_id: number | null;
  /** Product line when the group is not the card's set's own (catalog/product-lines.ts); null = the set's own product. */
  product_line: string | null;
}

export interface TcgplayerGroupsTable {
  group_id: number;
  name: string;
  abbreviation: string | null;
  published_on: string | null;
  updated_at: string;
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
  feed: string;
  known_at: string;
}

export interface FxRatesTable {
  base: string;
  quote: string;
  date: string;
  rate: number;
  feed: string;
  known_at: string;
}

export interface TcgplayerProductsTable {
  product_id: number;
  group_id: number | null;
  name: string | null;
  number: string | null;
  card_id: string | null;
  /** See product-map.ts: what the listing says the product is, and whether it is linked. */
  kind: 'card' | 'sealed' | 'code_card' | 'accessory' | 'unknown' | 'unmapped';
  feed: string;
  updated_at: string;
}

/** Per run, the products whose price rows were rejected for want of a mapping. */
export interface IngestionUnmatchedTable {
  run_id: string;
  product_id: number;
  group_id: number | null;
  reason: string;
  rows: number;
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
  /** The importer (adapter) that ran, e.g. `tcgcsv-files`; `feed` names the upstream. */
  importer: string;
  feed: string;
  kind: string;
  range_from: string | null;
  range_to: string | null;
  params: string | null;
  /** `abandoned`: its process died (the heartbeat was overdue); counts reconciled from its rows. */
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'abandoned';
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
  /** Placeholder fields (999, 9999 … listings) dropped from rows that were otherwise kept. */
  dropped_placeholder_fields: number;
  /** JSON array of `{ at, reason, detail }`: the first rejected rows, naming the field and value at fault. */
  rejected_examples: string;
  /** The process running it (`host:pid/instance`); null for runs from before heartbeats. */
  holder: string | null;
  /** Last sign of life while running (written between chunks of work). */
  heartbeat_at: string | null;
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
  /** `abandoned`: its process died (the heartbeat was overdue) and the step was taken over. */
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'abandoned';
  range_from: string | null;
  range_to: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: string | null;
  error: string | null;
  /** The process running it (`host:pid/instance`). */
  holder: string | null;
  /** Last sign of life while running. */
  heartbeat_at: string | null;
}

export interface StepLocksTable {
  step: string;
  holder: string;
  /** Heartbeat deadline: past it, another process may take the step over. */
  lease_until: string;
  /** Fencing token, raised at every acquisition: only the run holding the current token may publish. */
  token: Generated<number>;
  run_id: string | null;
  acquired_at: string | null;
}

type WindowColumns<W extends string> = {
  [K in `from_date_${W}` | `from_cents_${W}` | `change_pct_${W}`]: K extends `from_date_${W}`
    ? string | null
    : number | null;
};

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
  /** The card's kind (`card` | `sealed`). */
  kind: 'card' | 'sealed';
} & WindowColumns<'1d'> &
  WindowColumns<'7d'> &
  WindowColumns<'30d'> &
  WindowColumns<'90d'> &
  MoverColumns<'1d'> &
  MoverColumns<'7d'> &
  MoverColumns<'30d'> &
  MoverColumns<'90d'> & {
    /** Robust daily volatility of log returns (1.4826 × MAD) over the last 90 days, and its sample size. */
    vol_daily: number | null;
    vol_obs: number | null;
    /** 1 for the series the card's lists show (docs/METHODS.md, "Headline printing"). */
    headline: number;
    /** JSON `{card: {…}, printing: {…}}` of the series, as movers send it. */
    ref: string | null;
    rarity_key: string | null;
  };

type MoverColumns<W extends string> = { [K in `obs_${W}` | `jump_${W}` | `robust_z_${W}`]: number | null };

export interface DataVersionTable {
  id: number;
  version: string;
  changed_at: string;
}

type SummaryWindow<W extends string> = WindowColumns<W>;
type SortKeys = {
  [K in `k_${'price' | 'change_1d' | 'change_7d' | 'change_30d' | 'score'}_${'asc' | 'desc'}`]: number;
};

export type CardSummaryTable = {
  card_id: string;
  kind: 'card' | 'sealed';
  set_id: string;
  name: string;
  number: string;
  printed_total: number | null;
  rarity: string | null;
  /** Slug of the rarity (`rare-holo`): what the `rarity` filter compares. */
  rarity_key: string | null;
  supertype: string | null;
  supertype_key: string | null;
  /** JSON array of energy types. */
  types: string | null;
  /** `|fire|water|`: folded types between bars, for the `type` filter. */
  types_key: string;
  thumbnail: string | null;
  printings: number;
  printing_key: number | null;
  printing_id: string | null;
  finish: string | null;
  market: string | null;
  condition: string | null;
  currency: string | null;
  as_of: string | null;
  last_date: string | null;
  stale: number | null;
  price_cents: number | null;
  score: number | null;
  k_name: string;
  k_number: string;
  /** The card's list item as sent by GET /v1/cards (JSON). */
  item: string | null;
} & SummaryWindow<'1d'> &
  SummaryWindow<'7d'> &
  SummaryWindow<'30d'> &
  SortKeys;

export interface SetSummaryTable {
  set_id: string;
  name: string;
  era: string | null;
  release_date: string | null;
  printed_total: number | null;
  total: number | null;
  images: string | null;
  cards: number;
  priced_cards: number;
  printings: number;
  /** Currency of value_cents: the primary series' currency. */
  currency: string | null;
  /** Sum of the headline prices of the set's cards priced in `currency`. */
  value_cents: number | null;
  /** Newest first: inverted release date, so an ascending index serves the default order. */
  k_release: string;
}

export interface FacetCountsTable {
  facet: 'rarity' | 'supertype' | 'type';
  id: string;
  name: string;
  cards: number;
  priced_cards: number;
}

export interface DashboardSnapshotTable {
  id: number;
  /** JSON document served by GET /v1/dashboard (docs/ARCHITECTURE.md, "Read path"). */
  body: string;
  built_at: string;
}

export interface CardTermsTable {
  term: string;
  card_id: string;
  /** The card's name sort key (card_summary.k_name), so a prefix search sorts index entries. */
  k_name: string | null;
  /** The card's kind (card_summary.kind). */
  kind: string | null;
}

export interface MarketIndexesTable {
  id: string;
  kind: 'market' | 'sealed' | 'set';
  set_id: string | null;
  name: string;
  market: string;
  currency: string;
  base_date: string;
  last_date: string;
  last_value: number;
  constituents: number;
  points: number;
}

export interface IndexValuesTable {
  index_id: string;
  date: string;
  value: number;
  constituents: number;
  from_value_cents: number;
  to_value_cents: number;
}

export type CostMethod = 'fifo' | 'average';
export type PriceField = 'market' | 'low';
export type LotCondition = 'NM' | 'LP' | 'MP' | 'HP' | 'DMG';
export type LedgerOrigin = 'manual' | 'import' | 'order';

export interface PortfoliosTable {
  id: string;
  owner_id: string;
  name: string | null;
  secret_hash: string;
  created_at: string;
  base_currency: Generated<string>;
  cost_method: Generated<CostMethod>;
  preferred_market: Generated<string>;
  price_field: Generated<PriceField>;
  /** Bumped first by every mutating transaction of the portfolio (serialises its writers). */
  revision: Generated<number>;
  updated_at: string | null;
}

/** A purchase lot; money in minor units of `currency`. */
export interface PortfolioLotsTable {
  id: string;
  portfolio_id: string;
  /** Null for an item outside the catalogue (then `item_name` names it). */
  printing_key: number | null;
  item_name: string | null;
  quantity: number;
  unit_cost_minor: number;
  fees_minor: number;
  currency: string;
  acquired_on: string;
  condition: LotCondition;
  grade_company: string | null;
  grade: string | null;
  note: string | null;
  /** Per-unit value the owner states (graded slabs, sealed, items the market data cannot price). */
  manual_value_minor: number | null;
  manual_value_on: string | null;
  origin: LedgerOrigin;
  created_at: string;
  updated_at: string;
}

/** A sale (disposal) of part of a holding; money in minor units of `currency`. */
export interface PortfolioSalesTable {
  id: string;
  portfolio_id: string;
  printing_key: number | null;
  condition: LotCondition;
  grade_company: string | null;
  grade: string | null;
  /** Set when the holding is an item outside the catalogue (its own lot). */
  lot_id: string | null;
  quantity: number;
  proceeds_minor: number;
  fees_minor: number;
  currency: string;
  sold_on: string;
  note: string | null;
  origin: LedgerOrigin;
  created_at: string;
}

/** A target of a portfolio: a printing's weight (fraction of value) or a factor exposure. */
export interface PortfolioTargetsTable {
  portfolio_id: string;
  kind: 'weight' | 'exposure';
  /** Printing id (weight) or factor name (exposure). */
  subject: string;
  target: number;
  updated_at: string;
}

export type OrderStatus = 'proposed' | 'executed' | 'cancelled';

/** Proposed trades toward the targets; `trades` is a JSON array of order trades (minor units). */
export interface PortfolioOrdersTable {
  id: string;
  portfolio_id: string;
  status: OrderStatus;
  target_kind: 'weight' | 'exposure';
  budget_minor: number;
  currency: string;
  proposed_at: string;
  executed_at: string | null;
  cancelled_at: string | null;
  trades: string;
}

export interface WatchlistItemsTable {
  portfolio_id: string;
  printing_key: number;
  added_at: string;
}

/** One portfolio's NAV on one market date (migration 20261205_03), in its base currency. */
export interface PortfolioNavTable {
  portfolio_id: string;
  date: string;
  /** Priced holdings at that date's prices; unpriced holdings are counted in `unpriced`, not valued. */
  value_minor: number;
  /** Open cost basis of every holding, priced or not. */
  cost_minor: number;
  /** Net external flow of the date: purchases with fees positive, sale proceeds net of fees negative. */
  flow_minor: number;
  currency: string;
  priced: number;
  unpriced: number;
  computed_at: string;
  /** The portfolio's revision (bumped by every ledger write) the snapshot was computed from. */
  revision: number;
}

export interface FactorWeightsTable {
  version: string;
  engine: string;
  engine_version: string;
  origin: 'builtin' | 'manual' | 'suggested';
  /** JSON object: component name → weight. */
  weights: string;
  note: string | null;
  created_by: string | null;
  created_at: string;
}

export interface SignalsTable {
  engine: string;
  engine_version: string;
  weights_version: string;
  date: string;
  printing_key: number;
  status: 'ok' | 'insufficient_data';
  observations: number;
  last_cents: number | null;
  z: number | null;
  score: number | null;
  action: 'BUY' | 'HOLD' | 'SELL' | null;
  confidence: number | null;
  used_search_interest: number;
  /** JSON array of raw component values in the engine's component order. */
  raw: string | null;
  /** JSON array of standardised component values. */
  standardised: string | null;
  /** JSON array of the engine's model state, in its `modelFields` order. */
  model: string | null;
  /** JSON array of reason codes. */
  reasons: string;
}

export interface FactorStatsTable {
  engine: string;
  engine_version: string;
  weights_version: string;
  date: string;
  factor: string;
  kind: 'horizon' | 'lag';
  days: number;
  n: number;
  ic: number | null;
  top: number | null;
  bottom: number | null;
  spread: number | null;
  beta: number | null;
  beta_t: number | null;
  computed_at: string;
}

export interface BacktestsTable {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  engine: string;
  engine_version: string;
  weights_version: string;
  params: string;
  metrics: string | null;
  equity: string | null;
  trades: number | null;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export type AnomalyKind = 'return_outlier' | 'stale_series' | 'placeholder_price' | 'coverage_drop';

export interface AnomaliesTable {
  id: string;
  kind: AnomalyKind;
  subject: string;
  printing_key: number | null;
  date: string;
  severity: number;
  detail: string;
  status: 'open' | 'acknowledged' | 'dismissed';
  note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  detected_at: string;
}

/** Why a print is kept out of analytics (docs/METHODS.md, "Flagged prints"). */
export type PriceFlagReason = 'placeholder_price' | 'jump' | 'return_outlier';

/** One flagged price row, on the grain of `prices`; written by the `quality` step. */
export interface PriceFlagsTable {
  printing_key: number;
  market: string;
  condition: string;
  currency: string;
  date: string;
  reason: PriceFlagReason;
  /** The print a jump or return outlier was measured from; null for a placeholder. */
  ref_date: string | null;
}

/** An e-mail address that owns alert rules (a principal of kind `user`), confirmed by double opt-in. */
export interface EmailSubscribersTable {
  principal_id: string;
  address: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  digest: Generated<number>;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export type OwnerTokenPurpose = 'confirm' | 'manage' | 'unsubscribe';

/** A capability token of a principal, stored as its SHA-256 digest only. */
export interface OwnerTokensTable {
  token_hash: string;
  principal_id: string;
  purpose: OwnerTokenPurpose;
  created_at: string;
  expires_at: string | null;
  used_at: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  owner_id: string;
  kind: 'standard' | 'discord';
  url_sealed: string;
  host: string;
  description: string | null;
  secret_sealed: string | null;
  previous_secret_sealed: string | null;
  previous_secret_until: string | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type AlertKind = 'price_above' | 'price_below' | 'change_above' | 'change_below' | 'signal_change';
export type ChannelKind = 'email' | 'webhook' | 'discord';

export interface AlertRulesTable {
  id: string;
  owner_id: string;
  kind: AlertKind;
  printing_key: number | null;
  card_id: string | null;
  market: string;
  threshold_minor: number | null;
  currency: string | null;
  change_pct: number | null;
  window_days: number | null;
  signal_action: 'BUY' | 'HOLD' | 'SELL' | null;
  channel: ChannelKind;
  endpoint_id: string | null;
  note: string | null;
  status: 'active' | 'paused';
  snoozed_until: string | null;
  state: 'armed' | 'fired';
  last_action: string | null;
  last_evaluated_on: string | null;
  last_fired_at: string | null;
  fired_count: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface AlertFiringsTable {
  id: string;
  rule_id: string;
  owner_id: string;
  fired_at: string;
  as_of: string;
  printing_key: number;
  market: string;
  currency: string | null;
  price_minor: number | null;
  change_pct: number | null;
  from_date: string | null;
  from_price_minor: number | null;
  previous_action: string | null;
  action: string | null;
  /** The `alert.digest` delivery that listed this firing (null: no digest yet). */
  digest_delivery_id: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'suppressed' | 'cancelled';

/** The transactional outbox: one row per message to send. */
export interface DeliveriesTable {
  id: string;
  channel: ChannelKind;
  event_type: string;
  owner_id: string | null;
  endpoint_id: string | null;
  address: string | null;
  dedupe_key: string;
  payload: string;
  sealed: string | null;
  status: DeliveryStatus;
  /** Every attempt ever made (attempt numbers continue across redeliveries). */
  attempts: Generated<number>;
  /** `attempts` when the current attempt budget began (a redelivery sets it). */
  budget_start: Generated<number>;
  /** Times an operator queued it again (redeliver, redrive). */
  redeliveries: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  triggered_at: string;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  last_error_class: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  firing_id: string | null;
}

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'deferred' | 'suppressed';

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: AttemptOutcome;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface DeliveryCircuitsTable {
  destination: string;
  failures: number;
  opened_until: string | null;
  updated_at: string;
}

export interface EmailSuppressionsTable {
  address: string;
  reason: 'hard_bounce' | 'complaint' | 'unsubscribe' | 'manual';
  created_at: string;
  event_id: string | null;
}

export interface EmailEventsTable {
  id: string;
  provider: string;
  provider_event_id: string;
  type: 'delivered' | 'bounced' | 'complained' | 'other';
  bounce_kind: 'hard' | 'soft' | null;
  address: string | null;
  provider_message_id: string | null;
  delivery_id: string | null;
  occurred_at: string | null;
  received_at: string;
}

/** Per-minute request roll-ups (migration 20261207_01); `le_<N>ms` counts requests that took ≤ N ms. */
export interface SloObjectivesTable {
  route: string;
  method: string;
  availability_target: number;
  latency_threshold_seconds: number;
  latency_target: number;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface SloSamplesTable {
  minute: string;
  slo: string;
  total: number;
  bad: number;
}

export interface SloAlertsTable {
  slo: string;
  severity: string;
  firing: number;
  since: string | null;
  updated_at: string;
}

/** Shared rate-limit counters (RATE_LIMIT_STORE=postgres), written by rate-limiter-flexible's PostgreSQL store. */
export interface RateLimitsTable {
  /** `<policy>:<caller>`, e.g. `anonymous:198.51.100.7`. */
  key: string;
  points: number;
  /** End of the counter's window, milliseconds since the epoch (null: never expires). */
  expire: number | null;
}

export interface RequestRollupsTable {
  minute: string;
  route: string;
  method: string;
  status_class: string;
  code: string;
  requests: number;
  duration_seconds_sum: number;
  le_5ms: number;
  le_10ms: number;
  le_25ms: number;
  le_50ms: number;
  le_100ms: number;
  le_250ms: number;
  le_500ms: number;
  le_1000ms: number;
  le_2500ms: number;
  le_5000ms: number;
  le_10000ms: number;
}

export interface BackupsTable {
  id: string;
  created_at: string;
  dialect: 'sqlite' | 'postgres';
  status: 'running' | 'succeeded' | 'failed' | 'deleted';
  file_name: string | null;
  /** JSON array of `file:<path>` and `s3://<bucket>/<key>`. */
  locations: string;
  bytes: number | null;
  sha256: string | null;
  encrypted: number;
  /** JSON: the backup's manifest (features/backups/manifest.ts). */
  manifest: string | null;
  duration_ms: number | null;
  error: string | null;
}

export interface RestoreDrillsTable {
  id: string;
  backup_id: string | null;
  started_at: string;
  result: 'passed' | 'failed';
  duration_ms: number;
  /** JSON array of strings. */
  mismatches: string;
  error: string | null;
}

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
  tcgplayer_groups: TcgplayerGroupsTable;
  ingestion_unmatched: IngestionUnmatchedTable;
  mapping_overrides: MappingOverridesTable;
  ingestion_runs: IngestionRunsTable;
  ingestion_payloads: IngestionPayloadsTable;
  pipeline_runs: PipelineRunsTable;
  step_locks: StepLocksTable;
  latest_prices: LatestPricesTable;
  data_version: DataVersionTable;
  card_summary: CardSummaryTable;
  card_terms: CardTermsTable;
  set_summary: SetSummaryTable;
  facet_counts: FacetCountsTable;
  dashboard_snapshot: DashboardSnapshotTable;
  market_indexes: MarketIndexesTable;
  index_values: IndexValuesTable;
  portfolios: PortfoliosTable;
  watchlist_items: WatchlistItemsTable;
  portfolio_lots: PortfolioLotsTable;
  portfolio_sales: PortfolioSalesTable;
  portfolio_nav: PortfolioNavTable;
  portfolio_targets: PortfolioTargetsTable;
  portfolio_orders: PortfolioOrdersTable;
  factor_weights: FactorWeightsTable;
  signals: SignalsTable;
  factor_stats: FactorStatsTable;
  backtests: BacktestsTable;
  anomalies: AnomaliesTable;
  price_flags: PriceFlagsTable;
  email_subscribers: EmailSubscribersTable;
  owner_tokens: OwnerTokensTable;
  webhook_endpoints: WebhookEndpointsTable;
  alert_rules: AlertRulesTable;
  alert_firings: AlertFiringsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  delivery_circuits: DeliveryCircuitsTable;
  email_suppressions: EmailSuppressionsTable;
  email_events: EmailEventsTable;
  request_rollups: RequestRollupsTable;
  rate_limits: RateLimitsTable;
  slo_objectives: SloObjectivesTable;
  slo_samples: SloSamplesTable;
  slo_alerts: SloAlertsTable;
  backups: BackupsTable;
  restore_drills: RestoreDrillsTable;
}
