/**
 * A portfolio's NAV on each date of a calendar, reconstructed from its lots, sales and the stored
 * price history (docs/METHODS.md, "Portfolio NAV"). No I/O: the rows come in, one NAV per date
 * comes out. Valuation keeps the current valuation's rules: the ledger replayed by the
 * portfolio's cost method over amounts converted to its base currency (`replayLedger`), each open
 * holding priced by `choosePrice`, FX by the latest ECB rate on or before the date (`convert`).
 */
import { epochDate, epochDay } from '../../platform/clock.ts';
import { replayLedger, type CostMethod, type Holding, type LedgerLot, type LedgerSale } from '../../quant/ledger.ts';
import { RateBook, type FxRate } from '../prices/fx.ts';
import type { PriceField } from '../../platform/db/schema.ts';
import type { LotRow, SaleRow } from './ledger.repo.ts';
import { ledgerLot, ledgerSale } from './ledger.service.ts';
import type { PriceHistoryRow } from './nav.repo.ts';
import { choosePrice, type PriceCandidate } from './pricing.ts';
import { convertMinor } from './valuation.ts';

/**
 * Days a stored price values a holding after its date: the price on date d is the latest
 * observation on or before d, at most this many days old (the same 3 days after which the
 * market reads call a series stale, DESIGN §10).
 */
export const PRICE_CARRY_DAYS = 3;

export interface NavSettings {
  baseCurrency: string;
  costMethod: CostMethod;
  preferredMarket: string;
  priceField: PriceField;
}

/** One date's NAV in minor units of the base currency. */
export interface NavPoint {
  date: string;
  /** Priced holdings at the date's prices (unpriced ones are not in it). */
  value_minor: number;
  /** Open cost basis of every holding (at the rates of the dates the lots were bought). */
  cost_minor: number;
  /**
   * Net external flow of the valued holdings since the previous calendar date (or since
   * `flowsAfter` for the first): see `performanceFlow`. Equal to the cash flow when every holding
   * is priced.
   */
  flow_minor: number;
  priced: number;
  unpriced: number;
}

/** A lot or sale whose amount has no FX rate into the base currency within the fallback window. */
export class MissingRate extends Error {
  constructor(
    readonly currency: string,
    readonly date: string,
  ) {
    super(`no ${currency} rate on or shortly before ${date}`);
  }
}

const shiftDays = (date: string, days: number): string => epochDate(epochDay(date) + days);

/** The price rows of one (printing, market, condition, currency) series, by date. */
interface Series {
  market: string;
  condition: string;
  currency: string;
  rows: PriceHistoryRow[];
  /** Index of the latest row on or before the date being valued (the calendar only moves forward). */
  cursor: number;
}

function seriesByPrinting(prices: readonly PriceHistoryRow[]): Map<number, Series[]> {
  const byPrinting = new Map<number, Series[]>();
  let current: Series | null = null;
  for (const row of prices) {
    if (row.market_cents === null && row.low_cents === null) continue;
    const key = Number(row.printing_key);
    if (
      !current ||
      Number(current.rows[0]!.printing_key) !== key ||
      current.market !== row.market ||
      current.condition !== row.condition ||
      current.currency !== row.currency
    ) {
      current = { market: row.market, condition: row.condition, currency: row.currency, rows: [], cursor: -1 };
      const list = byPrinting.get(key);
      if (list) list.push(current);
      else byPrinting.set(key, [current]);
    }
    current.rows.push(row);
  }
  return byPrinting;
}

/** The latest observation of each series on or before `date`, at most `PRICE_CARRY_DAYS` old. */
function candidatesOn(series: readonly Series[], date: string, oldest: string): PriceCandidate[] {
  const out: PriceCandidate[] = [];
  for (const s of series) {
    while (s.cursor + 1 < s.rows.length && s.rows[s.cursor + 1]!.date <= date) s.cursor++;
    const row = s.cursor >= 0 ? s.rows[s.cursor]! : null;
    if (!row || row.date < oldest) continue;
    out.push({
      market: s.market,
      condition: s.condition,
      currency: s.currency,
      date: row.date,
      market_minor: row.market_cents,
      low_minor: row.low_cents,
    });
  }
  return out;
}

/**
 * The NAV on each date of `calendar` (ascending). `flowsAfter` is the exclusive start of the first
 * date's flow window (the previous snapshot's date, or the day before a range starts).
 *
 * @example
 * reconstructNav({ settings, lots, sales, prices, rates, calendar: ['2026-11-23', '2026-11-24'], flowsAfter: '2026-11-22' });
 */
