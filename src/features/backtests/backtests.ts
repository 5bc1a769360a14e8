/**
 * Stored backtests of the configured signal (docs/METHODS.md, "Backtest"): the request's
 * parameters, the loader that feeds stored scores and primary-series prices to the pure
 * simulator in quant/backtest.ts, and the wire shape of its result. Runs are recorded and
 * executed by backtests.service.ts.
 */
import { z } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.ts';
import { runBacktest, type BacktestOptions, type BacktestResult, type PriceObservation } from '../../quant/backtest.ts';
import { DateParam } from '../../platform/http/dates.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { toMajor } from '../prices/wire.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import { type SignalKey } from '../signals/signals.repo.ts';
import { forEachPrice, forEachScore, signalUniverse } from './backtests.repo.ts';

/**
 * Largest estimated work (calendar days × printings with signals) run inside the request; larger
 * runs answer 202 and execute in a child process. A run costs about 2.5 µs per cell, mostly
 * reading rows, and SQLite reads block the event loop: 250,000 cells (a year of 680 printings,
 * a quarter of 2,700) take well under a second on a 2-core machine, 2,000,000 took 8 s.
 */
export const BACKTEST_INLINE_LIMIT = 250_000;
/** Largest estimated work accepted at all: the loader holds three doubles per cell (≈ 0.5 GB here, about a minute). */
export const BACKTEST_MAX_WORK = 20_000_000;
/** Trades kept with a run (the first ones, in execution order); the count covers all of them. */
export const TRADE_LOG_LIMIT = 1_000;

