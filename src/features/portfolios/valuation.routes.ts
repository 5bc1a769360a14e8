/** `/v1/portfolios/{id}/summary` and `/v1/portfolios/{id}/holdings`: the portfolio valued on a date. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { DateParam } from '../../platform/http/dates.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';
import type { ValuationService } from './valuation.service.ts';
import { HoldingsSchema, holdingsWire, SummarySchema, summaryWire } from './valuation.wire.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const notFound = problemResponse('No such portfolio for these credentials.');
const AsOfQuery = z.object({
  as_of: DateParam.optional().openapi({
    description:
      'Valuation date (default: the latest date any market has prices, or of the latest lot or sale when later). Not after today.',
    example: '2026-11-21',
  }),
});

export const summaryRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/summary',
    tags: ['portfolios'],
    summary: 'Value, cost, unrealized and realized P&L, total return, unpriced holdings and FX rates used',
    request: { params: z.object({ id: PortfolioId }), query: AsOfQuery },
    responses: {
      200: { description: 'The totals.', content: { 'application/json': { schema: SummarySchema } } },
      404: notFound,
    },
  },
);

export const holdingsRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/holdings',
    tags: ['portfolios'],
    summary: 'Each holding with its price, value and unrealized P&L; unpriced holdings apart with the reason',
    request: { params: z.object({ id: PortfolioId }), query: AsOfQuery },
    responses: {
      200: { description: 'The holdings.', content: { 'application/json': { schema: HoldingsSchema } } },
      404: notFound,
    },
  },
);

export function valuationRoutes(valuation: ValuationService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(summaryRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const v = await valuation.value(id, { asOf: c.req.valid('query').as_of, printings: false });
    return c.json(summaryWire(v), 200, NO_STORE);
  });
  app.openapi(holdingsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const v = await valuation.value(id, { asOf: c.req.valid('query').as_of });
    return c.json(holdingsWire(v), 200, NO_STORE);
  });
  return app;
}
