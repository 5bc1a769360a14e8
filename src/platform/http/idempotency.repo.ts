/** The `idempotency_keys` table: one row per (scope, route, key), claimed, completed, released, purged. */
import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../db/schema.ts';

export interface KeyRef {
  scope: string;
  route: string;
  key: string;
}

export type IdempotencyRow = Selectable<Tables['idempotency_keys']>;

/** Inserts the key as `in_flight` until `expiresAt`; false when a row for it already exists. */
export async function insertInFlight(
  db: Kysely<Tables>,
  k: KeyRef & { requestHash: string; createdAt: string; expiresAt: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      scope: k.scope,
      route: k.route,
      key: k.key,
      request_hash: k.requestHash,
      status: 'in_flight',
      response_status: null,
      response_headers: null,
      response_body: null,
      created_at: k.createdAt,
      expires_at: k.expiresAt,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findKey(db: Kysely<Tables>, k: KeyRef): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', k.scope)
    .where('route', '=', k.route)
    .where('key', '=', k.key)
    .executeTakeFirst();
}

/** Marks the key `done` with its (already sealed) answer. */
export async function storeAnswer(
  db: Kysely<Tables>,
  k: KeyRef & { status: number; headersJson: string; sealedBody: string; expiresAt: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      status: 'done',
      response_status: k.status,
      response_headers: k.headersJson,
      response_body: k.sealedBody,
      expires_at: k.expiresAt,
    })
    .where('scope', '=', k.scope)
    .where('route', '=', k.route)
    .where('key', '=', k.key)
    .execute();
}

/** Deletes the key's row; `inFlightOnly` and `readAt` (its `expires_at`) narrow which row may go. */
export async function deleteKey(
  db: Kysely<Tables>,
  k: KeyRef,
  only: { inFlightOnly?: boolean; readAt?: string },
): Promise<void> {
  let q = db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', k.scope)
    .where('route', '=', k.route)
    .where('key', '=', k.key);
  if (only.inFlightOnly) q = q.where('status', '=', 'in_flight');
  if (only.readAt !== undefined) q = q.where('expires_at', '=', only.readAt);
  await q.execute();
}

/** Deletes keys that expired at or before `nowIso`; returns how many. */
export async function deleteExpired(db: Kysely<Tables>, nowIso: string): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(res.numDeletedRows);
}
