/**
 * /v1/admin/deliveries: operators list, inspect, redeliver and redrive the outbox's deliveries
 * (docs/DELIVERY.md, "Redeliver and redrive"). A delivery's sealed part is never shown.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isoInstant } from '../../platform/clock.ts';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import {
  deadInRange,
  deliveryBacklog,
  findDelivery,
  listAttempts,
  listDeliveries,
  redriveBatch,
  requeueDelivery,
  REQUEUEABLE,
} from './deliveries.repo.ts';

/** Dead letters queued again per statement by a redrive. */
export const REDRIVE_BATCH = 500;

/** Dead letters one redrive request queues again at most (the default of its `limit`). */
export const REDRIVE_MAX = 10_000;

const channel = z.enum(['email', 'webhook', 'discord']);
const status = z.enum(['pending', 'delivered', 'dead', 'suppressed', 'cancelled']);
const instant = z.iso.datetime({ offset: true });

const Delivery = z
  .object({
    id: z.string().openapi({ description: 'Stable across retries and redeliveries: the `webhook-id` of a webhook.' }),
    channel,
    event_type: z.string().openapi({ example: 'alert.triggered' }),
    owner_id: z.string().nullable(),
    endpoint_id: z.string().nullable(),
    address: z.string().nullable().openapi({ description: 'E-mail recipient.' }),
    dedupe_key: z.string(),
    status,
    attempts: z.number().int().openapi({ description: 'Every attempt made, across redeliveries.' }),
    budget_start: z
      .number()
      .int()
      .openapi({ description: '`attempts` when the current attempt budget began (set by a redelivery).' }),
    redeliveries: z.number().int(),
    next_attempt_at: z.string(),
    lease_owner: z.string().nullable(),
    lease_until: z.string().nullable(),
    triggered_at: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    delivered_at: z.string().nullable(),
    last_error_class: z.string().nullable(),
    last_error: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    firing_id: z.string().nullable(),
    has_sealed: z.boolean().openapi({ description: 'Carries sealed link tokens (never shown).' }),
  })
  .openapi('Delivery');

const Attempt = z
  .object({
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number().int(),
    outcome: z.enum(['delivered', 'retry', 'failed', 'deferred', 'suppressed']),
    status_code: z.number().int().nullable(),
    error_class: z.string().nullable(),
    error: z.string().nullable(),
    response_excerpt: z.string().nullable().openapi({ description: 'First 4 KB of the response body.' }),
  })
  .openapi('DeliveryAttempt');

const DeliveryDetail = Delivery.extend({ payload: z.unknown(), attempt_log: z.array(Attempt) }).openapi(
  'DeliveryDetail',
);

const idParam = z.object({ id: z.string().max(64) });

export const listDeliveriesRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/deliveries',
    tags: ['admin'],
    summary: 'List deliveries, newest first',
    request: {
      query: z.object({
        ...pageQuery,
        status: status.optional(),
        channel: channel.optional(),
        event_type: z.string().max(64).optional(),
        owner_id: z.string().max(64).optional(),
        endpoint_id: z.string().max(64).optional(),
        since: instant.optional().openapi({ description: 'Created at or after this instant.' }),
        until: instant.optional().openapi({ description: 'Created before this instant.' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of deliveries.',
        content: {
          'application/json': { schema: z.object({ items: z.array(Delivery), next_cursor: z.string().nullable() }) },
        },
      },
    },
  },
);

const Backlog = z.object({
  channel,
  pending: z.number().int(),
  dead: z.number().int(),
  oldest_due_at: z.string().nullable().openapi({ description: 'Due time of the oldest pending delivery already due.' }),
});

export const deliveryStatsRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/deliveries/stats',
    tags: ['admin'],
    summary: 'Pending and dead deliveries per channel, and the oldest due one',
    responses: {
      200: {
        description: 'The backlog per channel (the same numbers as the delivery gauges of /metrics).',
        content: { 'application/json': { schema: z.object({ channels: z.array(Backlog) }) } },
      },
    },
  },
);

export const getDeliveryRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/deliveries/{id}',
    tags: ['admin'],
    summary: 'A delivery with its payload and every attempt',
    request: { params: idParam },
    responses: {
      200: { description: 'The delivery.', content: { 'application/json': { schema: DeliveryDetail } } },
      404: problemResponse('No such delivery.'),
    },
  },
);

export const redeliverRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/admin/deliveries/{id}/redeliver',
    tags: ['admin'],
    summary: 'Queue a delivery again, due now, with a fresh attempt budget',
    description:
      'For a dead, suppressed, cancelled or delivered delivery. It keeps its id (so a webhook keeps its `webhook-id`); its attempt numbers continue.',
    request: { params: idParam },
    responses: {
      200: { description: 'Queued again.', content: { 'application/json': { schema: Delivery } } },
      404: problemResponse('No such delivery.'),
      409: problemResponse('`delivery_pending`: it is already waiting to be sent.'),
    },
  },
);

