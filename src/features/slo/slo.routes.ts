/**
 * `/v1/admin/slo`: every SLO's status, budget and burn rates (viewer), the per-route objectives
 * (viewer reads; admin creates, changes and deletes, audited), and latency thresholds recommended
 * from the observed distribution (viewer).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv, AuditSink } from '../../platform/http/context.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { SLO_LATENCY_BUCKETS_SECONDS } from '../../platform/metrics.ts';
import { BURN_RATE_ALERTS } from './defaults.ts';
import { recommendThresholds } from './recommend.ts';
import * as repo from './slo.repo.ts';
import { objectiveFromRow, type RouteObjective, type SloService } from './slo.service.ts';

const Threshold = z
  .number()
  .refine((v) => (SLO_LATENCY_BUCKETS_SECONDS as readonly number[]).includes(v), {
    message: `must be one of ${SLO_LATENCY_BUCKETS_SECONDS.join(', ')}`,
  })
  .openapi({ description: 'Seconds; one of the latency buckets.', example: 0.25 });
const Target = z.number().gt(0).lt(1).openapi({ example: 0.999 });

const Objective = z
  .object({
    route: z.string().openapi({ example: '/v1/cards/:id' }),
    method: z.string().openapi({ example: 'GET' }),
    availability_target: Target,
    latency_threshold_seconds: z.number(),
    latency_target: Target,
    enabled: z.boolean(),
    source: z.enum(['default', 'configured']),
  })
  .openapi('SloObjective');

const SloStatus = z
  .object({
    name: z.string().openapi({ example: 'availability:GET /v1/cards/:id' }),
    sli: z.enum(['availability', 'latency', 'pipeline_deadline', 'freshness', 'delivery_success', 'delivery_latency']),
    target: z.number(),
    latency_threshold_seconds: z.number().nullable(),
    status: z.enum(['ok', 'ticket', 'page']),
    budget_remaining: z
      .number()
      .openapi({ description: 'Fraction of the 30-day error budget left (negative: overspent).' }),
    burn_rates: z.array(z.object({ window_minutes: z.number().int(), rate: z.number() })),
    /** Events over the budget period. */
    events: z.object({ total: z.number().int(), bad: z.number().int() }),
    alerts: z.array(
      z.object({ severity: z.enum(['page', 'ticket']), firing: z.boolean(), since: z.string().nullable() }),
    ),
  })
  .openapi('SloStatus');

const statusRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/slo',
    tags: ['admin'],
    summary: 'Every SLO: status (ok, ticket, page), budget remaining, burn rate per window, alert state',
    responses: {
      200: {
        description: 'Every SLO, evaluated now.',
        content: {
          'application/json': {
            schema: z.object({
              evaluated_at: z.string(),
              alerts: z.array(
                z.object({
                  severity: z.enum(['page', 'ticket']),
                  burn_rate: z.number(),
                  long_window_minutes: z.number().int(),
                  short_window_minutes: z.number().int(),
                }),
              ),
              items: z.array(SloStatus),
            }),
          },
        },
      },
    },
  },
);

const listObjectivesRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/slo/objectives',
    tags: ['admin'],
    summary: 'Per-route objectives: the configured ones and the default of every other public route',
    responses: {
      200: {
        description: 'Every route objective.',
        content: { 'application/json': { schema: z.object({ items: z.array(Objective) }) } },
      },
    },
  },
);

const CreateObjective = z
  .object({
    route: z.string().trim().min(1).max(300),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
    availability_target: Target,
    latency_threshold_seconds: Threshold,
    latency_target: Target,
    enabled: z.boolean().default(true),
  })
  .strict();

const KeyQuery = z.object({
  route: z.string().min(1).max(300).openapi({ example: '/v1/cards/:id' }),
  method: z.string().min(1).max(10).openapi({ example: 'GET' }),
});

const createObjectiveRoute = defineRoute(
  { access: 'admin', idempotent: true },
  {
    method: 'post',
    path: '/v1/admin/slo/objectives',
    tags: ['admin'],
    summary: "Configure a route's objective (overrides the default)",
    request: { body: { required: true, content: { 'application/json': { schema: CreateObjective } } } },
    responses: {
      201: { description: 'Created.', content: { 'application/json': { schema: Objective } } },
      409: problemResponse('The route already has a configured objective (`slo_objective_exists`).'),
    },
  },
);

