/** The `tcgplayer_products` table: which card (or kind of non-card) a TCGplayer product is. */
import type { Kysely } from 'kysely';
import type { Tables, TcgplayerProductsTable } from '../../platform/db/schema.ts';

export function loadProducts(db: Kysely<Tables>) {
  return db
    .selectFrom('tcgplayer_products')
    .select(['product_id', 'card_id', 'kind', 'group_id', 'name', 'number'])
    .execute();
}

export async function updateProduct(db: Kysely<Tables>, row: TcgplayerProductsTable): Promise<void> {
  await db.updateTable('tcgplayer_products').set(row).where('product_id', '=', row.product_id).execute();
}

/** New products go in as multi-row inserts (8 columns × 500 rows per statement). */
export async function insertProducts(db: Kysely<Tables>, rows: TcgplayerProductsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('tcgplayer_products')
      .values(rows.slice(i, i + 500))
      .execute();
}
