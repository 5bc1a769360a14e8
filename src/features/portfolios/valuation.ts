/**
 * A portfolio valued on a date (docs/METHODS.md, "Portfolio valuation"). Pure: the ledger rows,
 * the candidate prices of its printings, the markets' latest dates and the FX rates come in; the
 * valued holdings, the unpriced ones, the realized P&L of every sale and the totals come out, all
 * in integer minor units of the portfolio's base currency.
 *
 * - Every amount is converted once, at its own date's ECB reference rate (prices/fx.ts `convert`):
 *   a lot's cost at its acquisition date, a sale's net proceeds at its sale date, a holding's
 *   value at the valuation date. The ledger is then replayed in the base currency by the
 *   portfolio's cost method (quant/ledger.ts), so partial disposals round exactly as documented.
 * - A holding is valued by the market (pricing.ts `choosePrice`) or, when the market cannot price
 *   it (an item outside the catalogue, a graded copy), by its owner's manual valuation, shown as
 *   such. A holding without either is listed as unpriced with its reason and never counted as 0.
 */
import type { CostMethod, LotCondition, PriceField } from '../../platform/db/schema.ts';
import { replayLedger, type LedgerLot, type LedgerSale } from '../../quant/ledger.ts';
import { convert, RateBook, type FxRate } from '../prices/fx.ts';
import { daysBetween } from '../prices/wire.ts';
import { ledgerLot, ledgerSale } from './ledger.service.ts';
import type { LotRow, SaleRow } from './ledger.repo.ts';
import { minorUnitDigits } from './money.ts';
import { choosePrice, type PriceCandidate, type PriceFlag } from './pricing.ts';

/** Days a price may lag its market's latest date before it is flagged `stale` (DESIGN §10). */
export const STALE_AFTER_DAYS = 3;

export interface ValuationSettings {
  baseCurrency: string;
  costMethod: CostMethod;
  preferredMarket: string;
  priceField: PriceField;
}

export type ValuationLot = Pick<
  LotRow,
  | 'id'
  | 'printing_key'
  | 'item_name'
  | 'quantity'
  | 'unit_cost_minor'
  | 'fees_minor'
  | 'currency'
  | 'acquired_on'
  | 'condition'
  | 'grade_company'
  | 'grade'
  | 'manual_value_minor'
  | 'manual_value_on'
>;

export type ValuationSale = Pick<
  SaleRow,
  | 'id'
  | 'printing_key'
  | 'condition'
  | 'grade_company'
  | 'grade'
  | 'lot_id'
  | 'quantity'
  | 'proceeds_minor'
  | 'fees_minor'
  | 'currency'
  | 'sold_on'
>;

export interface ValuationInput {
  settings: ValuationSettings;
  asOf: string;
  lots: readonly ValuationLot[];
  sales: readonly ValuationSale[];
  /** Per printing key, its latest unflagged price rows on or before `asOf` (one per series). */
  prices: ReadonlyMap<number, readonly PriceCandidate[]>;
  /** Per market, its latest date with prices on or before `asOf` (for the `stale` flag). */
  marketDates: ReadonlyMap<string, string>;
  rates: readonly FxRate[] | RateBook;
}

/** A rate a conversion used: units of the base currency per unit of `currency`, on `rate_date`. */
export interface FxUsed {
  currency: string;
  rate_date: string;
  rate: number;
}

export type ValueFlag = PriceFlag | 'stale' | 'manual';

export interface UnitPrice {
  source: 'market' | 'manual';
  /** Per unit, minor units of `currency` (the price's own currency). */
  amount_minor: number;
  currency: string;
  /** Null for a manual valuation. */
  market: string | null;
  condition: string | null;
  field: PriceField | null;
  /** The price's date, or the date the manual value was stated. */
  date: string;
  flags: ValueFlag[];
}

export interface HoldingIdentity {
  /** `holdingKey()` of quant/ledger.ts. */
  holding: string;
  printing_key: number | null;
  item_name: string | null;
  condition: LotCondition;
  grade: { company: string; grade: string } | null;
  quantity: number;
  /** The open lots, oldest first. */
  lot_ids: string[];
}

