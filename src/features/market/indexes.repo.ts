/**
 * Reads of the materialised indexes (`market_indexes`, `index_values`), each one statement.
 * Every index row carries the bases of its 1/7/30-day changes: the last value on or before
 * `last_date − N` days.
 */
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { daysBefore, insertInChunks } from '../../platform/db/dialect.ts';
import type { IndexValuesTable, MarketIndexesTable, Tables } from '../../platform/db/schema.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

const ROWS_PER_INSERT = 500;

/** Days back of the changes every index answer carries. */
type ChangeDays = 1 | 7 | 30;

/** The value of the index on or before `last_date − days` (the base of a change). */
function valueDaysBefore<D extends ChangeDays>(database: Database, days: D) {
  const cutoff = sql<string>`${sql.raw(daysBefore(database.dialect, 'i.last_date', days))}`;
  return (eb: ExpressionBuilder<Tables & { i: MarketIndexesTable }, 'i'>) =>
    eb
      .selectFrom('index_values as b')
      .select('b.value')
      .whereRef('b.index_id', '=', 'i.id')
      .where('b.date', '<=', cutoff)
      .orderBy('b.date', 'desc')
      .limit(1)
      .as(`base_${days}d` as `base_${D}d`);
}

export type IndexRow = Selectable<MarketIndexesTable> & {
  base_1d: number | null;
  base_7d: number | null;
  base_30d: number | null;
};

/** The index columns every answer carries, with the bases of its changes. */
function indexColumns(database: Database) {
  return (eb: ExpressionBuilder<Tables & { i: MarketIndexesTable }, 'i'>) => [
    'i.id' as const,
    'i.kind' as const,
    'i.set_id' as const,
    'i.name' as const,
    'i.market' as const,
    'i.currency' as const,
    'i.base_date' as const,
    'i.last_date' as const,
    'i.last_value' as const,
    'i.constituents' as const,
    'i.points' as const,
    valueDaysBefore(database, 1)(eb),
    valueDaysBefore(database, 7)(eb),
    valueDaysBefore(database, 30)(eb),
  ];
}

/**
 * A page of indexes ordered by id: 'market' sorts before every 'set-…' id, so the market index
 * comes first.
 *
 * @example
 * const rows = await listIndexes(database, 51, undefined);
 */
export function listIndexes(database: Database, limit: number, afterId: string | undefined): Promise<IndexRow[]> {
  let query = database.db.selectFrom('market_indexes as i').select(indexColumns(database)).orderBy('i.id').limit(limit);
  if (afterId !== undefined) query = query.where('i.id', '>', afterId);
  return query.execute();
}

/**
 * One index and its values in [from, to] (either bound optional): one row per value, or one row
 * with null `h_*` columns when none is in range; no rows when the index does not exist. The
 * index row is a materialised CTE so its change bases are computed once, not per value.
 *
 * @example
 * const rows = await readIndex(database, 'market', '2026-01-01', undefined);
 */
export function readIndex(database: Database, id: string, from: string | undefined, to: string | undefined) {
  return database.db
    .with(
      (cte) => cte('head').materialized(),
      (qb) => qb.selectFrom('market_indexes as i').select(indexColumns(database)).where('i.id', '=', id),
    )
    .selectFrom('head')
    .leftJoin('index_values as v', (join) => {
      let on = join.onRef('v.index_id', '=', 'head.id');
      if (from !== undefined) on = on.on('v.date', '>=', from);
      if (to !== undefined) on = on.on('v.date', '<=', to);
      return on;
    })
    .selectAll('head')
    .select(['v.date as h_date', 'v.value as h_value', 'v.constituents as h_constituents'])
    .orderBy('v.date')
    .execute();
}

/** A row of `readIndex`: the index with one of its values (null `h_*` when none is in range). */
export type IndexHistoryRow = Awaited<ReturnType<typeof readIndex>>[number];

/** Each printing's set, and which printings are sealed products, in key order. */
export async function printingSets(db: Kysely<Tables>): Promise<{ setOf: Map<number, string>; sealed: Set<number> }> {
  const rows = await db
    .selectFrom('printings')
    .innerJoin('cards', 'cards.id', 'printings.card_id')
    .select(['printings.key', 'cards.set_id', 'cards.kind'])
    .orderBy('printings.key')
    .execute();
  return {
    setOf: new Map(rows.map((r) => [r.key, r.set_id])),
    sealed: new Set(rows.filter((r) => r.kind === 'sealed').map((r) => r.key)),
  };
}

export async function setNames(db: Kysely<Tables>): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('sets').select(['id', 'name']).execute()).map((r) => [r.id, r.name]));
}

/** Replaces `market_indexes` and `index_values` through `db` (a publication's transaction, or a new one). */
export async function replaceIndexes(
  db: Kysely<Tables>,
  indexRows: MarketIndexesTable[],
  valueRows: IndexValuesTable[],
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('index_values').execute();
    await trx.deleteFrom('market_indexes').execute();
    await insertInChunks(trx, 'market_indexes', indexRows, ROWS_PER_INSERT);
    await insertInChunks(trx, 'index_values', valueRows, ROWS_PER_INSERT);
  });
}
