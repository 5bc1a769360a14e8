/**
 * createApp: global middleware, feature routers and the generated OpenAPI document.
 * Web-standard only (Request/Response, Web Crypto); Node specifics come in through `deps`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { anomaliesRoutes } from './features/quality/anomalies.routes.ts';
import { auditRoutes } from './features/audit/audit.routes.ts';
import { errorsRoutes } from './features/errors/errors.routes.ts';
import type { AuditService } from './features/audit/audit.service.ts';
import { keysRoutes } from './features/auth/keys.routes.ts';
import type { KeysService } from './features/auth/keys.service.ts';
import { ingestionRunRoutes } from './features/ingest/ingest.routes.ts';
import { unmatchedRoutes } from './features/ingest/unmatched.routes.ts';
import { metaRoutes } from './features/ops/meta.routes.ts';
import { cardsRoutes } from './features/market/cards.routes.ts';
import { dashboardRoutes } from './features/market/dashboard.routes.ts';
import { facetsRoutes } from './features/market/facets.routes.ts';
import { historyRoutes } from './features/market/history.routes.ts';
import { indexesRoutes } from './features/market/indexes.routes.ts';
import { moverRules } from './features/market/movers.repo.ts';
import { moversRoutes } from './features/market/movers.routes.ts';
import { searchInterestRoutes } from './features/ingest/search-interest.routes.ts';
import type { SearchInterestService } from './features/ingest/search-interest.ts';
import { ImageHosts } from './features/catalog/image-hosts.ts';
import { docsRoutes, openApiRoutes } from './features/ops/docs.routes.ts';
import { DEFAULT_WEB_DIR, webApp } from './features/web/web-app.ts';
import type { PipelineLauncher } from './platform/launcher.ts';
import type { Pipeline } from './features/pipeline/pipeline.ts';
import { pipelineRoutes } from './features/pipeline/pipeline.routes.ts';
import { healthRoutes, metricsRoutes } from './features/ops/health.routes.ts';
import { portfolioRoutes, type PortfolioServices } from './features/portfolios/portfolios.routes.ts';
import { inboundEmailRoutes } from './features/email/inbound.routes.ts';
import { subscriptionRoutes } from './features/subscribers/subscriptions.routes.ts';
import type { SubscriptionsService } from './features/subscribers/subscriptions.service.ts';
import type { IdPrefix } from './platform/ids.ts';
import { listMigrations, type MigrationFile } from './platform/db/migrator.ts';
import { isDatabaseUnavailable } from './platform/db/unavailable.ts';
import type { ErrorCode } from './platform/error-codes.ts';
import { AppError } from './platform/errors.ts';
import { authenticate } from './platform/http/auth.ts';
import { clientIpResolver } from './platform/http/client-ip.ts';
import type { AppEnv, Platform } from './platform/http/context.ts';
import { observe } from './platform/http/observe.ts';
import { countProblems, problem } from './platform/http/problem.ts';
import { tracingOn } from './platform/tracing.ts';
import { traceRequests } from './platform/http/trace-requests.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import type { Metrics } from './platform/metrics.ts';
import type { BackgroundWork } from './platform/background.ts';
import type { EngineRegistry } from './features/signals/engine.ts';
import type { SignalConfig } from './features/signals/settings.ts';
import { signalsRoutes } from './features/signals/signals.routes.ts';
import { backtestsRoutes, type BacktestRoutesOptions } from './features/backtests/backtests.routes.ts';
import { factorsRoutes } from './features/factors/factors.routes.ts';
import { deliveriesRoutes } from './features/deliveries/deliveries.routes.ts';
import { refreshDeliveryGauges } from './features/deliveries/delivery-gauges.ts';
import { refreshOperationsGauges } from './features/ops/operations-gauges.ts';
import { refreshRetentionGauges } from './features/retention/retention-gauges.ts';
import { retentionSettings } from './features/retention/retention.ts';
import { BackupGauges } from './features/backups/backup-gauges.ts';
import { backupsRoutes } from './features/backups/backups.routes.ts';
import { alertsRoutes } from './features/alerts/alerts.routes.ts';
import { AlertsService } from './features/alerts/alerts.service.ts';
import { idFactory } from './platform/ids.ts';
import type { RequestRollups } from './platform/http/rollups.ts';
import { sloRoutes } from './features/slo/slo.routes.ts';
import type { SloService } from './features/slo/slo.service.ts';
import { refreshSloGauges } from './features/slo/slo-gauges.ts';
import { webhookEndpointRoutes } from './features/webhooks/endpoints.routes.ts';
import type { WebhookEndpoints } from './features/webhooks/endpoints.service.ts';

export interface AppDeps {
  platform: Platform;
  metrics: Metrics;
  keys: KeysService;
  audit: AuditService;
  pipeline: Pipeline;
  launcher: PipelineLauncher;
  /** Slots for pipeline runs and backtests beside the HTTP thread (MAX_CHILD_PROCESSES). */
  background: BackgroundWork;
  searchInterest: SearchInterestService;
  portfolios: PortfolioServices;
  /** E-mail subscriptions (double opt-in, unsubscribe, delete everything) and provider events. */
  email: { subscriptions: SubscriptionsService; newId: (prefix: IdPrefix) => string };
  /** Signal engines and the configured engine, weights, history and window. */
  signals: { engines: EngineRegistry; config: SignalConfig; newId: (prefix: 'fw') => string };
  /** How large backtests are executed (a child process) and the inline size limit. */
  backtests?: BacktestRoutesOptions;
  /** Owners' webhook and Discord endpoints (`/v1/webhook-endpoints`). */
  webhookEndpoints: WebhookEndpoints;
  migrations?: MigrationFile[];
  /** The peer address of a request; the Node server supplies it from the socket. */
  remoteAddress?: (c: Context) => string | undefined;
  /** A request's header lines as received (name, value, name, value …); the Node server supplies them. */
  rawHeaders?: (c: Context) => readonly string[] | undefined;
  /** Per-minute request roll-ups (absent: not recorded). */
  rollups?: RequestRollups;
  /** Service level objectives (`/v1/admin/slo`). */
  slo?: SloService;
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const httpExceptionProblems: Record<number, { code: ErrorCode; detail: string }> = {
  415: { code: 'unsupported_media_type', detail: 'Send the body as application/json.' },
};

