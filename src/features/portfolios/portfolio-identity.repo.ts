/**
 * Storage behind a portfolio's identity and settings: reading it with its counts, changing its
 * settings and secret, deleting it with everything it holds, and the watchlist rows an export
 * carries and an import writes back.
 */
import type { Kysely, Updateable } from 'kysely';
import type { PortfoliosTable, Tables } from '../../platform/db/schema.ts';

type Executor = Kysely<Tables>;

export interface PortfolioRow {
  id: string;
  owner_id: string;
  name: string | null;
  created_at: string;
  updated_at: string | null;
  base_currency: string;
  cost_method: 'fifo' | 'average';
  preferred_market: string;
  price_field: 'market' | 'low';
  revision: number;
}

export interface PortfolioCounts {
  lots: number;
  sales: number;
  watchlist: number;
}

const portfolioColumns = [
  'p.id',
  'p.owner_id',
  'p.name',
  'p.created_at',
  'p.updated_at',
  'p.base_currency',
  'p.cost_method',
  'p.preferred_market',
  'p.price_field',
  'p.revision',
] as const;

/** The portfolio and how many lots, sales and watchlist items it holds: one statement. */
export async function findPortfolioWithCounts(
  db: Executor,
  id: string,
): Promise<(PortfolioRow & PortfolioCounts) | undefined> {
  const row = await db
    .selectFrom('portfolios as p')
    .select(portfolioColumns)
    .select((eb) => [
      eb
        .selectFrom('portfolio_lots')
        .select(eb.fn.countAll<number>().as('n'))
        .where('portfolio_id', '=', id)
        .as('lots'),
      eb
        .selectFrom('portfolio_sales')
        .select(eb.fn.countAll<number>().as('n'))
        .where('portfolio_id', '=', id)
        .as('sales'),
      eb
        .selectFrom('watchlist_items')
        .select(eb.fn.countAll<number>().as('n'))
        .where('portfolio_id', '=', id)
        .as('watchlist'),
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      revision: Number(row.revision),
      lots: Number(row.lots ?? 0),
      sales: Number(row.sales ?? 0),
      watchlist: Number(row.watchlist ?? 0),
    }
  );
}

export async function updatePortfolio(trx: Executor, id: string, patch: Updateable<PortfoliosTable>): Promise<void> {
  await trx.updateTable('portfolios').set(patch).where('id', '=', id).execute();
}

/**
 * Deletes the portfolio; its lots, sales, watchlist and every other row with a `portfolio_id`
 * foreign key go with it (on delete cascade). Its idempotency keys go too, and its owner principal
 * when no API key or other portfolio names it. Returns false when there was no such portfolio.
 */
export async function deletePortfolio(trx: Executor, id: string, ownerId: string): Promise<boolean> {
  const deleted = await trx.deleteFrom('portfolios').where('id', '=', id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return false;
  await trx.deleteFrom('idempotency_keys').where('scope', '=', `principal:${id}`).execute();
  await trx
    .deleteFrom('principals')
    .where('id', '=', ownerId)
    .where('kind', '=', 'portfolio')
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom('portfolios').select('id').where('owner_id', '=', ownerId))),
        eb.not(eb.exists(eb.selectFrom('api_keys').select('id').where('owner_id', '=', ownerId))),
      ]),
    )
    .execute();
  return true;
}

export interface WatchlistEntry {
  printing_id: string;
  added_at: string;
}

/** The watchlist as an export carries it: printing ids and when they were added. */
export async function watchlistEntries(db: Executor, portfolioId: string): Promise<WatchlistEntry[]> {
  return db
    .selectFrom('watchlist_items as w')
    .innerJoin('printings as p', 'p.key', 'w.printing_key')
    .select(['p.id as printing_id', 'w.added_at'])
    .where('w.portfolio_id', '=', portfolioId)
    .orderBy('w.added_at')
    .orderBy('p.id')
    .execute();
}

export async function insertWatchlist(
  trx: Executor,
  rows: { portfolio_id: string; printing_key: number; added_at: string }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('watchlist_items')
      .values(rows.slice(i, i + 500))
      .execute();
}
