/**
 * `/v1/portfolios/{id}/exposures`, `…/scenarios`, `…/attribution`, `…/targets` and `…/orders`:
 * factor exposures, what-if scenarios, return attribution, targets and the orders proposed toward
 * them (docs/METHODS.md, "Portfolio exposures, scenarios and attribution", "Targets and order
 * proposals"). Money in major units of the portfolio's base currency, always with `currency`.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { PositionsSummary } from '../../quant/exposure.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { checkDateRange, DateParam } from '../../platform/http/dates.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import type {
  AnalyticsService,
  Book,
  FillInput,
  SignalContext,
  StoredTrade,
  ValuedPosition,
} from './analytics.service.ts';
import type { OrderRow, TargetRow } from './analytics.repo.ts';
import { ConditionSchema } from './ledger.wire.ts';
import { AmountSchema, CurrencySchema, toMajor, MAX_QUANTITY } from './money.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
const notFound = problemResponse('No such portfolio for these credentials, or no such order in it.');
const invalid = problemResponse('Invalid fields (validation_failed), each named.');

const OrderId = z
  .string()
  .max(40)
  .openapi({ param: { name: 'orderId', in: 'path' }, example: 'ord_01JDX8M3Q5W7ZK2N4R6T8V0B1C' });

const SignalUsed = z
  .object({
    engine: z.string().openapi({ example: 'robust-trend' }),
    engine_version: z.string().openapi({ example: '2' }),
    weights_version: z.string().openapi({ example: 'robust-trend@2:builtin' }),
    date: z.string().nullable().openapi({ description: 'Signal date used; null when there is none.' }),
  })
  .openapi('PortfolioSignalUsed');

const FactorExposure = z.object({
  factor: z.string().openapi({ example: 'trend' }),
  exposure: z.number().nullable().openapi({ description: 'Σ value share × standardised value.', example: 0.42 }),
});

const Exposures = z
  .object({
    value: z.number().openapi({ description: 'Value of the valued holdings.', example: 1250.5 }),
    currency: z.string().openapi({ example: 'USD' }),
    covered_value: z.number().openapi({ description: 'Value of the holdings with a signal.' }),
    coverage: z.number().nullable().openapi({ description: 'covered_value / value.', example: 0.92 }),
    factors: z.array(FactorExposure),
  })
  .openapi('PortfolioExposures');

const Uncovered = z.object({
  holding: z.string(),
  printing_id: z.string(),
  name: z.string(),
  condition: ConditionSchema,
  value: z.number(),
  currency: z.string(),
});

const NotValuedSchema = z
  .object({
    holding: z.string(),
    printing_id: z.string().nullable(),
    item_name: z.string().nullable(),
    quantity: z.number().int(),
    reason: z.enum(['outside_catalogue', 'graded', 'no_price', 'no_fx_rate', 'manual_value']),
  })
  .openapi('PortfolioNotValued');

const ExposuresAnswer = z
  .object({
    as_of: z.string(),
    signal: SignalUsed,
    ...Exposures.shape,
    without_signal: z.array(Uncovered).openapi({ description: 'Valued holdings left out of the exposures.' }),
    not_valued: z
      .array(NotValuedSchema)
      .openapi({ description: 'Holdings without a market value (never counted as 0).' }),
  })
  .openapi('PortfolioExposuresAnswer');

const ScenarioSide = z
  .object({
    value: z.number(),
    cost_basis: z.number(),
    unrealized_pnl: z.number().openapi({ description: 'value − cost_basis.' }),
    currency: z.string(),
    exposures: Exposures,
  })
  .openapi('PortfolioScenarioSide');

const ScenarioBody = z
  .object({
    add: z
      .array(
        z
          .object({
            printing_id: z.string().min(1).max(200),
            quantity: z.number().int().positive().max(MAX_QUANTITY),
            condition: ConditionSchema.optional(),
            unit_cost: AmountSchema.optional().openapi({
              description: 'Per unit in the base currency; default the current price (no P&L on adding).',
            }),
          })
          .strict(),
      )
      .max(500)
      .optional(),
    remove: z
      .array(
        z
          .object({
            printing_id: z.string().min(1).max(200),
            quantity: z.number().int().positive().max(MAX_QUANTITY),
            condition: ConditionSchema.optional(),
          })
          .strict(),
      )
      .max(500)
      .optional(),
    shocks: z
      .array(
        z
          .object({
            scope: z.enum(['market', 'set', 'rarity']),
            set_id: z.string().min(1).max(100).optional(),
            rarity: z.string().min(1).max(100).optional(),
            pct: z
              .number()
              .max(1000)
              .openapi({ description: 'Percent price change, above −100 and at most 1,000.', example: -20 }),
          })
          .strict(),
      )
      .max(50)
      .optional(),
  })
  .strict()
  .openapi('PortfolioScenario');

const ScenarioAnswer = z
  .object({
    as_of: z.string(),
    signal: SignalUsed,
    current: ScenarioSide,
    scenario: ScenarioSide,
    not_valued: z.array(NotValuedSchema),
  })
  .openapi('PortfolioScenarioAnswer');

const AttributionAnswer = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    signal: SignalUsed,
    start_value: z.number().openapi({ description: 'The start holdings at the start prices.' }),
    end_value: z.number().openapi({ description: 'The same holdings at the end prices.' }),
    return: z.number().nullable().openapi({ description: 'ln(end_value / start_value).' }),
    simple_return: z.number().nullable(),
    factors: z.array(
      z.object({
        factor: z.string(),
        exposure: z.number().nullable().openapi({ description: 'At the start.' }),
        factor_return: z.number().nullable().openapi({ description: 'Σ daily regression coefficients.' }),
        dates: z.number().int().openapi({ description: 'Signal dates with a coefficient.' }),
        missing_dates: z.number().int(),
        contribution: z.number().nullable(),
      }),
    ),
    explained: z.number().nullable().openapi({ description: 'Σ contributions.' }),
    residual: z.number().nullable().openapi({ description: 'return − explained.' }),
    coverage: z.number().nullable(),
    signal_dates: z.number().int(),
    without_end_price: z.array(z.object({ holding: z.string(), printing_id: z.string() })),
    not_valued: z.array(NotValuedSchema),
  })
  .openapi('PortfolioAttribution');

const TargetsBody = z
  .object({
    weights: z
      .array(
        z
          .object({
            printing_id: z.string().min(1).max(200),
            weight: z.number().min(0).max(1).openapi({ description: 'Fraction of the portfolio value.' }),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
    exposures: z
      .array(
        z
          .object({
            factor: z.string().min(1).max(100),
            target: z.number().min(-3).max(3).openapi({ description: 'Target value-weighted standardised exposure.' }),
          })
          .strict(),
      )
      .max(50)
      .optional(),
  })
  .strict()
  .openapi('PortfolioTargets');

const TargetsAnswer = z
  .object({
    weights: z.array(z.object({ printing_id: z.string(), weight: z.number(), updated_at: z.string() })),
    exposures: z.array(z.object({ factor: z.string(), target: z.number(), updated_at: z.string() })),
  })
  .openapi('PortfolioTargetsAnswer');

const TradeSchema = z
  .object({
    printing: z.object({ id: z.string(), name: z.string() }),
    condition: ConditionSchema,
    side: z.enum(['buy', 'sell']),
    quantity: z.number().int(),
    unit_price: z.number().openapi({ description: 'Estimated at the current price (major units).' }),
    amount: z.number().openapi({ description: 'quantity × unit_price.' }),
    currency: z.string(),
    as_of: z.string().openapi({ description: 'Date of the price.' }),
  })
  .openapi('OrderTrade');

const OrderSchema = z
  .object({
    id: z.string().openapi({ example: 'ord_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    status: z.enum(['proposed', 'executed', 'cancelled']),
    target_kind: z.enum(['weight', 'exposure']),
    budget: z.number(),
    spent: z.number().openapi({ description: 'Σ buy amounts, at most the budget.' }),
    proceeds: z.number().openapi({ description: 'Σ sell amounts (not added to the budget).' }),
    currency: z.string(),
    proposed_at: z.string(),
    executed_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    trades: z.array(TradeSchema),
  })
  .openapi('Order');

const ProposeBody = z
  .object({
    budget: AmountSchema.openapi({ description: 'Most cash spent on buys.', example: 500 }),
    currency: CurrencySchema.optional().openapi({ description: 'Of the budget; default the base currency.' }),
    use: z.enum(['weight', 'exposure']).optional().openapi({ description: 'Which targets, when both kinds are set.' }),
  })
  .strict()
  .openapi('ProposeOrder');

const ExecuteBody = z
  .object({
    fills: z
      .array(
        z
          .object({
            trade: z.number().int().min(0).openapi({ description: 'Index of the trade in `trades`.' }),
            unit_price: AmountSchema.optional().openapi({ description: 'The price obtained (base currency).' }),
            date: DateParam.optional().openapi({ description: 'When it was traded; default today.' }),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
  })
  .strict()
  .openapi('ExecuteOrder');

export const exposuresRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/exposures',
    tags: ['portfolios'],
    summary: 'Value-weighted standardised factor exposures of the holdings',
    request: {
      params: z.object({ id: PortfolioId }),
      query: z.object({
        as_of: DateParam.optional().openapi({ description: 'Default the latest date with market prices.' }),
      }),
    },
    responses: { 200: { description: 'The exposures.', ...json(ExposuresAnswer) }, 404: notFound, 422: invalid },
  },
);

export const scenarioRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/scenarios',
    tags: ['portfolios'],
    summary: 'What if: add or remove hypothetical lots and shock prices; nothing is stored',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: ScenarioBody } } },
    },
    responses: {
      200: { description: 'Current and scenario side by side.', ...json(ScenarioAnswer) },
      404: notFound,
      422: invalid,
    },
  },
);

export const attributionRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/attribution',
    tags: ['portfolios'],
    summary: "A period's return of the start holdings split into factor contributions and a residual",
    request: {
      params: z.object({ id: PortfolioId }),
      query: z.object({ from: DateParam, to: DateParam }),
    },
    responses: { 200: { description: 'The attribution.', ...json(AttributionAnswer) }, 404: notFound, 422: invalid },
  },
);

export const putTargetsRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'put',
    path: '/v1/portfolios/{id}/targets',
    tags: ['portfolios'],
    summary: 'Replace the targets: weights per printing and/or factor exposures',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: TargetsBody } } },
    },
    responses: { 200: { description: 'The targets now.', ...json(TargetsAnswer) }, 404: notFound, 422: invalid },
  },
);

export const getTargetsRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/targets',
    tags: ['portfolios'],
    summary: 'The targets',
    request: { params: z.object({ id: PortfolioId }) },
    responses: { 200: { description: 'The targets.', ...json(TargetsAnswer) }, 404: notFound },
  },
);

export const proposeOrderRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/orders',
    tags: ['portfolios'],
    summary: 'Propose trades toward the targets within a budget (stored as a proposed order)',
    request: {
      params: z.object({ id: PortfolioId }),
      body: { required: true, content: { 'application/json': { schema: ProposeBody } } },
    },
    responses: { 201: { description: 'The proposed order.', ...json(OrderSchema) }, 404: notFound, 422: invalid },
  },
);

export const listOrdersRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/orders',
    tags: ['portfolios'],
    summary: 'The orders, oldest first',
    request: { params: z.object({ id: PortfolioId }), query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of orders.',
        ...json(z.object({ items: z.array(OrderSchema), next_cursor: z.string().nullable() })),
      },
      404: notFound,
    },
  },
);

export const getOrderRoute = defineRoute(
  { access: 'portfolio' },
  {
    method: 'get',
    path: '/v1/portfolios/{id}/orders/{orderId}',
    tags: ['portfolios'],
    summary: 'One order',
    request: { params: z.object({ id: PortfolioId, orderId: OrderId }) },
    responses: { 200: { description: 'The order.', ...json(OrderSchema) }, 404: notFound },
  },
);

export const executeOrderRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/orders/{orderId}/execute',
    tags: ['portfolios'],
    summary: "Record the order's trades as lots and sales (once; fills may override price and date)",
    request: {
      params: z.object({ id: PortfolioId, orderId: OrderId }),
      body: { required: false, content: { 'application/json': { schema: ExecuteBody } } },
    },
    responses: {
      200: { description: 'Executed.', ...json(OrderSchema) },
      404: notFound,
      409: problemResponse(
        'The order is not proposed (order_not_proposed), or a sale would oversell (insufficient_holding).',
      ),
      422: invalid,
    },
  },
);

export const cancelOrderRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'delete',
    path: '/v1/portfolios/{id}/orders/{orderId}',
    tags: ['portfolios'],
    summary: 'Cancel a proposed order',
    request: { params: z.object({ id: PortfolioId, orderId: OrderId }) },
    responses: {
      204: { description: 'Cancelled.' },
      404: notFound,
      409: problemResponse('The order is not proposed (order_not_proposed).'),
    },
  },
);

function signalWire(s: SignalContext) {
  return {
    engine: s.key.engine,
    engine_version: s.key.engineVersion,
    weights_version: s.key.weightsVersion,
    date: s.date,
  };
}

function exposuresWire(summary: PositionsSummary, factors: readonly string[], currency: string) {
  const e = summary.exposures;
  return {
    value: toMajor(e.value, currency),
    currency,
    covered_value: toMajor(e.coveredValue, currency),
    coverage: e.coverage,
    factors: factors.map((factor, k) => ({ factor, exposure: e.exposures[k] ?? null })),
  };
}

function notValuedWire(book: Book) {
  return book.notValued.map((n) => ({
    holding: n.holding,
    printing_id: n.printingId,
    item_name: n.itemName,
    quantity: n.quantity,
    reason: n.reason,
  }));
}

function sideWire(summary: PositionsSummary, factors: readonly string[], currency: string) {
  return {
    value: toMajor(summary.value, currency),
    cost_basis: toMajor(summary.cost, currency),
    unrealized_pnl: toMajor(summary.unrealized, currency),
    currency,
    exposures: exposuresWire(summary, factors, currency),
  };
}

function targetsWire(rows: TargetRow[]) {
  return {
    weights: rows
      .filter((r) => r.kind === 'weight')
      .map((r) => ({ printing_id: r.subject, weight: Number(r.target), updated_at: r.updated_at })),
    exposures: rows
      .filter((r) => r.kind === 'exposure')
      .map((r) => ({ factor: r.subject, target: Number(r.target), updated_at: r.updated_at })),
  };
}

export function orderWire(row: OrderRow) {
  const trades = JSON.parse(row.trades) as StoredTrade[];
  const c = row.currency;
  const sum = (side: 'buy' | 'sell') =>
    trades.filter((t) => t.side === side).reduce((a, t) => a + t.quantity * t.unit_price_minor, 0);
  return {
    id: row.id,
    status: row.status,
    target_kind: row.target_kind,
    budget: toMajor(Number(row.budget_minor), c),
    spent: toMajor(sum('buy'), c),
    proceeds: toMajor(sum('sell'), c),
    currency: c,
    proposed_at: row.proposed_at,
    executed_at: row.executed_at,
    cancelled_at: row.cancelled_at,
    trades: trades.map((t) => ({
      printing: { id: t.printing_id, name: t.name },
      condition: t.condition,
      side: t.side,
      quantity: t.quantity,
      unit_price: toMajor(t.unit_price_minor, t.currency),
      amount: toMajor(t.quantity * t.unit_price_minor, t.currency),
      currency: t.currency,
      as_of: t.as_of,
    })),
  };
}

const uncoveredWire = (positions: ValuedPosition[], currency: string) =>
  positions
    .filter((p) => p.z === null)
    .map((p) => ({
      holding: p.key,
      printing_id: p.printingId,
      name: p.name,
      condition: p.condition,
      value: toMajor(p.quantity * p.unitValue, currency),
      currency,
    }));

export function analyticsRoutes(analytics: AnalyticsService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(exposuresRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    // No date: the valuation's default (the latest date with market prices), as the summary.
    const asOf = c.req.valid('query').as_of;
    if (asOf !== undefined && asOf > analytics.today())
      throw new ValidationFailed([{ field: 'query.as_of', message: 'is in the future' }]);
    const { book, signal, summary } = await analytics.exposures(id, asOf);
    const currency = book.settings.base_currency;
    return c.json(
      {
        as_of: book.asOf,
        signal: signalWire(signal),
        ...exposuresWire(summary, signal.engine.components, currency),
        without_signal: uncoveredWire(book.positions, currency),
        not_valued: notValuedWire(book),
      },
      200,
      NO_STORE,
    );
  });
  app.openapi(scenarioRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const r = await analytics.scenario(id, c.req.valid('json'));
    const currency = r.book.settings.base_currency;
    const factors = r.signal.engine.components;
    return c.json(
      {
        as_of: r.book.asOf,
        signal: signalWire(r.signal),
        current: sideWire(r.current, factors, currency),
        scenario: sideWire(r.scenario, factors, currency),
        not_valued: notValuedWire(r.book),
      },
      200,
      NO_STORE,
    );
  });
  app.openapi(attributionRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const { from, to } = c.req.valid('query');
    checkDateRange(from, to);
    if (to > analytics.today()) throw new ValidationFailed([{ field: 'query.to', message: 'is in the future' }]);
    const r = await analytics.attribution(id, from, to);
    const currency = r.start.settings.base_currency;
    const a = r.attribution;
    return c.json(
      {
        from,
        to,
        currency,
        signal: signalWire(r.signal),
        start_value: toMajor(r.startValue, currency),
        end_value: toMajor(r.endValue, currency),
        return: a?.logReturn ?? null,
        simple_return: a?.simpleReturn ?? null,
        factors: r.signal.engine.components.map((factor, k) => ({
          factor,
          exposure: r.summary.exposures.exposures[k] ?? null,
          factor_return: r.factorReturns[k]!.value,
          dates: r.factorReturns[k]!.dates,
          missing_dates: r.factorReturns[k]!.missing,
          contribution: a?.contributions[k] ?? null,
        })),
        explained: a?.explained ?? null,
        residual: a?.residual ?? null,
        coverage: r.summary.exposures.coverage,
        signal_dates: r.dates.length,
        without_end_price: r.unpricedAtEnd.map((p) => ({ holding: p.key, printing_id: p.printingId })),
        not_valued: notValuedWire(r.start),
      },
      200,
      NO_STORE,
    );
  });
  app.openapi(putTargetsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(targetsWire(await analytics.replaceTargets(id, c.req.valid('json'))), 200, NO_STORE);
  });
  app.openapi(getTargetsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(targetsWire(await analytics.targets(id)), 200, NO_STORE);
  });
  app.openapi(proposeOrderRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(orderWire(await analytics.propose(id, c.req.valid('json'))), 201, NO_STORE);
  });
  app.openapi(listOrdersRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, ['id'] as const);
    const rows = await analytics.orders(id, { limit: q.limit + 1, afterId: after?.id });
    return c.json(
      page(rows.map(orderWire), q.limit, (last) => ({ id: last.id })),
      200,
      NO_STORE,
    );
  });
  app.openapi(getOrderRoute, async (c) => {
    const { id, orderId } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.json(orderWire(await analytics.order(id, orderId)), 200, NO_STORE);
  });
  app.openapi(executeOrderRoute, async (c) => {
    const { id, orderId } = c.req.valid('param');
    ownPortfolio(c, id);
    const body = c.req.valid('json') as { fills?: FillInput[] } | undefined;
    return c.json(orderWire(await analytics.execute(id, orderId, body?.fills ?? [])), 200, NO_STORE);
  });
  app.openapi(cancelOrderRoute, async (c) => {
    const { id, orderId } = c.req.valid('param');
    ownPortfolio(c, id);
    await analytics.cancel(id, orderId);
    return c.body(null, 204);
  });
  return app;
}
