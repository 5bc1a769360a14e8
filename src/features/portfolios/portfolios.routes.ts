import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import type { AnalyticsService } from './analytics.service.ts';
import { csvRoutes } from './csv.routes.ts';
import type { PortfolioCsvService } from './csv.service.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import type { LedgerService } from './ledger.service.ts';
import { CurrencySchema } from './money.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';
import { PortfolioExportSchema } from './portfolio-export.ts';
import type { PortfolioInfo, PortfoliosService } from './portfolios.service.ts';
import { MARKETS } from './pricing.ts';
import { valuationRoutes } from './valuation.routes.ts';
import type { ValuationService } from './valuation.service.ts';
import { watchlistRoutes } from './watchlist.routes.ts';
import type { WatchlistService } from './watchlist.service.ts';
import { performanceRoutes } from './performance.routes.ts';
import type { PerformanceService } from './performance.service.ts';

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

const NO_STORE = { 'Cache-Control': 'no-store' };
const notFound = problemResponse('No such portfolio for these credentials.');
const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });

const PortfolioSchema = z
  .object({
    id: z.string().openapi({ example: 'pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    name: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string().nullable(),
    base_currency: z.string().openapi({ description: 'Currency of valuations and P&L.', example: 'USD' }),
    cost_method: z.enum(['fifo', 'average']),
    preferred_market: z.enum(MARKETS),
    price_field: z.enum(['market', 'low']),
    revision: z.number().int().openapi({ description: 'Bumped by every change to the portfolio.' }),
    counts: z.object({ lots: z.number().int(), sales: z.number().int(), watchlist: z.number().int() }),
  })
  .openapi('Portfolio');

const SettingsPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    base_currency: CurrencySchema.optional().openapi({
      description: 'EUR or a currency whose ECB reference rates are imported (FX_CURRENCIES).',
    }),
    cost_method: z.enum(['fifo', 'average']).optional(),
    preferred_market: z.enum(MARKETS).optional(),
    price_field: z.enum(['market', 'low']).optional(),
  })
  .strict()
  .openapi('PortfolioSettingsPatch');

const RotatedSecretSchema = z
  .object({
    id: z.string(),
    secret: z.string().openapi({ description: 'The new secret, shown once. The old one is refused from now on.' }),
    rotated_at: z.string(),
  })
  .openapi('RotatedPortfolioSecret');

const ImportedSchema = CreatedPortfolio.extend({
  imported: z.object({ lots: z.number().int(), sales: z.number().int(), watchlist: z.number().int() }),
}).openapi('ImportedPortfolio');

export const getPortfolioRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}',
    tags: ['portfolios'],
    summary: 'The portfolio: settings and counts',
    request: { params: z.object({ id: PortfolioId }) },
    responses: { 200: { description: 'The portfolio.', ...json(PortfolioSchema) }, 404: notFound },
  },
);

export const patchPortfolioRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'patch',
    path: '/v1/portfolios/{id}',
    tags: ['portfolios'],
    summary: 'Change the name, base currency, cost method, preferred market or price field',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: SettingsPatchSchema } } },
    },
    responses: { 200: { description: 'Changed.', ...json(PortfolioSchema) }, 404: notFound },
  },
);

export const rotateSecretRoute = defineRoute(
  { access: 'portfolio', idempotent: true, returnsSecret: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/secret',
    tags: ['portfolios'],
    summary: 'Rotate the secret (the new one is shown once; the old one is refused at once)',
    request: { params: z.object({ id: PortfolioId }) },
    responses: { 200: { description: 'Rotated.', ...json(RotatedSecretSchema) }, 404: notFound },
  },
);

export const deletePortfolioRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'delete',
    path: '/v1/portfolios/{id}',
    tags: ['portfolios'],
    summary: 'Delete the portfolio and everything it holds (cannot be undone: export first)',
    request: { params: z.object({ id: PortfolioId }) },
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
  },
);

export const exportPortfolioRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/export',
    tags: ['portfolios'],
    summary:
      'Everything the portfolio holds as JSON (exact decimal amounts); import it with POST /v1/portfolios/import',
    request: { params: z.object({ id: PortfolioId }) },
    responses: { 200: { description: 'The export.', ...json(PortfolioExportSchema) }, 404: notFound },
  },
);

export const importPortfolioRoute = defineRoute(
  { access: 'public', idempotent: true, returnsSecret: true, limit: 'portfolio-creation' },
  {
    method: 'post',
    path: '/v1/portfolios/import',
    tags: ['portfolios'],
    summary: 'Create a new portfolio from an export (new id and secret, shown once; all or nothing)',
    request: { body: { required: true, content: { 'application/json': { schema: PortfolioExportSchema } } } },
    responses: { 201: { description: 'Created from the export.', ...json(ImportedSchema) } },
  },
);

function portfolioWire(p: PortfolioInfo): z.infer<typeof PortfolioSchema> {
  return {
    id: p.id,
    name: p.name,
    created_at: p.created_at,
    updated_at: p.updated_at,
    base_currency: p.base_currency,
    cost_method: p.cost_method,
    preferred_market: p.preferred_market as (typeof MARKETS)[number],
    price_field: p.price_field,
    revision: p.revision,
    counts: p.counts,
  };
}

export interface PortfolioServices {
  portfolios: PortfoliosService;
  watchlist: WatchlistService;
  ledger: LedgerService;
  performance: PerformanceService;
  valuation: ValuationService;
  analytics: AnalyticsService;
  csv: PortfolioCsvService;
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
  app.openapi(importPortfolioRoute, async (c) => {
    const answer = c.get('idempotency');
    const imported = await services.portfolios.importAll(
      c.req.valid('json'),
      { requestId: c.get('requestId'), ip: c.get('clientIp') },
      { ledger: services.ledger, fxCurrencies: c.get('platform').config.FX_CURRENCIES },
      answer ? (trx, result) => answer.storeIn(trx, 201, result) : undefined,
    );
    return c.json(imported, 201, NO_STORE);
  });
  app.openapi(getPortfolioRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(portfolioWire(await services.portfolios.get(id)), 200, NO_STORE);
  });
  app.openapi(patchPortfolioRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const updated = await services.portfolios.update(
      id,
      c.req.valid('json'),
      { requestId: c.get('requestId'), ip: c.get('clientIp') },
      c.get('platform').config.FX_CURRENCIES,
    );
    return c.json(portfolioWire(updated), 200, NO_STORE);
  });
  app.openapi(rotateSecretRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const answer = c.get('idempotency');
    const rotated = await services.portfolios.rotateSecret(
      id,
      { requestId: c.get('requestId'), ip: c.get('clientIp') },
      answer ? (trx, result) => answer.storeIn(trx, 200, result) : undefined,
    );
    return c.json(rotated, 200, NO_STORE);
  });
  app.openapi(deletePortfolioRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    await services.portfolios.remove(id, { requestId: c.get('requestId'), ip: c.get('clientIp') });
    return c.body(null, 204);
  });
  app.openapi(exportPortfolioRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(await services.portfolios.exportAll(id), 200, {
      ...NO_STORE,
      'Content-Disposition': `attachment; filename="${id}.json"`,
    });
  });
  app.route('/', watchlistRoutes(services.watchlist));
  // Before the ledger's routes: `lots/export` would otherwise be read as the lot `export`.
  app.route('/', csvRoutes(services.csv));
  app.route('/', ledgerRoutes(services.ledger, services.valuation));
  app.route('/', valuationRoutes(services.valuation));
  app.route('/', performanceRoutes(services.performance));
  app.route('/', analyticsRoutes(services.analytics));
  return app;
}
