/**
 * POST /v1/analytics/backtests (operator) runs a backtest of the configured signal — answered
 * when done if it is small (computed in a worker thread, never on the HTTP thread), else queued
 * for a `cardquant backtest run` process (202); either takes a background slot — and
 * GET /v1/analytics/backtests[/{id}] (public) lists and shows stored runs.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { BackgroundWork, Slot } from '../../platform/background.ts';
import { AppError, NotFound, ValidationFailed } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv, Platform } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { idFactory } from '../../platform/ids.ts';
import type { EngineRegistry } from '../signals/engine.ts';
import { resolveSignalSettings, type SignalConfig } from '../signals/settings.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import type { BacktestLauncher } from './backtests.launcher.ts';
import {
  BACKTEST_INLINE_LIMIT,
  BACKTEST_MAX_WORK,
  BACKTEST_PARAM_FIELDS,
  BacktestParamsSchema,
  resolveParams,
  TRADE_LOG_LIMIT,
} from './backtests.ts';
import { BacktestRuns, type BacktestRunView } from './backtests.service.ts';
import { BacktestThread, shareableDatabase } from './backtests.worker.ts';

/** Runs change while they are polled: caches may keep a copy but must revalidate it (a 304 is one statement). */
const RUN_CACHE = 'public, no-cache';
const STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

const Metrics = z
  .object({
    total_return_pct: z
      .number()
      .openapi({ description: 'Final equity / initial capital − 1, percent, net of every cost.', example: 8.4312 }),
    annualised_return_pct: z.number().nullable().openapi({
      description: '(1 + total return)^(365 / calendar days) − 1, percent; null over zero days or after a total loss.',
      example: 9.1207,
    }),
    annualised_volatility_pct: z.number().nullable().openapi({
      description: 'Sample standard deviation of daily equity log returns × √365, percent.',
      example: 14.2,
    }),
    sharpe: z.number().nullable().openapi({
      description: 'Mean daily log return × 365 / annualised volatility; risk-free rate 0.',
      example: 0.61,
    }),
    max_drawdown_pct: z
      .number()
      .openapi({ description: 'Largest fall from a running equity peak, percent of that peak.', example: 6.25 }),
    hit_rate_pct: z.number().nullable().openapi({
      description: 'Completed round trips with a positive result net of costs, percent; null when none completed.',
      example: 54.5,
    }),
    turnover: z.number().openapi({
      description: 'Average per rebalance of traded notional / equity (2 = the whole book sold and bought again).',
      example: 1.96,
    }),
    costs: z.number().openapi({ description: 'Fees, fixed costs and slippage paid, USD.', example: 912.4 }),
    final_equity: z.number().openapi({
      description: 'Equity on the last date after valuing open baskets at their exit, USD.',
      example: 10843.12,
    }),
    market_dates: z.number().int().openapi({ description: 'Market dates simulated.', example: 324 }),
    universe: z
      .number()
      .int()
      .openapi({ description: 'Printings with at least one `ok` signal in the range.', example: 5120 }),
    ruin_date: z.string().nullable().openapi({
      description:
        "The date the equity reached zero (a short whose price multiplied): the run stopped there, every position closed at that date's marks; the equity curve ends at 0 and volatility, Sharpe and the annualised return are null. Null when it never did.",
      example: null,
    }),
    ruin_deficit: z.number().nullable().openapi({
      description: 'What closing the positions on the ruin date left owing beyond the capital, USD; null without ruin.',
      example: null,
    }),
  })
  .openapi('BacktestMetrics');

const EquityPoint = z
  .object({
    date: z.string().openapi({ example: '2026-03-02' }),
    value: z
      .number()
      .openapi({ description: 'Cash plus positions marked at the market price, USD.', example: 10120.55 }),
    trades: z.number().int().openapi({ description: 'Executions on this date.', example: 40 }),
  })
  .openapi('BacktestEquityPoint');

const Trade = z
  .object({
    basket: z.number().int().openapi({ description: 'Rebalance number, 0-based.' }),
    signal_date: z.string().openapi({ description: 'Date of the signal that chose the basket; always before `date`.' }),
    leg: z.enum(['long', 'short']),
    printing_id: z.string().openapi({ example: 'base1-4-holofoil' }),
    side: z.enum(['buy', 'sell']),
    date: z.string(),
    price: z.number().openapi({ description: 'Execution price per unit with slippage, USD (rounded to cents).' }),
    quantity: z.number().openapi({ description: 'Units; fractional, positions are sized by value.' }),
    cost: z.number().openapi({ description: 'Fee + fixed cost + slippage of this trade, USD.' }),
    open_at_end: z
      .boolean()
      .openapi({ description: 'An exit priced on the last date only to value a basket still open.' }),
  })
  .openapi('BacktestTrade');

