/**
 * The outbox's statements. Claiming is one statement per batch: PostgreSQL takes rows with
 * `FOR UPDATE SKIP LOCKED` so concurrent workers never wait on or double-claim a row; SQLite has
 * one writer at a time, so the same UPDATE … RETURNING is atomic there too. Every claim writes
 * its own claim token into `lease_owner` (the worker's name and a random part), and every write
 * after a claim is fenced by that token: a send whose lease ran out cannot overwrite the row once
 * anyone — another worker, or the same one — has claimed it again.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { AttemptOutcome, Tables } from '../db/schema.ts';
import type { Delivery, NewDelivery } from './outbox.ts';

/**
 * Writes a delivery unless one with the same dedupe key exists; returns whether it was written.
 * Call it with the transaction that writes the causing event.
 */
export async function insertDelivery(
  trx: Kysely<Tables>,
  id: string,
  nowIso: string,
  d: NewDelivery,
): Promise<boolean> {
  const result = await trx
    .insertInto('deliveries')
    .values({
      id,
      channel: d.channel,
      event_type: d.eventType,
      owner_id: d.ownerId ?? null,
      endpoint_id: d.endpointId ?? null,
      address: d.address ?? null,
      dedupe_key: d.dedupeKey,
      payload: JSON.stringify(d.payload),
      sealed: d.sealed ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: d.notBefore ?? nowIso,
      lease_owner: null,
      lease_until: null,
      triggered_at: d.triggeredAt ?? nowIso,
      created_at: nowIso,
      updated_at: nowIso,
      delivered_at: null,
      last_error_class: null,
      last_error: null,
      provider_message_id: null,
      firing_id: d.firingId ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Claims up to `limit` due deliveries (pending, due, not leased or lease expired) with the claim
 * token `owner` until `leaseUntil`, oldest due first, skipping the ids in `exclude` (the sends
 * still in flight in this process, whatever their lease says).
 */
export async function claimDue(
  db: Kysely<Tables>,
  dialect: DialectName,
  args: {
    nowIso: string;
    leaseUntil: string;
    owner: string;
    limit: number;
    channels?: readonly string[];
    exclude?: readonly string[];
  },
): Promise<Delivery[]> {
  const exclude = args.exclude ?? [];
  const due = db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', args.nowIso)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', args.nowIso)]))
    .$if(args.channels !== undefined, (qb) => qb.where('channel', 'in', args.channels as string[] as never))
    .$if(exclude.length > 0, (qb) => qb.where('id', 'not in', exclude as string[]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(args.limit);
  const candidates = dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
  const rows = await db
    .updateTable('deliveries')
    .set({ lease_owner: args.owner, lease_until: args.leaseUntil })
    .where('id', 'in', candidates)
    .returningAll()
    .execute();
  return rows
    .map((r) => ({
      ...r,
      attempts: Number(r.attempts),
      budget_start: Number(r.budget_start),
      redeliveries: Number(r.redeliveries),
    }))
    .sort((a, b) => (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0));
}

/** Extends the leases the claim token `owner` holds on `ids` (a long send); returns the ids still held. */
export async function renewLeases(
  db: Kysely<Tables>,
  args: { ids: string[]; owner: string; leaseUntil: string },
): Promise<string[]> {
  if (args.ids.length === 0) return [];
  const rows = await db
    .updateTable('deliveries')
    .set({ lease_until: args.leaseUntil })
    .where('id', 'in', args.ids)
    .where('lease_owner', '=', args.owner)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface AttemptRecord {
  id: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  outcome: AttemptOutcome;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  responseExcerpt: string | null;
}

/** How the delivery row changes after an attempt. */
export type Settlement =
  | { status: 'delivered'; deliveredAt: string; providerMessageId: string | null }
  | { status: 'pending'; nextAttemptAt: string; countsAsAttempt: boolean }
  | { status: 'dead' | 'suppressed' | 'cancelled' };

/**
 * Records an attempt and settles the delivery, fenced by the claim: when the claim token `owner`
 * no longer holds the row (its lease ran out and it was claimed again) nothing is written and
 * false returns.
 * A deferred attempt (not attempted) writes no attempt row.
 */
export async function settleAttempt(
  db: Kysely<Tables>,
  args: { deliveryId: string; owner: string; nowIso: string; attempt: AttemptRecord | null; settlement: Settlement },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const s = args.settlement;
    const base = {
      lease_owner: null,
      lease_until: null,
      updated_at: args.nowIso,
      last_error_class: args.attempt?.errorClass ?? null,
      last_error: args.attempt?.error ?? null,
    };
    const spent = args.attempt !== null && (s.status !== 'pending' || s.countsAsAttempt);
    const set =
      s.status === 'delivered'
        ? {
            ...base,
            status: 'delivered' as const,
            delivered_at: s.deliveredAt,
            provider_message_id: s.providerMessageId,
          }
        : s.status === 'pending'
          ? { ...base, status: 'pending' as const, next_attempt_at: s.nextAttemptAt }
          : { ...base, status: s.status };
    const updated = await trx
      .updateTable('deliveries')
      .set(spent ? { ...set, attempts: sql<number>`attempts + 1` } : set)
      .where('id', '=', args.deliveryId)
      .where('lease_owner', '=', args.owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    const a = args.attempt;
    if (a) {
      await trx
        .insertInto('delivery_attempts')
        .values({
          id: a.id,
          delivery_id: args.deliveryId,
          attempt: a.attempt,
          started_at: a.startedAt,
          duration_ms: a.durationMs,
          outcome: a.outcome,
          status_code: a.statusCode,
          error_class: a.errorClass,
          error: a.error,
          response_excerpt: a.responseExcerpt,
        })
        .execute();
    }
    return true;
  });
}
