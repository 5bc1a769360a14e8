/** `/v1/portfolios/{id}/lots` and `/v1/portfolios/{id}/sales`: the ledger's own records. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import type { LedgerService } from './ledger.service.ts';
import type { ValuationService } from './valuation.service.ts';
import { SaleRealizedSchema, saleRealizedWire } from './valuation.wire.ts';
import { LotPatchSchema, LotSchema, NewLotSchema, NewSaleSchema, SaleSchema } from './ledger.wire.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';

const LotId = z
  .string()
  .max(40)
  .openapi({ param: { name: 'lotId', in: 'path' }, example: 'lot_01JDX8M3Q5W7ZK2N4R6T8V0B1C' });
const SaleId = z
  .string()
  .max(40)
  .openapi({ param: { name: 'saleId', in: 'path' }, example: 'sale_01JDX8M3Q5W7ZK2N4R6T8V0B1C' });

/** A sale with its realized P&L in the base currency, by the portfolio's cost method. */
const SaleAnswerSchema = SaleSchema.extend({ realized: SaleRealizedSchema }).openapi('SaleWithRealized');

const NO_STORE = { 'Cache-Control': 'no-store' };
const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
const notFound = problemResponse('No such portfolio for these credentials, or no such lot / sale in it.');
const refusedByHolding = problemResponse(
  'The change would leave a sale of more than was held on its date (insufficient_holding).',
);

export const addLotRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/lots',
    tags: ['portfolios'],
    summary: 'Add a purchase lot',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: NewLotSchema } } },
    },
    responses: { 201: { description: 'Added.', ...json(LotSchema) }, 404: notFound },
  },
);

export const listLotsRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/lots',
    tags: ['portfolios'],
    summary: 'The purchase lots, in the order they were added',
    request: { params: z.object({ id: PortfolioId }), query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of lots.',
        ...json(z.object({ items: z.array(LotSchema), next_cursor: z.string().nullable() })),
      },
      404: notFound,
    },
  },
);

export const getLotRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/lots/{lotId}',
    tags: ['portfolios'],
    summary: 'One lot',
    request: { params: z.object({ id: PortfolioId, lotId: LotId }) },
    responses: { 200: { description: 'The lot.', ...json(LotSchema) }, 404: notFound },
  },
);

export const editLotRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'patch',
    path: '/v1/portfolios/{id}/lots/{lotId}',
    tags: ['portfolios'],
    summary: 'Change a lot (quantity, cost, fees, currency, date, condition, grade, note, manual value)',
    request: {
      params: z.object({ id: PortfolioId, lotId: LotId }),
      body: { required: true, content: { 'application/json': { schema: LotPatchSchema } } },
    },
    responses: { 200: { description: 'Changed.', ...json(LotSchema) }, 404: notFound, 409: refusedByHolding },
  },
);

export const deleteLotRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'delete',
    path: '/v1/portfolios/{id}/lots/{lotId}',
    tags: ['portfolios'],
    summary: 'Delete a lot',
    request: { params: z.object({ id: PortfolioId, lotId: LotId }) },
    responses: { 204: { description: 'Deleted.' }, 404: notFound, 409: refusedByHolding },
  },
);

export const recordSaleRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/sales',
    tags: ['portfolios'],
    summary: 'Record a sale (disposal); refused when more would be sold than is held',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: NewSaleSchema } } },
    },
    responses: {
      201: { description: 'Recorded, with its realized P&L.', ...json(SaleAnswerSchema) },
      404: notFound,
      409: refusedByHolding,
    },
  },
);

export const listSalesRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/sales',
    tags: ['portfolios'],
    summary: 'The recorded sales, in the order they were recorded',
    request: { params: z.object({ id: PortfolioId }), query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of sales, each with its realized P&L.',
        ...json(z.object({ items: z.array(SaleAnswerSchema), next_cursor: z.string().nullable() })),
      },
      404: notFound,
    },
  },
);

export const deleteSaleRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'delete',
    path: '/v1/portfolios/{id}/sales/{saleId}',
    tags: ['portfolios'],
    summary: 'Delete a recorded sale',
    request: { params: z.object({ id: PortfolioId, saleId: SaleId }) },
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
  },
);

export function ledgerRoutes(ledger: LedgerService, valuation: ValuationService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(addLotRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const [row] = await ledger.addLots(id, [c.req.valid('json')], 'manual');
    return c.json((await ledger.toWire([row!])).lots[0]!, 201, NO_STORE);
  });
  app.openapi(listLotsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, ['id'] as const);
    const items = await ledger.listLots(id, { limit: q.limit + 1, afterId: after?.id });
    return c.json(
      page(items, q.limit, (last) => ({ id: last.id })),
      200,
      NO_STORE,
    );
  });
  app.openapi(getLotRoute, async (c) => {
    const { id, lotId } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(await ledger.getLot(id, lotId), 200, NO_STORE);
  });
  app.openapi(editLotRoute, async (c) => {
    const { id, lotId } = c.req.valid('param');
    ownPortfolio(c, id);
    const row = await ledger.editLot(id, lotId, c.req.valid('json'));
    return c.json((await ledger.toWire([row])).lots[0]!, 200, NO_STORE);
  });
  app.openapi(deleteLotRoute, async (c) => {
    const { id, lotId } = c.req.valid('param');
    ownPortfolio(c, id);
    await ledger.removeLot(id, lotId);
    return c.body(null, 204);
  });
  app.openapi(recordSaleRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const [row] = await ledger.recordSales(id, [c.req.valid('json')], 'manual');
    const sale = (await ledger.toWire([], [row!])).sales[0]!;
    const realized = await valuation.realizedBySale(id);
    return c.json({ ...sale, realized: saleRealizedWire(realized.get(sale.id)) }, 201, NO_STORE);
  });
  app.openapi(listSalesRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, ['id'] as const);
    const sales = await ledger.listSales(id, { limit: q.limit + 1, afterId: after?.id });
    const realized = sales.length === 0 ? new Map() : await valuation.realizedBySale(id);
    const items = sales.map((s) => ({ ...s, realized: saleRealizedWire(realized.get(s.id)) }));
    return c.json(
      page(items, q.limit, (last) => ({ id: last.id })),
      200,
      NO_STORE,
    );
  });
  app.openapi(deleteSaleRoute, async (c) => {
    const { id, saleId } = c.req.valid('param');
    ownPortfolio(c, id);
    await ledger.removeSale(id, saleId);
    return c.body(null, 204);
  });
  return app;
}