const StoredParams = z
  .object({
    ...BACKTEST_PARAM_FIELDS,
    rebalance_every: z.number().int().openapi({ description: 'Resolved: `holding_days` unless given.' }),
  })
  .openapi('BacktestRunParams');

const runFields = {
  id: z.string().openapi({ example: 'bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
  status: z.enum(STATUSES),
  engine: z.string().openapi({ example: 'robust-trend' }),
  engine_version: z.string().openapi({ example: '1' }),
  weights_version: z.string().openapi({ example: 'robust-trend@2:builtin' }),
  params: StoredParams,
  currency: z.string().openapi({ example: 'USD' }),
  metrics: Metrics.nullable().openapi({ description: 'Set when the run succeeded.' }),
  trades: z.number().int().nullable().openapi({
    description: 'Trade records (open-at-end valuations included); set when the run succeeded.',
    example: 1480,
  }),
  error: z.string().nullable().openapi({ description: 'Why the run failed.' }),
  created_by: z
    .string()
    .nullable()
    .openapi({ description: 'Actor (API key id or admin-token) that asked for the run.' }),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  url: z.string().openapi({ example: '/v1/analytics/backtests/bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
};
const BacktestSummary = z.object(runFields).openapi('BacktestSummary');
const BacktestRun = z
  .object({
    ...runFields,
    equity: z.array(EquityPoint).openapi({ description: 'One point per market date (empty until the run succeeded).' }),
    trade_log: z.array(Trade).openapi({
      description: `The first ${TRADE_LOG_LIMIT} trades in execution order; \`trades\` counts all of them.`,
    }),
  })
  .openapi('BacktestRun');
const BacktestQueued = z
  .object({
    id: z.string(),
    status: z.literal('queued'),
    url: z.string().openapi({ description: 'Poll this until `status` is succeeded or failed.' }),
  })
  .openapi('BacktestQueued');

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const location = { Location: { description: 'The run.', schema: { type: 'string' as const } } };

export const createBacktestRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/analytics/backtests',
    tags: ['analytics'],
    summary: 'Backtest the configured signal over stored data (small runs answer at once, large ones are queued)',
    description: `A run whose estimated work (calendar days × printings with \`ok\` signals in the range) is at most ${BACKTEST_INLINE_LIMIT.toLocaleString('en')} runs while the request waits (in a worker thread) and answers 201 with the finished run — \`status\` succeeded, or failed with \`error\` (no signals or no market prices in the range). A larger one answers 202 and executes in a separate process; poll its \`url\`. Runs above ${BACKTEST_MAX_WORK.toLocaleString('en')} are refused (422 on \`body.from\`).`,
    request: { body: { required: true, content: { 'application/json': { schema: BacktestParamsSchema } } } },
    responses: {
      201: { ...json('The run, executed.', BacktestRun), headers: location },
      202: { ...json('Queued for a background process.', BacktestQueued), headers: location },
      503: problemResponse(
        '`background_capacity_full`: MAX_CHILD_PROCESSES pipeline runs and backtests are already running (see Retry-After); `backtest_launcher_unavailable`: this process cannot start background runs; `shutting_down`.',
      ),
    },
  },
);

export const listBacktestsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/analytics/backtests',
    tags: ['analytics'],
    summary: 'Stored backtest runs, newest first (without equity curves)',
    request: { query: z.object({ ...pageQuery, status: z.enum(STATUSES).optional() }) },
    responses: {
      200: json('A page of runs.', z.object({ items: z.array(BacktestSummary), next_cursor: z.string().nullable() })),
      304: notModifiedResponse,
    },
  },
);

