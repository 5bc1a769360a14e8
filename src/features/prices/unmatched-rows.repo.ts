/**
 * The price importer's record of TCGplayer products whose rows were rejected for want of a
 * mapping (`ingestion_unmatched`, one row per run and product); ingest/unmatched.repo.ts lists
 * and purges them.
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export interface UnmatchedRow {
  productId: number;
  groupId: number | null;
  reason: string;
  rows: number;
}

/** Adds row counts to a run's unmatched products (a product seen again adds to its count). */
export async function addUnmatched(db: Kysely<Tables>, runId: string, rows: UnmatchedRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map((r) => ({ run_id: runId, product_id: r.productId, group_id: r.groupId, reason: r.reason, rows: r.rows }));
    await db
      .insertInto('ingestion_unmatched')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['run_id', 'product_id']).doUpdateSet((eb) => ({
          rows: sql<number>`${eb.ref('ingestion_unmatched.rows')} + ${eb.ref('excluded.rows')}`,
          reason: eb.ref('excluded.reason'),
          group_id: sql<
            number | null
          >`coalesce(${eb.ref('excluded.group_id')}, ${eb.ref('ingestion_unmatched.group_id')})`,
        })),
      )
      .execute();
  }
}