export interface ValuedHolding extends HoldingIdentity {
  /** Open cost basis, base currency. */
  cost_minor: number;
  unit_price: UnitPrice;
  /** quantity × unit price, converted at the valuation date's rate. */
  value_minor: number;
  unrealized_minor: number;
  /** The rate of the valuation date the value was converted at; null when no conversion. */
  fx: FxUsed | null;
}

export type UnpricedReason = 'no_price' | 'graded' | 'no_fx_rate';

export interface UnpricedHolding extends HoldingIdentity {
  /** Open cost basis, base currency; null when a lot's cost itself could not be converted. */
  cost_minor: number | null;
  reason: UnpricedReason;
}

export interface RealizedSale {
  sale_id: string;
  holding: string;
  sold_on: string;
  quantity: number;
  /** Basis the sale removed (by the cost method), base currency. */
  cost_minor: number;
  /** Proceeds net of fees, converted at the sale date's rate. */
  net_proceeds_minor: number;
  gain_minor: number;
  /** Rates used: the sale date's for the proceeds, the acquisition dates' for its holding's lots. */
  fx: FxUsed[];
}

/** A sale whose realized P&L cannot be stated in the base currency (a rate is missing). */
export interface UnrealizableSale {
  sale_id: string;
  holding: string;
  sold_on: string;
  reason: 'no_fx_rate';
}

export interface ValuationTotals {
  /** Market (and manual) value of the priced holdings. */
  value_minor: number;
  /** Open cost basis of the priced holdings. */
  cost_minor: number;
  unrealized_minor: number;
  realized_minor: number;
  /** Everything bought up to the valuation date (quantity × unit cost + fees, at acquisition rates). */
  cost_bought_minor: number;
  /** Net proceeds of every sale up to the valuation date. */
  proceeds_minor: number;
  /** (realized + unrealized) / cost bought, as a fraction; null when nothing was bought. */
  total_return: number | null;
  priced_holdings: number;
  unpriced_holdings: number;
  /** Open cost basis of the unpriced holdings (those whose cost could be converted). */
  unpriced_cost_minor: number;
}

export interface ValuationResult {
  as_of: string;
  base_currency: string;
  cost_method: CostMethod;
  holdings: ValuedHolding[];
  unpriced: UnpricedHolding[];
  realized: RealizedSale[];
  unrealizable: UnrealizableSale[];
  totals: ValuationTotals;
  /** Every rate used, by currency then date. */
  fx: FxUsed[];
}

/**
 * Converts minor units of `from` into minor units of `to` at the rate of `date` (or the latest
 * earlier ECB date within the fallback window), whatever the two currencies' minor units are.
 * `convert` counts both in hundredths; amounts are scaled to that first and the result scaled
 * back, so a JPY cost converts to USD cents exactly as a rate applied to yen.
 */
export function convertMinor(
  amount: number,
  from: string,
  to: string,
  date: string,
  book: RateBook,
): { ok: true; minor: number; fx: FxUsed | null } | { ok: false } {
  if (from === to) return { ok: true, minor: amount, fx: null };
  const shift = minorUnitDigits(to) - minorUnitDigits(from);
  // Scale so the amount and the result are in the same number of decimals as `convert` assumes.
  const scaledIn = shift > 0 ? amount * 10 ** shift : amount;
  const converted = convert(scaledIn, from, to, date, book);
  if (!converted.ok) return { ok: false };
  const fromPerEuro = book.unitsPerEuro(from, converted.rateDate)!;
  const toPerEuro = book.unitsPerEuro(to, converted.rateDate)!;
  const minor = shift < 0 ? Math.round((amount / 10 ** -shift / fromPerEuro) * toPerEuro) : converted.cents;
  const rate = Number((toPerEuro / fromPerEuro).toPrecision(10));
  return { ok: true, minor, fx: { currency: from, rate_date: converted.rateDate, rate } };
}

const fxKey = (f: FxUsed) => `${f.currency}|${f.rate_date}`;
/** Code-point order (keys and dates are ASCII; faster than localeCompare on thousands of holdings). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byFx = (a: FxUsed, b: FxUsed) => compare(fxKey(a), fxKey(b));

function gradeOf(row: { grade_company: string | null; grade: string | null }) {
  return row.grade_company !== null && row.grade !== null ? { company: row.grade_company, grade: row.grade } : null;
}

/**
 * Values the portfolio on `input.asOf`: lots and sales dated after it are left out.
 *
 * @example
 * const v = valuePortfolio({ settings, asOf: '2026-11-21', lots, sales, prices, marketDates, rates });
 * v.totals.unrealized_minor + v.totals.realized_minor; // the gain, base currency minor units
 */
