/**
 * The version of everything public reads return. Every writer of market data (ingestion runs,
 * pipeline steps, demo seeding, watchlist edits use their own) bumps it when it finishes, and
 * read routes put it in their `ETag`, so a conditional request is answered from one statement.
 */
import type { Kysely } from 'kysely';
import { ulid } from 'ulid';
import { isoInstant, type Clock } from '../clock.ts';
import type { Tables } from './schema.ts';

/**
 * Marks the data as changed: the next conditional request sees a new ETag.
 *
 * @example
 * await bumpDataVersion(database.db, clock);
 */
export async function bumpDataVersion(db: Kysely<Tables>, clock: Clock): Promise<string> {
  const version = ulid(clock.now());
  await db
    .updateTable('data_version')
    .set({ version, changed_at: isoInstant(clock.now()) })
    .where('id', '=', 1)
    .execute();
  return version;
}

/** The current data version (one statement). */
export async function readDataVersion(db: Kysely<Tables>): Promise<string> {
  const row = await db.selectFrom('data_version').select('version').where('id', '=', 1).executeTakeFirst();
  return row?.version ?? 'none';
}
