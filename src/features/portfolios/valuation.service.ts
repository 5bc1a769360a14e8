/**
 * A portfolio valued on a date, from its ledger, the stored prices and the ECB rates
 * (valuation.ts holds the rules; docs/METHODS.md, "Portfolio valuation"). Reads: the settings,
 * the lots, the sales, the markets' latest dates, the price rows of the held printings, the rates
 * and the printings' names — a fixed handful of statements whatever the portfolio's size.
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { NotFound, ValidationFailed } from '../../platform/errors.ts';
import { loadFxRates } from '../prices/fx.repo.ts';
import {
  allLots,
  allSales,
  findSettings,
  printingsByKey,
  type PortfolioSettingsRow,
  type PrintingRef,
} from './ledger.repo.ts';
import { AnswerCache } from './answer-cache.ts';
import { NEAR_MINT } from './pricing.ts';
import { latestPriceRows, marketLatestDates } from './valuation.repo.ts';
import {
  valuePortfolio,
  type RealizedSale,
  type UnpricedHolding,
  type UnrealizableSale,
  type ValuationLot,
  type ValuationResult,
  type ValuationSale,
  type ValuedHolding,
} from './valuation.ts';

export interface PortfolioHolding extends ValuedHolding {
  /** The printing held; null for an item outside the catalogue. */
  printing: PrintingRef | null;
}

export interface PortfolioUnpriced extends UnpricedHolding {
  printing: PrintingRef | null;
}

export interface PortfolioValuation extends Omit<ValuationResult, 'holdings' | 'unpriced'> {
  portfolio_id: string;
  preferred_market: string;
  price_field: 'market' | 'low';
  holdings: PortfolioHolding[];
  unpriced: PortfolioUnpriced[];
}

/** A sale's realized P&L in the base currency, or why it cannot be stated. */
export type SaleRealization =
  ({ ok: true; base_currency: string } & RealizedSale) | ({ ok: false; base_currency: string } & UnrealizableSale);

const settingsOf = (s: PortfolioSettingsRow) => ({
  baseCurrency: s.base_currency,
  costMethod: s.cost_method,
  preferredMarket: s.preferred_market,
  priceField: s.price_field,
});

