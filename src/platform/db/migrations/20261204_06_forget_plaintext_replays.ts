// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

/**
 * Stored `Idempotency-Key` answers used to be kept in plaintext, a new API key's or portfolio's
 * secret included. From now on they are encrypted; the plaintext ones written before are deleted
 * (a retry with such a key runs the request again, as after expiry).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('status', '=', 'done').execute();
}
