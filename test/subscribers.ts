/** A confirmed e-mail subscriber made through the API, as a person would: subscribe, open the mail's link, confirm. */
import { mintLinkTokens, openLinks } from '../src/features/subscribers/link-tokens.ts';
import { json, type Harness } from './harness.ts';

export interface TestSubscriber {
  address: string;
  principalId: string;
  manageToken: string;
}

export async function confirmedSubscriber(h: Harness, address: string): Promise<TestSubscriber> {
  const asked = await h.request('/v1/subscriptions', json({ address }));
  if (asked.status !== 202) throw new Error(`subscribe answered ${asked.status}`);
  const row = await h.runtime.database.db
    .selectFrom('deliveries')
    .selectAll()
    .where('address', '=', address.toLowerCase())
    .where('event_type', '=', 'subscriber.confirm')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const { confirm_token } = openLinks(h.runtime.dataKeys.box, row.id, row.sealed!);
  const res = await h.request(`/v1/subscriptions/confirm/${confirm_token}`, { method: 'POST' });
  const body = (await res.json()) as { manage_token: string };
  return { address: address.toLowerCase(), principalId: row.owner_id!, manageToken: body.manage_token };
}

/** Link tokens as an alert e-mail to the subscriber would carry them. */
export async function linkTokens(h: Harness, principalId: string) {
  const deliveryId = h.runtime.newId('dlv');
  const sealed = await mintLinkTokens(h.runtime.database.db, h.runtime.dataKeys.box, {
    principalId,
    deliveryId,
    nowMs: h.clock.now(),
    purposes: ['manage', 'unsubscribe'],
  });
  return openLinks(h.runtime.dataKeys.box, deliveryId, sealed);
}
