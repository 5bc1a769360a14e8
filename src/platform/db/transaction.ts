/**
 * Writes that must become visible together. A read model builder writes through `inTransaction`,
 * so on its own it replaces its tables in one transaction, and inside a larger publication (the
 * derive step) it joins that one instead: readers see the old state or the new one, never a mix.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';
import type { Tables } from './schema.ts';

/**
 * Runs `fn` in the transaction `db` already is, or in a new one.
 *
 * @example
 * await inTransaction(db, async (trx) => { await trx.deleteFrom('card_summary').execute(); … });
 */
export function inTransaction<T>(db: Kysely<Tables>, fn: (trx: Kysely<Tables>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<Tables>) => fn(trx));
}

/**
 * Runs `fn` with a view of `database` whose statements all go through one transaction, committed
 * when `fn` resolves and rolled back when it throws (or never reached when the process dies).
 *
 * @example
 * await publish(database, async (tx) => { await deriveCardSummary(tx); await bumpDataVersion(tx.db, clock); });
 */
export function publish<T>(database: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  return database.db.transaction().execute((trx) => fn({ ...database, db: trx, queryCount: database.queryCount }));
}
