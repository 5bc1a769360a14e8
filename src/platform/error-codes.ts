/**
 * The error registry: every problem `code` the API can answer, once, with its HTTP status, what it
 * means and whether a client should retry. `AppError` and `problem()` accept only these codes (a
 * type error otherwise), docs/ERRORS.md is generated from this table (scripts/errors-doc.ts), and
 * `cardquant_http_problems_total` takes its `code` label values only from here.
 */

/**
 * Whether a client should send the same request again:
 * - `no`: the same request gets the same answer; change the request (or the state it depends on) first.
 * - `after`: retry unchanged after the time in `Retry-After` (or a short backoff when it is absent).
 * - `yes`: a transient failure; retry unchanged with backoff (creates with the same `Idempotency-Key`).
 */
export type Retry = 'no' | 'after' | 'yes';

/** Sections of docs/ERRORS.md, in the order they appear there. */
export const ERROR_GROUPS = {
  http: 'Requests the server cannot read',
  auth: 'Authentication, roles and limits',
  server: 'Server state',
  market: 'Market data and signals',
  portfolios: 'Portfolios',
  alerts: 'Alerts, endpoints and deliveries',
  subscribers: 'Subscribers and e-mail',
  admin: 'Administration, ingestion and background runs',
} as const;

export interface ErrorCodeInfo {
  status: number;
  /** One sentence: what happened, from the client's side. */
  meaning: string;
  retry: Retry;
  group: keyof typeof ERROR_GROUPS;
}

