/**
 * Statements on e-mail subscribers and the suppression list. A suppressed address is never mailed
 * again; after "delete everything" the address itself is gone and only `sha256:<hex>` of it is
 * kept for a bounce or complaint, so the address stays unmailable without being stored.
 */
import type { Kysely } from 'kysely';
import type { EmailSuppressionsTable, Tables } from '../../platform/db/schema.ts';

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed';
export type SuppressionReason = EmailSuppressionsTable['reason'];

export interface SubscriberRow {
  principal_id: string;
  address: string;
  status: SubscriberStatus;
  digest: number;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export async function findSubscriberByAddress(db: Kysely<Tables>, address: string): Promise<SubscriberRow | undefined> {
  const row = await db.selectFrom('email_subscribers').selectAll().where('address', '=', address).executeTakeFirst();
  return row && { ...row, digest: Number(row.digest) };
}

export async function findSubscriber(db: Kysely<Tables>, principalId: string): Promise<SubscriberRow | undefined> {
  const row = await db
    .selectFrom('email_subscribers')
    .selectAll()
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row && { ...row, digest: Number(row.digest) };
}

/** Creates the subscriber's principal (kind `user`) and its pending row. */
export async function insertSubscriber(
  trx: Kysely<Tables>,
  row: { principalId: string; address: string; digest: boolean; nowIso: string },
): Promise<void> {
  await trx
    .insertInto('principals')
    .values({ id: row.principalId, kind: 'user', name: 'e-mail subscriber', created_at: row.nowIso })
    .execute();
  await trx
    .insertInto('email_subscribers')
    .values({
      principal_id: row.principalId,
      address: row.address,
      status: 'pending',
      digest: row.digest ? 1 : 0,
      created_at: row.nowIso,
      confirmed_at: null,
      unsubscribed_at: null,
    })
    .execute();
}

export async function setSubscriberStatus(
  trx: Kysely<Tables>,
  principalId: string,
  status: SubscriberStatus,
  nowIso: string,
): Promise<void> {
  await trx
    .updateTable('email_subscribers')
    .set(
      status === 'confirmed'
        ? { status, confirmed_at: nowIso, unsubscribed_at: null }
        : status === 'unsubscribed'
          ? { status, unsubscribed_at: nowIso }
          : { status },
    )
    .where('principal_id', '=', principalId)
    .execute();
}

export async function setDigest(trx: Kysely<Tables>, principalId: string, digest: boolean): Promise<void> {
  await trx
    .updateTable('email_subscribers')
    .set({ digest: digest ? 1 : 0 })
    .where('principal_id', '=', principalId)
    .execute();
}

/** A live token of `purpose` (not expired, not used) with its subscriber. */
export async function findLiveToken(
  db: Kysely<Tables>,
  tokenHash: string,
  purpose: 'confirm' | 'manage' | 'unsubscribe',
  nowIso: string,
): Promise<(SubscriberRow & { used_at: string | null }) | undefined> {
  const row = await db
    .selectFrom('owner_tokens as t')
    .innerJoin('email_subscribers as s', 's.principal_id', 't.principal_id')
    .select([
      's.principal_id',
      's.address',
      's.status',
      's.digest',
      's.created_at',
      's.confirmed_at',
      's.unsubscribed_at',
      't.used_at',
    ])
    .where('t.token_hash', '=', tokenHash)
    .where('t.purpose', '=', purpose)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', nowIso)]))
    .executeTakeFirst();
  return row && { ...row, digest: Number(row.digest) };
}

/** Marks a single-use token used; false when it already was (a concurrent use won). */
export async function useToken(trx: Kysely<Tables>, tokenHash: string, nowIso: string): Promise<boolean> {
  const r = await trx
    .updateTable('owner_tokens')
    .set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deliveryExists(db: Kysely<Tables>, dedupeKey: string): Promise<boolean> {
  const row = await db.selectFrom('deliveries').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirst();
  return row !== undefined;
}

/**
 * How strongly each reason suppresses, weakest first (docs/EMAIL.md, "Suppression precedence"):
 * an operator's `manual` entry outranks an `unsubscribe` (which a new confirmation lifts); a hard
 * bounce or a complaint outranks both (permanent, and kept as a digest when the address is
 * forgotten). A stronger reason replaces a weaker one; an equal or weaker one changes nothing.
 */
export const SUPPRESSION_RANK: Record<SuppressionReason, number> = {
  unsubscribe: 0,
  manual: 1,
  hard_bounce: 2,
  complaint: 2,
};

/** The strongest suppression of `address` (by the address or by its digest form), if any. */
export async function findSuppression(
  db: Kysely<Tables>,
  keys: string[],
): Promise<{ address: string; reason: SuppressionReason } | undefined> {
  const rows = await db
    .selectFrom('email_suppressions')
    .select(['address', 'reason'])
    .where('address', 'in', keys)
    .orderBy('address')
    .execute();
  let strongest: (typeof rows)[number] | undefined;
  for (const row of rows)
    if (!strongest || SUPPRESSION_RANK[row.reason] > SUPPRESSION_RANK[strongest.reason]) strongest = row;
  return strongest;
}

/**
 * Adds a suppression, or raises an existing one to `reason` when that is stronger
 * (`SUPPRESSION_RANK`): a complaint or hard bounce after an unsubscribe leaves the complaint or
 * bounce, an unsubscribe after a bounce leaves the bounce.
 */
export async function addSuppression(
  db: Kysely<Tables>,
  row: { address: string; reason: SuppressionReason; nowIso: string; eventId?: string | null },
): Promise<void> {
  const weaker = (Object.keys(SUPPRESSION_RANK) as SuppressionReason[]).filter(
    (r) => SUPPRESSION_RANK[r] < SUPPRESSION_RANK[row.reason],
  );
  const values = { reason: row.reason, created_at: row.nowIso, event_id: row.eventId ?? null };
  await db
    .insertInto('email_suppressions')
    .values({ address: row.address, ...values })
    .onConflict((oc) =>
      weaker.length === 0
        ? oc.column('address').doNothing()
        : oc.column('address').doUpdateSet(values).where('email_suppressions.reason', 'in', weaker),
    )
    .execute();
}

/** Lifts an `unsubscribe` suppression (the address confirmed a new subscription); others stay. */
export async function liftUnsubscribe(trx: Kysely<Tables>, keys: string[]): Promise<void> {
  await trx.deleteFrom('email_suppressions').where('address', 'in', keys).where('reason', '=', 'unsubscribe').execute();
}

/**
 * Deletes everything stored about `address`: its principal (cascading to its subscriber row,
 * tokens, rules, firings, endpoints and deliveries), deliveries and provider events naming it;
 * a bounce or complaint suppression is kept as `digestKey` only, anything else is dropped.
 */
export async function forgetAddress(
  trx: Kysely<Tables>,
  args: { principalId: string; address: string; digestKey: string },
): Promise<void> {
  const kept = await trx
    .selectFrom('email_suppressions')
    .select(['reason', 'created_at'])
    .where('address', '=', args.address)
    .where('reason', 'in', ['hard_bounce', 'complaint'])
    .executeTakeFirst();
  await trx.deleteFrom('email_suppressions').where('address', '=', args.address).execute();
  if (kept) await addSuppression(trx, { address: args.digestKey, reason: kept.reason, nowIso: kept.created_at });
  await trx.deleteFrom('email_events').where('address', '=', args.address).execute();
  await trx.deleteFrom('deliveries').where('address', '=', args.address).execute();
  await trx.deleteFrom('principals').where('id', '=', args.principalId).execute();
}