export function valuePortfolio(input: ValuationInput): ValuationResult {
  const { settings, asOf } = input;
  const base = settings.baseCurrency;
  const book = input.rates instanceof RateBook ? input.rates : new RateBook(input.rates);
  const used = new Map<string, FxUsed>();
  const use = (fx: FxUsed | null) => {
    if (fx) used.set(fxKey(fx), fx);
    return fx;
  };

  const lots = input.lots.filter((l) => l.acquired_on <= asOf);
  const sales = input.sales.filter((s) => s.sold_on <= asOf);

  // Amounts in the base currency; a holding with any amount that cannot be converted is replayed
  // for its quantities only and reported unpriced (no_fx_rate).
  const lotFx = new Map<string, FxUsed | null>();
  const convertedLots: LedgerLot[] = [];
  const blocked = new Set<string>();
  let costBought = 0;
  for (const lot of lots) {
    const own = ledgerLot(lot as LotRow);
    const c = convertMinor(own.cost, lot.currency, base, lot.acquired_on, book);
    if (!c.ok) {
      blocked.add(own.holding);
      convertedLots.push(own);
      continue;
    }
    lotFx.set(lot.id, c.fx);
    convertedLots.push({ ...own, cost: c.minor });
  }
  const saleFx = new Map<string, FxUsed | null>();
  const convertedSales: LedgerSale[] = [];
  for (const sale of sales) {
    const own = ledgerSale(sale as SaleRow);
    const c = convertMinor(own.proceeds, sale.currency, base, sale.sold_on, book);
    if (!c.ok) {
      blocked.add(own.holding);
      convertedSales.push(own);
      continue;
    }
    saleFx.set(sale.id, c.fx);
    convertedSales.push({ ...own, proceeds: c.minor });
  }

  const replay = replayLedger(convertedLots, convertedSales, settings.costMethod);
  if (!replay.ok) {
    const o = replay.oversell;
    throw new Error(`ledger oversold: sale ${o.saleId} of ${o.requested} on ${o.date} with ${o.held} held`);
  }

  const lotById = new Map(lots.map((l) => [l.id, l]));
  const lotsByHolding = new Map<string, ValuationLot[]>();
  for (const l of convertedLots) {
    const list = lotsByHolding.get(l.holding) ?? [];
    list.push(lotById.get(l.id)!);
    lotsByHolding.set(l.holding, list);
  }

  const realized: RealizedSale[] = [];
  const unrealizable: UnrealizableSale[] = [];
  let proceeds = 0;
  for (const r of replay.realized) {
    if (blocked.has(r.holding)) {
      unrealizable.push({ sale_id: r.saleId, holding: r.holding, sold_on: r.date, reason: 'no_fx_rate' });
      continue;
    }
    const fx = new Map<string, FxUsed>();
    const saleRate = use(saleFx.get(r.saleId) ?? null);
    if (saleRate) fx.set(fxKey(saleRate), saleRate);
    for (const lot of lotsByHolding.get(r.holding) ?? []) {
      const f = lotFx.get(lot.id) ?? null;
      if (lot.acquired_on <= r.date && f) fx.set(fxKey(f), f);
    }
    proceeds += r.proceeds;
    realized.push({
      sale_id: r.saleId,
      holding: r.holding,
      sold_on: r.date,
      quantity: r.quantity,
      cost_minor: r.cost,
      net_proceeds_minor: r.proceeds,
      gain_minor: r.gain,
      fx: [...fx.values()].sort(byFx),
    });
  }
  for (const l of lots) if (!blocked.has(ledgerLot(l as LotRow).holding)) use(lotFx.get(l.id) ?? null);
  for (const l of convertedLots) if (!blocked.has(l.holding)) costBought += l.cost;

  const holdings: ValuedHolding[] = [];
  const unpriced: UnpricedHolding[] = [];
  for (const h of replay.holdings.values()) {
    const first = lotById.get(h.lots[0]!.id)!;
    const identity: HoldingIdentity = {
      holding: h.holding,
      printing_key: first.printing_key,
      item_name: first.item_name,
      condition: first.condition,
      grade: gradeOf(first),
      quantity: h.quantity,
      lot_ids: h.lots.map((l) => l.id),
    };
    if (blocked.has(h.holding)) {
      unpriced.push({ ...identity, cost_minor: null, reason: 'no_fx_rate' });
      continue;
    }
    const price = priceHolding(input, identity, lotsByHolding.get(h.holding) ?? []);
    if (!price.ok) {
      unpriced.push({ ...identity, cost_minor: h.cost, reason: price.reason });
      continue;
    }
    const value = convertMinor(price.unit.amount_minor * h.quantity, price.unit.currency, base, asOf, book);
    if (!value.ok) {
      unpriced.push({ ...identity, cost_minor: h.cost, reason: 'no_fx_rate' });
      continue;
    }
    holdings.push({
      ...identity,
      cost_minor: h.cost,
      unit_price: price.unit,
      value_minor: value.minor,
      unrealized_minor: value.minor - h.cost,
      fx: use(value.fx),
    });
  }
  const byHolding = (a: { holding: string }, b: { holding: string }) => compare(a.holding, b.holding);
  holdings.sort(byHolding);
  unpriced.sort(byHolding);

  const value = holdings.reduce((s, h) => s + h.value_minor, 0);
  const cost = holdings.reduce((s, h) => s + h.cost_minor, 0);
  const realizedTotal = realized.reduce((s, r) => s + r.gain_minor, 0);
  const unpricedCost = unpriced.reduce((s, h) => s + (h.cost_minor ?? 0), 0);
  // The return of what can be stated: the open cost of unpriced holdings (gain unknown) is left out.
  const statedCost = costBought - unpricedCost;
  return {
    as_of: asOf,
    base_currency: base,
    cost_method: settings.costMethod,
    holdings,
    unpriced,
    realized,
    unrealizable,
    totals: {
      value_minor: value,
      cost_minor: cost,
      unrealized_minor: value - cost,
      realized_minor: realizedTotal,
      cost_bought_minor: costBought,
      proceeds_minor: proceeds,
      total_return: statedCost > 0 ? (realizedTotal + value - cost) / statedCost : null,
      priced_holdings: holdings.length,
      unpriced_holdings: unpriced.length,
      unpriced_cost_minor: unpricedCost,
    },
    fx: [...used.values()].sort(byFx),
  };
}

