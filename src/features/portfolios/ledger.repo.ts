/**
 * Storage of a portfolio's ledger: its settings, purchase lots and sales. Every mutating
 * transaction starts with `lockPortfolio`, which bumps the portfolio's revision: on PostgreSQL that
 * takes the row lock, on SQLite the write lock, so writers of one portfolio run one at a time and a
 * holding check inside the transaction sees every earlier sale.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  CostMethod,
  PortfolioLotsTable,
  PortfolioSalesTable,
  PriceField,
  Tables,
} from '../../platform/db/schema.ts';

type Executor = Kysely<Tables>;
export type LotRow = Selectable<PortfolioLotsTable>;
export type SaleRow = Selectable<PortfolioSalesTable>;

export interface PortfolioSettingsRow {
  base_currency: string;
  cost_method: CostMethod;
  preferred_market: string;
  price_field: PriceField;
  revision: number;
  updated_at: string | null;
  /** The market data's version (`data_version`): changes whenever prices, rates or read models do. */
  data_version: string | null;
}

/** A printing as lots and sales show it. */
export interface PrintingRef {
  key: number;
  id: string;
  card_id: string;
  finish: string;
  name: string;
  set_id: string;
  number: string;
  kind: 'card' | 'sealed';
}

/**
 * Locks the portfolio for the rest of the transaction (first statement of every mutating
 * transaction); false when there is no such portfolio. A write that changes what the portfolio is
 * worth (`ledger`, the default: lots, sales, valuation settings) bumps its revision and `updated_at`,
 * which set its cached valuations and NAV snapshots aside; any other write (targets, orders, a new
 * secret, a new name) only takes the lock, with an update that changes nothing.
 */
export async function lockPortfolio(
  trx: Executor,
  portfolioId: string,
  nowIso: string,
  change: 'ledger' | 'other' = 'ledger',
): Promise<boolean> {
  const result = await trx
    .updateTable('portfolios')
    .set((eb) =>
      change === 'ledger' ? { revision: eb('revision', '+', 1), updated_at: nowIso } : { revision: eb.ref('revision') },
    )
    .where('id', '=', portfolioId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findSettings(db: Executor, portfolioId: string): Promise<PortfolioSettingsRow | undefined> {
  return db
    .selectFrom('portfolios')
    .select((eb) => [
      'base_currency',
      'cost_method',
      'preferred_market',
      'price_field',
      'revision',
      'updated_at',
      eb.selectFrom('data_version').select('version').where('id', '=', 1).as('data_version'),
    ])
    .where('id', '=', portfolioId)
    .executeTakeFirst();
}

const printingColumns = ['p.key', 'p.id', 'p.card_id', 'p.finish', 'c.name', 'c.set_id', 'c.number', 'c.kind'] as const;

/** The printings with these ids, and every printing of these cards (to resolve card + finish). */
export async function findPrintings(
  db: Executor,
  printingIds: readonly string[],
  cardIds: readonly string[],
): Promise<PrintingRef[]> {
  if (printingIds.length === 0 && cardIds.length === 0) return [];
  return db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .select(printingColumns)
    .where((eb) =>
      eb.or([
        ...(printingIds.length > 0 ? [eb('p.id', 'in', [...printingIds])] : []),
        ...(cardIds.length > 0 ? [eb('p.card_id', 'in', [...cardIds])] : []),
      ]),
    )
    .execute();
}

/** Printings by key (for showing lots and sales). */
export async function printingsByKey(db: Executor, keys: readonly number[]): Promise<PrintingRef[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .select(printingColumns)
    .where('p.key', 'in', [...keys])
    .execute();
}

export async function insertLots(trx: Executor, rows: Insertable<PortfolioLotsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('portfolio_lots')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export async function insertSales(trx: Executor, rows: Insertable<PortfolioSalesTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('portfolio_sales')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export async function allLots(db: Executor, portfolioId: string): Promise<LotRow[]> {
  return db
    .selectFrom('portfolio_lots')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .orderBy('acquired_on')
    .orderBy('id')
    .execute();
}

export async function allSales(db: Executor, portfolioId: string): Promise<SaleRow[]> {
  return db
    .selectFrom('portfolio_sales')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .orderBy('sold_on')
    .orderBy('id')
    .execute();
}

/** A page of lots by id (creation order). */
export async function pageLots(
  db: Executor,
  portfolioId: string,
  opts: { limit: number; afterId?: string },
): Promise<LotRow[]> {
  let q = db.selectFrom('portfolio_lots').selectAll().where('portfolio_id', '=', portfolioId);
  if (opts.afterId) q = q.where('id', '>', opts.afterId);
  return q.orderBy('id').limit(opts.limit).execute();
}

/** A page of sales by id (creation order). */
export async function pageSales(
  db: Executor,
  portfolioId: string,
  opts: { limit: number; afterId?: string },
): Promise<SaleRow[]> {
  let q = db.selectFrom('portfolio_sales').selectAll().where('portfolio_id', '=', portfolioId);
  if (opts.afterId) q = q.where('id', '>', opts.afterId);
  return q.orderBy('id').limit(opts.limit).execute();
}

export async function findLot(db: Executor, portfolioId: string, lotId: string): Promise<LotRow | undefined> {
  return db
    .selectFrom('portfolio_lots')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', lotId)
    .executeTakeFirst();
}

export async function findSale(db: Executor, portfolioId: string, saleId: string): Promise<SaleRow | undefined> {
  return db
    .selectFrom('portfolio_sales')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', saleId)
    .executeTakeFirst();
}

export async function updateLot(
  trx: Executor,
  portfolioId: string,
  lotId: string,
  patch: Partial<Insertable<PortfolioLotsTable>>,
): Promise<void> {
  await trx
    .updateTable('portfolio_lots')
    .set(patch)
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', lotId)
    .execute();
}

export async function deleteLot(trx: Executor, portfolioId: string, lotId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('portfolio_lots')
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', lotId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function deleteSale(trx: Executor, portfolioId: string, saleId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('portfolio_sales')
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', saleId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
