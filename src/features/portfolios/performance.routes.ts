/** `GET /v1/portfolios/{id}/performance`: the NAV history and its returns (docs/METHODS.md, "Portfolio performance"). */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { DateParam } from '../../platform/http/dates.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import {
  COMPARISON_INDEX_ID,
  MAX_RANGE_DAYS,
  type PerformanceReport,
  type PerformanceService,
} from './performance.service.ts';
import { toMajor } from './money.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const Pct = z.number().nullable();

const PointSchema = z
  .object({
    date: z.string().openapi({ example: '2026-11-24' }),
    value: z
      .number()
      .openapi({ description: 'Priced holdings at that date, major units of `currency`.', example: 1234.5 }),
    cost: z.number().openapi({ description: 'Open cost basis, major units.', example: 1100 }),
    flow: z.number().openapi({
      description:
        'Net external flow since the previous point: purchases with fees positive, sale proceeds net of fees negative.',
      example: 0,
    }),
    twr_index: z
      .number()
      .openapi({ description: 'Time-weighted return index, 100 on the first point.', example: 104.2 }),
    daily_return_pct: Pct.openapi({
      description: 'Return since the previous point, percent; null where the previous value is 0.',
      example: 0.35,
    }),
    priced: z.number().int().openapi({ description: 'Holdings valued on that date.', example: 12 }),
    unpriced: z.number().int().openapi({ description: 'Holdings without a price (not in `value`).', example: 1 }),
    source: z.enum(['snapshot', 'reconstructed']),
  })
  .openapi('PerformancePoint');

const PerformanceSchema = z
  .object({
    portfolio_id: z.string(),
    currency: z.string().openapi({ description: "The portfolio's base currency.", example: 'USD' }),
    from: z.string().openapi({ example: '2026-01-01' }),
    to: z.string().openapi({ example: '2026-11-24' }),
    source: z.enum(['snapshots', 'reconstructed', 'mixed']).openapi({
      description:
        'Where the points came from: stored snapshots, reconstruction from the ledger and price history, or both.',
    }),
    snapshot_points: z.number().int(),
    reconstructed_points: z.number().int(),
    series: z.array(PointSchema),
    metrics: z.object({
      twr_pct: Pct.openapi({ description: 'Time-weighted return over the series, percent.', example: 4.2 }),
      irr_pct: Pct.openapi({ description: 'Money-weighted return (XIRR, Actual/365), percent a year.', example: 6.1 }),
      irr_failure: z
        .enum(['too_few_flows', 'one_date', 'no_sign_change', 'no_root'])
        .nullable()
        .openapi({ description: 'Why `irr_pct` is null.' }),
      max_drawdown: z.object({
        pct: z.number().openapi({
          description: 'Largest fall of the TWR index from its running peak, percent (≤ 0).',
          example: -8.5,
        }),
        peak_date: z.string().nullable(),
        trough_date: z.string().nullable(),
      }),
      market: z.object({
        index_id: z.string().openapi({ example: 'market' }),
        index_return_pct: Pct,
        excess_return_pct: Pct.openapi({ description: 'twr_pct − index_return_pct.' }),
        beta: z
          .number()
          .nullable()
          .openapi({ description: 'OLS slope of daily returns on the index’s daily returns.' }),
        beta_observations: z.number().int(),
      }),
    }),
  })
  .openapi('PortfolioPerformance');

export const performanceRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/performance',
    tags: ['portfolios'],
    summary: 'Daily NAV history with time-weighted and money-weighted returns, drawdown and the market comparison',
    request: {
      params: z.object({ id: PortfolioId }),
      query: z.object({
        from: DateParam.optional().openapi({ description: "Default: the first lot's acquisition date." }),
        to: DateParam.optional().openapi({
          description: `Default: today. At most ${MAX_RANGE_DAYS} days after \`from\`.`,
        }),
        source: z.enum(['snapshots', 'reconstructed']).optional().openapi({
          description:
            'snapshots: stored daily snapshots only; reconstructed: every point rebuilt from lots, sales and the price history. Default: snapshots where present and current, reconstruction for the rest.',
        }),
      }),
    },
    responses: {
      200: {
        description: 'The series (one point per market date) and its metrics.',
        content: { 'application/json': { schema: PerformanceSchema } },
      },
      404: problemResponse('No such portfolio for these credentials (portfolio_not_found).'),
      409: problemResponse('An amount has no FX rate into the base currency near its date (fx_rate_missing).'),
    },
  },
);

const pct = (ratio: number | null): number | null => (ratio === null ? null : Math.round(ratio * 1e6) / 1e4);
const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);

/** The answer on the wire: money in major units of the base currency, ratios in percent. */
export function toPerformanceWire(portfolioId: string, r: PerformanceReport): z.infer<typeof PerformanceSchema> {
  const snapshotPoints = r.points.filter((p) => p.source === 'snapshot').length;
  const reconstructed = r.points.length - snapshotPoints;
  const { twr, irr, maxDrawdown, market } = r.performance;
  return {
    portfolio_id: portfolioId,
    currency: r.currency,
    from: r.from,
    to: r.to,
    source: reconstructed === 0 ? 'snapshots' : snapshotPoints === 0 ? 'reconstructed' : 'mixed',
    snapshot_points: snapshotPoints,
    reconstructed_points: reconstructed,
    series: r.points.map((p, i) => ({
      date: p.date,
      value: toMajor(p.value_minor, r.currency),
      cost: toMajor(p.cost_minor, r.currency),
      flow: toMajor(p.flow_minor, r.currency),
      twr_index: round4(twr.days[i]!.index * 100)!,
      daily_return_pct: pct(twr.days[i]!.dailyReturn),
      priced: p.priced,
      unpriced: p.unpriced,
      source: p.source,
    })),
    metrics: {
      twr_pct: pct(twr.twr),
      irr_pct: pct(irr.rate),
      irr_failure: irr.reason,
      max_drawdown: {
        pct: pct(maxDrawdown.value)!,
        peak_date: maxDrawdown.peakDate,
        trough_date: maxDrawdown.troughDate,
      },
      market: {
        index_id: COMPARISON_INDEX_ID,
        index_return_pct: pct(market.indexReturn),
        excess_return_pct: pct(market.excessReturn),
        beta: round4(market.beta),
        beta_observations: market.betaObservations,
      },
    },
  };
}

export function performanceRoutes(service: PerformanceService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(performanceRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const report = await service.report(id, c.req.valid('query'));
    return c.json(toPerformanceWire(id, report), 200, NO_STORE);
  });
  return app;
}
