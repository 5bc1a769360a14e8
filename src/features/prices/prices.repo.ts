/** Queries of stored prices that the importer needs beside its bulk writer. */
import type { Kysely } from 'kysely';
import type { PricesTable, Tables } from '../../platform/db/schema.ts';

/** A stored price row as the importer compares and restores it. */
export type StoredGrainRow = PricesTable;

const BATCH = 500;

/**
 * The stored rows of these printings on these dates (the caller matches the exact grains), in
 * batches of printing keys so no statement exceeds a dialect's parameter limit.
 */
export async function storedRowsOf(
  db: Kysely<Tables>,
  printingKeys: number[],
  dates: string[],
): Promise<StoredGrainRow[]> {
  const out: StoredGrainRow[] = [];
  const uniqueDates = [...new Set(dates)];
  const keys = [...new Set(printingKeys)];
  for (let i = 0; i < keys.length; i += BATCH) {
    for (let j = 0; j < uniqueDates.length; j += BATCH) {
      const rows = await db
        .selectFrom('prices')
        .selectAll()
        .where('printing_key', 'in', keys.slice(i, i + BATCH))
        .where('date', 'in', uniqueDates.slice(j, j + BATCH))
        .execute();
      out.push(...rows);
    }
  }
  return out;
}

/** Deletes the row a run stored at one grain (a collision found after it was written). */
export async function deleteRunRow(
  db: Kysely<Tables>,
  runId: string,
  g: { printingKey: number; market: string; condition: string; currency: string; date: string },
): Promise<number> {
  const res = await db
    .deleteFrom('prices')
    .where('run_id', '=', runId)
    .where('printing_key', '=', g.printingKey)
    .where('market', '=', g.market)
    .where('condition', '=', g.condition)
    .where('currency', '=', g.currency)
    .where('date', '=', g.date)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Puts back the row an earlier run stored at one grain, where this run had replaced it and then
 * found the grain ambiguous (only while the row is still this run's).
 */
export async function restoreRow(db: Kysely<Tables>, runId: string, prev: StoredGrainRow): Promise<number> {
  const res = await db
    .updateTable('prices')
    .set({
      run_id: prev.run_id,
      feed: prev.feed,
      market_cents: prev.market_cents,
      low_cents: prev.low_cents,
      mid_cents: prev.mid_cents,
      high_cents: prev.high_cents,
      direct_low_cents: prev.direct_low_cents,
      trend_cents: prev.trend_cents,
      avg1_cents: prev.avg1_cents,
      avg7_cents: prev.avg7_cents,
      avg30_cents: prev.avg30_cents,
      source_as_of: prev.source_as_of,
      known_at: prev.known_at,
    })
    .where('run_id', '=', runId)
    .where('printing_key', '=', prev.printing_key)
    .where('market', '=', prev.market)
    .where('condition', '=', prev.condition)
    .where('currency', '=', prev.currency)
    .where('date', '=', prev.date)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
