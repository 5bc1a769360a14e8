/**
 * Wires a process: configuration → logger → database (migrated) → services → app.
 * Commands in cli.ts start from here; tests build the same runtime with their own config.
 */
import { hostname } from 'node:os';
import type { Context } from 'hono';
import type * as AppModule from './app.ts';
import type { Config } from './config.ts';
import { AuditService } from './features/audit/audit.service.ts';
import { BearerAuthenticator, KeyUsageTracker } from './features/auth/authenticator.ts';
import { KeysService } from './features/auth/keys.service.ts';
import type { IngestContext } from './features/ingest/context.ts';
import { IngestionRuns } from './features/ingest/ingestion-run.ts';
import { SearchInterestService } from './features/ingest/search-interest.ts';
import { sourcesFromConfig } from './features/ingest/sources/registry.ts';
import { ChildProcessLauncher, type PipelineLauncher } from './platform/launcher.ts';
import { ChildProcessBacktestLauncher } from './features/backtests/backtests.launcher.ts';
import type { BacktestRoutesOptions } from './features/backtests/backtests.routes.ts';
import { Pipeline } from './features/pipeline/pipeline.ts';
import { moverRules } from './features/market/movers.repo.ts';
import { pipelineSteps } from './features/pipeline/steps.ts';
import { type StepSources } from './features/ingest/sources/registry.ts';
import { PortfolioCapabilities } from './features/portfolios/portfolio-auth.ts';
import { ManageTokens } from './features/subscribers/subscriber-auth.ts';
import { SubscriptionsService } from './features/subscribers/subscriptions.service.ts';
import { WebhookEndpoints } from './features/webhooks/endpoints.service.ts';
import { PortfoliosService } from './features/portfolios/portfolios.service.ts';
import { AnalyticsService } from './features/portfolios/analytics.service.ts';
import { LedgerService } from './features/portfolios/ledger.service.ts';
import { PerformanceService } from './features/portfolios/performance.service.ts';
import { ValuationService } from './features/portfolios/valuation.service.ts';
import { PortfolioCsvService } from './features/portfolios/csv.service.ts';
import { WatchlistService } from './features/portfolios/watchlist.service.ts';
import { isoInstant, systemClock, type Clock } from './platform/clock.ts';
import { openDatabase, type Database } from './platform/db/database.ts';
import { listMigrations, migrate } from './platform/db/migrator.ts';
import type { Platform } from './platform/http/context.ts';
import { IdempotencyStore } from './platform/http/idempotency.ts';
import { RateLimits } from './platform/http/rate-limit.ts';
import { openRateLimitStore } from './platform/http/rate-limit-store.ts';
import { ResponseCache } from './platform/http/response-cache.ts';
import { RequestRollups } from './platform/http/rollups.ts';
import { publicOperations, SloService, type RouteKey } from './features/slo/slo.service.ts';
import { resolveDataKeys } from './platform/data-key.ts';
import { BackgroundWork } from './platform/background.ts';
import { idFactory } from './platform/ids.ts';
import { createAccessLogger, createLogger, type Logger } from './platform/log.ts';
import { createMetrics } from './platform/metrics.ts';
import type { LogShipping } from './platform/logship/log-shipping.ts';
import { flushTracing, startTracing } from './platform/tracing.ts';
import type { EngineRegistry } from './features/signals/engine.ts';
import { defaultEngines, signalConfig } from './features/signals/settings.ts';
import { anomalyRules } from './features/quality/anomalies.ts';
import { retentionSettings } from './features/retention/retention.ts';
import { BackupService } from './features/backups/backup.service.ts';
import { backupSettings } from './features/backups/settings.ts';

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  accessLog?: Logger;
  /** Collect process metrics (off in tests that build many runtimes). */
  processMetrics?: boolean;
  /** How API-requested pipeline runs are started (default: a child process). */
  launcher?: PipelineLauncher;
  /** Which importers the pipeline's ingest steps call (default: from configuration). */
  sources?: StepSources;
  /** Names this process in locks and scheduled runs. */
  instance?: string;
  /** Signal engines SIGNALS_ENGINE chooses from (default: the built-in ones). */
  engines?: EngineRegistry;
  /** How API-requested large backtests are executed (default: a child process) and the inline size limit. */
  backtests?: BacktestRoutesOptions;
  /**
   * Build the HTTP app (default true). CLI commands that serve nothing pass false: the app's
   * modules (every route, its schemas) are then never loaded, which keeps a long import's heap,
   * and the garbage V8 lets grow in proportion to it, smaller.
   */
  http?: boolean;
  /** Where log lines are shipped besides stdout (this process's and its children's). */
  logShipping?: LogShipping | null;
  /**
   * This process is one of several answering for the same database (`cardquant serve`):
   * `RATE_LIMIT_STORE=auto` then shares counters (platform/http/rate-limit-store.ts).
   */
  replicated?: boolean;
  /**
   * This process answers HTTP requests (default true). `cardquant worker` passes false: it then
   * opens no rate-limit store and no read-replica pool (DATABASE_READ_URL), which only requests
   * use; it still builds the app when `http` is on (the SLO job reads the public routes from it).
   */
  serving?: boolean;
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

