/**
 * Storage reads and writes of portfolio analytics: targets and orders, and the market data the
 * exposures, scenarios, attribution and proposals read (prices on a date, signals, daily factor
 * returns, printing facts for shocks).
 */
import type { Kysely } from 'kysely';
import type { PortfolioOrdersTable, PortfolioTargetsTable, Tables } from '../../platform/db/schema.ts';
import type { SignalKey } from '../signals/signals.repo.ts';

type Executor = Kysely<Tables>;
export type TargetRow = PortfolioTargetsTable;
export type OrderRow = PortfolioOrdersTable;

export async function listTargets(db: Executor, portfolioId: string): Promise<TargetRow[]> {
  return db
    .selectFrom('portfolio_targets')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .orderBy('kind')
    .orderBy('subject')
    .execute();
}

/** Replaces every target of the portfolio with `rows`. */
export async function replaceTargets(trx: Executor, portfolioId: string, rows: TargetRow[]): Promise<void> {
  await trx.deleteFrom('portfolio_targets').where('portfolio_id', '=', portfolioId).execute();
  if (rows.length > 0) await trx.insertInto('portfolio_targets').values(rows).execute();
}

export async function insertOrder(trx: Executor, row: OrderRow): Promise<void> {
  await trx.insertInto('portfolio_orders').values(row).execute();
}

export async function findOrder(db: Executor, portfolioId: string, orderId: string): Promise<OrderRow | undefined> {
  return db
    .selectFrom('portfolio_orders')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', orderId)
    .executeTakeFirst();
}

/** A page of orders by id (newest last). */
export async function pageOrders(
  db: Executor,
  portfolioId: string,
  opts: { limit: number; afterId?: string },
): Promise<OrderRow[]> {
  let q = db.selectFrom('portfolio_orders').selectAll().where('portfolio_id', '=', portfolioId);
  if (opts.afterId) q = q.where('id', '>', opts.afterId);
  return q.orderBy('id').limit(opts.limit).execute();
}

/** Moves a proposed order to `status`; false when it is not proposed (any more). */
export async function closeOrder(
  trx: Executor,
  portfolioId: string,
  orderId: string,
  change: { status: 'executed'; executed_at: string } | { status: 'cancelled'; cancelled_at: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('portfolio_orders')
    .set(change)
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', orderId)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What a scenario shock and a trade need to know of a printing. */
export interface PrintingFacts {
  key: number;
  id: string;
  card_id: string;
  name: string;
  set_id: string;
  rarity: string | null;
}

export async function printingFacts(db: Executor, keys: readonly number[]): Promise<PrintingFacts[]> {
  if (keys.length === 0) return [];
  const out: PrintingFacts[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    out.push(
      ...(await db
        .selectFrom('printings as p')
        .innerJoin('cards as c', 'c.id', 'p.card_id')
        .select(['p.key', 'p.id', 'p.card_id', 'c.name', 'c.set_id', 'c.rarity'])
        .where('p.key', 'in', keys.slice(i, i + 500))
        .execute()),
    );
  }
  return out.map((r) => ({ ...r, key: Number(r.key) }));
}

/** The facts of every printing the portfolio has lots of, in one statement whatever their number. */
export async function portfolioPrintingFacts(db: Executor, portfolioId: string): Promise<PrintingFacts[]> {
  const rows = await db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .select(['p.key', 'p.id', 'p.card_id', 'c.name', 'c.set_id', 'c.rarity'])
    .where('p.key', 'in', (eb) =>
      eb
        .selectFrom('portfolio_lots as l')
        .select('l.printing_key')
        .where('l.portfolio_id', '=', portfolioId)
        .where('l.printing_key', 'is not', null),
    )
    .execute();
  return rows.map((r) => ({ ...r, key: Number(r.key) }));
}

/** Printing id → key for these ids. */
export async function printingKeysById(db: Executor, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('printings')
    .select(['key', 'id'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.key)]));
}

/** The latest date on or before `onOrBefore` with signals of `key`, or null. */
export async function latestSignalDate(db: Executor, key: SignalKey, onOrBefore: string): Promise<string | null> {
  const row = await db
    .selectFrom('signals')
    .select('date')
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .where('date', '<=', onOrBefore)
    .where('status', '=', 'ok')
    .orderBy('date', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.date ?? null;
}

export interface StandardisedSignal {
  printingKey: number;
  /** Standardised components in the engine's order. */
  standardised: (number | null)[];
}

const parseStandardised = (text: string | null): (number | null)[] =>
  text ? (JSON.parse(text) as (number | null)[]) : [];

/** The `ok` signals of these printings on `date`. */
export async function signalsOf(
  db: Executor,
  key: SignalKey,
  date: string,
  keys: readonly number[],
): Promise<Map<number, (number | null)[]>> {
  const out = new Map<number, (number | null)[]>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('signals')
      .select(['printing_key', 'standardised'])
      .where('engine', '=', key.engine)
      .where('engine_version', '=', key.engineVersion)
      .where('weights_version', '=', key.weightsVersion)
      .where('date', '=', date)
      .where('status', '=', 'ok')
      .where('printing_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(Number(r.printing_key), parseStandardised(r.standardised));
  }
  return out;
}

/**
 * The `limit` most liquid printings with an `ok` signal on `date`: highest liquidity confidence,
 * then most observations, then printing key.
 */
export async function liquidSignals(
  db: Executor,
  key: SignalKey,
  date: string,
  limit: number,
): Promise<StandardisedSignal[]> {
  const rows = await db
    .selectFrom('signals')
    .select(['printing_key', 'standardised'])
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .where('date', '=', date)
    .where('status', '=', 'ok')
    .orderBy('confidence', 'desc')
    .orderBy('observations', 'desc')
    .orderBy('printing_key')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ printingKey: Number(r.printing_key), standardised: parseStandardised(r.standardised) }));
}

/** One-day-horizon factor returns (`beta`) per factor and signal date in [from, to]. */
export async function dailyFactorReturns(
  db: Executor,
  key: SignalKey,
  from: string,
  to: string,
): Promise<{ date: string; factor: string; beta: number | null }[]> {
  const rows = await db
    .selectFrom('factor_stats')
    .select(['date', 'factor', 'beta'])
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .where('kind', '=', 'horizon')
    .where('days', '=', 1)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .execute();
  return rows.map((r) => ({ date: r.date, factor: r.factor, beta: r.beta === null ? null : Number(r.beta) }));
}
