import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import { assertCurrent, type MigrationFile } from '../../platform/db/migrator.ts';
import { roleRank, type AppEnv } from '../../platform/http/context.ts';
import { problem } from '../../platform/http/problem.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import type { Metrics } from '../../platform/metrics.ts';

// Probes are not rate limited: load balancers and orchestrators call them on a fixed cadence.
export const healthRoute = defineRoute(
  { access: 'public', rateLimit: false },
  {
    method: 'get',
    path: '/healthz',
    tags: ['ops'],
    summary: 'Liveness: the process answers',
    responses: {
      200: {
        description: 'Alive.',
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  },
);

export const readyRoute = defineRoute(
  { access: 'public', rateLimit: false },
  {
    method: 'get',
    path: '/readyz',
    tags: ['ops'],
    summary: 'Readiness: database reachable and migrations current',
    description:
      'Anyone learns ready or not ready; why not is in the log, and in `detail` for a caller with the viewer role.',
    responses: {
      200: {
        description: 'Ready.',
        content: { 'application/json': { schema: z.object({ status: z.literal('ready') }) } },
      },
      503: {
        description: 'Not ready; `detail` says why to viewers.',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    },
  },
);

const HEALTH_BODY = JSON.stringify({ status: 'ok' });

export function healthRoutes(migrations: MigrationFile[]): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    healthRoute,
    (c) => c.body(HEALTH_BODY, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }) as never,
  );
  app.openapi(readyRoute, async (c) => {
    const { database, readDatabase, log } = c.get('platform');
    try {
      // One statement proves both: the database answers and its schema is current. A read replica
      // is checked the same way: market reads go there, so its schema must be current too.
      // A newer release's migrations (a rolling upgrade under way) keep a running process ready.
      await assertCurrent(database, migrations, { newerAllowed: true });
      if (readDatabase !== database)
        await assertCurrent(readDatabase, migrations, { newerAllowed: true }).catch((err: Error) => {
          throw new Error(`read replica: ${err.message}`);
        });
    } catch (err) {
      log.warn({ requestId: c.get('requestId'), reason: (err as Error).message }, 'not ready');
      // Why (database location, migration names) is for operators, not for the public.
      const principal = c.get('principal');
      const viewer = principal?.role != null && roleRank[principal.role] >= roleRank.viewer;
      const detail = viewer ? (err as Error).message : 'The service is not ready; the log says why.';
      return problem(c, { status: 503, code: 'not_ready', detail, headers: { 'Cache-Control': 'no-store' } }) as never;
    }
    return c.json({ status: 'ready' as const }, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}

/** `refresh` runs before each scrape (gauges computed from the database, such as the delivery backlog). */
export function metricsRoutes(config: Config, metrics: Metrics, refresh?: () => Promise<void>): OpenAPIHono<AppEnv> {
  const metricsRoute = defineRoute(
    { access: config.METRICS_PUBLIC ? 'public' : 'viewer' },
    {
      method: 'get',
      path: '/metrics',
      tags: ['ops'],
      summary: 'Prometheus metrics',
      responses: {
        200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: z.string() } } },
      },
    },
  );
  const app = createRouter();
  app.openapi(metricsRoute, async (c) => {
    if (refresh) {
      try {
        await refresh();
      } catch (err) {
        // The process's own metrics still answer; the database-derived gauges keep their last values.
        c.get('platform').log.warn({ err: { message: (err as Error).message } }, 'metrics refresh failed');
      }
    }
    return c.body(await metrics.registry.metrics(), 200, {
      'Content-Type': metrics.registry.contentType,
      'Cache-Control': 'no-store',
    }) as never;
  });
  return app;
}