/** `onError` of the app: typed errors, Hono's client errors and an unavailable database as problems; anything else a 500. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
    return problem(c, {
      status: err.status,
      code: err.code,
      detail: err.message,
      fields: err.extra.fields,
      headers: err.extra.headers,
    });
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's validator throws 400 for a body that is not JSON; its text may quote the body, so it is not echoed.
    const malformed = err.status === 400 && /json/i.test(err.message);
    const known = httpExceptionProblems[err.status];
    return problem(c, {
      status: err.status,
      code: malformed ? 'malformed_json' : (known?.code ?? 'bad_request'),
      detail: malformed
        ? 'The request body is not valid JSON.'
        : (known?.detail ?? 'The request could not be processed.'),
    });
  }
  if (isDatabaseUnavailable(err)) {
    const code = (err as { code?: unknown }).code;
    c.get('platform').log.error(
      { requestId: c.get('requestId'), err: { name: err.name, message: err.message, code } },
      'database unavailable',
    );
    return problem(c, {
      status: 503,
      code: 'database_unavailable',
      detail: 'The database is unavailable; retry shortly.',
      headers: { 'Retry-After': '5' },
    });
  }
  c.get('platform').log.error(
    { requestId: c.get('requestId'), err: { name: err.name, message: err.message, stack: err.stack } },
    'unhandled error',
  );
  return problem(c, {
    status: 500,
    code: 'internal_error',
    detail: 'An unexpected error occurred; the request id identifies it in the logs.',
  });
}

/**
 * @example
 * const app = createApp(deps); const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const { platform } = deps;
  const { config } = platform;
  const migrations = deps.migrations ?? listMigrations();
  const app = new OpenAPIHono<AppEnv>();
  const clientIp = clientIpResolver(config.TRUST_PROXY, config.TRUSTED_PROXIES);
  const images = new ImageHosts(platform.database.db, config.REMOTE_IMAGES);

  app.use('*', async (c, next) => {
    c.set('platform', platform);
    c.set('principal', null);
    c.set('clientIp', clientIp(c.req.header('X-Forwarded-For'), deps.remoteAddress?.(c)));
    c.set('rawHeaders', deps.rawHeaders?.(c));
    await next();
  });
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  // Registered only with tracing on, so a request without it pays nothing.
  if (tracingOn()) app.use('*', traceRequests());
  app.use('*', observe(deps.metrics, deps.rollups));
  app.use('*', countProblems(deps.metrics));
  app.use(
    '*',
    securityHeaders({ contentSecurityPolicy: API_CSP, hsts: config.PUBLIC_URL?.startsWith('https:') ?? false }),
  );
  if (config.CORS_ORIGINS.length > 0) {
    app.use(
      '*',
      cors({
        origin: config.CORS_ORIGINS,
        exposeHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'ETag'],
      }),
    );
  }
  const limitBody = bodyLimit({
    maxSize: config.BODY_LIMIT_BYTES,
    onError: (c) =>
      problem(c, {
        status: 413,
        code: 'body_too_large',
        detail: `The request body exceeds ${config.BODY_LIMIT_BYTES} bytes.`,
      }),
  });
  // Only methods whose handlers read a body pass through the limiter: wrapping the body stream of
  // every GET costs more than the rest of the middleware together (docs/BENCHMARKS.md).
  const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
  app.use('*', (c, next) => (BODY_METHODS.has(c.req.method) ? limitBody(c, next) : next()));
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allow = [...methods].sort().join(', ');
        return problem(c, {
          status: 405,
          code: 'method_not_allowed',
          detail: `${c.req.method} is not allowed here; use ${allow}.`,
          headers: { Allow: allow },
        });
      },
    }),
  );
  app.use('*', authenticate());
  // Admin answers (keys, audit entries, runs, anomalies) are never kept by a browser or a shared cache.
  app.use('/v1/admin/*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  });

  app.route('/', healthRoutes(migrations));
  const backupGauges = new BackupGauges(deps.metrics.registry);
  app.route(
    '/',
    metricsRoutes(config, deps.metrics, async () => {
      await refreshDeliveryGauges(platform.database.db, platform.clock, deps.metrics);
      await refreshOperationsGauges(
        platform.database.db,
        platform.clock,
        deps.metrics.operations,
        config.STALE_AFTER_DAYS,
      );
      await refreshRetentionGauges(platform.database.db, platform.clock, retentionSettings(config), deps.metrics);
      if (deps.slo) await refreshSloGauges(deps.slo, deps.metrics, platform.clock.now());
      await backupGauges.refresh(platform.database.db, platform.clock);
    }),
  );
  app.route('/', keysRoutes(deps.keys));
  if (deps.slo) app.route('/', sloRoutes(deps.slo, platform.database.db, platform.clock, deps.audit));
  app.route('/', auditRoutes(deps.audit));
  app.route('/', errorsRoutes(platform.database.db, platform.clock, config.ROLLUP_RETENTION_DAYS));
  app.route('/', metaRoutes(platform.database.db, platform.clock, config.STALE_AFTER_DAYS, images));
  // Public market reads tolerate replication lag: they read the replica when one is configured,
  // their data version (ETag) included, so no answer carries a version newer than its body.
  const market = platform.readDatabase;
  app.route('/', cardsRoutes(market));
  app.route('/', moversRoutes(market, moverRules(config)));
  app.route('/', dashboardRoutes(market, platform.clock, config.STALE_AFTER_DAYS));
  app.route('/', facetsRoutes(market));
  app.route('/', indexesRoutes(market));
  app.route('/', historyRoutes(market));
  app.route('/', ingestionRunRoutes(platform.database.db));
  app.route('/', unmatchedRoutes(platform.database.db));
  app.route('/', searchInterestRoutes(deps.searchInterest));
  app.route('/', pipelineRoutes(deps.pipeline, deps.launcher, deps.background));
  app.route('/', anomaliesRoutes(platform.database, platform.clock));
  app.route('/', signalsRoutes(platform.database, platform.clock, deps.signals.engines, deps.signals.config));
  app.route('/', backtestsRoutes(platform, deps.signals.engines, deps.signals.config, deps.background, deps.backtests));
  app.route(
    '/',
    factorsRoutes(platform.database, platform.clock, deps.signals.newId, deps.signals.engines, deps.signals.config),
  );
  app.route('/', portfolioRoutes(deps.portfolios));
  app.route('/', deliveriesRoutes());
  app.route('/', backupsRoutes());
  app.route(
    '/',
    alertsRoutes(
      new AlertsService(
        platform.database.db,
        platform.database.dialect,
        platform.clock,
        idFactory(platform.clock),
        config.ALERT_RULES_PER_OWNER,
      ),
    ),
  );

  app.route('/', subscriptionRoutes(deps.email.subscriptions));
  app.route(
    '/',
    inboundEmailRoutes({ database: platform.database, clock: platform.clock, newId: deps.email.newId, config }),
  );
  app.route('/', webhookEndpointRoutes(deps.webhookEndpoints));
  app.route('/', docsRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`cqk_…`) or the bootstrap ADMIN_TOKEN.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'portfolioId', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Portfolio-Id',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'portfolioSecret', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Portfolio-Secret',
  });
  app.route(
    '/',
    openApiRoutes(() =>
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'cardquant API',
          version: '1',
          description:
            'Price analytics for collectible trading cards. Every operation states its required role in `x-required-role`.',
        },
      }),
    ),
  );

  // The web app answers only what no route matched (so it never shadows the API), outside /v1.
  const web = config.WEB_APP ? webApp({ dir: config.WEB_DIR ?? DEFAULT_WEB_DIR, images }) : null;
  app.notFound(
    async (c) =>
      (await web?.(c)) ??
      problem(c, { status: 404, code: 'route_not_found', detail: `No route ${c.req.method} ${c.req.path}.` }),
  );
  app.onError(handleError);
  return app;
}
