/** The `dataset_meta` table (what kind of data the database holds) and deleting the market data. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export type DatasetKind = 'empty' | 'demo' | 'real';

export async function datasetKind(db: Kysely<Tables>): Promise<DatasetKind> {
  const row = await db.selectFrom('dataset_meta').select('value').where('key', '=', 'dataset_kind').executeTakeFirst();
  return (row?.value as DatasetKind | undefined) ?? 'empty';
}

export async function setDatasetMeta(
  db: Kysely<Tables>,
  entries: Record<string, string>,
  nowIso: string,
): Promise<void> {
  for (const [key, value] of Object.entries(entries)) {
    await db
      .insertInto('dataset_meta')
      .values({ key, value, updated_at: nowIso })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso }))
      .execute();
  }
}

export async function datasetMeta(db: Kysely<Tables>): Promise<Record<string, string>> {
  const rows = await db.selectFrom('dataset_meta').select(['key', 'value']).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/**
 * Deletes every market-data row (the demo), leaving accounts, keys and audit untouched. What
 * portfolios hold of the invented printings goes with them (their lots and sales, weight targets,
 * proposed orders and NAV snapshots, recomputed by the next `portfolio-nav` run); items outside
 * the catalogue and the portfolios themselves stay.
 */
export async function deleteMarketData(db: Kysely<Tables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('portfolio_nav').execute();
    await trx.deleteFrom('portfolio_orders').where('status', '=', 'proposed').execute();
    await trx.deleteFrom('portfolio_targets').where('kind', '=', 'weight').execute();
    await trx.deleteFrom('portfolio_sales').where('printing_key', 'is not', null).execute();
    await trx.deleteFrom('portfolio_lots').where('printing_key', 'is not', null).execute();
    // A ledger changed under the portfolios: their cached valuations and snapshots are stale.
    await trx
      .updateTable('portfolios')
      .set((eb) => ({ revision: eb('revision', '+', 1) }))
      .execute();
    // Derived tables first (they would show the demo until the next derive), then watchlist
    // entries of demo printings, then the data itself.
    const derived = [
      'card_summary',
      'card_terms',
      'set_summary',
      'facet_counts',
      'index_values',
      'market_indexes',
      'latest_prices',
      'price_flags',
    ] as const;
    for (const table of [
      ...derived,
      'watchlist_items',
      'search_interest',
      'prices',
      'printings',
      'tcgplayer_products',
      'cards',
      'sets',
    ] as const) {
      await trx.deleteFrom(table).execute();
    }
    await trx.deleteFrom('dataset_meta').where('key', 'like', 'demo_%').execute();
  });
}
