import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { AnomaliesService } from './anomalies.service.ts';

const KINDS = ['return_outlier', 'stale_series', 'placeholder_price', 'coverage_drop'] as const;
const STATUSES = ['open', 'acknowledged', 'dismissed'] as const;

/** A real calendar date: `2026-02-30` is not one (and `new Date` of it is Invalid Date, whose toISOString throws). */
const isDate = (s: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};
const date = z
  .string()
  .refine((s) => isDate(s), 'must be a calendar date YYYY-MM-DD')
  .openapi({ format: 'date' });

const Anomaly = z
  .object({
    id: z.string().openapi({ example: 'anm_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    kind: z.enum(KINDS),
    subject: z
      .string()
      .openapi({ description: 'A printing id, or `market:<name>` for a coverage drop.', example: 'base1-4-holofoil' }),
    printing_id: z.string().nullable().openapi({ example: 'base1-4-holofoil' }),
    card_id: z.string().nullable().openapi({ example: 'base1-4' }),
    date: z.string().openapi({ description: 'The market date the anomaly was found on.', example: '2026-11-20' }),
    severity: z.number().openapi({
      description: 'Larger is worse; its unit depends on the kind (docs/METHODS.md, "Anomalies").',
      example: 12.4,
    }),
    detail: z.record(z.string(), z.unknown()).openapi({
      description: 'What the check saw; fields depend on the kind.',
      example: {
        from_date: '2026-11-19',
        from_cents: 4210,
        to_cents: 42100,
        currency: 'USD',
        return: 2.3026,
        z: 12.4,
        returns: 60,
      },
    }),
    status: z.enum(STATUSES),
    note: z.string().nullable().openapi({ example: 'Confirmed on TCGplayer: a real sale.' }),
    resolved_by: z
      .string()
      .nullable()
      .openapi({ description: 'Actor (API key id or admin-token) of the last resolution.' }),
    resolved_at: z.string().nullable(),
    detected_at: z.string(),
  })
  .openapi('Anomaly');

export const listAnomaliesRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/anomalies',
    tags: ['admin'],
    summary: 'Data-quality anomalies, newest date first',
    request: {
      query: z.object({
        ...pageQuery,
        status: z
          .enum([...STATUSES, 'all'])
          .default('open')
          .openapi({ description: 'Default open; `all` for every status.' }),
        kind: z.enum(KINDS).optional(),
        subject: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: 'A printing id or `market:<name>`.', example: 'market:tcgplayer' }),
        printing: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: 'Anomalies of this printing id.', example: 'base1-4-holofoil' }),
        from: date.optional().openapi({ description: 'Dates on or after.', example: '2026-11-01' }),
        to: date.optional().openapi({ description: 'Dates on or before.', example: '2026-11-20' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of anomalies.',
        content: {
          'application/json': { schema: z.object({ items: z.array(Anomaly), next_cursor: z.string().nullable() }) },
        },
      },
    },
  },
);

const ResolveBody = z
  .object({
    action: z
      .enum(['acknowledge', 'dismiss'])
      .openapi({ description: 'acknowledge: seen, being handled; dismiss: the data is right (final).' }),
    note: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .openapi({ description: 'Required to dismiss.', example: 'Confirmed on TCGplayer: a real sale.' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.action === 'dismiss' && !body.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required to dismiss' });
  })
  .openapi('ResolveAnomaly', { example: { action: 'dismiss', note: 'Confirmed on TCGplayer: a real sale.' } });

export const resolveAnomalyRoute = defineRoute(
  { access: 'operator' },
  {
    method: 'post',
    path: '/v1/admin/anomalies/{id}/resolve',
    tags: ['admin'],
    summary: 'Acknowledge or dismiss an anomaly (audited)',
    description:
      'Open → acknowledged → dismissed. Acknowledging an acknowledged anomaly changes nothing; a dismissed anomaly stays dismissed (409).',
    request: {
      params: z.object({ id: z.string().max(64).openapi({ example: 'anm_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }) }),
      body: { required: true, content: { 'application/json': { schema: ResolveBody } } },
    },
    responses: {
      200: { description: 'The anomaly after the change.', content: { 'application/json': { schema: Anomaly } } },
      404: problemResponse('No such anomaly.'),
      409: problemResponse('The anomaly is dismissed.'),
    },
  },
);

export function anomaliesRoutes(database: Database, clock: Clock): OpenAPIHono<AppEnv> {
  const anomalies = new AnomaliesService(database.db, clock);
  const app = createRouter();
  app.openapi(listAnomaliesRoute, async (c) => {
    const q = c.req.valid('query');
    if (q.from && q.to && q.from > q.to)
      throw new ValidationFailed([{ field: 'query.from', message: 'must not be after query.to' }]);
    const position = decodeCursor(q.cursor, ['date', 'id'] as const);
    if (position && !isDate(position.date))
      throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
    if (q.subject !== undefined && q.printing !== undefined && q.subject !== q.printing)
      return c.json({ items: [], next_cursor: null }, 200);
    const rows = await anomalies.list({
      status: q.status === 'all' ? undefined : q.status,
      kind: q.kind,
      subject: q.subject ?? q.printing,
      from: q.from,
      to: q.to,
      after: position,
      limit: q.limit + 1,
    });
    return c.json(
      page(rows, q.limit, (last) => ({ date: last.date, id: last.id })),
      200,
    );
  });
  app.openapi(resolveAnomalyRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = c.get('principal')!;
    const by = { actor: principal.actor, role: principal.role, requestId: c.get('requestId'), ip: c.get('clientIp') };
    const view = await anomalies.resolve(
      c.req.valid('param').id,
      body.action,
      body.note || null,
      by,
      c.get('platform').audit,
    );
    return c.json(view, 200);
  });
  return app;
}
