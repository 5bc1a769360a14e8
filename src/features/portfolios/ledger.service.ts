/**
 * A portfolio's ledger: purchase lots and sales. Inputs are validated whole before anything is
 * written (every offending field listed); amounts are read exactly (money.ts); a write runs in one
 * transaction that first locks the portfolio (ledger.repo.ts `lockPortfolio`) and then replays the
 * ledger, so no sale, edit or deletion can leave a sale of more than was held on its date — not
 * even two concurrent sales.
 */
import type { Insertable, Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type {
  LedgerOrigin,
  LotCondition,
  PortfolioLotsTable,
  PortfolioSalesTable,
  Tables,
} from '../../platform/db/schema.ts';
import { AppError, NotFound, ValidationFailed, type FieldProblem } from '../../platform/errors.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { holdingKey, replayLedger, type LedgerLot, type LedgerSale } from '../../quant/ledger.ts';
import {
  allLots,
  allSales,
  deleteLot,
  deleteSale,
  findLot,
  findPrintings,
  insertLots,
  insertSales,
  lockPortfolio,
  pageLots,
  pageSales,
  printingsByKey,
  updateLot,
  type LotRow,
  type PrintingRef,
  type SaleRow,
} from './ledger.repo.ts';
import { lotWire, saleWire, type LotWire, type SaleWire } from './ledger.wire.ts';
import { isCurrency, MAX_AMOUNT_MINOR, MAX_QUANTITY, parseAmount } from './money.ts';

export const CONDITIONS: readonly LotCondition[] = ['NM', 'LP', 'MP', 'HP', 'DMG'];

/** What names the item of a lot or sale: a printing, a card (+ finish), or (lots only) a free name. */
export interface ItemInput {
  printing_id?: string;
  card_id?: string;
  finish?: string;
}

export interface GradeInput {
  company: string;
  grade: string;
}

export interface LotInput extends ItemInput {
  item_name?: string;
  quantity: number;
  unit_cost: string | number;
  fees?: string | number;
  currency: string;
  acquired_on: string;
  condition?: LotCondition;
  grade?: GradeInput | null;
  note?: string | null;
  manual_value?: { unit_value: string | number; as_of: string } | null;
}

export type LotPatch = Partial<Omit<LotInput, keyof ItemInput | 'item_name'>>;

export interface SaleInput extends ItemInput {
  /** For an item outside the catalogue: the lot it is. */
  lot_id?: string;
  quantity: number;
  proceeds: string | number;
  fees?: string | number;
  currency: string;
  sold_on: string;
  condition?: LotCondition;
  grade?: GradeInput | null;
  note?: string | null;
}

export class InsufficientHolding extends AppError {
  constructor(detail: { holding: string; date: string; requested: number; held: number }, what: string) {
    super(
      409,
      'insufficient_holding',
      `${what}: a sale on ${detail.date} would dispose of ${detail.requested} but ${detail.held} ${
        detail.held === 1 ? 'is' : 'are'
      } held then.`,
    );
  }
}

/** The ledger replayed for quantities only (the holding check needs no currency conversion). */
function checkHoldings(lots: LotRow[], sales: SaleRow[], what: string): void {
  const result = replayLedger(lots.map(ledgerLot), sales.map(ledgerSale), 'fifo');
  if (!result.ok) throw new InsufficientHolding(result.oversell, what);
}

/** A lot row as the ledger sees it, cost in the lot's own currency. */
export function ledgerLot(row: LotRow, cost = row.quantity * row.unit_cost_minor + row.fees_minor): LedgerLot {
  return { id: row.id, holding: lotHolding(row), quantity: row.quantity, cost, date: row.acquired_on, seq: row.id };
}

/** A sale row as the ledger sees it, proceeds net of fees in the sale's own currency. */
export function ledgerSale(row: SaleRow, proceeds = row.proceeds_minor - row.fees_minor): LedgerSale {
  return { id: row.id, holding: saleHolding(row), quantity: row.quantity, proceeds, date: row.sold_on, seq: row.id };
}

export function lotHolding(row: Pick<LotRow, 'id' | 'printing_key' | 'condition' | 'grade_company' | 'grade'>): string {
  return row.printing_key === null
    ? holdingKey({ lotId: row.id })
    : holdingKey({
        printingKey: row.printing_key,
        condition: row.condition,
        gradeCompany: row.grade_company,
        grade: row.grade,
      });
}

export function saleHolding(
  row: Pick<SaleRow, 'lot_id' | 'printing_key' | 'condition' | 'grade_company' | 'grade'>,
): string {
  return row.printing_key === null
    ? holdingKey({ lotId: row.lot_id! })
    : holdingKey({
        printingKey: row.printing_key,
        condition: row.condition,
        gradeCompany: row.grade_company,
        grade: row.grade,
      });
}

interface Context {
  problems: FieldProblem[];
  today: string;
  printings: PrintingRef[];
}

function resolveItem(ctx: Context, item: ItemInput, field: string): PrintingRef | null | undefined {
  if (item.printing_id !== undefined) {
    const found = ctx.printings.find((p) => p.id === item.printing_id);
    if (!found) ctx.problems.push({ field: `${field}.printing_id`, message: 'is not a known printing' });
    return found;
  }
  if (item.card_id !== undefined) {
    const ofCard = ctx.printings.filter(
      (p) => p.card_id === item.card_id && (item.finish === undefined || p.finish === item.finish),
    );
    if (ofCard.length === 1) return ofCard[0];
    ctx.problems.push({
      field: `${field}.${item.finish === undefined ? 'card_id' : 'finish'}`,
      message:
        ofCard.length === 0
          ? 'names no printing of a known card'
          : `names ${ofCard.length} printings; give finish (one of ${ofCard.map((p) => p.finish).join(', ')}) or printing_id`,
    });
    return undefined;
  }
  return null;
}

function amount(ctx: Context, value: string | number | undefined, currency: string, field: string): number {
  if (value === undefined) return 0;
  const parsed = parseAmount(value, currency);
  if (!parsed.ok) ctx.problems.push({ field, message: parsed.message });
  return parsed.ok ? parsed.minor : 0;
}

function checkDate(ctx: Context, date: string, field: string): void {
  if (date > ctx.today) ctx.problems.push({ field, message: `is in the future (today is ${ctx.today})` });
}

function checkCurrency(ctx: Context, currency: string, field: string): boolean {
  const ok = isCurrency(currency);
  if (!ok) ctx.problems.push({ field, message: 'is not an ISO 4217 currency' });
  return ok;
}

export interface LedgerRequester {
  requestId?: string;
}

export class LedgerService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
  ) {}

  private today(): string {
    return isoInstant(this.clock.now()).slice(0, 10);
  }

  private async context(items: ItemInput[], db: Kysely<Tables>): Promise<Context> {
    const printingIds = items.flatMap((i) => (i.printing_id === undefined ? [] : [i.printing_id]));
    const cardIds = items.flatMap((i) => (i.printing_id === undefined && i.card_id !== undefined ? [i.card_id] : []));
    return {
      problems: [],
      today: this.today(),
      printings: await findPrintings(db, [...new Set(printingIds)], [...new Set(cardIds)]),
    };
  }

  /**
   * Validates and adds lots in one transaction (or in `trx`, e.g. an import's or an order's).
   * `field` prefixes problem fields (`body` for one lot, `body.lots` for many: `body.lots.2.quantity`).
   */
  async addLots(
    portfolioId: string,
    inputs: LotInput[],
    origin: LedgerOrigin,
    opts: { trx?: Kysely<Tables>; field?: (index: number) => string } = {},
  ): Promise<LotRow[]> {
    const field = opts.field ?? ((i: number) => (inputs.length === 1 ? 'body' : `body.lots.${i}`));
    return inTransaction(opts.trx ?? this.db, async (trx) => {
      const nowIso = isoInstant(this.clock.now());
      if (!(await lockPortfolio(trx, portfolioId, nowIso))) throw new NotFound('portfolio', portfolioId);
      const ctx = await this.context(inputs, trx);
      const rows: Insertable<PortfolioLotsTable>[] = inputs.map((input, i) =>
        this.lotRow(ctx, input, field(i), { portfolioId, origin, nowIso }),
      );
      if (ctx.problems.length > 0) throw new ValidationFailed(ctx.problems);
      await insertLots(trx, rows);
      return rows as LotRow[];
    });
  }

  private lotRow(
    ctx: Context,
    input: LotInput,
    field: string,
    at: { portfolioId: string; origin: LedgerOrigin; nowIso: string },
  ): Insertable<PortfolioLotsTable> {
    const printing = resolveItem(ctx, input, field);
    if (printing === null && !input.item_name)
      ctx.problems.push({ field: `${field}.printing_id`, message: 'give printing_id, card_id or item_name' });
    if (printing !== null && input.item_name !== undefined && printing !== undefined)
      ctx.problems.push({ field: `${field}.item_name`, message: 'is only for items outside the catalogue' });
    const currencyOk = checkCurrency(ctx, input.currency, `${field}.currency`);
    const currency = currencyOk ? input.currency : 'USD';
    if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0 || input.quantity > MAX_QUANTITY)
      ctx.problems.push({ field: `${field}.quantity`, message: `must be a whole number from 1 to ${MAX_QUANTITY}` });
    checkDate(ctx, input.acquired_on, `${field}.acquired_on`);
    const manual = input.manual_value ?? null;
    if (manual) checkDate(ctx, manual.as_of, `${field}.manual_value.as_of`);
    const unitCost = amount(ctx, input.unit_cost, currency, `${field}.unit_cost`);
    const fees = amount(ctx, input.fees, currency, `${field}.fees`);
    if (input.quantity * unitCost + fees > MAX_AMOUNT_MINOR)
      ctx.problems.push({ field: `${field}.unit_cost`, message: 'makes a cost basis too large' });
    return {
      id: this.newId('lot'),
      portfolio_id: at.portfolioId,
      printing_key: printing?.key ?? null,
      item_name: printing ? null : (input.item_name ?? null),
      quantity: input.quantity,
      unit_cost_minor: unitCost,
      fees_minor: fees,
      currency,
      acquired_on: input.acquired_on,
      condition: input.condition ?? 'NM',
      grade_company: input.grade?.company ?? null,
      grade: input.grade?.grade ?? null,
      note: input.note ?? null,
      manual_value_minor: manual ? amount(ctx, manual.unit_value, currency, `${field}.manual_value.unit_value`) : null,
      manual_value_on: manual?.as_of ?? null,
      origin: at.origin,
      created_at: at.nowIso,
      updated_at: at.nowIso,
    };
  }

  /** Changes a lot's fields; refused when a sale would then dispose of more than was held. */
  async editLot(portfolioId: string, lotId: string, patch: LotPatch): Promise<LotRow> {
    return this.db.transaction().execute(async (trx) => {
      const nowIso = isoInstant(this.clock.now());
      if (!(await lockPortfolio(trx, portfolioId, nowIso))) throw new NotFound('portfolio', portfolioId);
      const lot = await findLot(trx, portfolioId, lotId);
      if (!lot) throw new NotFound('lot', lotId);
      const ctx: Context = { problems: [], today: this.today(), printings: [] };
      const currency = patch.currency ?? lot.currency;
      if (patch.currency !== undefined) checkCurrency(ctx, patch.currency, 'body.currency');
      const changes: Partial<Insertable<PortfolioLotsTable>> = { updated_at: nowIso };
      if (patch.quantity !== undefined) {
        if (!Number.isSafeInteger(patch.quantity) || patch.quantity <= 0 || patch.quantity > MAX_QUANTITY)
          ctx.problems.push({ field: 'body.quantity', message: `must be a whole number from 1 to ${MAX_QUANTITY}` });
        changes.quantity = patch.quantity;
      }
      if (patch.currency !== undefined) changes.currency = currency;
      // A currency change re-reads the amounts in the new currency: they must be given again.
      if (patch.currency !== undefined && patch.currency !== lot.currency && patch.unit_cost === undefined)
        ctx.problems.push({ field: 'body.unit_cost', message: 'must be given again when the currency changes' });
      if (patch.unit_cost !== undefined)
        changes.unit_cost_minor = amount(ctx, patch.unit_cost, currency, 'body.unit_cost');
      if (patch.fees !== undefined) changes.fees_minor = amount(ctx, patch.fees, currency, 'body.fees');
      else if (patch.currency !== undefined && patch.currency !== lot.currency && lot.fees_minor > 0)
        ctx.problems.push({ field: 'body.fees', message: 'must be given again when the currency changes' });
      if (patch.acquired_on !== undefined) {
        checkDate(ctx, patch.acquired_on, 'body.acquired_on');
        changes.acquired_on = patch.acquired_on;
      }
      if (patch.condition !== undefined) changes.condition = patch.condition;
      if (patch.grade !== undefined) {
        changes.grade_company = patch.grade?.company ?? null;
        changes.grade = patch.grade?.grade ?? null;
      }
      if (patch.note !== undefined) changes.note = patch.note;
      if (patch.manual_value !== undefined) {
        const manual = patch.manual_value;
        if (manual) checkDate(ctx, manual.as_of, 'body.manual_value.as_of');
        changes.manual_value_minor = manual
          ? amount(ctx, manual.unit_value, currency, 'body.manual_value.unit_value')
          : null;
        changes.manual_value_on = manual?.as_of ?? null;
      } else if (patch.currency !== undefined && patch.currency !== lot.currency && lot.manual_value_minor !== null) {
        ctx.problems.push({ field: 'body.manual_value', message: 'must be given again when the currency changes' });
      }
      if (ctx.problems.length > 0) throw new ValidationFailed(ctx.problems);
      await updateLot(trx, portfolioId, lotId, changes);
      checkHoldings(await allLots(trx, portfolioId), await allSales(trx, portfolioId), 'This change is refused');
      return (await findLot(trx, portfolioId, lotId))!;
    });
  }

  /** Deletes a lot; refused when a sale needs its units. */
  async removeLot(portfolioId: string, lotId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, portfolioId, isoInstant(this.clock.now()))))
        throw new NotFound('portfolio', portfolioId);
      const sales = await allSales(trx, portfolioId);
      const lots = await allLots(trx, portfolioId);
      if (!lots.some((l) => l.id === lotId)) throw new NotFound('lot', lotId);
      checkHoldings(
        lots.filter((l) => l.id !== lotId),
        sales,
        'This lot is needed by a recorded sale (delete the sale first)',
      );
      await deleteLot(trx, portfolioId, lotId);
    });
  }

  /**
   * Validates and records sales in one transaction (or in `trx`); refused whole when any sale
   * would dispose of more than is held on its date.
   */
  async recordSales(
    portfolioId: string,
    inputs: SaleInput[],
    origin: LedgerOrigin,
    opts: { trx?: Kysely<Tables>; field?: (index: number) => string } = {},
  ): Promise<SaleRow[]> {
    const field = opts.field ?? ((i: number) => (inputs.length === 1 ? 'body' : `body.sales.${i}`));
    return inTransaction(opts.trx ?? this.db, async (trx) => {
      const nowIso = isoInstant(this.clock.now());
      if (!(await lockPortfolio(trx, portfolioId, nowIso))) throw new NotFound('portfolio', portfolioId);
      const ctx = await this.context(inputs, trx);
      const lots = await allLots(trx, portfolioId);
      const rows: Insertable<PortfolioSalesTable>[] = inputs.map((input, i) => {
        const f = field(i);
        const printing = resolveItem(ctx, input, f);
        let lotId: string | null = null;
        if (printing === null) {
          const lot = input.lot_id === undefined ? undefined : lots.find((l) => l.id === input.lot_id);
          if (!lot || lot.printing_key !== null)
            ctx.problems.push({
              field: `${f}.${input.lot_id === undefined ? 'printing_id' : 'lot_id'}`,
              message:
                input.lot_id === undefined
                  ? 'give printing_id or card_id (or lot_id for an item outside the catalogue)'
                  : 'is not a lot of an item outside the catalogue in this portfolio',
            });
          lotId = input.lot_id ?? null;
        }
        const currencyOk = checkCurrency(ctx, input.currency, `${f}.currency`);
        const currency = currencyOk ? input.currency : 'USD';
        if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0 || input.quantity > MAX_QUANTITY)
          ctx.problems.push({ field: `${f}.quantity`, message: `must be a whole number from 1 to ${MAX_QUANTITY}` });
        checkDate(ctx, input.sold_on, `${f}.sold_on`);
        const lot = lotId === null ? undefined : lots.find((l) => l.id === lotId);
        return {
          id: this.newId('sale'),
          portfolio_id: portfolioId,
          printing_key: printing?.key ?? null,
          condition: lot?.condition ?? input.condition ?? 'NM',
          grade_company: lot ? lot.grade_company : (input.grade?.company ?? null),
          grade: lot ? lot.grade : (input.grade?.grade ?? null),
          lot_id: printing ? null : lotId,
          quantity: input.quantity,
          proceeds_minor: amount(ctx, input.proceeds, currency, `${f}.proceeds`),
          fees_minor: amount(ctx, input.fees, currency, `${f}.fees`),
          currency,
          sold_on: input.sold_on,
          note: input.note ?? null,
          origin,
          created_at: nowIso,
        };
      });
      if (ctx.problems.length > 0) throw new ValidationFailed(ctx.problems);
      const sales = [...(await allSales(trx, portfolioId)), ...(rows as SaleRow[])];
      checkHoldings(lots, sales, 'The sale is refused');
      await insertSales(trx, rows);
      return rows as SaleRow[];
    });
  }

  /** Deletes a recorded sale (its units are held again). */
  async removeSale(portfolioId: string, saleId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, portfolioId, isoInstant(this.clock.now()))))
        throw new NotFound('portfolio', portfolioId);
      if (!(await deleteSale(trx, portfolioId, saleId))) throw new NotFound('sale', saleId);
    });
  }

  /** Lots and sales as the API shows them (one statement for their printings). */
  async toWire(
    lots: LotRow[],
    sales: SaleRow[] = [],
    db: Kysely<Tables> = this.db,
  ): Promise<{ lots: LotWire[]; sales: SaleWire[] }> {
    const keys = [...new Set([...lots, ...sales].flatMap((r) => (r.printing_key === null ? [] : [r.printing_key])))];
    const printings = new Map((await printingsByKey(db, keys)).map((p) => [p.key, p]));
    return { lots: lots.map((l) => lotWire(l, printings)), sales: sales.map((s) => saleWire(s, printings)) };
  }

  async listLots(portfolioId: string, opts: { limit: number; afterId?: string }): Promise<LotWire[]> {
    return (await this.toWire(await pageLots(this.db, portfolioId, opts))).lots;
  }

  async getLot(portfolioId: string, lotId: string): Promise<LotWire> {
    const lot = await findLot(this.db, portfolioId, lotId);
    if (!lot) throw new NotFound('lot', lotId);
    return (await this.toWire([lot])).lots[0]!;
  }

  async listSales(portfolioId: string, opts: { limit: number; afterId?: string }): Promise<SaleWire[]> {
    return (await this.toWire([], await pageSales(this.db, portfolioId, opts))).sales;
  }
}
