/**
 * Quantile-basket backtest (docs/METHODS.md, "Backtest"). Deterministic and pure: no I/O, no clock,
 * no imports from the rest of the program. Shorts on collectibles are hypothetical — nobody lends a
 * graded card — so the long-short mode is a factor-analysis tool, not a tradable strategy.
 */
import { logReturns } from './robust.ts';

/** One printing's observation on one date, in major units; null fields are gaps. */
export interface PriceObservation {
  market: number | null;
  low: number | null;
}

export interface BacktestOptions {
  /** Share of the ranked universe per leg, e.g. 0.2 = top (and bottom) 20 %. */
  quantile: number;
  side: 'long' | 'long-short';
  /** Market dates a basket is held: opened at d_e, closed at d_(e + holdingDays). */
  holdingDays: number;
  /** A new basket is chosen every this many market dates (≥ 1). */
  rebalanceEvery: number;
  buyAt: 'market' | 'low';
  /** Marketplace fee on every sale, percent of gross proceeds (12.75 = 12.75 %). */
  feePct: number;
  /** Per printing per trade (shipping), major units. */
  fixedCost: number;
  /** Adverse price move on every execution, basis points. */
  slippageBps: number;
  /** Printings with a market price under this (or none) on the signal date are not selected. */
  minPrice?: number;
  initialCapital: number;
}

export interface BacktestInput {
  /** Market dates (YYYY-MM-DD), strictly increasing: the simulation calendar. */
  dates: readonly string[];
  /** Printing id → score known at the END of that date (may be empty). */
  signal(date: string): ReadonlyMap<string, number>;
  /** That date's observation, or null when there is none. */
  price(printing: string, date: string): PriceObservation | null;
  options: BacktestOptions;
}

export interface BacktestTrade {
  /** Rebalance number of the basket, 0-based. */
  basket: number;
  /** Date of the signal that chose the basket; always before `date`. */
  signalDate: string;
  leg: 'long' | 'short';
  printing: string;
  side: 'buy' | 'sell';
  date: string;
  /** Execution price per unit, slippage included. */
  price: number;
  /** Units; fractional, the simulator sizes by value. */
  quantity: number;
  /** Fee + fixed cost + slippage (quantity × |price − reference price|), major units. */
  cost: number;
  /** Exit priced on the last date only to value a basket whose holding period had not ended. */
  openAtEnd: boolean;
}

export interface BacktestMetrics {
  totalReturn: number;
  /** (1 + totalReturn)^(365 / calendar days) − 1; null over zero days or after a total loss. */
  annualisedReturn: number | null;
  /**
   * Sample sd of daily equity log returns × √365 — collectible markets trade every day, so the
   * calendar is taken as daily; null with fewer than two returns or non-positive equity.
   */
  annualisedVolatility: number | null;
  /** Mean daily log return × 365 / annualisedVolatility, risk-free rate 0. */
  sharpe: number | null;
  /** Largest fall from a running equity peak, as a fraction of that peak (0.25 = 25 %). */
  maxDrawdown: number;
  /** Share of completed round trips (not open-at-end) with positive P&L net of all costs; null when none completed. */
  hitRate: number | null;
  /**
   * Average per rebalance of traded notional / equity: each date's buys and sells at execution
   * prices over that date's closing equity, summed, divided by the number of rebalances; open-at-end
   * exits are valuation, not turnover.
   */
  turnover: number;
  /** Trade records, open-at-end exits included. */
  trades: number;
  /** Sum of trade costs, major units, open-at-end exits included. */
  costs: number;
}

/** Where the equity reached zero: the run stopped there, every position closed at that date's marks. */
export interface BacktestRuin {
  date: string;
  /** What the closing trades left owing beyond the capital (≥ 0, major units); the curve shows 0. */
  deficit: number;
}

export interface BacktestResult {
  /** Never negative: a run whose equity reaches zero ends with that point (see `ruin`). */
  equity: { date: string; value: number }[];
  trades: BacktestTrade[];
  metrics: BacktestMetrics;
  /** Null unless the equity reached zero. */
  ruin: BacktestRuin | null;
}

interface Position {
  printing: string;
  leg: 'long' | 'short';
  quantity: number;
  /** Cash paid (long, > 0) or received (short, > 0) at entry, costs included. */
  entryCash: number;
  /** Last known market price. */
  mark: number;
}

interface Basket {
  index: number;
  signalDate: string;
  sleeve: number;
  closeAt: number;
  positions: Position[];
}

interface Selection {
  index: number;
  signalDate: string;
  long: string[];
  short: string[];
}

const DAYS_PER_YEAR = 365;
const MS_PER_DAY = 86_400_000;