const updateObjectiveRoute = defineRoute(
  { access: 'admin' },
  {
    method: 'patch',
    path: '/v1/admin/slo/objectives',
    tags: ['admin'],
    summary: "Change a route's configured objective",
    request: {
      query: KeyQuery,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: CreateObjective.omit({ route: true, method: true }).partial().strict(),
          },
        },
      },
    },
    responses: {
      200: { description: 'Changed.', content: { 'application/json': { schema: Objective } } },
      404: problemResponse('No configured objective for the route (`slo_objective_not_found`).'),
    },
  },
);

const deleteObjectiveRoute = defineRoute(
  { access: 'admin' },
  {
    method: 'delete',
    path: '/v1/admin/slo/objectives',
    tags: ['admin'],
    summary: "Delete a route's configured objective (a public route falls back to the default)",
    request: { query: KeyQuery },
    responses: {
      204: { description: 'Deleted.' },
      404: problemResponse('No configured objective for the route (`slo_objective_not_found`).'),
    },
  },
);

const recommendRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/slo/recommend',
    tags: ['admin'],
    summary: 'Per route: latency thresholds suggested from the observed distribution, with the breach ratio of each',
    request: {
      query: z.object({
        window: z
          .string()
          .regex(/^\d{1,3}[hd]$/)
          .default('7d')
          .openapi({
            description: 'How far back to look: hours (`24h`) or days (`7d`), at most 30 days.',
            example: '7d',
          }),
        latency_target: z.coerce.number().gt(0).lt(1).optional().openapi({
          description: 'The share of requests a suggested threshold must hold, in (0, 1) (default 0.99).',
          example: 0.99,
        }),
      }),
    },
    responses: {
      200: {
        description: 'Suggestions per route.',
        content: {
          'application/json': {
            schema: z.object({
              from: z.string(),
              to: z.string(),
              items: z.array(
                z.object({
                  route: z.string(),
                  method: z.string(),
                  requests: z.number().int(),
                  availability: z.number().nullable().openapi({ description: 'Share of requests without a 5xx.' }),
                  suggested_threshold_seconds: z.number().nullable(),
                  thresholds: z.array(
                    z.object({
                      threshold_seconds: z.number(),
                      breach_ratio: z.number().openapi({ description: 'Share of requests slower than the threshold.' }),
                    }),
                  ),
                }),
              ),
            }),
          },
        },
      },
    },
  },
);

function objectiveJson(o: RouteObjective) {
  return {
    route: o.route,
    method: o.method,
    availability_target: o.availabilityTarget,
    latency_threshold_seconds: o.latencyThresholdSeconds,
    latency_target: o.latencyTarget,
    enabled: o.enabled,
    source: o.source,
  };
}

function rowJson(row: repo.ObjectiveRow) {
  return objectiveJson(objectiveFromRow(row));
}

const WINDOW_MAX_HOURS = 30 * 24;

