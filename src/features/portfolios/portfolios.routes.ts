import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import type { LedgerService } from './ledger.service.ts';
import type { PortfoliosService } from './portfolios.service.ts';
import { valuationRoutes } from './valuation.routes.ts';
import type { ValuationService } from './valuation.service.ts';
import { watchlistRoutes } from './watchlist.routes.ts';
import type { WatchlistService } from './watchlist.service.ts';

const CreatePortfolioBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'A label for your own use.', example: 'Vintage holos' }),
  })
  .strict()
  .openapi('CreatePortfolio');

const CreatedPortfolio = z
  .object({
    id: z.string().openapi({ description: 'Send as `X-Portfolio-Id`.', example: 'pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    secret: z.string().openapi({
      description: 'Send as `X-Portfolio-Secret`. Shown once: only its digest is stored, so it cannot be recovered.',
      example: 'cqp_5k2m9q3v7x1c8h4j6n0p2r4t6w8y0z2b',
    }),
    name: z.string().nullable().openapi({ example: 'Vintage holos' }),
    created_at: z.string().openapi({ example: '2026-11-25T12:00:00.000Z' }),
  })
  .openapi('CreatedPortfolio');

export const createPortfolioRoute = defineRoute(
  { access: 'public', idempotent: true, returnsSecret: true, limit: 'portfolio-creation' },
  {
    method: 'post',
    path: '/v1/portfolios',
    tags: ['portfolios'],
    summary: 'Create a portfolio (its secret is shown once)',
    request: { body: { required: false, content: { 'application/json': { schema: CreatePortfolioBody } } } },
    responses: {
      201: {
        description: 'Created. `secret` is the only copy of the capability secret.',
        content: { 'application/json': { schema: CreatedPortfolio } },
      },
    },
  },
);

export interface PortfolioServices {
  portfolios: PortfoliosService;
  watchlist: WatchlistService;
  ledger: LedgerService;
  valuation: ValuationService;
}

export function portfolioRoutes(services: PortfolioServices): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(createPortfolioRoute, async (c) => {
    const body = c.req.valid('json');
    // With an Idempotency-Key the answer is stored in the portfolio's own transaction (crash safety).
    const answer = c.get('idempotency');
    const created = await services.portfolios.create(
      body.name ?? null,
      { requestId: c.get('requestId'), ip: c.get('clientIp') },
      answer ? (trx, result) => answer.storeIn(trx, 201, result) : undefined,
    );
    return c.json(created, 201, { 'Cache-Control': 'no-store' });
  });
  app.route('/', watchlistRoutes(services.watchlist));
  app.route('/', ledgerRoutes(services.ledger, services.valuation));
  app.route('/', valuationRoutes(services.valuation));
  return app;
}