/**
 * Simulates equal-weight quantile baskets chosen from a score signal.
 *
 * Timing: rebalance dates are d_0, d_R, d_2R, … (R = rebalanceEvery). The signal of rebalance date
 * d_i is read after the close of d_i, and its basket trades on the next market date d_(i+1) — never
 * on d_i — then closes on d_(i+1+holdingDays). Baskets that would trade on the last date are not
 * opened. A basket still open on the last date is valued by pricing its exit there under the full
 * cost model (trades flagged `openAtEnd`, excluded from the hit rate).
 *
 * Selection: scored printings (finite score; market price ≥ minPrice on d_i when minPrice is set)
 * are put in one total order, score descending then printing id ascending; the long leg is the
 * first k = max(1, ⌊quantile · n⌋), the short leg the last k (k ≤ ⌊n / 2⌋ so the legs are
 * disjoint). The basket keeps exactly these printings until it closes, whatever later scores say.
 *
 * Capital: K = ⌈holdingDays / R⌉ baskets can be open at once, so capital starts in K equal sleeves
 * and basket j uses sleeve j mod K — all of that sleeve's cash, which its previous basket has
 * returned by then. Within a sleeve, the long leg invests the sleeve's cash equally across its
 * printings, and the short leg (long-short) sells the same notional, the cash being collateral.
 *
 * Execution: a printing is tradable on a date when its market price (and, buying at the low, its
 * low) is a positive number; untradable printings are skipped for that basket and the leg's money
 * is split among the rest. A long whose share does not cover fixedCost is not bought, and a sleeve
 * whose cash is not positive opens nothing. Buys pay price × (1 + slippage) plus fixedCost; sales receive
 * price × (1 − slippage) × (1 − fee) minus fixedCost; sales and short covers use the market price.
 * Missing prices while held carry the last known market price, also for the exit.
 *
 * Equity is marked at the market price every date, without deducting the fees a sale would pay;
 * fees are realised on sale (so buying at a low under the market shows a gain on the first mark).
 * The last equity point is cash after the open-at-end exits, i.e. net of every cost.
 *
 * Ruin: when the marked equity of a date is zero or less (a short leg whose price multiplied), the
 * run stops on that date: every open basket is closed at that date's marks under the full cost
 * model, the last equity point is 0 and `ruin` reports the date and what was owed beyond it. No
 * metric is computed from a negative equity path: after ruin the total return is −100 %, and the
 * annualised return, volatility and Sharpe ratio are null.
 *
 * Shorts are hypothetical (collectibles cannot be borrowed): long-short measures a factor's spread,
 * not a tradable strategy.
 *
 * @example
 * runBacktest({ dates, signal: (d) => scores.get(d) ?? new Map(), price: lookup, options }).metrics.totalReturn;
 */
export function runBacktest(input: BacktestInput): BacktestResult {
  validate(input.dates, input.options);
  return new QuantileBasketSimulator(input).run();
}

/** Holds the state of one simulation; used once, by {@link runBacktest}. */
class QuantileBasketSimulator {
  private readonly dates: readonly string[];
  private readonly options: BacktestOptions;
  private readonly slip: number;
  private readonly fee: number;
  /** Cash per sleeve. */
  private readonly sleeves: number[];
  private readonly open: Basket[] = [];
  private readonly trades: BacktestTrade[] = [];
  /** Net P&L of each completed round trip. */
  private readonly roundTrips: number[] = [];

  constructor(private readonly input: BacktestInput) {
    this.dates = input.dates;
    this.options = input.options;
    this.slip = input.options.slippageBps / 10_000;
    this.fee = input.options.feePct / 100;
    const concurrent = Math.ceil(input.options.holdingDays / input.options.rebalanceEvery);
    this.sleeves = new Array<number>(concurrent).fill(input.options.initialCapital / concurrent);
  }

