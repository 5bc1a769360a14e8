import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, Principal } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import type { Actor, KeysService } from './keys.service.ts';

const Role = z.enum(['viewer', 'operator', 'admin']).openapi({ description: 'viewer < operator < admin' });

const ApiKey = z
  .object({
    id: z.string().openapi({ example: 'key_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    name: z.string(),
    prefix: z
      .string()
      .openapi({ description: 'First characters of the key, to tell keys apart.', example: 'cqk_7f3k9a' }),
    role: Role,
    owner_id: z.string(),
    created_at: z.string(),
    created_by: z.string(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: 'Updated in batches, so it may lag by a few seconds.' }),
  })
  .openapi('ApiKey');

const CreateKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: Role,
    owner_id: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: 'Existing principal; omitted: a new service principal is created.' }),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const createKeyRoute = defineRoute(
  { access: 'admin', idempotent: true, returnsSecret: true },
  {
    method: 'post',
    path: '/v1/admin/keys',
    tags: ['admin'],
    summary: 'Create an API key (the key is shown once)',
    request: { body: { required: true, content: { 'application/json': { schema: CreateKeyBody } } } },
    responses: {
      201: {
        description: 'Created. `key` is the only copy of the secret.',
        content: {
          'application/json': { schema: z.object({ key: z.string().openapi({ example: 'cqk_…' }), api_key: ApiKey }) },
        },
      },
    },
  },
);

export const listKeysRoute = defineRoute(
  { access: 'admin' },
  {
    method: 'get',
    path: '/v1/admin/keys',
    tags: ['admin'],
    summary: 'List API keys, newest first',
    request: {
      query: z.object({ ...pageQuery, include_revoked: z.enum(['true', 'false']).default('true') }),
    },
    responses: {
      200: {
        description: 'A page of keys.',
        content: {
          'application/json': { schema: z.object({ items: z.array(ApiKey), next_cursor: z.string().nullable() }) },
        },
      },
    },
  },
);

export const revokeKeyRoute = defineRoute(
  { access: 'admin' },
  {
    method: 'delete',
    path: '/v1/admin/keys/{id}',
    tags: ['admin'],
    summary: 'Revoke an API key (the record stays for audit)',
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: { description: 'Revoked.', content: { 'application/json': { schema: ApiKey } } },
      404: problemResponse('No such key.'),
      409: problemResponse('Already revoked (`api_key_already_revoked`), also when a concurrent revocation won.'),
    },
  },
);

export function actorOf(principal: Principal | null, requestId: string, ip: string): Actor {
  return { actor: principal?.actor ?? 'anonymous', role: principal?.role ?? null, requestId, ip };
}

export function keysRoutes(keys: KeysService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid('json');
    const actor = actorOf(c.get('principal'), c.get('requestId'), c.get('clientIp'));
    // With an Idempotency-Key the answer is stored in the key's own transaction (crash safety).
    const answer = c.get('idempotency');
    const { key, record } = await keys.create(
      { name: body.name, role: body.role, ownerId: body.owner_id, expiresAt: body.expires_at },
      actor,
      answer ? (trx, created) => answer.storeIn(trx, 201, { key: created.key, api_key: created.record }) : undefined,
    );
    return c.json({ key, api_key: record }, 201, { 'Cache-Control': 'no-store' });
  });
  app.openapi(listKeysRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const rows = await keys.list({
      beforeId: position?.id,
      limit: q.limit + 1,
      includeRevoked: q.include_revoked === 'true',
    });
    return c.json(
      page(rows, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  app.openapi(revokeKeyRoute, async (c) => {
    const actor = actorOf(c.get('principal'), c.get('requestId'), c.get('clientIp'));
    return c.json(await keys.revoke(c.req.valid('param').id, actor), 200);
  });
  return app;
}
