import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import type { AuditService } from './audit.service.ts';

const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string().openapi({ description: 'UTC instant.' }),
    actor: z.string().openapi({ description: 'API key id, admin-token, admin-token-next, system or anonymous.' }),
    role: z.string().nullable(),
    action: z.string().openapi({ example: 'api_key.create' }),
    target: z.string().nullable(),
    request_id: z.string().nullable(),
    ip: z.string().nullable(),
    result: z.enum(['success', 'failure']),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry');

export const listAuditRoute = defineRoute(
  { access: 'admin' },
  {
    method: 'get',
    path: '/v1/admin/audit',
    tags: ['admin'],
    summary: 'Read the audit log, newest first',
    request: {
      query: z.object({
        ...pageQuery,
        action: z.string().max(100).optional(),
        actor: z.string().max(100).optional(),
        result: z.enum(['success', 'failure']).optional(),
        from: z.iso.datetime().optional().openapi({ description: 'Entries at or after this instant.' }),
        to: z.iso.datetime().optional().openapi({ description: 'Entries before this instant.' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of entries.',
        content: {
          'application/json': { schema: z.object({ items: z.array(AuditEntry), next_cursor: z.string().nullable() }) },
        },
      },
    },
  },
);

export function auditRoutes(audit: AuditService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listAuditRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const rows = await audit.list({
      action: q.action,
      actor: q.actor,
      result: q.result,
      from: q.from && new Date(q.from).toISOString(),
      to: q.to && new Date(q.to).toISOString(),
      beforeId: position?.id,
      limit: q.limit + 1,
    });
    return c.json(
      page(rows, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  return app;
}