  run(): BacktestResult {
    const last = this.dates.length - 1;
    const equity: BacktestResult['equity'] = [];
    let pending: Selection | null = null;
    let rebalances = 0;
    let turnoverSum = 0;
    for (let t = 0; t <= last; t++) {
      const date = this.dates[t]!;
      for (const position of this.open.flatMap((b) => b.positions)) {
        position.mark = usable(this.input.price(position.printing, date)?.market) ?? position.mark;
      }
      let notional = 0;
      for (const basket of this.open.filter((b) => b.closeAt === t)) notional += this.close(basket, t, false);
      if (pending !== null) notional += this.execute(pending, t);
      pending = null;
      if (t === last) for (const basket of [...this.open]) this.close(basket, t, true);
      const value =
        this.sleeves.reduce((s, v) => s + v, 0) + this.open.reduce((s, basket) => s + markedValue(basket), 0);
      if (!(value > 0)) {
        for (const basket of [...this.open]) notional += this.close(basket, t, false);
        const cash = this.sleeves.reduce((s, v) => s + v, 0);
        equity.push({ date, value: 0 });
        const turnover = rebalances === 0 ? 0 : turnoverSum / rebalances;
        const ruin = { date, deficit: Math.max(0, -cash) };
        return {
          equity,
          trades: this.trades,
          metrics: metrics(equity, this.trades, this.roundTrips, turnover, this.options.initialCapital),
          ruin,
        };
      }
      equity.push({ date, value });
      if (notional > 0) turnoverSum += notional / value;
      if (t % this.options.rebalanceEvery === 0 && t + 1 < last) pending = select(this.input, t, rebalances++);
    }
    const turnover = rebalances === 0 ? 0 : turnoverSum / rebalances;
    return {
      equity,
      trades: this.trades,
      metrics: metrics(equity, this.trades, this.roundTrips, turnover, this.options.initialCapital),
      ruin: null,
    };
  }

  /** Opens the basket chosen by `selection` on date index t; returns the notional traded. */
  private execute(selection: Selection, t: number): number {
    const { fixedCost } = this.options;
    const basket: Basket = {
      index: selection.index,
      signalDate: selection.signalDate,
      sleeve: selection.index % this.sleeves.length,
      closeAt: t + this.options.holdingDays,
      positions: [],
    };
    this.open.push(basket);
    const capital = this.sleeves[basket.sleeve]!;
    if (!(capital > 0)) return 0;
    let notional = 0;
    const longs = this.tradable(selection.long, t);
    for (const { printing, market, reference } of longs) {
      const price = reference * (1 + this.slip);
      const quantity = (capital / longs.length - fixedCost) / price;
      if (!(quantity > 0)) continue;
      const position: Position = {
        printing,
        leg: 'long',
        quantity,
        entryCash: quantity * price + fixedCost,
        mark: market,
      };
      this.sleeves[basket.sleeve]! -= position.entryCash;
      basket.positions.push(position);
      this.record(basket, position, 'buy', t, price, fixedCost + quantity * (price - reference), false);
      notional += quantity * price;
    }
    const shorts = this.tradable(selection.short, t);
    for (const { printing, market } of shorts) {
      const price = market * (1 - this.slip);
      const gross = capital / shorts.length;
      const quantity = gross / price;
      const position: Position = {
        printing,
        leg: 'short',
        quantity,
        entryCash: gross * (1 - this.fee) - fixedCost,
        mark: market,
      };
      this.sleeves[basket.sleeve]! += position.entryCash;
      basket.positions.push(position);
      this.record(
        basket,
        position,
        'sell',
        t,
        price,
        gross * this.fee + fixedCost + quantity * (market - price),
        false,
      );
      notional += gross;
    }
    return notional;
  }

  /** The printings with a usable price on date index t, with the price a buy would start from. */
  private tradable(printings: readonly string[], t: number): { printing: string; market: number; reference: number }[] {
    return printings.flatMap((printing) => {
      const observation = this.input.price(printing, this.dates[t]!);
      const market = usable(observation?.market);
      const reference = this.options.buyAt === 'low' ? usable(observation?.low) : market;
      return market !== null && reference !== null ? [{ printing, market, reference }] : [];
    });
  }

  /** Sells the longs and covers the shorts of a basket at their marks; returns the notional traded. */
  private close(basket: Basket, t: number, openAtEnd: boolean): number {
    const { fixedCost } = this.options;
    let notional = 0;
    for (const position of basket.positions) {
      const q = position.quantity;
      let pnl: number;
      if (position.leg === 'long') {
        const price = position.mark * (1 - this.slip);
        const gross = q * price;
        const proceeds = gross * (1 - this.fee) - fixedCost;
        this.sleeves[basket.sleeve]! += proceeds;
        this.record(
          basket,
          position,
          'sell',
          t,
          price,
          gross * this.fee + fixedCost + q * (position.mark - price),
          openAtEnd,
        );
        pnl = proceeds - position.entryCash;
        notional += gross;
      } else {
        const price = position.mark * (1 + this.slip);
        const outlay = q * price + fixedCost;
        this.sleeves[basket.sleeve]! -= outlay;
        this.record(basket, position, 'buy', t, price, fixedCost + q * (price - position.mark), openAtEnd);
        pnl = position.entryCash - outlay;
        notional += q * price;
      }
      if (!openAtEnd) this.roundTrips.push(pnl);
    }
    this.open.splice(this.open.indexOf(basket), 1);
    return notional;
  }

