import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { notModified, PRIVATE_CACHE, validators, weakEtag } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import { ChangeSchema, PrintingProductFields } from '../prices/wire.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';
import { WATCHLIST_CAP, type WatchlistService } from './watchlist.service.ts';

const PrintingId = z
  .string()
  .min(1)
  .max(200)
  .openapi({ param: { name: 'printingId', in: 'path' }, description: 'A printing id.', example: 'base1-4.holofoil' });

const WatchlistItem = z
  .object({
    printing: z.object({
      id: z.string().openapi({ example: 'base1-4.holofoil' }),
      card_id: z.string().openapi({ example: 'base1-4' }),
      finish: z.string().openapi({ example: 'holofoil' }),
      tcgplayer_product_id: z.number().int().nullable().openapi({ example: 42382 }),
      tcgplayer_sub_type: z.string().nullable().openapi({ example: 'Holofoil' }),
      ...PrintingProductFields,
      cardmarket_product_id: z.number().int().nullable().openapi({ example: 273699 }),
    }),
    card: z.object({
      id: z.string().openapi({ example: 'base1-4' }),
      name: z.string().openapi({ example: 'Charizard' }),
      set_id: z.string().openapi({ example: 'base1' }),
      number: z.string().openapi({ example: '4' }),
    }),
    added_at: z.string().openapi({ example: '2026-11-25T12:00:00.000Z' }),
    price: z
      .object({
        price: z.number().openapi({ description: 'Major units of `currency`.', example: 389.99 }),
        currency: z.string().openapi({ example: 'USD' }),
        date: z.string().openapi({ description: 'Date of the latest market price.', example: '2026-11-24' }),
        market: z.string().openapi({ example: 'tcgplayer' }),
        condition: z.string().openapi({ example: 'NM' }),
        stale: z
          .boolean()
          .openapi({ description: 'The latest price is more than 3 days behind its market.', example: false }),
      })
      .nullable()
      .openapi({
        description:
          'TCGplayer USD near mint when there is one, else the first series by market, currency, condition; null without prices.',
      }),
    changes: z.object({
      '1d': ChangeSchema.nullable(),
      '7d': ChangeSchema.nullable(),
      '30d': ChangeSchema.nullable(),
      '90d': ChangeSchema.nullable(),
    }),
  })
  .openapi('WatchlistItem');

const AddedItem = z
  .object({
    printing_id: z.string().openapi({ example: 'base1-4.holofoil' }),
    added_at: z.string().openapi({ example: '2026-11-25T12:00:00.000Z' }),
  })
  .openapi('WatchlistEntry');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const listWatchlistRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/watchlist',
    tags: ['portfolios'],
    summary: 'The watchlist with live prices and changes, oldest addition first',
    request: { params: z.object({ id: PortfolioId }), query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of items. Revalidate with `If-None-Match`.',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(WatchlistItem), next_cursor: z.string().nullable() }),
          },
        },
      },
      304: { description: 'Not modified since the ETag sent in `If-None-Match`.' },
      404: problem('No such portfolio for these credentials (portfolio_not_found).'),
    },
  },
);

export const addToWatchlistRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'put',
    path: '/v1/portfolios/{id}/watchlist/{printingId}',
    tags: ['portfolios'],
    summary: `Watch a printing (idempotent; at most ${WATCHLIST_CAP} per list)`,
    request: { params: z.object({ id: PortfolioId, printingId: PrintingId }) },
    responses: {
      200: {
        description: 'Already on the list; nothing changed.',
        content: { 'application/json': { schema: AddedItem } },
      },
      201: { description: 'Added.', content: { 'application/json': { schema: AddedItem } } },
      404: problem(
        'No such portfolio for these credentials (portfolio_not_found), or no such printing (printing_not_found).',
      ),
      409: problem(
        `The list already holds ${WATCHLIST_CAP} printings (watchlist_full); a full list is refused before the printing is looked up.`,
      ),
    },
  },
);

export const removeFromWatchlistRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'delete',
    path: '/v1/portfolios/{id}/watchlist/{printingId}',
    tags: ['portfolios'],
    summary: 'Stop watching a printing',
    request: { params: z.object({ id: PortfolioId, printingId: PrintingId }) },
    responses: {
      204: { description: 'Removed.' },
      404: problem('Not on this watchlist (watchlist_item_not_found), or no such portfolio for these credentials.'),
    },
  },
);

export function watchlistRoutes(watchlist: WatchlistService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listWatchlistRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['added_at', 'printing_id'] as const);
    const session = ownPortfolio(c, id);
    // Authentication already read both stamps, so a revalidation costs no further statement.
    const etag = weakEtag(session.dataVersion, session.watchlist.fingerprint);
    const cached = notModified(c, etag, PRIVATE_CACHE);
    if (cached) return cached;
    const items = await watchlist.list(id, {
      limit: q.limit + 1,
      after: position && { addedAt: position.added_at, printingId: position.printing_id },
    });
    return c.json(
      page(items, q.limit, (last) => ({ added_at: last.added_at, printing_id: last.printing.id })),
      200,
      validators(etag, PRIVATE_CACHE),
    );
  });
  app.openapi(addToWatchlistRoute, async (c) => {
    const { id, printingId } = c.req.valid('param');
    const session = ownPortfolio(c, id);
    const outcome = await watchlist.add(id, printingId, session.watchlist);
    return c.json({ printing_id: printingId, added_at: outcome.added_at }, outcome.added ? 201 : 200, {
      'Cache-Control': 'no-store',
    });
  });
  app.openapi(removeFromWatchlistRoute, async (c) => {
    const { id, printingId } = c.req.valid('param');
    ownPortfolio(c, id);
    await watchlist.remove(id, printingId);
    return c.body(null, 204);
  });
  return app;
}
