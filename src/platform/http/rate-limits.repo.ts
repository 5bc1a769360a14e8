/**
 * The `rate_limits` table (migration 20261208_21) as rate-limiter-flexible's PostgreSQL store
 * sees a pg pool: `query({ text, values })` answering `{ rows, rowCount }`. Its statements run
 * through the query builder's connection, so they are counted with every other statement of the
 * request (`Database.queryCount`).
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../db/database.ts';

export interface StoreClient {
  query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }>;
}

/** The table the store reads and upserts; created by a migration, never by the library. */
export const RATE_LIMITS_TABLE = 'rate_limits';

export function rateLimitsStoreClient(database: Database): StoreClient {
  return {
    async query(q) {
      const result = await database.db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
      const affected = result.numAffectedRows === undefined ? undefined : Number(result.numAffectedRows);
      return { rows: result.rows as unknown[], rowCount: affected ?? result.rows.length };
    },
  };
}
