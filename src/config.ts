/**
 * The only reader of the environment. Every setting is declared here once, with its default and
 * meaning; the README's configuration table is generated from `settingDocs` (`npx tsx scripts/config-table.ts`; test/docs.test.ts keeps it in sync).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A bootstrap admin token must be long enough that guessing is hopeless. */
const adminToken = z.string().min(32, 'must be at least 32 characters');

/** A 256-bit key as standard base64 (e.g. `openssl rand -base64 32`). */
const base64Key = z.string().refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
  message: 'must be 32 bytes in base64 (44 characters; e.g. from `openssl rand -base64 32`)',
});

const databaseUrl = z.string().refine((v) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(v), {
  message: 'must start with sqlite: (e.g. sqlite:./data/cardquant.db) or postgres://',
});

const csvList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

function isProxyRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** `TRUSTED_PROXIES`: a hop count, or addresses and CIDR ranges of the proxies. */
const trustedProxies = z
  .string()
  .trim()
  .refine((v) => /^\d{1,2}$/.test(v) || v.split(',').every((entry) => isProxyRange(entry.trim())), {
    message:
      'must be a number of proxy hops (e.g. 1) or comma-separated proxy addresses / CIDR ranges (e.g. 10.0.0.0/8,::1)',
  });

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configSchema = z
  .object({
    DATABASE_URL: databaseUrl.default('sqlite:./data/cardquant.db'),
    DATABASE_READ_URL: z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), {
        message: 'must start with postgres:// (a PostgreSQL read replica)',
      })
      .optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: int(0, 65535).default(8787),
    PUBLIC_URL: z.url().optional(),
    ADMIN_TOKEN: adminToken.optional(),
    ADMIN_TOKEN_NEXT: adminToken.optional(),
    LOG_LEVEL: logLevel.default('info'),
    CORS_ORIGINS: csvList.default([]),
    TRUST_PROXY: bool.default(false),
    TRUSTED_PROXIES: trustedProxies.default('1'),
    METRICS_PUBLIC: bool.default(false),
    BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(60),
    RATE_LIMIT_ANONYMOUS: int(1, 10_000_000).default(600),
    RATE_LIMIT_AUTHENTICATED: int(1, 10_000_000).default(6000),
    RATE_LIMIT_STORE: z.enum(['auto', 'memory', 'postgres', 'redis', 'cluster']).default('auto'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    RATE_LIMIT_REDIS_PREFIX: z.string().min(1).max(200).default('cardquant:rl'),
    SERVE_PROCESSES: z.union([z.literal('auto'), int(0, 256)]).default(1),
    PORTFOLIO_CREATE_PER_HOUR: int(1, 10_000_000).default(20),
    CSV_IMPORT_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    CSV_IMPORT_MAX_ROWS: int(1, 1_000_000).default(10_000),
    PORTFOLIO_CACHE_ENTRIES: int(0, 10_000).default(32),
    IDEMPOTENCY_TTL_HOURS: int(1, 24 * 30).default(24),
    IDEMPOTENCY_SECRET_TTL_MINUTES: int(1, 24 * 60).default(60),
    IDEMPOTENCY_LEASE_SECONDS: int(1, 24 * 3600).default(120),
    DATA_ENCRYPTION_KEY: base64Key.optional(),
    DATA_ENCRYPTION_KEY_PREVIOUS: base64Key.optional(),
    RESPONSE_CACHE_MB: int(0, 4096).default(32),
    WEB_APP: bool.default(true),
    WEB_DIR: z.string().min(1).optional(),
    REMOTE_IMAGES: bool.default(true),
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
    MAX_CHILD_PROCESSES: int(1, 64).default(2),
    SQLITE_BUSY_TIMEOUT_MS: int(0, 600_000).default(5000),
    PG_POOL_MAX: int(1, 1000).default(10),
    PG_CONNECT_TIMEOUT_MS: int(0, 600_000).default(10_000),
    KEY_USAGE_FLUSH_MS: int(100, 3_600_000).default(10_000),
    ROLLUPS: bool.default(true),
    ROLLUP_FLUSH_SECONDS: int(1, 3600).default(10),
    ROLLUP_MAX_KEYS_PER_MINUTE: int(10, 1_000_000).default(2000),
    SLO_PIPELINE_DEADLINE: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')
      .default('23:30'),
    SLO_DELIVERY_LATENCY_SECONDS: int(1, 7 * 86_400).default(300),
    CATALOG_SOURCES: csvList.pipe(z.array(z.enum(['pokemontcg', 'tcgdex']))).default([]),
    PRICE_SOURCES: csvList.pipe(z.array(z.enum(['tcgcsv', 'pokemontcg', 'tcgdex', 'justtcg']))).default([]),
    PIPELINE_CRON: z.string().min(9).default('15 21 * * *'),
    PIPELINE_LEASE_MINUTES: int(1, 7 * 24 * 60).optional(),
    RUN_HEARTBEAT_SECONDS: int(1, 3600).default(30),
    RAW_PAYLOAD_RETENTION_DAYS: int(1, 3650).default(30),
    AUDIT_RETENTION_DAYS: int(0, 36500).default(400),
    ROLLUP_RETENTION_DAYS: int(0, 3650)
      .refine((v) => v === 0 || v > 30, { message: 'must exceed the 30-day SLO budget (or be 0: kept for ever)' })
      .default(35),
    RUN_RETENTION_DAYS: int(0, 36500).default(400),
    SCHEDULED_RUN_RETENTION_DAYS: int(0, 36500).default(30),
    ANOMALY_RETENTION_DAYS: int(0, 36500).default(365),
    DELIVERY_RETENTION_DAYS: int(0, 36500).default(90),
    ALERT_FIRING_RETENTION_DAYS: int(0, 36500).default(365),
    EMAIL_EVENT_RETENTION_DAYS: int(0, 36500).default(90),
    OWNER_TOKEN_RETENTION_DAYS: int(0, 36500).default(30),
    BACKTEST_RETENTION_DAYS: int(0, 36500).default(0),
    RETENTION_BATCH_ROWS: int(1, 10_000).default(5000),
    RETENTION_MAX_SECONDS: int(1, 86_400).default(600),
    RETENTION_PAUSE_MS: int(0, 60_000).default(100),
    STALE_AFTER_DAYS: int(1, 365).default(3),
    MOVERS_MIN_OBSERVATIONS: int(2, 100).default(2),
    MOVERS_MAX_JUMP: z.coerce.number().min(1.01).max(1000).default(10),
    SIGNALS_ENGINE: z.string().min(1).max(64).default('robust-trend'),
    SIGNALS_WEIGHTS: z.string().min(1).max(128).optional(),
    SIGNALS_MIN_HISTORY: int(2, 3650).default(14),
    SIGNALS_WINDOW_DAYS: int(30, 3650).default(365),
    SIGNALS_WORKERS: int(1, 64).default(2),
    FACTORS_MIN_T: z.coerce.number().min(0).max(100).default(2),
    ANOMALY_Z_THRESHOLD: z.coerce.number().min(2).max(1000).default(8),
    ANOMALY_STALE_DAYS: int(1, 365).default(7),
    ANOMALY_PLACEHOLDER_JUMP: z.coerce.number().min(2).max(10_000).default(20),
    ANOMALY_COVERAGE_DROP: z.coerce.number().gt(0).lt(1).default(0.8),
    DEMO_CARDS: int(1, 1_000_000).default(400),
    DEMO_DAYS: int(1, 3650).default(365),
    DEMO_SEED: int(0, 2_147_483_647).default(42),
    UPSTREAM_TIMEOUT_MS: int(100, 600_000).default(15_000),
    UPSTREAM_RETRIES: int(0, 20).default(4),
    POKEMONTCG_BASE_URL: z.url().default('https://api.pokemontcg.io'),
    POKEMONTCG_API_KEY: z.string().min(1).optional(),
    TCGCSV_BASE_URL: z.url().default('https://tcgcsv.com'),
    TCGCSV_MAP_FILE: z.string().min(1).optional(),
    TCGDEX_BASE_URL: z.url().default('https://api.tcgdex.net'),
    JUSTTCG_BASE_URL: z.url().default('https://api.justtcg.com'),
    JUSTTCG_API_KEY: z.string().min(1).optional(),
    ECB_BASE_URL: z.url().default('https://data-api.ecb.europa.eu'),
    FX_CURRENCIES: csvList
      .pipe(z.array(z.string().regex(/^[A-Z]{3}$/, 'must be ISO 4217 codes like USD')))
      .default(['USD']),
    TCGDEX_ALIASES_FILE: z.string().min(1).optional(),
    JUSTTCG_REQUESTS_PER_MINUTE: int(1, 6000).default(9),
    ALERT_HYSTERESIS_PCT: z.coerce.number().min(0).max(50).default(2),
    ALERT_COOLDOWN_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
    ALERT_RULES_PER_OWNER: int(1, 1_000_000).default(100),
    ALERT_CREATE_PER_HOUR: int(1, 10_000_000).default(60),
    DIGEST_CRON: z.string().min(9).default('0 7 * * *'),
    EMAIL_PROVIDER: z.enum(['none', 'smtp', 'resend', 'postmark', 'file']).default('none'),
    EMAIL_FROM: z.string().min(3).max(320).optional(),
    EMAIL_FILE_DIR: z.string().min(1).default('./data/mail'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    DKIM_DOMAIN: z.string().min(1).max(253).optional(),
    DKIM_SELECTOR: z.string().min(1).max(63).optional(),
    DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    RESEND_API_KEY: z.string().min(1).optional(),
    RESEND_BASE_URL: z.url().default('https://api.resend.com'),
    RESEND_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, 'must start with whsec_')
      .optional(),
    POSTMARK_SERVER_TOKEN: z.string().min(1).optional(),
    POSTMARK_BASE_URL: z.url().default('https://api.postmarkapp.com'),
    POSTMARK_MESSAGE_STREAM: z.string().min(1).max(64).default('outbound'),
    POSTMARK_WEBHOOK_USER: z.string().min(1).optional(),
    POSTMARK_WEBHOOK_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
    WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(15_000),
    WEBHOOK_SECRET_OVERLAP_HOURS: int(0, 24 * 30).default(24),
    WEBHOOK_DISABLE_AFTER_DAYS: int(1, 90).default(5),
    EGRESS_ALLOW: csvList
      .pipe(z.array(z.enum(['loopback', 'private', 'link-local', 'unique-local', 'unspecified'])))
      .default([]),
    DISCORD_API_BASE: z.url().default('https://discord.com'),
    DNS_SERVERS: csvList.default([]),
    DELIVERY_MAX_ATTEMPTS: int(1, 50).default(12),
    DELIVERY_BACKOFF_BASE_SECONDS: int(1, 86_400).default(60),
    DELIVERY_BACKOFF_MAX_HOURS: int(1, 168).default(16),
    DELIVERY_CONCURRENCY: int(1, 256).default(8),
    DELIVERY_LEASE_SECONDS: int(5, 3600).default(60),
    DELIVERY_POLL_MS: int(10, 600_000).default(1000),
    CIRCUIT_FAILURE_THRESHOLD: int(1, 1000).default(5),
    CIRCUIT_OPEN_SECONDS: int(1, 86_400).default(300),
    LOG_SHIP_S3_BUCKET: z.string().min(3).max(63).optional(),
    LOG_SHIP_S3_PREFIX: z.string().max(512).default('cardquant/logs/'),
    LOG_SHIP_S3_ENDPOINT: z.url().optional(),
    LOG_SHIP_S3_REGION: z.string().min(1).default('us-east-1'),
    LOG_SHIP_HTTP_URL: z.url().optional(),
    LOG_SHIP_HTTP_FORMAT: z.enum(['loki', 'otlp']).optional(),
    LOG_SHIP_HTTP_AUTHORIZATION: z.string().min(1).optional(),
    LOG_SHIP_BATCH_LINES: int(1, 100_000).default(1000),
    LOG_SHIP_BATCH_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    LOG_SHIP_FLUSH_MS: int(10, 3_600_000).default(5000),
    LOG_SHIP_BUFFER_BYTES: int(4096, 4 * 1024 * 1024 * 1024).default(16 * 1024 * 1024),
    LOG_SHIP_TIMEOUT_MS: int(100, 600_000).default(10_000),
    LOG_SHIP_BACKOFF_MAX_MS: int(100, 3_600_000).default(60_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).max(128).default('cardquant'),
    TRACEPARENT: z.string().max(256).optional(),
    BACKUP_DIR: z.string().min(1).optional(),
    BACKUP_ENCRYPT: bool.default(false),
    BACKUP_KEEP_LAST: int(1, 10_000).default(7),
    BACKUP_RETENTION_DAYS: int(0, 3650).default(30),
    BACKUP_S3_BUCKET: z.string().min(3).max(63).optional(),
    BACKUP_S3_PREFIX: z.string().max(512).default('cardquant/backups/'),
    BACKUP_S3_ENDPOINT: z.url().optional(),
    BACKUP_S3_REGION: z.string().min(1).max(64).default('us-east-1'),
    BACKUP_S3_FORCE_PATH_STYLE: bool.default(false),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** One line of documentation per setting; the README table and `.env.example` follow it. */
export const settingDocs: Record<keyof Config, string> = {
  DATABASE_URL: 'Where data lives: `sqlite:PATH` (file, WAL mode) or `postgres://user@host:port/db`.',
  DATABASE_READ_URL:
    'Optional PostgreSQL read replica (`postgres://…`) for the public market reads that tolerate lag (cards, search, card detail, history, movers, dashboard, facets, indexes), their ETags included; everything else and every write use DATABASE_URL. It must reach exactly one streaming standby (not a reader endpoint or pooler spread over several replicas): a response reads its ETag version and its body with two statements that may use different connections. Unset: everything uses DATABASE_URL (docs/DEPLOY.md).',
  HOST: 'Interface the HTTP server binds to.',
  PORT: 'TCP port of the HTTP server (0 picks a free port).',
  PUBLIC_URL: 'External base URL; when it is https, responses carry HSTS.',
  ADMIN_TOKEN:
    'Bootstrap admin bearer token (≥ 32 chars). Unset: `start` creates a one-time admin key and prints it once.',
  ADMIN_TOKEN_NEXT: 'Second accepted admin token, for rotation without downtime.',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  CORS_ORIGINS: 'Comma-separated origins allowed by CORS (empty: no cross-origin access).',
  TRUST_PROXY: 'Take the client IP from `X-Forwarded-For` (only behind a reverse proxy; see `TRUSTED_PROXIES`).',
  TRUSTED_PROXIES:
    'With `TRUST_PROXY`: how many proxies stand in front of the server (a hop count), or their addresses / CIDR ranges (`10.0.0.0/8,::1`). The client IP is the right-most `X-Forwarded-For` address not added by one of them.',
  METRICS_PUBLIC: 'Serve `/metrics` without authentication (otherwise the viewer role is needed).',
  BODY_LIMIT_BYTES: 'Largest accepted request body; larger bodies get 413.',
  RATE_LIMIT_WINDOW_SECONDS: 'Length of the rate-limit window.',
  RATE_LIMIT_ANONYMOUS: 'Requests per window per client IP for unauthenticated callers.',
  RATE_LIMIT_AUTHENTICATED:
    "Requests per window per identity (API key, admin token, portfolio); a portfolio on public routes counts against its IP's anonymous budget.",
  RATE_LIMIT_STORE:
    'Where rate-limit counters live: `memory` (per process), `redis` (`REDIS_URL`; shared by every process and replica), `postgres` (the `rate_limits` table; shared, one more statement per request), `cluster` (the primary of `serve --processes N`; shared by the workers of one machine). `auto`: redis when `REDIS_URL` is set, else postgres for `cardquant serve` on PostgreSQL, else cluster in the workers of `serve --processes N` (N > 1), else memory (`cardquant start` is one process). When a shared store does not answer, each process counts in memory until it answers again.',
  REDIS_URL:
    'Redis for shared rate limits (`redis://[:password@]host:6379/db`, `rediss://` for TLS); with `RATE_LIMIT_STORE=auto` its presence selects the redis store.',
  RATE_LIMIT_REDIS_PREFIX: 'Prefix of the rate-limit keys in Redis (several deployments may share one Redis).',
  SERVE_PROCESSES:
    'HTTP processes `cardquant serve` runs on this machine (`--processes` overrides it); 0 or `auto` = one per available core. Above 1, a primary process forks the workers and restarts any that crash.',
  PORTFOLIO_CREATE_PER_HOUR: 'Portfolios one client IP may create per hour.',
  CSV_IMPORT_MAX_BYTES:
    'Largest CSV text (UTF-8 bytes) a portfolio import accepts; larger is refused with 422. The request body, CSV in JSON, is also bounded by `BODY_LIMIT_BYTES`.',
  CSV_IMPORT_MAX_ROWS:
    'Most data rows a portfolio CSV import accepts (the header not counted); more is refused with 422.',
  PORTFOLIO_CACHE_ENTRIES:
    'Portfolio valuations and performance answers kept in memory per process (each), keyed by portfolio revision and data version (0 turns the caches off).',
  IDEMPOTENCY_TTL_HOURS: 'How long an `Idempotency-Key` and its stored response are kept.',
  IDEMPOTENCY_SECRET_TTL_MINUTES:
    'How long a stored answer that carries a secret (a new API key, a new portfolio) can be replayed (never longer than IDEMPOTENCY_TTL_HOURS).',
  IDEMPOTENCY_LEASE_SECONDS:
    'How long a request holds its `Idempotency-Key` in flight; after a crash the key is released when this runs out and a retry runs again (or replays the stored answer). Longer than the slowest idempotent request.',
  DATA_ENCRYPTION_KEY:
    'Key (base64, 32 bytes) that encrypts stored `Idempotency-Key` answers (AES-256-GCM). Unset: a key file `<database>.key` (mode 0600) beside a SQLite database, or a per-process key on PostgreSQL.',
  DATA_ENCRYPTION_KEY_PREVIOUS:
    'The key being rotated out: still opens what it encrypted, never encrypts (docs/RUNBOOK.md).',
  RESPONSE_CACHE_MB:
    'Memory per process for serialised public reads, reused until the data changes (0 turns the cache off).',
  WEB_APP: 'Serve the web app at `/` (false: the API only; `/` then answers 404).',
  WEB_DIR:
    'Folder of the built web app (unset: `web/build` in the installation, which `npm run build` and `npm ci` fill).',
  REMOTE_IMAGES:
    "Let the web app load card images from the catalogue's image hosts (false: a neutral placeholder, and the CSP allows no remote image host).",
  SHUTDOWN_GRACE_MS:
    'On SIGTERM/SIGINT, how long in-flight requests and running pipeline/backtest processes may take to finish (children get SIGTERM at once, SIGKILL when it runs out) before the process exits.',
  MAX_CHILD_PROCESSES:
    'Most pipeline runs and backtests one process runs at a time beside the HTTP thread (child processes and backtest worker threads); one more is refused with 503 and Retry-After, a scheduled run waits.',
  SQLITE_BUSY_TIMEOUT_MS: 'How long SQLite waits for a lock held by another connection or process.',
  PG_POOL_MAX: 'Largest PostgreSQL connection pool per process.',
  PG_CONNECT_TIMEOUT_MS:
    'Longest wait for a PostgreSQL connection (new, or free in a full pool); beyond it the request answers 503 `database_unavailable` (0 waits for ever).',
  KEY_USAGE_FLUSH_MS: 'How often batched API-key `last_used_at` updates are written.',
  ROLLUPS:
    'Record per-minute request roll-ups (the data of the route SLOs). Turn off only to measure their overhead: without them the route SLOs see no traffic.',
  ROLLUP_FLUSH_SECONDS:
    'How often the per-minute request roll-ups gathered in memory are added to the database (also on shutdown).',
  ROLLUP_MAX_KEYS_PER_MINUTE:
    'Distinct (route, method, status class, problem code) keys kept in memory per minute; further requests are counted under route `unmatched`.',
  SLO_PIPELINE_DEADLINE:
    'Time of day (HH:MM, UTC) by which the daily pipeline has finished: the `pipeline:deadline` SLO counts each minute after it as bad unless the latest scheduled run of every step, started in the 24 hours before it, ended succeeded or skipped by it (docs/METHODS.md).',
  SLO_DELIVERY_LATENCY_SECONDS:
    'The `delivery:latency` SLO: a delivery is good when delivered within this many seconds of the event that triggered it.',
  CATALOG_SOURCES: 'Comma-separated catalogue sources the daily pipeline imports: pokemontcg, tcgdex.',
  PRICE_SOURCES:
    'Comma-separated price sources the daily pipeline imports: tcgcsv, pokemontcg, tcgdex, justtcg. Empty: `start` seeds demo data.',
  PIPELINE_CRON: "When the daily pipeline runs (cron, UTC); default shortly after TCGCSV's ~20:00 UTC refresh.",
  PIPELINE_LEASE_MINUTES:
    'Deprecated, ignored (a warning is logged): replaced by `RUN_HEARTBEAT_SECONDS`; a step is no longer held for a fixed lease but for as long as its process heartbeats.',
  RUN_HEARTBEAT_SECONDS:
    'How often a running pipeline step or ingestion run writes a heartbeat. A run with no heartbeat for 3 intervals is taken to be dead: it is marked `abandoned` and its step may be taken over by another process.',
  RAW_PAYLOAD_RETENTION_DAYS:
    'How long raw upstream payloads (and the unmatched-product lists of their runs) are kept for `import rematch`.',
  AUDIT_RETENTION_DAYS: 'Days audit log entries are kept (0: for ever). Audits usually want more than a year.',
  ROLLUP_RETENTION_DAYS:
    'Days per-minute request roll-ups and SLI samples are kept (0: for ever); more than the 30-day SLO budget window.',
  RUN_RETENTION_DAYS:
    'Days finished pipeline and non-price ingestion runs, and restore drills, are kept (0: for ever); the latest succeeded run of each step or importer, price runs (their rows carry the run id) and the latest drill always stay.',
  SCHEDULED_RUN_RETENTION_DAYS:
    'Days finished scheduled-job slots are kept (0: for ever); shorter than runs because `slo.evaluate` claims a slot every minute (1,440 rows a day). The latest succeeded slot of each job always stays.',
  ANOMALY_RETENTION_DAYS:
    'Days acknowledged or dismissed anomalies are kept after their resolution (0: for ever); open ones stay.',
  DELIVERY_RETENTION_DAYS:
    'Days finished deliveries (delivered, dead, suppressed, cancelled) and their attempts are kept after their last change (0: for ever); pending ones stay.',
  ALERT_FIRING_RETENTION_DAYS: 'Days alert firings are kept (0: for ever); a firing a delivery still names stays.',
  EMAIL_EVENT_RETENTION_DAYS: 'Days provider e-mail events are kept (0: for ever); an event a suppression names stays.',
  OWNER_TOKEN_RETENTION_DAYS: 'Days subscriber link tokens are kept after they were used or expired (0: for ever).',
  BACKTEST_RETENTION_DAYS: 'Days finished backtests are kept (0: for ever).',
  RETENTION_BATCH_ROWS:
    'Rows one retention batch deletes at most; each batch is its own short transaction, the longest a reader or writer waits.',
  RETENTION_MAX_SECONDS:
    'The retention step starts no batch after this many seconds; the next run goes on where it stopped.',
  RETENTION_PAUSE_MS:
    'Pause between two retention batches, so writers waiting for the database (SQLite polls its lock up to every 100 ms) get in between.',
  STALE_AFTER_DAYS: 'A market whose latest price date is more days behind today than this is reported stale.',
  MOVERS_MIN_OBSERVATIONS:
    'Movers: least market-price observations in [from_date, to_date], both ends included (2 = just the two compared prices).',
  MOVERS_MAX_JUMP:
    'Movers jump filter: a printing whose price steps by more than this factor (up or down) between two consecutive observations inside the window is left out. Also flags a print that steps by more than this from the last clean print, leaving it out of signals, factor statistics and backtests.',
  SIGNALS_ENGINE: 'Signal engine the `signals` step runs and the API serves (`robust-trend`).',
  SIGNALS_WEIGHTS:
    "Factor weights version for the composite (`GET /v1/analytics/weights`); empty: the engine's built-in weights.",
  SIGNALS_MIN_HISTORY:
    'Least market-price observations inside the signal window for a signal; fewer gives the explicit `insufficient_data` state.',
  SIGNALS_WINDOW_DAYS: 'Signal window W in days: a signal for date t reads only observations in [t − W + 1, t].',
  SIGNALS_WORKERS:
    'Worker threads a signals backfill (`--from/--to`, 40 dates or more) uses; 1 computes in the pipeline process itself.',
  FACTORS_MIN_T:
    'Suggested weights use only components whose IC t statistic (Newey–West, lag horizon − 1) is at least this; 0 uses every component with a positive information ratio.',
  ANOMALY_Z_THRESHOLD:
    'Anomalies: a one-day return is an outlier when its robust z (against the previous 60 days) exceeds this; such a print is also flagged and left out of analytics.',
  ANOMALY_STALE_DAYS:
    'Anomalies: a series is stale when its last price is more than this many days behind its market (reported for 90 days).',
  ANOMALY_PLACEHOLDER_JUMP:
    'Anomalies: a price above this multiple of the median of the previous 30 days is placeholder-like (and flagged, left out of analytics).',
  ANOMALY_COVERAGE_DROP:
    'Anomalies: a market date is a coverage drop when fewer than this share of its usual printings are priced.',
  DEMO_CARDS: 'Cards in the demo dataset seeded on a first start without sources.',
  DEMO_DAYS: 'Days of demo price history (ending today).',
  DEMO_SEED: 'Seed of the demo generator (same seed, same data).',
  UPSTREAM_TIMEOUT_MS: 'Timeout of one request to an upstream API.',
  UPSTREAM_RETRIES:
    'Retries of a failed upstream request (network, timeout, 429, 5xx), with backoff honouring Retry-After.',
  POKEMONTCG_BASE_URL: 'pokemontcg.io API base URL (shuts down 2027-03-01).',
  POKEMONTCG_API_KEY: 'Optional pokemontcg.io API key (`X-Api-Key`).',
  TCGCSV_BASE_URL: 'TCGCSV base URL.',
  TCGCSV_MAP_FILE: 'Optional cross-walk CSV (tcgplayer_product_id → pokemontcg_card_id) used by TCGCSV imports.',
  TCGDEX_BASE_URL: 'TCGdex API base URL.',
  JUSTTCG_BASE_URL: 'JustTCG API base URL.',
  JUSTTCG_API_KEY: 'JustTCG API key (required to use the justtcg source).',
  ECB_BASE_URL: 'ECB data API base URL for euro reference rates.',
  FX_CURRENCIES: "Currencies whose ECB euro reference rates the pipeline's `fx` step imports.",
  TCGDEX_ALIASES_FILE:
    'CSV of TCGdex set id ⇄ pokemontcg.io set id (`tcgdex_set_id,pokemontcg_set_id`) so TCGdex cards map to catalogue ids.',
  JUSTTCG_REQUESTS_PER_MINUTE: 'Request rate towards JustTCG (stay within your plan).',
  ALERT_HYSTERESIS_PCT:
    'Alerts: after firing, a rule re-arms only once its condition is false by this margin (percent of the threshold, or percentage points of a change).',
  ALERT_COOLDOWN_HOURS: 'Alerts: least time between two firings of one rule, even when it re-armed in between.',
  ALERT_RULES_PER_OWNER: 'Most alert rules one owner (portfolio, e-mail subscriber, operators) may hold.',
  ALERT_CREATE_PER_HOUR: 'Alert rules, webhook endpoints and e-mail subscriptions one client IP may create per hour.',
  DIGEST_CRON: 'When daily digest e-mails are sent (cron, UTC), for subscribers who chose a digest.',
  EMAIL_PROVIDER:
    'How e-mail is sent: `none` (e-mail channel off), `smtp`, `resend`, `postmark`, or `file` (`.eml` files in EMAIL_FILE_DIR, for development). Any but `none` needs PUBLIC_URL and EMAIL_FROM.',
  EMAIL_FROM: 'Sender of alert e-mails, e.g. `cardquant <alerts@example.com>`.',
  EMAIL_FILE_DIR: 'Where the `file` provider writes `.eml` files.',
  SMTP_URL: 'SMTP server for the `smtp` provider: `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465`.',
  DKIM_DOMAIN: 'SMTP: domain that signs with DKIM (with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE; docs/EMAIL.md).',
  DKIM_SELECTOR: 'SMTP: DKIM selector (the DNS record is `<selector>._domainkey.<domain>`).',
  DKIM_PRIVATE_KEY_FILE: 'SMTP: PEM file of the DKIM private key.',
  RESEND_API_KEY: 'Resend API key (the `resend` provider).',
  RESEND_BASE_URL: 'Resend API base URL.',
  RESEND_WEBHOOK_SECRET: 'Signing secret (`whsec_…`) of the Resend webhook that posts to `/v1/inbound/email/resend`.',
  POSTMARK_SERVER_TOKEN: 'Postmark server token (the `postmark` provider).',
  POSTMARK_BASE_URL: 'Postmark API base URL.',
  POSTMARK_MESSAGE_STREAM: 'Postmark message stream alert e-mails are sent on.',
  POSTMARK_WEBHOOK_USER: 'Basic-auth user Postmark webhooks must send to `/v1/inbound/email/postmark`.',
  POSTMARK_WEBHOOK_PASSWORD: 'Basic-auth password (≥ 16 chars) of the Postmark webhook.',
  WEBHOOK_TIMEOUT_MS: 'Time limit of one webhook or Discord delivery attempt (connect to last byte).',
  WEBHOOK_SECRET_OVERLAP_HOURS: 'After a webhook secret rotation, how long deliveries are signed with both secrets.',
  WEBHOOK_DISABLE_AFTER_DAYS:
    'A webhook endpoint whose attempts have all failed for this long is disabled and its owner told.',
  EGRESS_ALLOW:
    'Address kinds webhook and Discord deliveries may reach despite the egress guard: loopback, private, link-local, unique-local, unspecified (default none: only public addresses).',
  DISCORD_API_BASE: 'Base URL Discord webhook URLs must start with (`<base>/api/webhooks/<id>/<token>`).',
  DNS_SERVERS:
    'DNS servers (`ip` or `ip:port`, comma-separated) that webhook destinations and `email check-domain` are resolved with (empty: the system resolver).',
  DELIVERY_MAX_ATTEMPTS: 'Attempts of one delivery before it becomes a dead letter.',
  DELIVERY_BACKOFF_BASE_SECONDS:
    'Delay before the second attempt; each later delay is 3× the one before (up to DELIVERY_BACKOFF_MAX_HOURS), plus up to 25 % jitter.',
  DELIVERY_BACKOFF_MAX_HOURS: 'Longest delay between two attempts of a delivery.',
  DELIVERY_CONCURRENCY: 'Deliveries one worker process sends at a time.',
  DELIVERY_LEASE_SECONDS:
    'How long a worker holds a claimed delivery; a worker that dies releases it when this runs out (longer than WEBHOOK_TIMEOUT_MS).',
  DELIVERY_POLL_MS: 'How often an idle delivery worker looks for due deliveries.',
  CIRCUIT_FAILURE_THRESHOLD: 'Consecutive failed attempts to one destination (host, provider) that open its circuit.',
  CIRCUIT_OPEN_SECONDS:
    'How long an open circuit holds deliveries to its destination back (rescheduled, no attempt spent) before one is tried again.',
  LOG_SHIP_S3_BUCKET:
    'Ship every log line (redacted as on stdout) to this S3-compatible bucket as gzip NDJSON objects (unset: no S3 shipping). Credentials come from the AWS SDK chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profile, instance role).',
  LOG_SHIP_S3_PREFIX:
    'Key prefix of shipped log objects (`<prefix>YYYY/MM/DD/HH/<time>-<host>-<pid>-<seq>.ndjson.gz`).',
  LOG_SHIP_S3_ENDPOINT: 'Endpoint of an S3-compatible store (MinIO, R2, …; path-style addressing); unset: AWS S3.',
  LOG_SHIP_S3_REGION: 'Region of the log bucket.',
  LOG_SHIP_HTTP_URL:
    'Ship every log line to this HTTP endpoint too: the Loki push URL (`…/loki/api/v1/push`) or the OTLP/HTTP logs URL (`…/v1/logs`); needs `LOG_SHIP_HTTP_FORMAT`.',
  LOG_SHIP_HTTP_FORMAT: 'What `LOG_SHIP_HTTP_URL` speaks: `loki` (push API, JSON) or `otlp` (OTLP/HTTP logs, JSON).',
  LOG_SHIP_HTTP_AUTHORIZATION:
    'Value of the `Authorization` header sent to `LOG_SHIP_HTTP_URL` (e.g. `Basic …`, `Bearer …`).',
  LOG_SHIP_BATCH_LINES: 'Most lines in one shipped batch.',
  LOG_SHIP_BATCH_BYTES: 'Most bytes in one shipped batch (a batch is sent when it reaches this size).',
  LOG_SHIP_FLUSH_MS: 'Longest a line waits in an open batch before the batch is sent.',
  LOG_SHIP_BUFFER_BYTES:
    'Memory per destination for lines not yet acknowledged; when full, the oldest batch is dropped and counted in `cardquant_log_ship_dropped_total` (at least 2 × `LOG_SHIP_BATCH_BYTES`).',
  LOG_SHIP_TIMEOUT_MS: 'Longest wait for one shipping request.',
  LOG_SHIP_BACKOFF_MAX_MS:
    'Longest wait between two attempts to send a batch to a receiver that is down (exponential backoff with jitter from 1 s).',
  OTEL_EXPORTER_OTLP_ENDPOINT:
    'Turns tracing on: base URL of an OTLP/HTTP collector (spans go to `<url>/v1/traces`). Unset: no tracing, and the OpenTelemetry SDK is not loaded.',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'Full OTLP/HTTP traces URL; overrides `OTEL_EXPORTER_OTLP_ENDPOINT` for spans.',
  OTEL_SERVICE_NAME: 'Service name on spans (`service.name`).',
  TRACEPARENT:
    'W3C trace context a child process continues (set by the parent for pipeline and backtest processes; not for operators).',
  BACKUP_DIR:
    'Directory `cardquant backup` writes backups (and their `.manifest.json`) to; unset with no BACKUP_S3_BUCKET, the pipeline skips its `backup` and `restore-drill` steps.',
  BACKUP_ENCRYPT:
    'Seal backup files with the data key (AES-256-GCM, chunked); requires DATA_ENCRYPTION_KEY, so the key outlives the database it protects.',
  BACKUP_KEEP_LAST: 'Retention: the newest this many succeeded backups are always kept.',
  BACKUP_RETENTION_DAYS:
    'Retention: a backup beyond the newest BACKUP_KEEP_LAST is deleted (file, manifest and copies) once older than this.',
  BACKUP_S3_BUCKET:
    "S3-compatible bucket backups are uploaded to (credentials from the AWS SDK's standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role).",
  BACKUP_S3_PREFIX: 'Key prefix of backup objects in BACKUP_S3_BUCKET.',
  BACKUP_S3_ENDPOINT: 'Endpoint of an S3-compatible service other than AWS (MinIO, Ceph, a local test server).',
  BACKUP_S3_REGION: 'Region of BACKUP_S3_BUCKET.',
  BACKUP_S3_FORCE_PATH_STYLE:
    'Address the bucket as `<endpoint>/<bucket>` instead of `<bucket>.<endpoint>` (most self-hosted S3-compatible servers).',
};

/**
 * The environment a child process starts with: this process's, plus `extra` (unset keys removed).
 *
 * @example
 * spawn(cmd, args, { env: childEnv({ TRACEPARENT: '00-…-01' }) });
 */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

/**
 * Parses settings from the environment, overlaid on an optional JSON config file
 * (`CARDQUANT_CONFIG=path`). Empty strings count as unset. All problems are reported together.
 *
 * @example
 * const config = loadConfig({ PORT: '9000' }); // config.PORT === 9000
 */
export function loadConfig(env: Source = process.env): Config {
  const problems: string[] = [];
  const merged: Source = {};
  const filePath = env.CARDQUANT_CONFIG;
  if (filePath) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`CARDQUANT_CONFIG: ${filePath} must hold a JSON object`);
      } else {
        for (const [k, v] of Object.entries(parsed)) {
          merged[k] = Array.isArray(v) ? v.join(',') : String(v);
        }
      }
    } catch (err) {
      problems.push(`CARDQUANT_CONFIG: cannot read ${filePath} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const known = Object.keys(configSchema.shape);
  for (const key of known) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  for (const key of Object.keys(merged)) if (merged[key] === '') delete merged[key];

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        problems.push(`config file: unknown setting(s) ${issue.keys.join(', ')}`);
      } else {
        // Never echo the offending value: it may be a secret.
        problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
    }
  }
  if (result.success && result.data.DATABASE_READ_URL && !/^postgres(ql)?:\/\//.test(result.data.DATABASE_URL)) {
    problems.push('DATABASE_READ_URL: a read replica needs DATABASE_URL on PostgreSQL too');
  }
  if (result.success && result.data.ADMIN_TOKEN_NEXT && !result.data.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN_NEXT: set ADMIN_TOKEN too (NEXT is only the rotation partner)');
  }
  if (result.success && result.data.EMAIL_PROVIDER !== 'none') {
    const d = result.data;
    if (!d.PUBLIC_URL)
      problems.push('PUBLIC_URL: required when EMAIL_PROVIDER is set (links in e-mails are built from it)');
    if (!d.EMAIL_FROM) problems.push('EMAIL_FROM: required when EMAIL_PROVIDER is set');
    if (d.EMAIL_PROVIDER === 'smtp' && !d.SMTP_URL) problems.push('SMTP_URL: required when EMAIL_PROVIDER=smtp');
    if (d.EMAIL_PROVIDER === 'resend' && !d.RESEND_API_KEY)
      problems.push('RESEND_API_KEY: required when EMAIL_PROVIDER=resend');
    if (d.EMAIL_PROVIDER === 'postmark' && !d.POSTMARK_SERVER_TOKEN)
      problems.push('POSTMARK_SERVER_TOKEN: required when EMAIL_PROVIDER=postmark');
  }
  if (result.success) {
    const dkim = [result.data.DKIM_DOMAIN, result.data.DKIM_SELECTOR, result.data.DKIM_PRIVATE_KEY_FILE];
    if (dkim.some((v) => v !== undefined) && !dkim.every((v) => v !== undefined))
      problems.push('DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE: set all three or none');
    if (result.data.DELIVERY_LEASE_SECONDS * 1000 <= result.data.WEBHOOK_TIMEOUT_MS)
      problems.push('DELIVERY_LEASE_SECONDS: must be longer than WEBHOOK_TIMEOUT_MS');
    if ((result.data.POSTMARK_WEBHOOK_USER === undefined) !== (result.data.POSTMARK_WEBHOOK_PASSWORD === undefined))
      problems.push('POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both or neither');
  }
  if (result.success) {
    const d = result.data;
    if (d.LOG_SHIP_HTTP_URL && /^[a-z]+:\/\/[^/]*@/i.test(d.LOG_SHIP_HTTP_URL))
      problems.push('LOG_SHIP_HTTP_URL: no credentials in the URL; put them in LOG_SHIP_HTTP_AUTHORIZATION');
    if ((d.LOG_SHIP_HTTP_URL === undefined) !== (d.LOG_SHIP_HTTP_FORMAT === undefined))
      problems.push('LOG_SHIP_HTTP_URL, LOG_SHIP_HTTP_FORMAT: set both (loki or otlp) or neither');
    if (d.LOG_SHIP_BUFFER_BYTES < 2 * d.LOG_SHIP_BATCH_BYTES)
      problems.push('LOG_SHIP_BUFFER_BYTES: must hold at least two batches (2 × LOG_SHIP_BATCH_BYTES)');
  }
  if (result.success && result.data.RATE_LIMIT_STORE === 'redis' && !result.data.REDIS_URL)
    problems.push('REDIS_URL: required when RATE_LIMIT_STORE=redis');
  if (
    result.success &&
    result.data.RATE_LIMIT_STORE === 'postgres' &&
    !/^postgres(ql)?:/.test(result.data.DATABASE_URL)
  )
    problems.push('RATE_LIMIT_STORE: postgres needs a PostgreSQL DATABASE_URL');
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** True when the test suite runs under CI (PostgreSQL tests must not skip there). */
export function isCi(env: Source = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/**
 * The environment a child program (pg_dump, pg_restore) starts with: this process's, with
 * `extra` on top, so a password travels in the environment, never in the child's argv.
 */
export function childEnvironment(extra: Record<string, string>, env: Source = process.env): NodeJS.ProcessEnv {
  return { ...env, ...extra };
}
