import { sql, type Insertable, type Kysely } from 'kysely';
import type { DialectName } from '../../platform/db/database.ts';
import type { PortfoliosTable, Tables } from '../../platform/db/schema.ts';

export type NewPortfolioRow = Insertable<PortfoliosTable> & { owner_id: string };
type Executor = Kysely<Tables>;

/** Inserts the owner principal and the portfolio (call inside a transaction). */
export async function insertPortfolio(db: Executor, row: NewPortfolioRow, ownerName: string): Promise<void> {
  await db
    .insertInto('principals')
    .values({ id: row.owner_id, kind: 'portfolio', name: ownerName, created_at: row.created_at })
    .execute();
  await db.insertInto('portfolios').values(row).execute();
}

export interface PortfolioAuthRow {
  owner_id: string;
  secret_hash: string;
  data_version: string | null;
  items: number;
  last_added_at: string | null;
  /** Every `printing_key@added_at` on the watchlist, by printing key; null when empty. */
  contents: string | null;
}

/**
 * Everything a portfolio request needs before its own work, in one statement: the capability
 * (owner and secret digest), the data version, and the watchlist's size, latest addition and
 * contents (the list is capped, so this stays small).
 */
export async function findPortfolioForAuth(
  db: Executor,
  dialect: DialectName,
  id: string,
): Promise<PortfolioAuthRow | undefined> {
  const entry = sql<string>`cast(printing_key as text) || '@' || added_at`;
  const contents =
    dialect === 'postgres'
      ? sql<string | null>`string_agg(${entry}, ',' order by printing_key)`
      : sql<string | null>`group_concat(${entry}, ',' order by printing_key)`;
  const watchlist = db
    .selectFrom('watchlist_items')
    .select((eb) => [
      eb.fn.countAll<number>().as('items'),
      eb.fn.max('added_at').as('last_added_at'),
      contents.as('contents'),
    ])
    .where('portfolio_id', '=', id);
  const row = await db
    .selectFrom('portfolios as p')
    .innerJoin(watchlist.as('w'), (join) => join.onTrue())
    .select((eb) => [
      'p.owner_id',
      'p.secret_hash',
      eb.selectFrom('data_version').select('version').where('id', '=', 1).as('data_version'),
      'w.items',
      'w.last_added_at',
      'w.contents',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  return row && { ...row, items: Number(row.items) };
}
