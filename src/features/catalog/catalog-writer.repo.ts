/** Reads and writes of `sets` and `cards` rows for the catalogue writer's merge. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export type CatalogTable = 'sets' | 'cards';

/** The stored rows of `table` with the given ids. */
export async function catalogRowsByIds<R>(db: Kysely<Tables>, table: CatalogTable, ids: string[]): Promise<R[]> {
  return (await db.selectFrom(table).selectAll().where('id', 'in', ids).execute()) as unknown as R[];
}

export async function updateCatalogRow<R>(db: Kysely<Tables>, table: CatalogTable, id: string, row: R): Promise<void> {
  await db
    .updateTable(table)
    .set(row as never)
    .where('id', '=', id)
    .execute();
}

/** Inserts new rows in one statement (the caller keeps the batch under the bound-parameter limits). */
export async function insertCatalogRows<R>(db: Kysely<Tables>, table: CatalogTable, rows: R[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto(table)
      .values(rows as never)
      .execute();
}

export async function allSetIds(db: Kysely<Tables>): Promise<Set<string>> {
  return new Set((await db.selectFrom('sets').select('id').execute()).map((r) => r.id));
}

export async function allCardIds(db: Kysely<Tables>): Promise<Set<string>> {
  return new Set((await db.selectFrom('cards').select('id').execute()).map((r) => r.id));
}
