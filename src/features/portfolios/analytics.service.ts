/**
 * A portfolio's factor exposures, what-if scenarios, return attribution, targets and orders
 * (docs/METHODS.md, "Portfolio exposures, scenarios and attribution" and "Targets and order
 * proposals"). The positions are the open catalogued, ungraded holdings valued from market prices
 * in the base currency (pricing.ts picks the price, ECB rates convert); everything else is named
 * as not valued, never counted at 0. The math is in quant/exposure.ts and quant/orders.ts.
 */
import type { Kysely } from 'kysely';
import { epochDate, epochDay, isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { LotCondition, Tables } from '../../platform/db/schema.ts';
import { Conflict, NotFound, ValidationFailed, type FieldProblem } from '../../platform/errors.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import {
  applyScenario,
  attributeReturn,
  periodFactorReturn,
  summarise,
  type PositionsSummary,
  type ScenarioPosition,
  type Shock,
} from '../../quant/exposure.ts';
import { proposeExposureTrades, proposeWeightTrades, type Trade } from '../../quant/orders.ts';
import { signalDates } from '../factors/factors.repo.ts';
import { RateBook } from '../prices/fx.ts';
import { loadFxRates } from '../prices/fx.repo.ts';
import type { EngineRegistry, SignalEngine } from '../signals/engine.ts';
import { resolveSignalSettings, type SignalConfig } from '../signals/settings.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import {
  closeOrder,
  dailyFactorReturns,
  findOrder,
  insertOrder,
  latestSignalDate,
  liquidSignals,
  listTargets,
  pageOrders,
  portfolioPrintingFacts,
  printingFacts,
  printingKeysById,
  replaceTargets,
  signalsOf,
  type OrderRow,
  type PrintingFacts,
  type TargetRow,
} from './analytics.repo.ts';
import { findSettings, lockPortfolio, type PortfolioSettingsRow } from './ledger.repo.ts';
import type { LedgerService, LotInput, SaleInput } from './ledger.service.ts';
import { parseAmount, toMajor } from './money.ts';
import { choosePrice, NEAR_MINT, type PriceCandidate } from './pricing.ts';
import { convertMinor } from './valuation.ts';
import { latestPriceRows } from './valuation.repo.ts';
import type { ValuationService } from './valuation.service.ts';

/** Candidate printings of an exposure-target proposal: the most liquid with a signal and a price. */
export const CANDIDATE_PRINTINGS = 200;

const DAY = (date: string, days: number) => epochDate(epochDay(date) + days);

/** A valued position with what the API shows of it. */
export interface ValuedPosition extends ScenarioPosition {
  condition: LotCondition;
  printingId: string;
  name: string;
  priceDate: string;
}

export type NotValuedReason = 'outside_catalogue' | 'graded' | 'no_price' | 'no_fx_rate' | 'manual_value';

export interface NotValued {
  holding: string;
  printingId: string | null;
  itemName: string | null;
  quantity: number;
  reason: NotValuedReason;
}

export interface Book {
  asOf: string;
  settings: PortfolioSettingsRow;
  positions: ValuedPosition[];
  notValued: NotValued[];
}

export interface SignalContext {
  engine: SignalEngine;
  key: SignalKey;
  /** The signal date used, or null when there is none on or before the date asked. */
  date: string | null;
}

export interface ScenarioInput {
  add?: { printing_id: string; quantity: number; condition?: LotCondition; unit_cost?: string | number }[];
  remove?: { printing_id: string; quantity: number; condition?: LotCondition }[];
  shocks?: { scope: 'market' | 'set' | 'rarity'; set_id?: string; rarity?: string; pct: number }[];
}

export interface TargetsInput {
  weights?: { printing_id: string; weight: number }[];
  exposures?: { factor: string; target: number }[];
}

export interface StoredTrade {
  printing_key: number;
  printing_id: string;
  name: string;
  condition: LotCondition;
  side: 'buy' | 'sell';
  quantity: number;
  unit_price_minor: number;
  currency: string;
  as_of: string;
}

export interface FillInput {
  trade: number;
  unit_price?: string | number;
  date?: string;
}