export class ValuationService {
  /**
   * Recent valuations by what they depend on: the portfolio's revision (bumped by every ledger
   * write) and settings change, the market data's version (bumped by every import and derive), the
   * date asked and today. A hit costs the one statement that reads those stamps.
   */
  private readonly cache: AnswerCache<PortfolioValuation>;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    cacheEntries = 32,
  ) {
    this.cache = new AnswerCache(cacheEntries);
  }

  private today(): string {
    return isoInstant(this.clock.now()).slice(0, 10);
  }

  /**
   * Values the portfolio on `asOf` (default: the latest date any market has prices, or the date
   * of the latest lot or sale when that is later; today before there are any prices). A date after
   * today is refused. `printings: false` leaves the holdings'
   * printings unread (null), for answers that show totals only.
   *
   * @example
   * const v = await valuation.value('pf_01…', { asOf: '2026-11-21' });
   * v.totals.value_minor; // base currency minor units
   */
  async value(portfolioId: string, opts: { asOf?: string; printings?: boolean } = {}): Promise<PortfolioValuation> {
    const today = this.today();
    if (opts.asOf !== undefined && opts.asOf > today)
      throw new ValidationFailed([{ field: 'query.as_of', message: `is in the future (today is ${today})` }]);
    const db = this.database.db;
    const settings = await findSettings(db, portfolioId);
    if (!settings) throw new NotFound('portfolio', portfolioId);
    const key = [
      portfolioId,
      settings.revision,
      settings.updated_at,
      settings.data_version,
      opts.asOf,
      today,
      opts.printings !== false,
    ].join('|');
    return this.cache.getOrCompute(key, () => this.compute(portfolioId, settings, today, opts));
  }

  private async compute(
    portfolioId: string,
    settings: PortfolioSettingsRow,
    today: string,
    opts: { asOf?: string; printings?: boolean },
  ): Promise<PortfolioValuation> {
    const db = this.database.db;
    const [lots, sales, markets] = [
      await allLots(db, portfolioId),
      await allSales(db, portfolioId),
      await marketLatestDates(this.database),
    ];

    const latestOfMarkets = [...markets.values()].sort().at(-1);
    // A lot bought (or a sale made) after the markets' latest date is part of the default valuation.
    const latestEvent = [...lots.map((l) => l.acquired_on), ...sales.map((x) => x.sold_on)].sort().at(-1) ?? '';
    const byDefault = (marketDate: string) => {
      const later = latestEvent > marketDate ? latestEvent : marketDate;
      return later < today ? later : today;
    };
    const readUpTo = opts.asOf ?? (latestOfMarkets !== undefined ? byDefault(latestOfMarkets) : today);
    const keys = [...new Set(lots.flatMap((l) => (l.printing_key === null ? [] : [l.printing_key])))];
    const conditions = [...new Set([NEAR_MINT, ...lots.map((l) => l.condition)])];
    const prices = await latestPriceRows(
      this.database,
      keys,
      keys.length === 0 ? [] : conditions,
      readUpTo,
      markets.size > 0 ? 'read-model' : 'prices',
    );

    // Without a read model yet, the markets' latest date is the latest price date of the portfolio's printings.
    let asOf = readUpTo;
    if (opts.asOf === undefined && latestOfMarkets === undefined) {
      const latestSeen = [...prices.values()]
        .flat()
        .reduce<string | null>((m, p) => (m === null || p.date > m ? p.date : m), null);
      asOf = latestSeen === null ? today : byDefault(latestSeen);
    }
    // A market's latest date on the valuation date: the read model's, capped at that date, or
    // the latest price seen of the portfolio's printings when it is later.
    const marketDates = new Map<string, string>();
    for (const [market, date] of markets) marketDates.set(market, date < asOf ? date : asOf);
    for (const p of [...prices.values()].flat()) {
      const known = marketDates.get(p.market);
      if (known === undefined || p.date > known) marketDates.set(p.market, p.date);
    }

    const rates = await this.rates(settings.base_currency, lots, sales, [...prices.values()].flat(), asOf);
    const result = valuePortfolio({ settings: settingsOf(settings), asOf, lots, sales, prices, marketDates, rates });
    const printingKeys = [
      ...new Set(
        [...result.holdings, ...result.unpriced].flatMap((h) => (h.printing_key === null ? [] : [h.printing_key])),
      ),
    ];
    const printings = new Map(
      opts.printings === false ? [] : (await printingsByKey(db, printingKeys)).map((p) => [p.key, p]),
    );
    const printingOf = (key: number | null) => (key === null ? null : (printings.get(key) ?? null));
    return {
      ...result,
      portfolio_id: portfolioId,
      preferred_market: settings.preferred_market,
      price_field: settings.price_field,
      holdings: result.holdings.map((h) => ({ ...h, printing: printingOf(h.printing_key) })),
      unpriced: result.unpriced.map((h) => ({ ...h, printing: printingOf(h.printing_key) })),
    };
  }

  /**
   * The realized P&L of every sale, by the portfolio's cost method, in its base currency: the
   * whole ledger replayed (prices are not read).
   */
  async realizedBySale(portfolioId: string): Promise<Map<string, SaleRealization>> {
    const db = this.database.db;
    const settings = await findSettings(db, portfolioId);
    if (!settings) throw new NotFound('portfolio', portfolioId);
    const [lots, sales] = [await allLots(db, portfolioId), await allSales(db, portfolioId)];
    const asOf = [this.today(), ...sales.map((s) => s.sold_on), ...lots.map((l) => l.acquired_on)].sort().at(-1)!;
    const rates = await this.rates(settings.base_currency, lots, sales, [], asOf);
    const result = valuePortfolio({
      settings: settingsOf(settings),
      asOf,
      lots,
      sales,
      prices: new Map(),
      marketDates: new Map(),
      rates,
    });
    const base_currency = settings.base_currency;
    const out = new Map<string, SaleRealization>();
    for (const r of result.realized) out.set(r.sale_id, { ok: true, base_currency, ...r });
    for (const r of result.unrealizable) out.set(r.sale_id, { ok: false, base_currency, ...r });
    return out;
  }

  /** The ECB rates every conversion of this valuation may use (one statement, none when all is in the base). */
  private async rates(
    base: string,
    lots: readonly ValuationLot[],
    sales: readonly ValuationSale[],
    prices: readonly { currency: string }[],
    asOf: string,
  ) {
    const currencies = new Set([...lots, ...sales, ...prices].map((x) => x.currency));
    if ([...currencies].every((c) => c === base)) return [];
    const quotes = [...new Set([...currencies, base])].filter((c) => c !== 'EUR');
    const from = [asOf, ...lots.map((l) => l.acquired_on), ...sales.map((s) => s.sold_on)].sort()[0]!;
    return loadFxRates(this.database.db, { from, to: asOf, quotes });
  }
}