function openOptions(config: Config, log: Logger) {
  return {
    sqliteBusyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
    pgPoolMax: config.PG_POOL_MAX,
    pgConnectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
    onIdleError: (err: Error) =>
      log.warn({ err: { message: err.message } }, 'idle database connection lost; it will be replaced'),
  };
}

/** Opens the database and applies pending migrations (every command does this first). */
export async function openMigrated(config: Config, log: Logger, clock: Clock = systemClock): Promise<Database> {
  const database = openDatabase(config.DATABASE_URL, openOptions(config, log));
  try {
    const applied = await migrate(database, () => isoInstant(clock.now()));
    if (applied.length > 0) log.info({ database: database.describe(), applied }, 'migrations applied');
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}) {
  const clock = options.clock ?? systemClock;
  // Off unless configured; when off, the OpenTelemetry SDK is never loaded.
  await startTracing(config);
  const shipping = options.logShipping ?? null;
  const log = options.log ?? createLogger(config.LOG_LEVEL, shipping?.destination);
  const database = await openMigrated(config, log, clock);
  const serving = options.http !== false && options.serving !== false;
  // A replica is never migrated: its schema arrives by replication, and /readyz checks it is current.
  // Only request handlers read from it: a process that serves nothing opens no pool there.
  const readDatabase =
    serving && config.DATABASE_READ_URL ? openDatabase(config.DATABASE_READ_URL, openOptions(config, log)) : database;
  const dataKeys = resolveDataKeys(config);
  if (dataKeys.source.kind === 'file' && dataKeys.source.created)
    log.info({ keyFile: dataKeys.source.path }, 'data encryption key file created (mode 0600)');
  for (const warning of dataKeys.warnings) log.warn({ dataKeyId: dataKeys.box.keyId }, warning);
  const newId = idFactory(clock);
  const metrics = createMetrics({ processMetrics: options.processMetrics });
  shipping?.registerMetrics(metrics.registry);
  const audit = new AuditService(database.db, clock, newId);
  const keys = new KeysService(database.db, clock, newId, audit);
  const keyUsage = new KeyUsageTracker(database.db);
  const authenticator = new BearerAuthenticator(
    database.db,
    clock,
    await BearerAuthenticator.hashAdminTokens(config.ADMIN_TOKEN, config.ADMIN_TOKEN_NEXT),
    keyUsage,
  );
  // Processes that serve nothing count nothing: they open no store connection.
  const rateLimitStore = !serving
    ? {}
    : await openRateLimitStore(config, database, log, metrics.registry, {
        replicated: options.replicated ?? false,
      });
  const platform: Platform = {
    config,
    log,
    accessLog: options.accessLog ?? (options.log ? log : createAccessLogger(config.LOG_LEVEL, shipping?.destination)),
    clock,
    database,
    readDatabase,
    audit,
    authenticator,
    portfolioAuthenticator: new PortfolioCapabilities(database.db, database.dialect),
    subscriberAuthenticator: new ManageTokens(database.db, clock),
    rateLimits: new RateLimits(
      {
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
        anonymousPoints: config.RATE_LIMIT_ANONYMOUS,
        authenticatedPoints: config.RATE_LIMIT_AUTHENTICATED,
        authFailurePoints: 30,
        portfolioCreationsPerHour: config.PORTFOLIO_CREATE_PER_HOUR,
        alertCreationsPerHour: config.ALERT_CREATE_PER_HOUR,
      },
      rateLimitStore,
    ),
    responseCache: new ResponseCache(config.RESPONSE_CACHE_MB * 1024 * 1024),
    idempotency: new IdempotencyStore(
      database.db,
      clock,
      config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
      dataKeys.box,
      config.IDEMPOTENCY_SECRET_TTL_MINUTES * 60_000,
      config.IDEMPOTENCY_LEASE_SECONDS * 1000,
    ),
  };
  const instance = options.instance ?? `${process.pid}`;
  const runs = new IngestionRuns(database.db, clock, newId, {
    keepPayloads: true,
    heartbeatMs: config.RUN_HEARTBEAT_SECONDS * 1000,
    holder: `${hostname()}:${process.pid}/${instance}`,
    log,
  });
  const ingest: IngestContext = { database, runs, clock, log };
  const searchInterest = new SearchInterestService(database, runs, clock);
  const engines = options.engines ?? defaultEngines();
  const backups = new BackupService(
    {
      database,
      databaseUrl: config.DATABASE_URL,
      clock,
      newId,
      box: dataKeys.box,
      keyFromSetting: dataKeys.source.kind === 'setting',
    },
    backupSettings(config),
  );
  const pipeline = new Pipeline(
    database.db,
    clock,
    log,
    newId,
    instance,
    pipelineSteps(ingest, options.sources ?? sourcesFromConfig(config), {
      retention: retentionSettings(config),
      movers: moverRules(config),
      anomalies: anomalyRules(config),
      signals: signalConfig(config),
      engines,
      alerts: { hysteresisPct: config.ALERT_HYSTERESIS_PCT, cooldownHours: config.ALERT_COOLDOWN_HOURS },
      box: dataKeys.box,
      database: { url: config.DATABASE_URL, busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS },
      backups,
    }),
    config.RUN_HEARTBEAT_SECONDS * 1000,
  );
  if (config.PIPELINE_LEASE_MINUTES !== undefined) {
    log.warn(
      { setting: 'PIPELINE_LEASE_MINUTES' },
      'PIPELINE_LEASE_MINUTES is deprecated and ignored: a pipeline step is held while its process heartbeats (RUN_HEARTBEAT_SECONDS)',
    );
  }
  const launcher =
    options.launcher ?? new ChildProcessLauncher(log, shipping ? { out: shipping.childOut('pipeline') } : {});
  const backtests: BacktestRoutesOptions = {
    launcher: new ChildProcessBacktestLauncher(log, shipping ? { out: shipping.childOut('backtest') } : {}),
    ...options.backtests,
  };
  const background = new BackgroundWork(config.MAX_CHILD_PROCESSES, log);
  const ledger = new LedgerService(database.db, clock, newId);
  const valuation = new ValuationService(database, clock, config.PORTFOLIO_CACHE_ENTRIES);
  const portfolios = {
    portfolios: new PortfoliosService(database.db, clock, newId, audit),
    watchlist: new WatchlistService(database.db, clock, database.dialect),
    ledger,
    performance: new PerformanceService(database, clock, config.PORTFOLIO_CACHE_ENTRIES),
    valuation,
    analytics: new AnalyticsService(database, clock, newId, ledger, valuation, engines, signalConfig(config)),
    csv: new PortfolioCsvService(database.db, clock, ledger, {
      maxBytes: config.CSV_IMPORT_MAX_BYTES,
      maxRows: config.CSV_IMPORT_MAX_ROWS,
    }),
  };
  const rollups = config.ROLLUPS
    ? new RequestRollups(database.db, clock, log, {
        maxKeysPerMinute: config.ROLLUP_MAX_KEYS_PER_MINUTE,
        maxPendingMinutes: 60,
      })
    : undefined;
  let publicRoutes: RouteKey[] | undefined;
  const slo: SloService = new SloService(
    database.db,
    clock,
    newId,
    {
      pipelineDeadline: config.SLO_PIPELINE_DEADLINE,
      staleAfterDays: config.STALE_AFTER_DAYS,
      deliveryLatencySeconds: config.SLO_DELIVERY_LATENCY_SECONDS,
      pipelineSteps: pipeline.names(),
    },
    // Read from the app's OpenAPI document once, when first needed (a runtime without the app has none).
    (): RouteKey[] =>
      (publicRoutes ??= built
        ? publicOperations(built.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'cardquant', version: '1' } }))
        : []),
  );
  const remoteAddress = (c: Context) =>
    (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  const rawHeaders = (c: Context) =>
    (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming?.rawHeaders;
  const built =
    options.http === false
      ? null
      : (await import('./app.ts')).createApp({
          platform,
          metrics,
          keys,
          audit,
          pipeline,
          launcher,
          background,
          searchInterest,
          portfolios,
          email: {
            subscriptions: new SubscriptionsService(database.db, clock, newId, dataKeys.box, audit),
            newId,
          },
          signals: { engines, config: signalConfig(config), newId },
          backtests,
          webhookEndpoints: new WebhookEndpoints(database.db, clock, newId, dataKeys.box, audit, config),
          migrations: listMigrations(),
          remoteAddress,
          rawHeaders,
          rollups,
          slo,
        });

  const flushTimer = setInterval(() => {
    keyUsage.flush().catch((err: Error) => log.error({ err: { message: err.message } }, 'key usage flush failed'));
  }, config.KEY_USAGE_FLUSH_MS);
  flushTimer.unref();
  // Errors are logged inside flush; a failed flush keeps its counts for the next one.
  const rollupTimer = setInterval(() => void rollups?.flush(), config.ROLLUP_FLUSH_SECONDS * 1000);
  rollupTimer.unref();

  return {
    config,
    clock,
    log,
    database,
    /** Where lag-tolerant public market reads go: the read replica (DATABASE_READ_URL), else `database`. */
    readDatabase,
    /** The data key (at-rest encryption of stored answers, webhook secrets, e-mail link tokens). */
    dataKeys,
    metrics,
    audit,
    keys,
    keyUsage,
    /** Service level objectives: status, objectives, the `slo.evaluate` job. */
    slo,
    /** Per-minute request roll-ups waiting to be written (absent with ROLLUPS=false). */
    rollups,
    platform,
    runs,
    ingest,
    searchInterest,
    portfolios,
    pipeline,
    launcher,
    background,
    engines,
    newId,
    /** Backups, restores and restore drills (BACKUP_*). */
    backups,
    /** The HTTP app; a runtime created with `http: false` has none. */
    get app(): ReturnType<typeof AppModule.createApp> {
      if (!built) throw new Error('this runtime was created without the HTTP app (http: false)');
      return built;
    },
    /** Flushes batched writes and closes the database. */
    async close(): Promise<void> {
      clearInterval(flushTimer);
      clearInterval(rollupTimer);
      await rollups?.close();
      await keyUsage
        .flush()
        .catch((err: Error) => log.error({ err: { message: err.message } }, 'key usage flush failed'));
      backups.close();
      await platform.rateLimits.close();
      if (readDatabase !== database) await readDatabase.close();
      await database.close();
      await flushTracing().catch((err: Error) =>
        log.warn({ err: { message: err.message } }, 'spans could not be sent before closing'),
      );
    },
  };
}
