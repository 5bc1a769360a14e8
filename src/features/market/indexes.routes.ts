/**
 * GET /v1/indexes and GET /v1/indexes/{id}: the market and set price indexes that
 * `deriveIndexes` derives (docs/METHODS.md, "Indexes"). Each request costs the data-version
 * read plus one statement; a 304 costs the version read alone.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.ts';
import { readDataVersion } from '../../platform/db/data-version.ts';
import { NotFound } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import { checkDateRange, DateParam } from '../../platform/http/dates.ts';
import { listIndexes, readIndex, type IndexRow } from './indexes.repo.ts';

const changeField = (days: number) =>
  z
    .number()
    .nullable()
    .openapi({
      description: `Percent change, rounded to 4 decimals, from the last value on or before last_date − ${days} days to the value on last_date; null when the index has no value that old.`,
      example: 2.5,
    });

export const IndexSchema = z
  .object({
    id: z.string().openapi({
      description: '`market` (cards), `sealed` (sealed products), or `set-{set id}` (the set’s cards).',
      example: 'set-base1',
    }),
    kind: z.enum(['market', 'sealed', 'set']),
    set_id: z.string().nullable().openapi({ example: 'base1' }),
    name: z.string().openapi({ example: 'Base index' }),
    market: z.string().openapi({ example: 'tcgplayer' }),
    currency: z.string().openapi({ description: 'Currency of the prices the index is built from.', example: 'USD' }),
    base_date: z.string().openapi({ description: 'First date, where the index is 100.', example: '2025-10-20' }),
    last_date: z.string().openapi({ example: '2026-11-24' }),
    value: z
      .number()
      .openapi({ description: 'Value on last_date (base 100), rounded to 4 decimals.', example: 104.2731 }),
    change_1d: changeField(1),
    change_7d: changeField(7),
    change_30d: changeField(30),
    constituents: z.number().int().openapi({
      description: 'Printings in the last step (or priced on base_date for a one-point index).',
      example: 96,
    }),
    points: z.number().int().openapi({ description: 'Dates with a value, base_date through last_date.', example: 401 }),
  })
  .openapi('MarketIndex', { description: 'A chain-linked value-weighted price index (docs/METHODS.md, "Indexes").' });

const IndexList = z
  .object({ items: z.array(IndexSchema), next_cursor: z.string().nullable() })
  .openapi('MarketIndexList');

const IndexPoint = z.object({
  date: z.string().openapi({ example: '2026-11-24' }),
  value: z.number().openapi({ description: 'Rounded to 4 decimals.', example: 104.2731 }),
  constituents: z.number().int().openapi({
    description: 'Printings in the step into this date; below 5 the value was carried forward.',
    example: 96,
  }),
});

const IndexDetail = IndexSchema.extend({ history: z.array(IndexPoint) }).openapi('MarketIndexDetail');

export const listIndexesRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/indexes',
    tags: ['market'],
    summary: 'Price indexes: the market (cards) index first, then the sealed index, then one per set by id',
    request: { query: z.object(pageQuery) },
    responses: {
      200: { description: 'A page of indexes.', content: { 'application/json': { schema: IndexList } } },
      304: notModifiedResponse,
    },
  },
);

export const getIndexRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/indexes/{id}',
    tags: ['market'],
    summary: 'One price index with its daily values',
    description: 'History is every value in [from, to] (both optional: the whole history by default).',
    request: {
      params: z.object({ id: z.string().min(1).max(120).openapi({ description: 'Index id.', example: 'market' }) }),
      query: z.object({
        from: DateParam.optional().openapi({
          description: 'First date of the history (inclusive).',
          example: '2026-01-01',
        }),
        to: DateParam.optional().openapi({
          description: 'Last date of the history (inclusive).',
          example: '2026-11-24',
        }),
      }),
    },
    responses: {
      200: { description: 'The index and its history.', content: { 'application/json': { schema: IndexDetail } } },
      304: notModifiedResponse,
      404: {
        description: '`index_not_found`: no index with this id.',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    },
  },
);

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (from: number | null, to: number) =>
  from === null || from === 0 ? null : round4(((to - from) / from) * 100);

export function toWire(r: IndexRow): z.infer<typeof IndexSchema> {
  return {
    id: r.id,
    kind: r.kind,
    set_id: r.set_id,
    name: r.name,
    market: r.market,
    currency: r.currency,
    base_date: r.base_date,
    last_date: r.last_date,
    value: round4(r.last_value),
    change_1d: pct(r.base_1d, r.last_value),
    change_7d: pct(r.base_7d, r.last_value),
    change_30d: pct(r.base_30d, r.last_value),
    constituents: r.constituents,
    points: r.points,
  };
}

export function indexesRoutes(database: Database): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const version = () => readDataVersion(database.db);

  app.openapi(listIndexesRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = decodeCursor(cursor, ['id'] as const);
    return versionedRead<z.infer<typeof IndexList>>(c, version, async () => {
      const rows = await listIndexes(database, limit + 1, after?.id);
      return jsonResponse(page(rows.map(toWire), limit, (last) => ({ id: last.id })));
    });
  });

  app.openapi(getIndexRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    checkDateRange(from, to);
    return versionedRead<z.infer<typeof IndexDetail>>(c, version, async () => {
      const rows = await readIndex(database, id, from, to);
      const first = rows[0];
      if (!first) throw new NotFound('index', id);
      const history = rows
        .filter((r) => r.h_date !== null)
        .map((r) => ({ date: r.h_date!, value: round4(r.h_value!), constituents: r.h_constituents! }));
      return jsonResponse({ ...toWire(first), history });
    });
  });

  return app;
}