export function reconstructNav(input: {
  settings: NavSettings;
  lots: readonly LotRow[];
  sales: readonly SaleRow[];
  prices: readonly PriceHistoryRow[];
  rates: readonly FxRate[];
  calendar: readonly string[];
  flowsAfter: string;
}): NavPoint[] {
  const { settings, calendar } = input;
  const book = new RateBook(input.rates);
  const base = settings.baseCurrency;
  const toBase = (minor: number, currency: string, date: string): number => {
    const c = convertMinor(minor, currency, base, date, book);
    if (!c.ok) throw new MissingRate(currency, date);
    return c.minor;
  };
  const lots = input.lots.map((row) => ({
    row,
    ledger: ledgerLot(row, toBase(row.quantity * row.unit_cost_minor + row.fees_minor, row.currency, row.acquired_on)),
  }));
  const sales = input.sales.map((row) => ({
    row,
    ledger: ledgerSale(row, toBase(row.proceeds_minor - row.fees_minor, row.currency, row.sold_on)),
  }));
  const lotById = new Map(input.lots.map((l) => [l.id, l]));
  const series = seriesByPrinting(input.prices);
  const pricing = { preferredMarket: settings.preferredMarket, priceField: settings.priceField, baseCurrency: base };
  // Holdings replay independently, so on a date only those with a lot or sale since the previous
  // date are replayed again (each up to that date), not the whole ledger.
  const ledgerOf = new Map<string, { lots: LedgerLot[]; sales: LedgerSale[] }>();
  const entry = (holding: string) => {
    let e = ledgerOf.get(holding);
    if (!e) ledgerOf.set(holding, (e = { lots: [], sales: [] }));
    return e;
  };
  for (const l of lots) entry(l.ledger.holding).lots.push(l.ledger);
  for (const s of sales) entry(s.ledger.holding).sales.push(s.ledger);
  const events = [...lots.map((l) => l.ledger), ...sales.map((s) => s.ledger)].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );

  // Cash flows per calendar date and holding: a flow dated in (previous date, date] counts on date.
  const flowsAt: Map<string, number>[] = calendar.map(() => new Map());
  const addFlow = (date: string, holding: string, amount: number) => {
    if (date <= input.flowsAfter) return;
    const i = firstOnOrAfter(calendar, date);
    if (i === calendar.length) return;
    flowsAt[i]!.set(holding, (flowsAt[i]!.get(holding) ?? 0) + amount);
  };
  for (const l of lots) addFlow(l.row.acquired_on, l.ledger.holding, l.ledger.cost);
  for (const s of sales) addFlow(s.row.sold_on, s.ledger.holding, -s.ledger.proceeds);

  const points: NavPoint[] = [];
  const open = new Map<string, Holding>();
  let nextEvent = 0;
  /** Each open holding's value on the previous calendar date; null: held but unpriced. */
  let before = new Map<string, number | null>();
  calendar.forEach((date, i) => {
    const touched = new Set<string>();
    while (nextEvent < events.length && events[nextEvent]!.date <= date) touched.add(events[nextEvent++]!.holding);
    for (const key of touched) {
      const own = ledgerOf.get(key)!;
      const replayed = replayLedger(own.lots, own.sales, settings.costMethod, date);
      if (!replayed.ok) throw new Error(`the ledger oversells ${key} on ${replayed.oversell.date}`);
      const holding = replayed.holdings.get(key);
      if (holding) open.set(key, holding);
      else open.delete(key);
    }
    const oldest = shiftDays(date, -PRICE_CARRY_DAYS);
    const now = new Map<string, number | null>();
    let value = 0;
    let cost = 0;
    let priced = 0;
    let unpriced = 0;
    for (const holding of open.values()) {
      cost += holding.cost;
      const v = valueOf(holding, date, oldest);
      now.set(holding.holding, v);
      if (v === null) unpriced++;
      else {
        priced++;
        value += v;
      }
    }
    let flow = 0;
    const cash = flowsAt[i]!;
    for (const [h, v] of now) flow += performanceFlow(before.get(h), v, cash.get(h) ?? 0);
    for (const [h, v] of before) if (!now.has(h)) flow += performanceFlow(v, undefined, cash.get(h) ?? 0);
    for (const [h, amount] of cash) if (!now.has(h) && !before.has(h)) flow += amount;
    points.push({ date, value_minor: value, cost_minor: cost, flow_minor: flow, priced, unpriced });
    before = now;
  });
  return points;

  /** Market value of an open holding on `date`, or its owner's manual valuation, or null. */
  function valueOf(holding: Holding, date: string, oldest: string): number | null {
    const first = lotById.get(holding.lots[0]!.id)!;
    if (first.printing_key !== null) {
      const choice = choosePrice(
        candidatesOn(series.get(Number(first.printing_key)) ?? [], date, oldest),
        pricing,
        first.condition,
        first.grade_company !== null && first.grade !== null,
      );
      if (choice.ok) {
        // convertMinor() answers the same amount for the base currency; skipping it spares a date check per holding and day.
        if (choice.currency === base) return choice.unit_minor * holding.quantity;
        const c = convertMinor(choice.unit_minor * holding.quantity, choice.currency, base, date, book);
        if (c.ok) return c.minor;
      }
    }
    return manualValue(holding, date);
  }

  /** Σ open units × the owner's stated unit value, when every open lot has one dated on or before `date`. */
  function manualValue(holding: Holding, date: string): number | null {
    let total = 0;
    for (const open of holding.lots) {
      const lot = lotById.get(open.id)!;
      if (lot.manual_value_minor === null || lot.manual_value_on === null || lot.manual_value_on > date) return null;
      const c = convertMinor(lot.manual_value_minor * open.quantity, lot.currency, base, date, book);
      if (!c.ok) return null;
      total += c.minor;
    }
    return total;
  }
}

/**
 * The flow of one holding into the valued portfolio between two calendar dates. `before`/`now`:
 * its value on the previous and on this date, null when held but unpriced, undefined when not held.
 * A priced holding's purchases and sales are its flows; a holding that gains a price enters at its
 * value, one that loses its price leaves at its last value, and an unpriced holding's trades are
 * no flow of the valued portfolio — so neither buying nor a missing price is ever a return.
 */
export function performanceFlow(
  before: number | null | undefined,
  now: number | null | undefined,
  cash: number,
): number {
  if (now === null) return typeof before === 'number' ? -before : 0;
  if (before === null) return typeof now === 'number' ? now : 0;
  return cash;
}

/** Index of the first calendar date on or after `date` (`calendar.length` when none). */
function firstOnOrAfter(calendar: readonly string[], date: string): number {
  let lo = 0;
  let hi = calendar.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (calendar[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The day before `date`. */
export const dayBefore = (date: string): string => shiftDays(date, -1);
/** `date` shifted by `days` (negative: earlier). */
export { shiftDays };
