/** Statements on `email_events`: provider events, once each per (provider, provider event id). */
import type { Kysely } from 'kysely';
import type { EmailEventsTable, Tables } from '../../platform/db/schema.ts';

/** Stores an event unless the provider already sent it; returns whether it was new. */
export async function insertEmailEvent(trx: Kysely<Tables>, row: EmailEventsTable): Promise<boolean> {
  const result = await trx
    .insertInto('email_events')
    .values(row)
    .onConflict((oc) => oc.columns(['provider', 'provider_event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The delivery a provider message id belongs to (what the provider answered when it accepted it). */
export async function findDeliveryByMessage(db: Kysely<Tables>, providerMessageId: string): Promise<string | null> {
  const row = await db
    .selectFrom('deliveries')
    .select('id')
    .where('provider_message_id', '=', providerMessageId)
    .executeTakeFirst();
  return row?.id ?? null;
}