export class AnalyticsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly ledger: LedgerService,
    private readonly valuation: ValuationService,
    private readonly engines: EngineRegistry,
    private readonly config: SignalConfig,
  ) {}

  private get db(): Kysely<Tables> {
    return this.database.db;
  }

  today(): string {
    return isoInstant(this.clock.now()).slice(0, 10);
  }

  /** The configured engine and weights version, and its latest signal date on or before `onOrBefore`. */
  async signalContext(onOrBefore: string): Promise<SignalContext> {
    const settings = await resolveSignalSettings(this.db, this.clock, this.engines, this.config);
    return {
      engine: settings.engine,
      key: settings.key,
      date: await latestSignalDate(this.db, settings.key, onOrBefore),
    };
  }

  /** Unit prices of printings in a condition on `asOf`, in the base currency, as the valuation picks them. */
  async unitPrices(
    settings: PortfolioSettingsRow,
    items: readonly { printingKey: number; condition: string }[],
    asOf: string,
  ): Promise<Map<string, { unit: number; date: string } | { unit: null; reason: 'no_price' | 'no_fx_rate' }>> {
    const keys = [...new Set(items.map((i) => i.printingKey))];
    const conditions = [...new Set([NEAR_MINT, ...items.map((i) => i.condition)])];
    const candidates = keys.length === 0 ? new Map() : await latestPriceRows(this.database, keys, conditions, asOf);
    const book = await this.rates(DAY(asOf, -7), asOf);
    const out = new Map<string, { unit: number; date: string } | { unit: null; reason: 'no_price' | 'no_fx_rate' }>();
    for (const item of items) {
      const list: PriceCandidate[] = candidates.get(item.printingKey) ?? [];
      const choice = choosePrice(
        list,
        {
          preferredMarket: settings.preferred_market,
          priceField: settings.price_field,
          baseCurrency: settings.base_currency,
        },
        item.condition,
        false,
      );
      const id = `${item.printingKey}|${item.condition}`;
      if (!choice.ok) {
        out.set(id, { unit: null, reason: 'no_price' });
        continue;
      }
      const converted = convertMinor(choice.unit_minor, choice.currency, settings.base_currency, asOf, book);
      out.set(id, converted.ok ? { unit: converted.minor, date: choice.date } : { unit: null, reason: 'no_fx_rate' });
    }
    return out;
  }

  private async rates(from: string, to: string): Promise<RateBook> {
    return new RateBook(await loadFxRates(this.db, { from, to }));
  }

  /**
   * The open holdings on `asOf` (default: the valuation's default date) as the valuation service
   * values them; the market-valued ones are the positions, the rest are named.
   */
  async book(portfolioId: string, asOf?: string): Promise<Book> {
    const valuation = await this.valuation.value(portfolioId, asOf === undefined ? {} : { asOf });
    const settings = (await findSettings(this.db, portfolioId))!;
    const facts = new Map((await portfolioPrintingFacts(this.db, portfolioId)).map((f) => [f.key, f]));
    const positions: ValuedPosition[] = [];
    const notValued: NotValued[] = [];
    const name = (h: { printing: { id: string } | null; item_name: string | null }) => ({
      printingId: h.printing?.id ?? null,
      itemName: h.item_name,
    });
    for (const h of valuation.holdings) {
      const fact = h.printing_key === null ? undefined : facts.get(h.printing_key);
      if (h.unit_price.source !== 'market' || !fact) {
        notValued.push({ holding: h.holding, ...name(h), quantity: h.quantity, reason: 'manual_value' });
        continue;
      }
      positions.push({
        key: h.holding,
        printingKey: fact.key,
        printingId: fact.id,
        name: fact.name,
        condition: h.condition,
        setId: fact.set_id,
        rarity: fact.rarity,
        quantity: h.quantity,
        unitValue: h.value_minor / h.quantity,
        cost: h.cost_minor,
        z: null,
        priceDate: h.unit_price.date,
      });
    }
    for (const h of valuation.unpriced)
      notValued.push({
        holding: h.holding,
        ...name(h),
        quantity: h.quantity,
        reason: h.printing_key === null && h.reason === 'no_price' ? 'outside_catalogue' : h.reason,
      });
    return { asOf: valuation.as_of, settings, positions, notValued };
  }

  /** Fills in each position's standardised signal values of the signal date (null without one). */
  private async attachSignals(positions: ScenarioPosition[], signal: SignalContext): Promise<void> {
    if (signal.date === null) return;
    const found = await signalsOf(this.db, signal.key, signal.date, [...new Set(positions.map((p) => p.printingKey))]);
    for (const p of positions) p.z = found.get(p.printingKey) ?? null;
  }

  async exposures(portfolioId: string, asOf?: string) {
    const book = await this.book(portfolioId, asOf);
    const signal = await this.signalContext(book.asOf);
    await this.attachSignals(book.positions, signal);
    return { book, signal, summary: summarise(book.positions, signal.engine.components.length) };
  }

  async scenario(
    portfolioId: string,
    input: ScenarioInput,
  ): Promise<{ book: Book; signal: SignalContext; current: PositionsSummary; scenario: PositionsSummary }> {
    const book = await this.book(portfolioId);
    const asOf = book.asOf;
    const signal = await this.signalContext(asOf);
    await this.attachSignals(book.positions, signal);
    const problems: FieldProblem[] = [];
    const currency = book.settings.base_currency;
    const ids = [...(input.add ?? []), ...(input.remove ?? [])].map((a) => a.printing_id);
    const keys = await printingKeysById(this.db, ids);
    const removals = (input.remove ?? []).flatMap((r, i) => {
      const key = keys.get(r.printing_id);
      const condition = r.condition ?? NEAR_MINT;
      const position = book.positions.find((p) => p.printingKey === key && p.condition === condition);
      if (!position) {
        problems.push({
          field: `body.remove.${i}.printing_id`,
          message: `is not a valued holding of this portfolio in condition ${condition}`,
        });
        return [];
      }
      return [{ key: position.key, quantity: r.quantity }];
    });
    const addKeys = (input.add ?? []).map((a) => keys.get(a.printing_id));
    const prices = await this.unitPrices(
      book.settings,
      (input.add ?? []).flatMap((a, i) => {
        const key = addKeys[i];
        return key === undefined ? [] : [{ printingKey: key, condition: a.condition ?? NEAR_MINT }];
      }),
      asOf,
    );
    const facts = new Map(
      (
        await printingFacts(
          this.db,
          addKeys.filter((k): k is number => k !== undefined),
        )
      ).map((f) => [f.key, f]),
    );
    const additions: ScenarioPosition[] = (input.add ?? []).flatMap((a, i) => {
      const key = addKeys[i];
      const condition = a.condition ?? NEAR_MINT;
      if (key === undefined) {
        problems.push({ field: `body.add.${i}.printing_id`, message: 'is not a known printing' });
        return [];
      }
      const price = prices.get(`${key}|${condition}`)!;
      if (price.unit === null) {
        problems.push({ field: `body.add.${i}.printing_id`, message: `has no current price (${price.reason})` });
        return [];
      }
      let unitCost = price.unit;
      if (a.unit_cost !== undefined) {
        const parsed = parseAmount(a.unit_cost, currency);
        if (!parsed.ok) problems.push({ field: `body.add.${i}.unit_cost`, message: parsed.message });
        else unitCost = parsed.minor;
      }
      const fact = facts.get(key)!;
      return [
        {
          key: `scenario:${i}`,
          printingKey: key,
          quantity: a.quantity,
          unitValue: price.unit,
          cost: a.quantity * unitCost,
          z: null,
          setId: fact.set_id,
          rarity: fact.rarity,
        },
      ];
    });
    const shocks: Shock[] = (input.shocks ?? []).map((s, i) => {
      const match = s.scope === 'set' ? s.set_id : s.scope === 'rarity' ? s.rarity : undefined;
      if (s.scope !== 'market' && match === undefined)
        problems.push({ field: `body.shocks.${i}.${s.scope === 'set' ? 'set_id' : 'rarity'}`, message: 'is required' });
      if (!(s.pct > -100)) problems.push({ field: `body.shocks.${i}.pct`, message: 'must be above -100' });
      return { scope: s.scope, match, pct: s.pct };
    });
    if (problems.length > 0) throw new ValidationFailed(problems);
    await this.attachSignals(additions, signal);
    const applied = applyScenario(book.positions, removals, additions, shocks);
    if (!applied.ok) {
      const i = removals.findIndex((r) => r.key === applied.key);
      throw new ValidationFailed([
        { field: `body.remove.${i}.quantity`, message: `exceeds the ${applied.held} held (with earlier removals)` },
      ]);
    }
    const k = signal.engine.components.length;
    return { book, signal, current: summarise(book.positions, k), scenario: summarise(applied.positions, k) };
  }

  async attribution(portfolioId: string, from: string, to: string) {
    const start = await this.book(portfolioId, from);
    const signal = await this.signalContext(from);
    const endPrices = await this.unitPrices(
      start.settings,
      start.positions.map((p) => ({ printingKey: p.printingKey, condition: p.condition })),
      to,
    );
    const held: { position: ValuedPosition; endUnit: number }[] = [];
    const unpricedAtEnd: ValuedPosition[] = [];
    for (const p of start.positions) {
      const end = endPrices.get(`${p.printingKey}|${p.condition}`)!;
      if (end.unit === null) unpricedAtEnd.push(p);
      else held.push({ position: p, endUnit: end.unit });
    }
    const positions = held.map((h) => h.position);
    await this.attachSignals(positions, signal);
    const k = signal.engine.components.length;
    const summary = summarise(positions, k);
    const startValue = summary.value;
    const endValue = held.reduce((a, h) => a + h.position.quantity * h.endUnit, 0);
    // Factor returns of the signal dates t in [from, to − 1]: each covers (t, t + 1].
    const lastDate = DAY(to, -1);
    const dates = lastDate >= from ? await signalDates(this.database, signal.key, from, lastDate) : [];
    const rows = lastDate >= from ? await dailyFactorReturns(this.db, signal.key, from, lastDate) : [];
    const factorReturns = signal.engine.components.map((factor) => {
      const byDate = new Map(rows.filter((r) => r.factor === factor).map((r) => [r.date, r.beta]));
      return periodFactorReturn(dates.map((d) => byDate.get(d) ?? null));
    });
    const attribution =
      startValue > 0 && endValue > 0
        ? attributeReturn(
            startValue,
            endValue,
            summary.exposures.exposures,
            factorReturns.map((f) => f.value),
          )
        : null;
    return { start, signal, summary, startValue, endValue, unpricedAtEnd, dates, factorReturns, attribution };
  }

  async targets(portfolioId: string): Promise<TargetRow[]> {
    return listTargets(this.db, portfolioId);
  }

  async replaceTargets(portfolioId: string, input: TargetsInput): Promise<TargetRow[]> {
    const { engine } = await this.signalContext(this.today());
    const problems: FieldProblem[] = [];
    const weights = input.weights ?? [];
    const exposures = input.exposures ?? [];
    const keys = await printingKeysById(
      this.db,
      weights.map((w) => w.printing_id),
    );
    weights.forEach((w, i) => {
      if (!keys.has(w.printing_id))
        problems.push({ field: `body.weights.${i}.printing_id`, message: 'is not a known printing' });
      if (weights.findIndex((x) => x.printing_id === w.printing_id) !== i)
        problems.push({ field: `body.weights.${i}.printing_id`, message: 'is given twice' });
    });
    const total = weights.reduce((a, w) => a + w.weight, 0);
    if (total > 1 + 1e-9) problems.push({ field: 'body.weights', message: `add up to ${total}, more than 1` });
    exposures.forEach((e, i) => {
      if (!engine.components.includes(e.factor))
        problems.push({
          field: `body.exposures.${i}.factor`,
          message: `is not a factor of ${engine.name}; factors: ${engine.components.join(', ')}`,
        });
      if (exposures.findIndex((x) => x.factor === e.factor) !== i)
        problems.push({ field: `body.exposures.${i}.factor`, message: 'is given twice' });
    });
    if (problems.length > 0) throw new ValidationFailed(problems);
    const nowIso = isoInstant(this.clock.now());
    const rows: TargetRow[] = [
      ...weights.map((w) => ({
        portfolio_id: portfolioId,
        kind: 'weight' as const,
        subject: w.printing_id,
        target: w.weight,
        updated_at: nowIso,
      })),
      ...exposures.map((e) => ({
        portfolio_id: portfolioId,
        kind: 'exposure' as const,
        subject: e.factor,
        target: e.target,
        updated_at: nowIso,
      })),
    ];
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, portfolioId, nowIso, 'other'))) throw new NotFound('portfolio', portfolioId);
      await replaceTargets(trx, portfolioId, rows);
    });
    return listTargets(this.db, portfolioId);
  }

  /** Proposes and stores an order toward the targets of `use` (the only kind stored when omitted). */
  async propose(
    portfolioId: string,
    input: { budget: string | number; currency?: string; use?: 'weight' | 'exposure' },
  ): Promise<OrderRow> {
    const book = await this.book(portfolioId);
    const asOf = book.asOf;
    const base = book.settings.base_currency;
    const currency = input.currency ?? base;
    const problems: FieldProblem[] = [];
    const parsed = parseAmount(input.budget, currency);
    if (!parsed.ok) problems.push({ field: 'body.budget', message: parsed.message });
    let budget = parsed.ok ? parsed.minor : 0;
    if (parsed.ok && currency !== base) {
      const book = await this.rates(DAY(asOf, -7), asOf);
      const converted = convertMinor(parsed.minor, currency, base, asOf, book);
      if (!converted.ok)
        problems.push({ field: 'body.currency', message: `has no ECB rate to ${base} on or shortly before ${asOf}` });
      else budget = converted.minor;
    }
    const targets = await listTargets(this.db, portfolioId);
    const kinds = [...new Set(targets.map((t) => t.kind))];
    const kind = input.use ?? (kinds.length === 1 ? kinds[0] : undefined);
    if (kinds.length === 0) problems.push({ field: 'body', message: 'the portfolio has no targets (PUT …/targets)' });
    else if (kind === undefined)
      problems.push({ field: 'body.use', message: "is required when both kinds are set: 'weight' or 'exposure'" });
    else if (!kinds.includes(kind)) problems.push({ field: 'body.use', message: `no ${kind} targets are set` });
    if (problems.length > 0) throw new ValidationFailed(problems);

    const chosen = targets.filter((t) => t.kind === kind);
    let trades: Trade[];
    const buyInfo = new Map<number, { date: string }>();
    if (kind === 'weight') {
      const keys = await printingKeysById(
        this.db,
        chosen.map((t) => t.subject),
      );
      const wanted = chosen.flatMap((t) => {
        const key = keys.get(t.subject);
        return key === undefined ? [] : [{ printingKey: key, weight: t.target }];
      });
      const prices = await this.unitPrices(
        book.settings,
        wanted.map((w) => ({ printingKey: w.printingKey, condition: NEAR_MINT })),
        asOf,
      );
      const buyPrices = new Map<number, number>();
      for (const w of wanted) {
        const p = prices.get(`${w.printingKey}|${NEAR_MINT}`)!;
        if (p.unit !== null) {
          buyPrices.set(w.printingKey, p.unit);
          buyInfo.set(w.printingKey, { date: p.date });
        }
      }
      trades = proposeWeightTrades(book.positions, wanted, buyPrices, budget).trades;
    } else {
      // Only exposure targets need the signals (weights are values alone).
      const signal = await this.signalContext(asOf);
      await this.attachSignals(book.positions, signal);
      const candidates =
        signal.date === null ? [] : await liquidSignals(this.db, signal.key, signal.date, CANDIDATE_PRINTINGS);
      const prices = await this.unitPrices(
        book.settings,
        candidates.map((c) => ({ printingKey: c.printingKey, condition: NEAR_MINT })),
        asOf,
      );
      const priced = candidates.flatMap((c) => {
        const p = prices.get(`${c.printingKey}|${NEAR_MINT}`)!;
        if (p.unit === null) return [];
        buyInfo.set(c.printingKey, { date: p.date });
        return [{ printingKey: c.printingKey, unitPrice: p.unit, z: c.standardised }];
      });
      const factorTargets = chosen.map((t) => ({
        factor: signal.engine.components.indexOf(t.subject),
        target: t.target,
      }));
      trades = proposeExposureTrades(
        book.positions,
        priced,
        factorTargets.filter((t) => t.factor >= 0),
        budget,
        signal.engine.components.length,
      ).trades;
    }
    const facts = new Map(
      (await printingFacts(this.db, [...new Set(trades.map((t) => t.printingKey))])).map((f) => [f.key, f]),
    );
    const stored: StoredTrade[] = trades.map((t) => {
      const position = t.positionKey ? book.positions.find((p) => p.key === t.positionKey) : undefined;
      const fact: PrintingFacts = facts.get(t.printingKey)!;
      return {
        printing_key: t.printingKey,
        printing_id: fact.id,
        name: fact.name,
        condition: position?.condition ?? NEAR_MINT,
        side: t.side,
        quantity: t.quantity,
        unit_price_minor: Math.round(t.unitPrice),
        currency: base,
        as_of: position?.priceDate ?? buyInfo.get(t.printingKey)?.date ?? asOf,
      };
    });
    const row: OrderRow = {
      id: this.newId('ord'),
      portfolio_id: portfolioId,
      status: 'proposed',
      target_kind: kind!,
      budget_minor: budget,
      currency: base,
      proposed_at: isoInstant(this.clock.now()),
      executed_at: null,
      cancelled_at: null,
      trades: JSON.stringify(stored),
    };
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, portfolioId, row.proposed_at, 'other')))
        throw new NotFound('portfolio', portfolioId);
      await insertOrder(trx, row);
    });
    return row;
  }

  async order(portfolioId: string, orderId: string): Promise<OrderRow> {
    const row = await findOrder(this.db, portfolioId, orderId);
    if (!row) throw new NotFound('order', orderId);
    return row;
  }

  async orders(portfolioId: string, opts: { limit: number; afterId?: string }): Promise<OrderRow[]> {
    return pageOrders(this.db, portfolioId, opts);
  }

  private async close(trx: Kysely<Tables>, portfolioId: string, orderId: string, status: 'executed' | 'cancelled') {
    const nowIso = isoInstant(this.clock.now());
    // The trades an execution records take the ledger's own lock (and bump) in this transaction.
    if (!(await lockPortfolio(trx, portfolioId, nowIso, 'other'))) throw new NotFound('portfolio', portfolioId);
    const row = await findOrder(trx, portfolioId, orderId);
    if (!row) throw new NotFound('order', orderId);
    const closed = await closeOrder(
      trx,
      portfolioId,
      orderId,
      status === 'executed' ? { status, executed_at: nowIso } : { status, cancelled_at: nowIso },
    );
    if (!closed)
      throw new Conflict(
        'order_not_proposed',
        `Order ${orderId} is ${row.status}; only a proposed order can be ${status}.`,
      );
    return row;
  }

  /**
   * Records the order's trades as lots (buys) and sales (sells) with origin `order`, in the
   * transaction that marks it executed: all or nothing, and only once.
   */
  async execute(portfolioId: string, orderId: string, fills: FillInput[] = []): Promise<OrderRow> {
    await inTransaction(this.db, async (trx) => {
      const row = await this.close(trx, portfolioId, orderId, 'executed');
      const trades = JSON.parse(row.trades) as StoredTrade[];
      const problems: FieldProblem[] = [];
      fills.forEach((f, i) => {
        if (!Number.isInteger(f.trade) || f.trade < 0 || f.trade >= trades.length)
          problems.push({
            field: `body.fills.${i}.trade`,
            message: `is not a trade of this order (0…${trades.length - 1})`,
          });
      });
      if (problems.length > 0) throw new ValidationFailed(problems);
      const fillOf = (i: number) => fills.find((f) => f.trade === i);
      const today = this.today();
      const lots: LotInput[] = [];
      const lotTrades: number[] = [];
      const sales: SaleInput[] = [];
      const saleTrades: number[] = [];
      trades.forEach((t, i) => {
        const fill = fillOf(i);
        const unit = fill?.unit_price ?? toMajor(t.unit_price_minor, t.currency);
        const date = fill?.date ?? today;
        if (t.side === 'buy') {
          lots.push({
            printing_id: t.printing_id,
            quantity: t.quantity,
            unit_cost: unit,
            currency: t.currency,
            acquired_on: date,
            condition: t.condition,
          });
          lotTrades.push(i);
        } else {
          const parsed = parseAmount(unit, t.currency);
          if (!parsed.ok)
            problems.push({ field: `body.fills.${fills.indexOf(fill!)}.unit_price`, message: parsed.message });
          sales.push({
            printing_id: t.printing_id,
            quantity: t.quantity,
            proceeds: parsed.ok ? toMajor(parsed.minor * t.quantity, t.currency) : 0,
            currency: t.currency,
            sold_on: date,
            condition: t.condition,
          });
          saleTrades.push(i);
        }
      });
      if (problems.length > 0) throw new ValidationFailed(problems);
      if (lots.length > 0)
        await this.ledger.addLots(portfolioId, lots, 'order', { trx, field: (i) => `body.trades.${lotTrades[i]}` });
      if (sales.length > 0)
        await this.ledger.recordSales(portfolioId, sales, 'order', {
          trx,
          field: (i) => `body.trades.${saleTrades[i]}`,
        });
    });
    return this.order(portfolioId, orderId);
  }

  async cancel(portfolioId: string, orderId: string): Promise<void> {
    await this.db.transaction().execute((trx) => this.close(trx, portfolioId, orderId, 'cancelled'));
  }
}