type Priced = { ok: true; unit: UnitPrice } | { ok: false; reason: 'no_price' | 'graded' };

/**
 * The unit price of a holding: the market's (pricing.ts) for a raw catalogued copy; else the
 * latest manual valuation of its lots stated on or before the valuation date.
 */
function priceHolding(input: ValuationInput, h: HoldingIdentity, lots: readonly ValuationLot[]): Priced {
  const { settings, asOf } = input;
  if (h.printing_key !== null && h.grade === null) {
    const choice = choosePrice(input.prices.get(h.printing_key) ?? [], settings, h.condition, false);
    if (choice.ok) {
      const flags: ValueFlag[] = [...choice.flags];
      const latest = input.marketDates.get(choice.market);
      if (latest !== undefined && daysBetween(choice.date, latest) > STALE_AFTER_DAYS) flags.push('stale');
      return {
        ok: true,
        unit: {
          source: 'market',
          amount_minor: choice.unit_minor,
          currency: choice.currency,
          market: choice.market,
          condition: choice.condition,
          field: choice.field,
          date: choice.date,
          flags,
        },
      };
    }
  }
  const manual = lots
    .filter((l) => l.manual_value_minor !== null && l.manual_value_on !== null && l.manual_value_on <= asOf)
    .sort((a, b) => compare(b.manual_value_on!, a.manual_value_on!) || compare(b.id, a.id))[0];
  if (manual) {
    return {
      ok: true,
      unit: {
        source: 'manual',
        amount_minor: manual.manual_value_minor!,
        currency: manual.currency,
        market: null,
        condition: null,
        field: null,
        date: manual.manual_value_on!,
        flags: ['manual'],
      },
    };
  }
  return { ok: false, reason: h.grade !== null ? 'graded' : 'no_price' };
}
