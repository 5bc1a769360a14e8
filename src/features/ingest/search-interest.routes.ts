import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { REMOVAL_VERSION } from '../../platform/http/deprecation.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import type { SearchInterestService } from './search-interest.ts';

/** Most rows one request may carry; larger loads go through several requests or the CSV import. */
export const MAX_SEARCH_INTEREST_ROWS = 10_000;

// The shape is checked here (422 when wrong); the meaning of each value (known card, plausible
// date, value in [0, 100], day|week) is checked per row by the service and reported as rejections.
const SearchInterestRow = z
  .object({
    card_id: z.string().max(100).openapi({ example: 'base1-4' }),
    date: z.string().max(10).openapi({ description: 'UTC calendar date `YYYY-MM-DD`.', example: '2026-11-24' }),
    value: z.number().openapi({ description: 'Relative search interest in [0, 100] within the batch.', example: 62 }),
    granularity: z.string().max(10).openapi({ description: '`day` or `week`.', example: 'day' }),
    batch: z
      .string()
      .max(200)
      .openapi({ description: 'Query batch the value is relative to.', example: 'trends-2026-11-24-a' }),
    anchor: z
      .string()
      .max(200)
      .nullable()
      .optional()
      .openapi({ description: 'Anchor term shared by batches, for rescaling.' }),
  })
  .strict();

const IngestBody = z.object({ rows: z.array(SearchInterestRow).min(1).max(MAX_SEARCH_INTEREST_ROWS) }).strict();

const RunSummarySchema = z
  .object({
    id: z.string().openapi({ example: 'run_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    importer: z.string().openapi({ example: 'api' }),
    source: z
      .string()
      .openapi({ description: `Deprecated alias of \`importer\` (removed in ${REMOVAL_VERSION}).`, deprecated: true }),
    status: z.enum(['running', 'succeeded', 'partial', 'failed', 'abandoned']),
    rows_read: z.number().int().openapi({ description: 'accepted + updated + unchanged + rejected' }),
    accepted: z.number().int().openapi({ description: 'New rows stored.' }),
    updated: z.number().int().openapi({ description: 'Stored rows whose value changed.' }),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    rejected_by_reason: z.record(z.string(), z.number().int()).openapi({ example: { card_not_in_catalog: 1 } }),
    failures: z.array(z.object({ item: z.string(), error: z.string() })),
    error: z.string().nullable(),
  })
  .openapi('IngestionRunSummary');

export const ingestSearchInterestRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/ingest/search-interest',
    tags: ['ingest'],
    summary: 'Ingest search-interest (SVI) values as one recorded ingestion run',
    description:
      'Upserts on (card_id, date, granularity, batch). Rows that are well-formed but unusable are counted in ' +
      '`rejected_by_reason`, not refused; re-sending the same rows counts them as unchanged.',
    request: { body: { required: true, content: { 'application/json': { schema: IngestBody } } } },
    responses: {
      200: { description: 'The run summary.', content: { 'application/json': { schema: RunSummarySchema } } },
    },
  },
);

export function searchInterestRoutes(service: SearchInterestService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(ingestSearchInterestRoute, async (c) => {
    const { rows } = c.req.valid('json');
    const principal = c.get('principal');
    const summary = await service.ingest(rows, {
      importer: 'api',
      params: { actor: principal?.actor ?? 'anonymous', request_id: c.get('requestId') },
    });
    await c.get('platform').audit.record({
      actor: principal?.actor ?? 'anonymous',
      role: principal?.role ?? null,
      action: 'ingest.search_interest',
      target: summary.id,
      result: 'success',
      requestId: c.get('requestId'),
      ip: c.get('clientIp'),
      detail: {
        rows_read: summary.rows_read,
        accepted: summary.accepted,
        updated: summary.updated,
        rejected: summary.rejected,
      },
    });
    return c.json({ ...summary, source: summary.importer }, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