  private record(
    basket: Basket,
    position: Position,
    side: 'buy' | 'sell',
    t: number,
    price: number,
    cost: number,
    openAtEnd: boolean,
  ): void {
    const { leg, printing, quantity } = position;
    this.trades.push({
      basket: basket.index,
      signalDate: basket.signalDate,
      leg,
      printing,
      side,
      date: this.dates[t]!,
      price,
      quantity,
      cost,
      openAtEnd,
    });
  }
}

/** Longs add, shorts subtract their market value. */
function markedValue(basket: Basket): number {
  return basket.positions.reduce((s, p) => s + (p.leg === 'long' ? 1 : -1) * p.quantity * p.mark, 0);
}

function usable(price: number | null | undefined): number | null {
  return typeof price === 'number' && Number.isFinite(price) && price > 0 ? price : null;
}

/** The basket chosen from the signal of date index t (see {@link runBacktest}, "Selection"). */
function select(input: BacktestInput, t: number, index: number): Selection {
  const { options } = input;
  const signalDate = input.dates[t]!;
  const ranked = [...input.signal(signalDate)]
    .filter(([, score]) => Number.isFinite(score))
    .filter(([printing]) => {
      if (options.minPrice === undefined) return true;
      const market = usable(input.price(printing, signalDate)?.market);
      return market !== null && market >= options.minPrice;
    })
    .sort(([a, sa], [b, sb]) => sb - sa || (a < b ? -1 : a > b ? 1 : 0))
    .map(([printing]) => printing);
  const n = ranked.length;
  // The epsilon keeps 0.29 · 100 (= 28.999…) from rounding down to 28.
  let k = n === 0 ? 0 : Math.max(1, Math.floor(options.quantile * n + 1e-9));
  if (options.side === 'long-short') k = Math.min(k, Math.floor(n / 2));
  return {
    index,
    signalDate,
    long: ranked.slice(0, k),
    short: options.side === 'long-short' && k > 0 ? ranked.slice(n - k) : [],
  };
}

function metrics(
  equity: BacktestResult['equity'],
  trades: BacktestTrade[],
  roundTrips: number[],
  turnover: number,
  initial: number,
): BacktestMetrics {
  const values = equity.map((e) => e.value);
  const totalReturn = values[values.length - 1]! / initial - 1;
  const days = (Date.parse(equity[equity.length - 1]!.date) - Date.parse(equity[0]!.date)) / MS_PER_DAY;
  const returns = values.every((v) => v > 0) ? logReturns(values) : [];
  let annualisedVolatility: number | null = null;
  let sharpe: number | null = null;
  if (returns.length >= 2) {
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
    annualisedVolatility = sd * Math.sqrt(DAYS_PER_YEAR);
    sharpe = sd > 0 ? (mean * DAYS_PER_YEAR) / annualisedVolatility : null;
  }
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (const v of values) {
    peak = Math.max(peak, v);
    maxDrawdown = Math.max(maxDrawdown, 1 - v / peak);
  }
  return {
    totalReturn,
    annualisedReturn: days > 0 && totalReturn > -1 ? (1 + totalReturn) ** (DAYS_PER_YEAR / days) - 1 : null,
    annualisedVolatility,
    sharpe,
    maxDrawdown,
    hitRate: roundTrips.length === 0 ? null : roundTrips.filter((pnl) => pnl > 0).length / roundTrips.length,
    turnover,
    trades: trades.length,
    costs: trades.reduce((s, trade) => s + trade.cost, 0),
  };
}

function validate(dates: readonly string[], options: BacktestOptions): void {
  const fail = (message: string): never => {
    throw new RangeError(`runBacktest: ${message}`);
  };
  if (dates.length === 0) fail('the calendar is empty');
  dates.forEach((d, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)))
      fail(`date ${JSON.stringify(d)} is not YYYY-MM-DD`);
    if (i > 0 && !(d > dates[i - 1]!)) fail(`dates must be strictly increasing (${dates[i - 1]} then ${d})`);
  });
  const maxQuantile = options.side === 'long-short' ? 0.5 : 1;
  if (!(options.quantile > 0 && options.quantile <= maxQuantile)) fail(`quantile must be in (0, ${maxQuantile}]`);
  for (const key of ['holdingDays', 'rebalanceEvery'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) fail(`${key} must be an integer ≥ 1`);
  }
  for (const key of ['feePct', 'fixedCost', 'slippageBps'] as const) {
    if (!(options[key] >= 0)) fail(`${key} must be ≥ 0`);
  }
  if (!(options.feePct < 100 && options.slippageBps < 10_000)) fail('feePct must be < 100 and slippageBps < 10000');
  if (!(options.initialCapital > 0)) fail('initialCapital must be > 0');
}
