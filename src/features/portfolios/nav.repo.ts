/**
 * Storage of portfolio NAV snapshots (`portfolio_nav`) and the reads that reconstruct a NAV
 * series: the price history of a portfolio's printings over a date range in one statement, and
 * the market calendar with the market index's levels in one more (docs/METHODS.md, "Portfolio NAV").
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { CostMethod, PortfolioNavTable, PriceField, Tables } from '../../platform/db/schema.ts';
import { readIndex } from '../market/indexes.repo.ts';
import { unflagged } from '../prices/price-flags.repo.ts';

const ROWS_PER_UPSERT = 500;

export type NavRow = Selectable<PortfolioNavTable>;

/**
 * Inserts or replaces snapshots on (portfolio_id, date), `ROWS_PER_UPSERT` rows a statement.
 *
 * @example
 * await upsertNav(db, [{ portfolio_id: 'pf_…', date: '2026-11-24', value_minor: 12_345, … }]);
 */
export async function upsertNav(db: Kysely<Tables>, rows: readonly NavRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT)
    await db
      .insertInto('portfolio_nav')
      .values(rows.slice(i, i + ROWS_PER_UPSERT))
      .onConflict((oc) =>
        oc.columns(['portfolio_id', 'date']).doUpdateSet((eb) => ({
          value_minor: eb.ref('excluded.value_minor'),
          cost_minor: eb.ref('excluded.cost_minor'),
          flow_minor: eb.ref('excluded.flow_minor'),
          currency: eb.ref('excluded.currency'),
          priced: eb.ref('excluded.priced'),
          unpriced: eb.ref('excluded.unpriced'),
          computed_at: eb.ref('excluded.computed_at'),
          revision: eb.ref('excluded.revision'),
        })),
      )
      .execute();
}

/** Deletes a portfolio's snapshots before `date` (a ledger that now starts later). */
export async function deleteNavBefore(db: Kysely<Tables>, portfolioId: string, date: string): Promise<void> {
  await db.deleteFrom('portfolio_nav').where('portfolio_id', '=', portfolioId).where('date', '<', date).execute();
}

/** A portfolio's snapshots in [from, to], oldest first. */
export function readNav(db: Kysely<Tables>, portfolioId: string, from: string, to: string): Promise<NavRow[]> {
  return db
    .selectFrom('portfolio_nav')
    .selectAll()
    .where('portfolio_id', '=', portfolioId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .execute();
}

/** What a NAV needs of a portfolio: its settings, when its ledger last changed and where it starts. */
export interface NavPortfolioRow {
  base_currency: string;
  cost_method: CostMethod;
  preferred_market: string;
  price_field: PriceField;
  /** The last ledger or settings change (ISO instant); snapshots computed before it are out of date. */
  updated_at: string | null;
  /** The earliest lot's acquisition date; null without lots. */
  first_date: string | null;
  /** Bumped by every ledger or valuation-settings change. */
  revision: number;
  /** The market data's version; the `portfolio-nav` step bumps it when it writes snapshots. */
  data_version: string | null;
}

/** A portfolio's settings, last change, first lot date and the stamps its answers depend on, in one statement. */
export function navPortfolio(db: Kysely<Tables>, portfolioId: string): Promise<NavPortfolioRow | undefined> {
  return db
    .selectFrom('portfolios as p')
    .select((eb) => [
      'p.base_currency',
      'p.cost_method',
      'p.preferred_market',
      'p.price_field',
      'p.updated_at',
      'p.revision',
      eb.selectFrom('data_version').select('version').where('id', '=', 1).as('data_version'),
      eb
        .selectFrom('portfolio_lots as l')
        .select((s) => s.fn.min('l.acquired_on').as('d'))
        .whereRef('l.portfolio_id', '=', 'p.id')
        .as('first_date'),
    ])
    .where('p.id', '=', portfolioId)
    .executeTakeFirst() as Promise<NavPortfolioRow | undefined>;
}

/** Per portfolio: its last change, its last snapshot and when that was computed. */
export interface NavState {
  id: string;
  updated_at: string | null;
  last_date: string | null;
  last_computed_at: string | null;
  revision: number;
  /** The oldest revision any of its snapshots was computed from (null without snapshots). */
  oldest_revision: number | null;
}

/** Every portfolio with its last snapshot date, in one statement (the pipeline step's work list). */
export function navStates(db: Kysely<Tables>): Promise<NavState[]> {
  return db
    .selectFrom('portfolios as p')
    .leftJoin('portfolio_nav as n', 'n.portfolio_id', 'p.id')
    .select((eb) => [
      'p.id',
      'p.updated_at',
      'p.revision',
      eb.fn.max('n.date').as('last_date'),
      eb.fn.max('n.computed_at').as('last_computed_at'),
      eb.fn.min('n.revision').as('oldest_revision'),
    ])
    .groupBy(['p.id', 'p.updated_at', 'p.revision'])
    .orderBy('p.id')
    .execute();
}

/** One stored price of a printing: the values a valuation may use. */
export interface PriceHistoryRow {
  printing_key: number;
  market: string;
  condition: string;
  currency: string;
  date: string;
  market_cents: number | null;
  low_cents: number | null;
}

/**
 * Every stored, unflagged price of the printings a portfolio has lots of, dated in [from, to], ordered by
 * series and date: one statement whatever the number of days or printings (the printings come
 * from a subquery on the portfolio's lots, so no key list is bound).
 */
export function priceHistory(
  db: Kysely<Tables>,
  portfolioId: string,
  from: string,
  to: string,
): Promise<PriceHistoryRow[]> {
  return (
    db
      .selectFrom('prices as p')
      .select(['p.printing_key', 'p.market', 'p.condition', 'p.currency', 'p.date', 'p.market_cents', 'p.low_cents'])
      .where('p.printing_key', 'in', (eb) =>
        eb
          .selectFrom('portfolio_lots as l')
          .select('l.printing_key')
          .where('l.portfolio_id', '=', portfolioId)
          .where('l.printing_key', 'is not', null),
      )
      .where('p.date', '>=', from)
      .where('p.date', '<=', to)
      // The prints the quality step keeps out of analytics value nothing, as in the current valuation.
      .where(sql<boolean>`${sql.raw(unflagged('p'))}`)
      .orderBy('p.printing_key')
      .orderBy('p.market')
      .orderBy('p.condition')
      .orderBy('p.currency')
      .orderBy('p.date')
      .execute() as Promise<PriceHistoryRow[]>
  );
}

/** The market index's levels in [from, to]: its dates are the market calendar. One statement. */
export async function marketIndexLevels(
  database: Database,
  indexId: string,
  from: string | undefined,
  to: string | undefined,
): Promise<{ date: string; value: number }[]> {
  const rows = await readIndex(database, indexId, from, to);
  return rows.flatMap((r) => (r.h_date === null || r.h_value === null ? [] : [{ date: r.h_date, value: r.h_value }]));
}