const money = (what: string, max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .openapi({ description: `${what}, USD.` });

/** The fields of a run's parameters, with their defaults. */
export const BACKTEST_PARAM_FIELDS = {
  from: DateParam.openapi({ description: 'First market date of the simulation (inclusive).', example: '2026-01-01' }),
  to: DateParam.openapi({
    description: 'Last market date (inclusive); open baskets are valued here.',
    example: '2026-11-20',
  }),
  quantile: z.number().gt(0).max(0.5).default(0.2).openapi({
    description:
      'Share of the ranked printings per leg: 0.2 buys the top 20 % by score (and, long-short, sells the bottom 20 %).',
    example: 0.2,
  }),
  side: z.enum(['long', 'long-short']).default('long').openapi({
    description:
      '`long-short` is hypothetical: collectibles cannot be borrowed, so it measures the score spread, not a tradable strategy.',
  }),
  holding_days: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(7)
    .openapi({ description: 'Market dates a basket is held before it is sold.', example: 7 }),
  rebalance_every: z.number().int().min(1).max(365).optional().openapi({
    description: 'A new basket is chosen every this many market dates; default `holding_days`.',
    example: 7,
  }),
  buy_at: z
    .enum(['market', 'low'])
    .default('market')
    .openapi({ description: 'Buy at the market price or at the listed low; sales are always at the market price.' }),
  fee_pct: z.number().min(0).max(50).default(12.75).openapi({
    description:
      'Marketplace fee on every sale, percent of proceeds. The default 12.75 is close to a TCGplayer seller fee (commission plus payment processing).',
    example: 12.75,
  }),
  fixed_cost: money(
    'Fixed cost per trade and printing (shipping, a top loader), charged on every buy and every sale',
    10_000,
  )
    .default(1)
    .openapi({ example: 1 }),
  slippage_bps: z
    .number()
    .min(0)
    .max(1000)
    .default(50)
    .openapi({ description: 'Adverse price move on every execution, basis points.', example: 50 }),
  min_price: money(
    'Printings whose market price on the signal date is below this (or absent) are not selected',
    1_000_000,
  )
    .default(1)
    .openapi({ example: 1 }),
  initial_capital: z
    .number()
    .gt(0)
    .max(1e12)
    .default(10_000)
    .openapi({ description: 'Starting cash, USD.', example: 10_000 }),
};

/** What a caller may set; every field but the range has a default. */
export const BacktestParamsSchema = z
  .object(BACKTEST_PARAM_FIELDS)
  .strict()
  .superRefine((p, ctx) => {
    if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
  })
  .openapi('BacktestParams', {
    example: { from: '2026-01-01', to: '2026-11-20', quantile: 0.2, side: 'long', holding_days: 7 },
  });

/** Parameters as stored on a run: every default resolved. */
export type BacktestParams = Omit<z.infer<typeof BacktestParamsSchema>, 'rebalance_every'> & {
  rebalance_every: number;
};

export function resolveParams(input: z.infer<typeof BacktestParamsSchema>): BacktestParams {
  return { ...input, rebalance_every: input.rebalance_every ?? input.holding_days };
}

/** The run was stopped before it finished (the process is shutting down); it can be run again. */
export class BacktestInterrupted extends Error {
  constructor() {
    super('the backtest was stopped before it finished because the server shut down; start it again');
    this.name = 'BacktestInterrupted';
  }
}

/** A missing input (no market dates, no signals): the run fails with this message. */
export class BacktestDataError extends Error {
  override name = 'BacktestDataError';
}

export interface BacktestMetricsView {
  total_return_pct: number;
  annualised_return_pct: number | null;
  annualised_volatility_pct: number | null;
  sharpe: number | null;
  max_drawdown_pct: number;
  hit_rate_pct: number | null;
  turnover: number;
  costs: number;
  final_equity: number;
  market_dates: number;
  universe: number;
  /** The date the equity reached zero and the run stopped; null when it never did. */
  ruin_date: string | null;
  /** What closing every position on the ruin date left owing beyond the capital, USD; null without ruin. */
  ruin_deficit: number | null;
}

export interface EquityPoint {
  date: string;
  value: number;
  /** Executions on this date (open-at-end valuations not counted). */
  trades: number;
}

export interface TradeView {
  basket: number;
  signal_date: string;
  leg: 'long' | 'short';
  printing_id: string;
  side: 'buy' | 'sell';
  date: string;
  price: number;
  quantity: number;
  cost: number;
  open_at_end: boolean;
}

export interface BacktestOutcome {
  metrics: BacktestMetricsView;
  equity: EquityPoint[];
  /** Every trade record, open-at-end exits included. */
  trades: number;
  /** The first TRADE_LOG_LIMIT trades. */
  tradeLog: TradeView[];
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const pct = (v: number | null) => (v === null ? null : round(v * 100, 4));
const usd = (v: number) => round(v, 2);

export function simulatorOptions(p: BacktestParams): BacktestOptions {
  return {
    quantile: p.quantile,
    side: p.side,
    holdingDays: p.holding_days,
    rebalanceEvery: p.rebalance_every,
    buyAt: p.buy_at,
    feePct: p.fee_pct,
    fixedCost: p.fixed_cost,
    slippageBps: p.slippage_bps,
    minPrice: p.min_price,
    initialCapital: p.initial_capital,
  };
}

/** Calendar days in [from, to]: the estimate of market dates (collectible markets quote daily). */
export function calendarDays(from: string, to: string): number {
  return Math.max(0, epochDay(to) - epochDay(from) + 1);
}

/**
 * Scores and prices on a dense (calendar day × printing) grid: three doubles per cell, NaN for a
 * gap, prices in cents. Typed arrays keep a year of tens of thousands of printings out of the
 * object heap. The market dates are the days on which some printing of the grid has a price.
 */
class MarketGrid {
  private readonly firstDay: number;
  private readonly width: number;
  private readonly column: Map<string, number>;
  private readonly slot: Map<number, number>;
  private readonly score: Float64Array;
  private readonly market: Float64Array;
  private readonly low: Float64Array;
  private readonly quoted: Uint8Array;
  private offsets = new Map<string, number>();

  constructor(
    range: { from: string; to: string },
    private readonly universe: readonly { key: number; id: string }[],
  ) {
    this.firstDay = epochDay(range.from);
    this.width = universe.length;
    this.column = new Map(universe.map((p, i) => [p.id, i]));
    this.slot = new Map(universe.map((p, i) => [p.key, i]));
    const days = calendarDays(range.from, range.to);
    this.quoted = new Uint8Array(days);
    this.score = new Float64Array(days * this.width).fill(Number.NaN);
    this.market = new Float64Array(days * this.width).fill(Number.NaN);
    this.low = new Float64Array(days * this.width).fill(Number.NaN);
  }

  /** The cell of a row as the repository hands it over, or -1 outside the grid. */
  private cell(printingKey: number, date: string): number {
    const p = this.slot.get(printingKey);
    const d = epochDay(date) - this.firstDay;
    return p === undefined || d < 0 || d >= this.quoted.length ? -1 : d * this.width + p;
  }

  setScore(printingKey: number, date: string, score: number): void {
    const c = this.cell(printingKey, date);
    if (c >= 0) this.score[c] = score;
  }

  setPrice(printingKey: number, date: string, marketCents: number, lowCents: number | null): void {
    const c = this.cell(printingKey, date);
    if (c < 0) return;
    this.market[c] = marketCents;
    if (lowCents !== null) this.low[c] = lowCents;
    this.quoted[Math.floor(c / this.width)] = 1;
  }

  /** The market dates, ascending; call once every price is in. */
  marketDates(): string[] {
    const dates: string[] = [];
    this.quoted.forEach((q, d) => {
      if (q) dates.push(epochDate(this.firstDay + d));
    });
    this.offsets = new Map(dates.map((date) => [date, epochDay(date) - this.firstDay]));
    return dates;
  }

  readonly signal = (date: string): ReadonlyMap<string, number> => {
    const out = new Map<string, number>();
    const d = this.offsets.get(date);
    if (d === undefined) return out;
    for (let p = 0; p < this.width; p++) {
      const s = this.score[d * this.width + p]!;
      if (!Number.isNaN(s)) out.set(this.universe[p]!.id, s);
    }
    return out;
  };

  readonly price = (printing: string, date: string): PriceObservation | null => {
    const p = this.column.get(printing);
    const d = this.offsets.get(date);
    if (p === undefined || d === undefined) return null;
    const market = this.market[d * this.width + p]!;
    if (Number.isNaN(market)) return null;
    const low = this.low[d * this.width + p]!;
    return {
      market: toMajor(market, PRIMARY_SERIES.currency),
      low: Number.isNaN(low) ? null : toMajor(low, PRIMARY_SERIES.currency),
    };
  };
}

function view(result: BacktestResult, size: { dates: number; printings: number }): BacktestOutcome {
  const m = result.metrics;
  const perDate = new Map<string, number>();
  for (const t of result.trades) if (!t.openAtEnd) perDate.set(t.date, (perDate.get(t.date) ?? 0) + 1);
  return {
    metrics: {
      total_return_pct: pct(m.totalReturn)!,
      annualised_return_pct: pct(m.annualisedReturn),
      annualised_volatility_pct: pct(m.annualisedVolatility),
      sharpe: m.sharpe === null ? null : round(m.sharpe, 4),
      max_drawdown_pct: pct(m.maxDrawdown)!,
      hit_rate_pct: pct(m.hitRate),
      turnover: round(m.turnover, 4),
      costs: usd(m.costs),
      final_equity: usd(result.equity[result.equity.length - 1]!.value),
      market_dates: size.dates,
      universe: size.printings,
      ruin_date: result.ruin?.date ?? null,
      ruin_deficit: result.ruin === null ? null : usd(result.ruin.deficit),
    },
    equity: result.equity.map((e) => ({ date: e.date, value: usd(e.value), trades: perDate.get(e.date) ?? 0 })),
    trades: m.trades,
    tradeLog: result.trades.slice(0, TRADE_LOG_LIMIT).map((t) => ({
      basket: t.basket,
      signal_date: t.signalDate,
      leg: t.leg,
      printing_id: t.printing,
      side: t.side,
      date: t.date,
      price: usd(t.price),
      quantity: round(t.quantity, 6),
      cost: usd(t.cost),
      open_at_end: t.openAtEnd,
    })),
  };
}

/**
 * Reads what a backtest needs in bulk — the printings with an `ok` signal of `key` in [from, to],
 * their scores and their primary-series prices in that range — and runs the simulator. The
 * calendar is the market dates: dates in the range on which one of those printings has a market
 * price (the dates `marketDates` lists, read without scanning the whole prices table). Same
 * parameters and same stored data give the same outcome.
 *
 * @example
 * const outcome = await loadAndRun(database, settings.key, resolveParams(BacktestParamsSchema.parse({ from, to })));
 */
export async function loadAndRun(database: Database, key: SignalKey, params: BacktestParams): Promise<BacktestOutcome> {
  const range = { from: params.from, to: params.to };
  const universe = await signalUniverse(database, key, range);
  if (universe.length === 0) {
    throw new BacktestDataError(
      `no stored 'ok' signals of ${key.engine} ${key.engineVersion} (weights ${key.weightsVersion}) in ${params.from} … ${params.to}; derive them with \`cardquant pipeline run --step signals --from ${params.from} --to ${params.to}\``,
    );
  }
  const grid = new MarketGrid(range, universe);
  const keys = universe.map((p) => p.key);
  await forEachScore(database, key, range, universe.length, (k, d, s) => grid.setScore(k, d, s));
  await forEachPrice(database, range, keys, (k, d, m, l) => grid.setPrice(k, d, m, l));
  const dates = grid.marketDates();
  if (dates.length === 0) {
    throw new BacktestDataError(
      `no ${PRIMARY_SERIES.market} ${PRIMARY_SERIES.currency} market prices for the printings with signals in ${params.from} … ${params.to}`,
    );
  }
  const result = runBacktest({ dates, signal: grid.signal, price: grid.price, options: simulatorOptions(params) });
  return view(result, { dates: dates.length, printings: universe.length });
}