export const getBacktestRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/analytics/backtests/{id}',
    tags: ['analytics'],
    summary: 'One backtest run: parameters, status, metrics, equity curve and first trades',
    request: {
      params: z.object({ id: z.string().min(1).max(64).openapi({ example: 'bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }) }),
    },
    responses: {
      200: json('The run.', BacktestRun),
      304: notModifiedResponse,
      404: problemResponse('`backtest_not_found`.'),
    },
  },
);

export interface BacktestRoutesOptions {
  /** Executes queued runs elsewhere; without one, only runs under the inline limit are accepted. */
  launcher?: BacktestLauncher;
  /** Largest estimated work run inside the request (default BACKTEST_INLINE_LIMIT). */
  inlineLimit?: number;
  /** Largest estimated work accepted (default BACKTEST_MAX_WORK). */
  maxWork?: number;
}

/** Backtest routes; the signal engine and weights are resolved once per process from `config`. */
export function backtestsRoutes(
  platform: Pick<Platform, 'database' | 'clock' | 'log' | 'config'>,
  registry: EngineRegistry,
  config: SignalConfig,
  background: BackgroundWork,
  options: BacktestRoutesOptions = {},
): OpenAPIHono<AppEnv> {
  const { database, clock, log } = platform;
  // A worker thread needs its own connection: with an in-memory SQLite database (tests) the run stays on this thread.
  const threads = shareableDatabase(platform.config.DATABASE_URL);
  const threadDatabase = { url: platform.config.DATABASE_URL, busyTimeoutMs: platform.config.SQLITE_BUSY_TIMEOUT_MS };
  const app = createRouter();
  const runs = new BacktestRuns(database, clock, idFactory(clock), log);
  const inlineLimit = options.inlineLimit ?? BACKTEST_INLINE_LIMIT;
  const maxWork = options.maxWork ?? BACKTEST_MAX_WORK;
  let resolved: Promise<{ key: SignalKey }> | null = null;
  const settings = () => {
    resolved ??= resolveSignalSettings(database.db, clock, registry, config).catch((err: unknown) => {
      resolved = null;
      throw err;
    });
    return resolved;
  };

  app.openapi(createBacktestRoute, async (c) => {
    const params = resolveParams(c.req.valid('json'));
    const { key } = await settings();
    const work = await runs.estimate(key, params);
    if (work.cells > maxWork) {
      const message = `spans ${work.dates} days × ${work.printings} printings = ${work.cells} cells, over the ${maxWork} a run may hold; narrow the range`;
      throw new ValidationFailed([{ field: 'body.from', message }]);
    }
    const inline = work.cells <= inlineLimit;
    if (!inline && !options.launcher)
      throw new AppError(
        503,
        'backtest_launcher_unavailable',
        'This process cannot start background runs; narrow the range or use `cardquant backtest run`.',
      );
    // A slot first: a refusal (503) records nothing.
    const slot = background.take('a backtest');
    const principal = c.get('principal')!;
    let created: BacktestRunView;
    try {
      created = await runs.createRun(key, params, principal.actor);
      await c.get('platform').audit.record({
        actor: principal.actor,
        role: principal.role,
        action: 'backtest.create',
        target: created.id,
        result: 'success',
        requestId: c.get('requestId'),
        ip: c.get('clientIp'),
        detail: { mode: inline ? 'inline' : 'process', dates: work.dates, printings: work.printings, params },
      });
    } catch (err) {
      // Nothing runs: the slot is free again (a run already recorded stays queued, as after a refused launch).
      slot.release();
      throw err;
    }
    const headers = { Location: created.url };
    if (inline) {
      const thread = threads ? new BacktestThread(threadDatabase) : null;
      const execution = runs.executeRun(created.id, thread?.compute);
      slot.hold({ done: execution, kill: () => thread?.stop() });
      return c.json(detailBody(await execution), 201, headers);
    }
    await launch(options.launcher!, runs, created.id, log, slot);
    return c.json({ id: created.id, status: 'queued' as const, url: created.url }, 202, headers);
  });

  app.openapi(listBacktestsRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    return versionedRead<{ items: z.infer<typeof BacktestSummary>[]; next_cursor: string | null }>(
      c,
      await runs.version(),
      async () =>
        jsonResponse(
          page(await runs.list({ status: q.status, beforeId: position?.id, limit: q.limit + 1 }), q.limit, (last) => ({
            id: last.id,
          })),
        ),
      RUN_CACHE,
    );
  });

  app.openapi(getBacktestRoute, async (c) => {
    const id = c.req.valid('param').id;
    const run = await runs.get(id, true);
    if (!run) throw new NotFound('backtest', id);
    // A run's content changes only when its status does.
    return versionedRead<z.infer<typeof BacktestRun>>(
      c,
      `${run.id}.${run.status}`,
      async () => jsonResponse(detailBody(run)),
      RUN_CACHE,
    );
  });
  return app;
}

function detailBody(run: BacktestRunView): z.infer<typeof BacktestRun> {
  return { ...run, equity: run.equity ?? [], trade_log: run.trade_log ?? [] };
}

/**
 * Hands a queued run to the launcher, in `slot` until the process has ended. A process that
 * cannot start, or ends without finishing the run (killed, crashed), leaves it failed rather than
 * queued or running for ever.
 */
async function launch(
  launcher: BacktestLauncher,
  runs: BacktestRuns,
  id: string,
  log: Platform['log'],
  slot: Slot,
): Promise<void> {
  const failed = (message: string) =>
    runs
      .fail(id, message)
      .catch((err: Error) =>
        log.error({ backtest: id, err: { message: err.message } }, 'could not mark the backtest failed'),
      );
  try {
    const { done, kill } = await launcher.launch(id);
    slot.hold({
      done: done.then((code) => (code === 0 ? undefined : failed(`the backtest process exited with code ${code}`))),
      kill,
    });
  } catch (err) {
    slot.release();
    await failed('the backtest process could not be started');
    throw err;
  }
}
