/**
 * `/v1/webhook-endpoints`: an owner's (portfolio, e-mail subscriber, operators) webhook and
 * Discord endpoints (docs/WEBHOOKS.md). Another owner's endpoint answers 404.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ownerOf } from '../../platform/http/auth.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { MAX_URL_LENGTH } from './endpoint-url.ts';
import type { Actor, WebhookEndpoints } from './endpoints.service.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
const notFound = problemResponse('No such endpoint for this owner.');
const TAGS = ['webhooks'];

const EndpointId = z
  .string()
  .regex(/^whe_[0-9A-HJKMNP-TV-Z]{26}$/, 'is not a webhook endpoint id')
  .openapi({ example: 'whe_01JDX8M3Q5W7ZK2N4R6T8V0B1C' });
const Params = z.object({ id: EndpointId });

const Url = z.string().min(1).max(MAX_URL_LENGTH).openapi({
  description:
    'http(s), no credentials, at most 2048 characters; must not resolve to a loopback, private, link-local, unique-local or unspecified address (unless the operator allows it). Discord: `<DISCORD_API_BASE>/api/webhooks/<id>/<token>`.',
  example: 'https://203.0.113.10/hooks/cardquant',
});
const Description = z.string().trim().max(200).nullable().openapi({ example: 'Price alerts for the shop' });

const Endpoint = z
  .object({
    id: EndpointId,
    kind: z.enum(['standard', 'discord']),
    url: z.string().openapi({ description: "The URL; a Discord URL's token is masked." }),
    host: z.string(),
    description: z.string().nullable(),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z
      .string()
      .nullable()
      .openapi({ description: 'Why the endpoint was disabled (410, failing run).' }),
    disabled_at: z.string().nullable(),
    failing_since: z.string().nullable().openapi({ description: 'Start of the current run of failed attempts.' }),
    previous_secret_expires_at: z
      .string()
      .nullable()
      .openapi({ description: 'During a rotation: until when the previous secret also signs.' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookEndpoint');

const CreatedEndpoint = Endpoint.extend({
  secret: z.string().nullable().openapi({
    description: 'The signing secret (`whsec_…`), shown once; null for Discord endpoints.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('CreatedWebhookEndpoint');

const CreateBody = z
  .object({
    url: Url,
    kind: z.enum(['standard', 'discord']).default('standard'),
    description: Description.optional(),
  })
  .strict()
  .openapi('CreateWebhookEndpoint');

const PatchBody = z
  .object({
    url: Url.optional(),
    description: Description.optional(),
    status: z.literal('enabled').optional().openapi({ description: 'Re-enables a disabled endpoint.' }),
  })
  .strict()
  .openapi('WebhookEndpointPatch');

const Rotated = z
  .object({
    id: EndpointId,
    secret: z.string().openapi({ description: 'The new secret, shown once.' }),
    previous_secret_expires_at: z.string().nullable(),
    rotated_at: z.string(),
  })
  .openapi('RotatedWebhookSecret');

const TestQueued = z
  .object({ delivery_id: z.string(), endpoint_id: EndpointId, status: z.literal('pending') })
  .openapi('WebhookTestQueued');

const Attempt = z
  .object({
    id: z.string(),
    delivery_id: z.string(),
    event_type: z.string(),
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number().int(),
    outcome: z.string().openapi({ description: 'delivered, retry, failed or suppressed.' }),
    status_code: z.number().int().nullable(),
    error_class: z.string().nullable(),
    response_excerpt: z.string().nullable().openapi({ description: 'The first 4 KB of the answer.' }),
  })
  .openapi('WebhookAttempt');

export const createEndpointRoute = defineRoute(
  { access: 'owner', idempotent: true, returnsSecret: true, limit: 'alert-creation' },
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    tags: TAGS,
    summary: 'Create a webhook or Discord endpoint (a standard endpoint’s signing secret is shown once)',
    request: { body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
    responses: { 201: { description: 'Created.', ...json(CreatedEndpoint) } },
  },
);

export const listEndpointsRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/webhook-endpoints',
    tags: TAGS,
    summary: 'List your endpoints',
    request: { query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of endpoints.',
        ...json(z.object({ items: z.array(Endpoint), next_cursor: z.string().nullable() })),
      },
    },
  },
);

export const getEndpointRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/webhook-endpoints/{id}',
    tags: TAGS,
    summary: 'One endpoint (status, why it was disabled, failing run)',
    request: { params: Params },
    responses: { 200: { description: 'The endpoint.', ...json(Endpoint) }, 404: notFound },
  },
);

export const patchEndpointRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'patch',
    path: '/v1/webhook-endpoints/{id}',
    tags: TAGS,
    summary: 'Change the URL or description, or re-enable a disabled endpoint',
    request: {
      params: Params,
      body: { required: true, content: { 'application/json': { schema: PatchBody } } },
    },
    responses: { 200: { description: 'Changed.', ...json(Endpoint) }, 404: notFound },
  },
);

export const deleteEndpointRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'delete',
    path: '/v1/webhook-endpoints/{id}',
    tags: TAGS,
    summary: 'Delete an endpoint (its pending deliveries are not sent)',
    request: { params: Params },
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
  },
);

export const rotateEndpointSecretRoute = defineRoute(
  { access: 'owner', idempotent: true, returnsSecret: true, limit: 'alert-creation' },
  {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    tags: TAGS,
    summary: 'Rotate the signing secret (new one shown once; both sign during WEBHOOK_SECRET_OVERLAP_HOURS)',
    request: { params: Params },
    responses: {
      200: { description: 'Rotated.', ...json(Rotated) },
      404: notFound,
      409: problemResponse('A Discord endpoint has no signing secret.'),
    },
  },
);

export const testEndpointRoute = defineRoute(
  { access: 'owner', idempotent: true, limit: 'alert-creation' },
  {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/test',
    tags: TAGS,
    summary: 'Send a `test.ping` event to the endpoint',
    request: { params: Params },
    responses: {
      202: { description: 'Queued; see the attempts.', ...json(TestQueued) },
      404: notFound,
      409: problemResponse('The endpoint is disabled; re-enable it first.'),
    },
  },
);

export const listAttemptsRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/webhook-endpoints/{id}/attempts',
    tags: TAGS,
    summary: 'Recent delivery attempts to the endpoint, newest first',
    request: { params: Params, query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of attempts.',
        ...json(z.object({ items: z.array(Attempt), next_cursor: z.string().nullable() })),
      },
      404: notFound,
    },
  },
);

function actor(c: Context<AppEnv>): Actor {
  const principal = c.get('principal')!;
  return {
    ownerId: ownerOf(principal)!,
    actor: principal.actor,
    role: principal.role,
    requestId: c.get('requestId'),
    ip: c.get('clientIp'),
  };
}

export function webhookEndpointRoutes(endpoints: WebhookEndpoints): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const within = (c: Context<AppEnv>, status: number) => {
    const answer = c.get('idempotency');
    return answer
      ? (trx: Parameters<typeof answer.storeIn>[0], value: unknown) => answer.storeIn(trx, status, value)
      : undefined;
  };
  app.openapi(createEndpointRoute, async (c) => {
    const body = c.req.valid('json');
    const created = await endpoints.create(body, actor(c), within(c, 201));
    return c.json(created, 201, NO_STORE);
  });
  app.openapi(listEndpointsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = decodeCursor(cursor, ['id'] as const);
    const rows = await endpoints.list(actor(c).ownerId, { afterId: after?.id, limit });
    const result = page(rows, limit, (r) => ({ id: r.id }));
    return c.json(
      { items: result.items.map((r) => endpoints.view(r)), next_cursor: result.next_cursor },
      200,
      NO_STORE,
    );
  });
  app.openapi(getEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(endpoints.view(await endpoints.get(id, actor(c).ownerId)), 200, NO_STORE);
  });
  app.openapi(patchEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    const row = await endpoints.update(id, c.req.valid('json'), actor(c));
    return c.json(endpoints.view(row), 200, NO_STORE);
  });
  app.openapi(deleteEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    await endpoints.remove(id, actor(c));
    return c.body(null, 204);
  });
  app.openapi(rotateEndpointSecretRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await endpoints.rotateSecret(id, actor(c), within(c, 200)), 200, NO_STORE);
  });
  app.openapi(testEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await endpoints.sendTest(id, actor(c), within(c, 202)), 202, NO_STORE);
  });
  app.openapi(listAttemptsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const before = decodeCursor(cursor, ['started_at', 'id'] as const);
    const rows = await endpoints.attempts(id, actor(c).ownerId, {
      before: before ? { startedAt: before.started_at, id: before.id } : undefined,
      limit,
    });
    return c.json(
      page(rows, limit, (r) => ({ started_at: r.started_at, id: r.id })),
      200,
      NO_STORE,
    );
  });
  return app;
}