export const redriveRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/admin/deliveries/redrive',
    tags: ['admin'],
    summary: 'Queue every dead delivery that died in a time range again',
    description: `Dead letters whose last attempt (\`updated_at\`) lies in [since, until), optionally of one channel or event type, are queued again with a fresh attempt budget, ${REDRIVE_BATCH} per statement and at most \`limit\` (default and maximum ${REDRIVE_MAX}) per request. \`until\` is never later than the moment the request began, so a delivery that dies again meanwhile is not redriven twice. The answer says whether more remain; to continue, send the same request with the answered \`until\`.`,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                since: instant,
                until: instant.optional(),
                channel: channel.optional(),
                event_type: z.string().max(64).optional(),
                limit: z
                  .number()
                  .int()
                  .min(1)
                  .max(REDRIVE_MAX)
                  .optional()
                  .openapi({ description: `Most dead letters queued again by this request (default ${REDRIVE_MAX}).` }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'How many were queued again, whether more remain, and the end of the range used.',
        content: {
          'application/json': {
            schema: z.object({
              redriven: z.number().int(),
              more: z
                .boolean()
                .openapi({ description: 'Dead letters of the range are left (the request hit `limit`).' }),
              until: z.string().openapi({
                description: 'The end of the range used: `until`, or the moment the request began if earlier.',
              }),
            }),
          },
        },
      },
    },
  },
);

function range(since: string | undefined, until: string | undefined, field: string) {
  const s = since === undefined ? undefined : new Date(since).toISOString();
  const u = until === undefined ? undefined : new Date(until).toISOString();
  if (s !== undefined && u !== undefined && u <= s)
    throw new ValidationFailed([{ field: `${field}.until`, message: 'must be later than since' }]);
  return { since: s, until: u };
}

function auditOf(c: Context<AppEnv>, action: string, target: string | null, detail: Record<string, unknown>) {
  const principal = c.get('principal')!;
  return c.get('platform').audit.record({
    actor: principal.actor,
    role: principal.role,
    action,
    target,
    requestId: c.get('requestId'),
    ip: c.get('clientIp'),
    result: 'success',
    detail,
  });
}

export function deliveriesRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listDeliveriesRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const { since, until } = range(q.since, q.until, 'query');
    const rows = await listDeliveries(c.get('platform').database.db, {
      status: q.status,
      channel: q.channel,
      eventType: q.event_type,
      ownerId: q.owner_id,
      endpointId: q.endpoint_id,
      since,
      until,
      beforeId: position?.id,
      limit: q.limit + 1,
    });
    return c.json(
      page(rows, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  app.openapi(deliveryStatsRoute, async (c) => {
    const { database, clock } = c.get('platform');
    const rows = await deliveryBacklog(database.db, isoInstant(clock.now()));
    const channels = (['email', 'webhook', 'discord'] as const).map((ch) => {
      const pending = rows.find((r) => r.channel === ch && r.status === 'pending');
      const dead = rows.find((r) => r.channel === ch && r.status === 'dead');
      return {
        channel: ch,
        pending: pending?.count ?? 0,
        dead: dead?.count ?? 0,
        oldest_due_at: pending?.oldestDueAt ?? null,
      };
    });
    return c.json({ channels }, 200);
  });
  app.openapi(getDeliveryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const db = c.get('platform').database.db;
    const row = await findDelivery(db, id);
    if (!row) throw new NotFound('delivery', id);
    const attempts = await listAttempts(db, id);
    const { payload, ...rest } = row;
    return c.json(
      {
        ...rest,
        payload: JSON.parse(payload) as unknown,
        attempt_log: attempts.map((a) => ({
          attempt: Number(a.attempt),
          started_at: a.started_at,
          duration_ms: Number(a.duration_ms),
          outcome: a.outcome,
          status_code: a.status_code === null ? null : Number(a.status_code),
          error_class: a.error_class,
          error: a.error,
          response_excerpt: a.response_excerpt,
        })),
      },
      200,
    );
  });
  app.openapi(redeliverRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { database, clock } = c.get('platform');
    const previous = await requeueDelivery(database.db, id, isoInstant(clock.now()));
    const row = await findDelivery(database.db, id);
    if (!row) throw new NotFound('delivery', id);
    if (previous === undefined)
      throw new Conflict(
        'delivery_pending',
        `Delivery ${id} is ${row.status}; only a ${REQUEUEABLE.join(', ')} delivery can be redelivered.`,
      );
    await auditOf(c, 'delivery.redeliver', id, { previous_status: previous, channel: row.channel });
    const { payload: _payload, ...listed } = row;
    return c.json(listed, 200);
  });
  app.openapi(redriveRoute, async (c) => {
    const body = c.req.valid('json');
    const { since, until } = range(body.since, body.until, 'body');
    const { database, clock } = c.get('platform');
    const nowIso = isoInstant(clock.now());
    // Pinned to the request's start: a delivery redriven here that dies again meanwhile is not taken twice.
    const end = until !== undefined && until < nowIso ? until : nowIso;
    const limit = body.limit ?? REDRIVE_MAX;
    const scope = { since: since!, until: end, channel: body.channel, eventType: body.event_type };
    let redriven = 0;
    let more = false;
    while (redriven < limit) {
      const batch = Math.min(REDRIVE_BATCH, limit - redriven);
      const n = await redriveBatch(database.db, scope, nowIso, batch);
      redriven += n;
      if (n < batch) break;
      if (redriven >= limit) more = await deadInRange(database.db, scope);
    }
    await auditOf(c, 'delivery.redrive', body.channel ?? null, {
      since,
      until: end,
      channel: body.channel ?? null,
      event_type: body.event_type ?? null,
      redriven,
      more,
    });
    return c.json({ redriven, more, until: end }, 200);
  });
  return app;
}
