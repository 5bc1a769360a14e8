/** GET /v1/admin/ingestion/runs/{id}/unmatched: the products a run could not link, to fix with `mapping add`. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import { unmatchedProducts } from './unmatched.ts';

export const UNMATCHED_REASONS = [
  'code_card',
  'accessory',
  'sealed_product',
  'unknown_card',
  'unmapped_product',
  'card_not_in_catalog',
  'unmatched_product',
] as const;

const UnmatchedProduct = z
  .object({
    product_id: z.number().int().openapi({ description: 'TCGplayer product id.', example: 42347 }),
    group_id: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'TCGplayer group the product is sold under.', example: 604 }),
    group_name: z.string().nullable().openapi({ example: 'Base Set' }),
    name: z
      .string()
      .nullable()
      .openapi({ description: 'Product name from its listing; null when no listing was imported.', example: 'Mewtwo' }),
    number: z.string().nullable().openapi({ description: 'Card number from its listing.', example: '010/102' }),
    reason: z.string().openapi({
      description: 'Why its rows were rejected (docs/METHODS.md, "Price acceptance rules").',
      example: 'unmapped_product',
    }),
    rows: z.number().int().openapi({ description: 'Price rows of the product the run rejected.', example: 3 }),
    suggested_card: z.object({ id: z.string(), name: z.string(), set_id: z.string() }).nullable().openapi({
      description:
        'The catalogue card of the same number in the set(s) of the group (same name first); a hint, never applied by itself.',
    }),
  })
  .openapi('UnmatchedProduct');

export const listUnmatchedRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/ingestion/runs/{id}/unmatched',
    tags: ['admin'],
    summary: 'Products whose price rows a run could not link, with a suggested card',
    description:
      'Ordered by product id. Link one with `cardquant mapping add --product ID --card CARD`, then `cardquant import rematch RUN`.',
    request: {
      params: z.object({ id: z.string().max(64) }),
      query: z.object({
        ...pageQuery,
        reason: z
          .enum(UNMATCHED_REASONS)
          .optional()
          .openapi({ description: 'Only this reason.', example: 'unmapped_product' }),
        set: z.string().min(1).max(64).optional().openapi({
          description: 'Only products of the TCGplayer group(s) this set is sold under.',
          example: 'base1',
        }),
      }),
    },
    responses: {
      200: {
        description: 'A page of unmatched products.',
        content: {
          'application/json': {
            schema: z
              .object({ items: z.array(UnmatchedProduct), next_cursor: z.string().nullable() })
              .openapi('UnmatchedProductList'),
          },
        },
      },
      404: {
        description: '`ingestion_run_not_found`: no run with this id.',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    },
  },
);

export function unmatchedRoutes(db: Kysely<Tables>): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listUnmatchedRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['p'] as const);
    const after = position ? Number(position.p) : undefined;
    if (after !== undefined && !Number.isSafeInteger(after))
      throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
    const { items, more } = await unmatchedProducts(db, {
      runId: id,
      reason: q.reason,
      set: q.set,
      afterProductId: after,
      limit: q.limit,
    });
    const last = items.at(-1);
    return c.json({ items, next_cursor: more && last ? encodeCursor({ p: String(last.product_id) }) : null }, 200);
  });
  return app;
}