export function sloRoutes(
  slo: SloService,
  db: Kysely<Tables>,
  clock: Clock,
  audit: AuditSink & { record(entry: Parameters<AuditSink['record']>[0], db?: Kysely<Tables>): Promise<void> },
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const auditOf = (c: { get(k: 'principal' | 'requestId' | 'clientIp'): unknown }) => {
    const principal = c.get('principal') as { actor: string; role: string | null } | null;
    return {
      actor: principal?.actor ?? 'anonymous',
      role: principal?.role ?? null,
      requestId: c.get('requestId') as string,
      ip: c.get('clientIp') as string,
    };
  };

  app.openapi(statusRoute, async (c) => {
    const reports = await slo.status();
    return c.json(
      {
        evaluated_at: isoInstant(clock.now()),
        alerts: BURN_RATE_ALERTS.map((a) => ({
          severity: a.severity,
          burn_rate: a.burnRate,
          long_window_minutes: a.longWindowMinutes,
          short_window_minutes: a.shortWindowMinutes,
        })),
        items: reports.map((r) => ({
          name: r.slo.name,
          sli: r.slo.sli,
          target: r.slo.target,
          latency_threshold_seconds: r.slo.latencyThresholdSeconds ?? null,
          status: r.status,
          budget_remaining: r.budgetRemaining,
          burn_rates: Object.entries(r.burnRates).map(([m, rate]) => ({ window_minutes: Number(m), rate })),
          events: r.period,
          alerts: r.alerts.map((a) => ({ ...a, severity: a.severity as 'page' | 'ticket' })),
        })),
      },
      200,
      { 'Cache-Control': 'no-store' },
    );
  });

  app.openapi(listObjectivesRoute, async (c) =>
    c.json({ items: (await slo.objectives()).map(objectiveJson) }, 200, { 'Cache-Control': 'no-store' }),
  );

  app.openapi(createObjectiveRoute, async (c) => {
    const body = c.req.valid('json');
    const nowIso = isoInstant(clock.now());
    const row: repo.ObjectiveRow = {
      route: body.route,
      method: body.method,
      availability_target: body.availability_target,
      latency_threshold_seconds: body.latency_threshold_seconds,
      latency_target: body.latency_target,
      enabled: body.enabled ? 1 : 0,
      created_at: nowIso,
      updated_at: nowIso,
    };
    const answer = c.get('idempotency');
    await db.transaction().execute(async (trx) => {
      if (!(await repo.insertObjective(trx, row)))
        throw new Conflict('slo_objective_exists', `${body.method} ${body.route} already has a configured objective.`);
      await audit.record(
        {
          ...auditOf(c),
          action: 'slo.objective.create',
          target: `${body.method} ${body.route}`,
          result: 'success',
          detail: { ...body },
        },
        trx,
      );
      await answer?.storeIn(trx, 201, rowJson(row));
    });
    return c.json(rowJson(row), 201);
  });

  app.openapi(updateObjectiveRoute, async (c) => {
    const key = c.req.valid('query');
    const body = c.req.valid('json');
    const nowIso = isoInstant(clock.now());
    const row = await db.transaction().execute(async (trx) => {
      const changed = await repo.updateObjective(trx, key.route, key.method, {
        ...(body.availability_target !== undefined && { availability_target: body.availability_target }),
        ...(body.latency_threshold_seconds !== undefined && {
          latency_threshold_seconds: body.latency_threshold_seconds,
        }),
        ...(body.latency_target !== undefined && { latency_target: body.latency_target }),
        ...(body.enabled !== undefined && { enabled: body.enabled ? 1 : 0 }),
        updated_at: nowIso,
      });
      if (!changed) throw new NotFound('slo_objective', `${key.method} ${key.route}`);
      await audit.record(
        {
          ...auditOf(c),
          action: 'slo.objective.update',
          target: `${key.method} ${key.route}`,
          result: 'success',
          detail: { ...body },
        },
        trx,
      );
      return repo.findObjective(trx, key.route, key.method);
    });
    return c.json(rowJson(row!), 200);
  });

  app.openapi(deleteObjectiveRoute, async (c) => {
    const key = c.req.valid('query');
    await db.transaction().execute(async (trx) => {
      if (!(await repo.deleteObjective(trx, key.route, key.method)))
        throw new NotFound('slo_objective', `${key.method} ${key.route}`);
      await audit.record(
        { ...auditOf(c), action: 'slo.objective.delete', target: `${key.method} ${key.route}`, result: 'success' },
        trx,
      );
    });
    return c.body(null, 204);
  });

  app.openapi(recommendRoute, async (c) => {
    const q = c.req.valid('query');
    const hours = Number(q.window.slice(0, -1)) * (q.window.endsWith('d') ? 24 : 1);
    if (hours < 1 || hours > WINDOW_MAX_HOURS)
      throw new ValidationFailed([{ field: 'query.window', message: 'must be between 1h and 30d' }]);
    const now = Math.floor(clock.now() / 60_000) * 60_000;
    const from = isoInstant(now - hours * 3_600_000);
    const to = isoInstant(now);
    const sums = await repo.routeSums(db, from, to);
    return c.json({ from, to, items: recommendThresholds(sums, q.latency_target ?? 0.99) }, 200, {
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