export const errorCodes = {
  // Requests the server cannot read.
  malformed_request: {
    status: 400,
    meaning: 'The request is not valid HTTP/1.1 (for example a control character in a header).',
    retry: 'no',
    group: 'http',
  },
  malformed_json: { status: 400, meaning: 'The request body is not valid JSON.', retry: 'no', group: 'http' },
  bad_request: { status: 400, meaning: 'The request could not be processed as sent.', retry: 'no', group: 'http' },
  route_not_found: { status: 404, meaning: 'No route answers this method and path.', retry: 'no', group: 'http' },
  method_not_allowed: {
    status: 405,
    meaning: 'The path exists but not for this method; `Allow` lists the methods it takes.',
    retry: 'no',
    group: 'http',
  },
  request_timeout: {
    status: 408,
    meaning: 'The request headers did not arrive in time and the connection was closed.',
    retry: 'yes',
    group: 'http',
  },
  body_too_large: {
    status: 413,
    meaning: 'The request body is larger than BODY_LIMIT_BYTES.',
    retry: 'no',
    group: 'http',
  },
  uri_too_long: { status: 414, meaning: 'The request URL is too long.', retry: 'no', group: 'http' },
  unsupported_media_type: {
    status: 415,
    meaning: 'The body is not sent as `application/json`.',
    retry: 'no',
    group: 'http',
  },
  validation_failed: {
    status: 422,
    meaning: 'A parameter, header or body field is invalid; `errors` lists each field and why.',
    retry: 'no',
    group: 'http',
  },
  header_fields_too_large: {
    status: 431,
    meaning: 'The request line and headers together are too large.',
    retry: 'no',
    group: 'http',
  },

  // Authentication, roles and limits.
  unauthorized: {
    status: 401,
    meaning: 'The route needs credentials and none were sent.',
    retry: 'no',
    group: 'auth',
  },
  invalid_credentials: {
    status: 401,
    meaning:
      'The credentials sent are unknown, revoked, expired, malformed or mixed (a bearer token with a portfolio pair).',
    retry: 'no',
    group: 'auth',
  },
  invalid_signature: {
    status: 401,
    meaning: 'An e-mail provider’s event is not authenticated (HTTP Basic credentials or signature).',
    retry: 'no',
    group: 'auth',
  },
  forbidden: {
    status: 403,
    meaning: 'The caller is authenticated but lacks the role or capability the route needs.',
    retry: 'no',
    group: 'auth',
  },
  idempotency_in_flight: {
    status: 409,
    meaning: 'A request with this `Idempotency-Key` is still being processed.',
    retry: 'after',
    group: 'auth',
  },
  idempotency_key_reused: {
    status: 422,
    meaning: 'This `Idempotency-Key` was already used with a different request.',
    retry: 'no',
    group: 'auth',
  },
  rate_limited: {
    status: 429,
    meaning: 'The caller’s request budget (or its IP’s failed authentications) is spent for now.',
    retry: 'after',
    group: 'auth',
  },

  // Server state.
  internal_error: {
    status: 500,
    meaning: 'An unexpected error; the `request_id` finds it in the server’s log.',
    retry: 'yes',
    group: 'server',
  },
  database_unavailable: {
    status: 503,
    meaning: 'The database does not answer.',
    retry: 'after',
    group: 'server',
  },
  not_ready: {
    status: 503,
    meaning: 'The service cannot serve yet (database unreachable or its schema not current).',
    retry: 'after',
    group: 'server',
  },
  shutting_down: {
    status: 503,
    meaning: 'This process is shutting down and starts no background run.',
    retry: 'after',
    group: 'server',
  },
  background_capacity_full: {
    status: 503,
    meaning: 'Every background slot (MAX_CHILD_PROCESSES) is taken by a pipeline run or backtest.',
    retry: 'after',
    group: 'server',
  },

  // Market data and signals.
  card_not_found: { status: 404, meaning: 'No card has this id.', retry: 'no', group: 'market' },
  printing_not_found: {
    status: 404,
    meaning: 'No printing has this id (or it is not a printing of the card named).',
    retry: 'no',
    group: 'market',
  },
  set_not_found: { status: 404, meaning: 'No set has this id.', retry: 'no', group: 'market' },
  index_not_found: { status: 404, meaning: 'No market index has this id.', retry: 'no', group: 'market' },
  backtest_not_found: { status: 404, meaning: 'No backtest run has this id.', retry: 'no', group: 'market' },

  // Portfolios.
  portfolio_not_found: {
    status: 404,
    meaning: 'No portfolio with this id is reachable with the credentials sent.',
    retry: 'no',
    group: 'portfolios',
  },
  lot_not_found: { status: 404, meaning: 'The portfolio has no lot with this id.', retry: 'no', group: 'portfolios' },
  sale_not_found: { status: 404, meaning: 'The portfolio has no sale with this id.', retry: 'no', group: 'portfolios' },
  order_not_found: {
    status: 404,
    meaning: 'The portfolio has no order with this id.',
    retry: 'no',
    group: 'portfolios',
  },
  watchlist_item_not_found: {
    status: 404,
    meaning: 'The printing is not on this watchlist.',
    retry: 'no',
    group: 'portfolios',
  },
  insufficient_holding: {
    status: 409,
    meaning: 'A sale would dispose of more of a holding than is held on its date.',
    retry: 'no',
    group: 'portfolios',
  },
  order_not_proposed: {
    status: 409,
    meaning: 'Only a proposed order can be accepted or rejected; this one is already closed.',
    retry: 'no',
    group: 'portfolios',
  },
  watchlist_full: {
    status: 409,
    meaning: 'The watchlist holds its maximum number of printings.',
    retry: 'no',
    group: 'portfolios',
  },
  fx_rate_missing: {
    status: 409,
    meaning: 'An amount’s currency has no ECB rate into the base currency near its date.',
    retry: 'no',
    group: 'portfolios',
  },
  import_rows_refused: {
    status: 422,
    meaning: 'Some rows of a CSV import are not importable; nothing was written and `report` says which.',
    retry: 'no',
    group: 'portfolios',
  },

  // Alerts, endpoints and deliveries.
  alert_not_found: { status: 404, meaning: 'The owner has no alert rule with this id.', retry: 'no', group: 'alerts' },
  endpoint_not_found: {
    status: 404,
    meaning: 'The alert rule names an endpoint the owner does not have.',
    retry: 'no',
    group: 'alerts',
  },
  webhook_endpoint_not_found: {
    status: 404,
    meaning: 'The owner has no webhook or Discord endpoint with this id.',
    retry: 'no',
    group: 'alerts',
  },
  delivery_not_found: { status: 404, meaning: 'No delivery has this id.', retry: 'no', group: 'alerts' },
  alert_rule_limit: {
    status: 409,
    meaning: 'The owner holds ALERT_RULES_PER_OWNER alert rules already.',
    retry: 'no',
    group: 'alerts',
  },
  delivery_pending: {
    status: 409,
    meaning:
      'Only a finished delivery (dead, suppressed, cancelled or delivered) can be redelivered; this one is still under way.',
    retry: 'no',
    group: 'alerts',
  },
  endpoint_disabled: {
    status: 409,
    meaning: 'The endpoint is disabled; re-enable it before testing it.',
    retry: 'no',
    group: 'alerts',
  },
  no_signing_secret: {
    status: 409,
    meaning: 'Discord endpoints are not signed, so there is no secret to rotate.',
    retry: 'no',
    group: 'alerts',
  },
  egress_refused: {
    status: 422,
    meaning: 'The endpoint’s host resolves to an address deliveries may not reach (private, loopback…).',
    retry: 'no',
    group: 'alerts',
  },
  url_unresolved: {
    status: 422,
    meaning: 'The endpoint’s host does not resolve to an address.',
    retry: 'no',
    group: 'alerts',
  },
  email_channel_unavailable: {
    status: 422,
    meaning: 'The email channel is only for a confirmed e-mail subscriber acting with its manage token.',
    retry: 'no',
    group: 'alerts',
  },

  // Subscribers and e-mail.
  subscriber_not_found: { status: 404, meaning: 'No such subscriber.', retry: 'no', group: 'subscribers' },
  link_not_found: {
    status: 404,
    meaning: 'A confirmation or unsubscribe link is unknown, expired or already used.',
    retry: 'no',
    group: 'subscribers',
  },
  inbound_not_configured: {
    status: 404,
    meaning: 'Events from this e-mail provider are not accepted here (not configured).',
    retry: 'no',
    group: 'subscribers',
  },

  // Administration, ingestion and background runs.
  api_key_not_found: { status: 404, meaning: 'No API key has this id.', retry: 'no', group: 'admin' },
  anomaly_not_found: { status: 404, meaning: 'No anomaly has this id.', retry: 'no', group: 'admin' },
  ingestion_run_not_found: { status: 404, meaning: 'No ingestion run has this id.', retry: 'no', group: 'admin' },
  api_key_already_revoked: { status: 409, meaning: 'The API key is already revoked.', retry: 'no', group: 'admin' },
  slo_objective_not_found: {
    status: 404,
    meaning: 'No objective is configured for this route and method.',
    retry: 'no',
    group: 'admin',
  },
  slo_objective_exists: {
    status: 409,
    meaning: 'An objective for this route and method is already configured; change it with PATCH.',
    retry: 'no',
    group: 'admin',
  },
  admin_key_bootstrapped: {
    status: 409,
    meaning: 'The one-time admin key was already created.',
    retry: 'no',
    group: 'admin',
  },
  anomaly_dismissed: {
    status: 409,
    meaning: 'The anomaly was dismissed; a dismissal is final.',
    retry: 'no',
    group: 'admin',
  },
  backtest_not_queued: {
    status: 409,
    meaning: 'Only a queued backtest can be executed; this one has started or finished.',
    retry: 'no',
    group: 'admin',
  },
  demo_dataset: {
    status: 409,
    meaning: 'The database holds demo data, which real data is never mixed with (replace it explicitly).',
    retry: 'no',
    group: 'admin',
  },
  real_dataset: {
    status: 409,
    meaning: 'The database holds real data, which demo data is never mixed with.',
    retry: 'no',
    group: 'admin',
  },
  not_a_price_run: {
    status: 422,
    meaning: 'Only a price ingestion run can be re-matched.',
    retry: 'no',
    group: 'admin',
  },
  rematch_unsupported: {
    status: 422,
    meaning: 'The run’s feed keeps no payloads that could be re-matched.',
    retry: 'no',
    group: 'admin',
  },
  backtest_launcher_unavailable: {
    status: 503,
    meaning: 'This process cannot start background runs; narrow the range or use `cardquant backtest run`.',
    retry: 'no',
    group: 'admin',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A registered problem code. */
export type ErrorCode = keyof typeof errorCodes;

/** The HTTP status a registered code is answered with. */
export type StatusOf<C extends ErrorCode> = (typeof errorCodes)[C]['status'];

/** The registered codes answered with `status`. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: StatusOf<C> extends S ? C : never;
}[ErrorCode];

/** What `NotFound(what, id)` may name: the `<what>` of every registered `<what>_not_found` code. */
export type NotFoundNoun = ErrorCode extends infer C ? (C extends `${infer N}_not_found` ? N : never) : never;

/** The label value for a code that is not in the registry (a bug: `problem()` logs it). */
export const UNREGISTERED = 'unregistered';

/**
 * @example
 * isErrorCode('rate_limited'); // true
 * isErrorCode('teapot'); // false
 */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCodes, code);
}
