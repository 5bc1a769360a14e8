import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { NotFound } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import type { IngestionRunRow } from './runs.repo.ts';
import { findRun, listRuns } from './runs.repo.ts';

const IngestionRun = z
  .object({
    id: z.string(),
    source: z.string().openapi({ example: 'tcgcsv-files' }),
    feed: z.string().openapi({ example: 'tcgcsv' }),
    kind: z.string().openapi({ example: 'prices' }),
    range_from: z.string().nullable(),
    range_to: z.string().nullable(),
    params: z.record(z.string(), z.unknown()).nullable(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']).openapi({
      description:
        '`abandoned`: its process died (no heartbeat for 3 × RUN_HEARTBEAT_SECONDS); counts reconciled with the prices it wrote.',
    }),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    rows_read: z.number().int().openapi({ description: 'Always accepted + updated + unchanged + rejected.' }),
    accepted: z.number().int(),
    updated: z.number().int().openapi({ description: 'Stored values the upstream changed.' }),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    rejected_by_reason: z
      .record(z.string(), z.number().int())
      .openapi({ example: { unmapped_product: 12, placeholder_listing: 3 } }),
    failures: z
      .array(z.object({ item: z.string(), error: z.string() }))
      .openapi({ description: 'Parts (sets, pages, files) that failed while the rest went on.' }),
    dropped_placeholder_fields: z.number().int().openapi({
      description: 'Placeholder fields (999, 9999 … listings) dropped from rows that were kept; beside the accounting.',
    }),
    rejected_examples: z.array(z.object({ at: z.string(), reason: z.string(), detail: z.string() })).openapi({
      description: 'The first rejected rows (at most 20), naming where, the reason, and the field and value at fault.',
    }),
    checkpoint: z.unknown().nullable(),
    resumes: z.string().nullable(),
    error: z.string().nullable(),
    holder: z.string().nullable().openapi({ description: 'The process that ran it (host:pid/instance).' }),
    heartbeat_at: z.string().nullable().openapi({ description: 'Its last heartbeat.' }),
  })
  .openapi('IngestionRun');

function view(row: IngestionRunRow) {
  const parse = (v: string | null) => (v ? (JSON.parse(v) as unknown) : null);
  return {
    ...row,
    params: parse(row.params) as Record<string, unknown> | null,
    rejected_by_reason: JSON.parse(row.rejected_by_reason) as Record<string, number>,
    failures: JSON.parse(row.failures) as { item: string; error: string }[],
    rejected_examples: JSON.parse(row.rejected_examples) as { at: string; reason: string; detail: string }[],
    checkpoint: parse(row.checkpoint),
  };
}

export const listIngestionRunsRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/ingestion/runs',
    tags: ['admin'],
    summary: 'Ingestion runs, newest first, with their accounting',
    request: {
      query: z.object({
        ...pageQuery,
        source: z.string().max(64).optional(),
        status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']).optional(),
      }),
    },
    responses: {
      200: {
        description: 'A page of runs.',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(IngestionRun), next_cursor: z.string().nullable() }),
          },
        },
      },
    },
  },
);

export const getIngestionRunRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/ingestion/runs/{id}',
    tags: ['admin'],
    summary: 'One ingestion run',
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: {
      200: { description: 'The run.', content: { 'application/json': { schema: IngestionRun } } },
      404: { description: 'No such run.' },
    },
  },
);

export function ingestionRunRoutes(db: Kysely<Tables>): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listIngestionRunsRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const rows = await listRuns(db, { source: q.source, status: q.status, beforeId: position?.id, limit: q.limit + 1 });
    return c.json(
      page(rows.map(view), q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  app.openapi(getIngestionRunRoute, async (c) => {
    const { id } = c.req.valid('param');
    const row = await findRun(db, id);
    if (!row) throw new NotFound('ingestion_run', id);
    return c.json(view(row), 200);
  });
  return app;
}
