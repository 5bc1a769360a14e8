/**
 * Suppression precedence on both databases: a complaint or hard bounce after an unsubscribe
 * replaces it (so a new subscription queues nothing and "delete everything" keeps the digest), a
 * weaker reason never replaces a stronger one, and the strongest of an address's two forms wins.
 */
import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { isoInstant } from '../../platform/clock.ts';
import { mintLinkTokens, openLinks } from '../subscribers/link-tokens.ts';
import { addSuppression, findSuppression } from '../subscribers/subscribers.repo.ts';
import { SubscriptionsService, suppressionKeys } from '../subscribers/subscriptions.service.ts';
import { recordProviderEvent } from './inbound.ts';

const by = { requestId: 'test', ip: '127.0.0.1' };

describe.each(dialects)('suppression precedence on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    const db = () => h.runtime.database.db;
    const service = () =>
      new SubscriptionsService(db(), h.clock, h.runtime.newId, h.runtime.dataKeys.box, h.runtime.audit);
    const reasons = async () =>
      (await db().selectFrom('email_suppressions').select(['address', 'reason']).orderBy('address').execute()).map(
        (r) => [r.address, r.reason],
      );
    const deliveriesTo = async (address: string) =>
      (await db().selectFrom('deliveries').select('id').where('address', '=', address).execute()).length;

    /** A confirmed subscriber, through the confirmation link its confirmation delivery carries. */
    async function confirmed(address: string): Promise<string> {
      await service().subscribe(address, false);
      const row = await db()
        .selectFrom('deliveries')
        .select(['id', 'sealed', 'owner_id'])
        .where('address', '=', address)
        .executeTakeFirstOrThrow();
      const links = openLinks(h.runtime.dataKeys.box, row.id, row.sealed!);
      await service().confirm(links.confirm_token!, by);
      return row.owner_id!;
    }
    /** Unsubscribes through a one-click unsubscribe token, as an alert mail would carry it. */
    async function unsubscribe(principalId: string): Promise<void> {
      const sealed = await mintLinkTokens(db(), h.runtime.dataKeys.box, {
        principalId,
        deliveryId: 'dlv_unsub',
        nowMs: h.clock.now(),
        purposes: ['unsubscribe'],
      });
      await service().unsubscribe(openLinks(h.runtime.dataKeys.box, 'dlv_unsub', sealed).unsubscribe_token!, by);
    }
    const complaint = (address: string, id: string) =>
      recordProviderEvent(db(), { clock: h.clock, newId: h.runtime.newId }, 'resend', {
        providerEventId: id,
        type: 'complained',
        bounceKind: null,
        address,
        providerMessageId: null,
        occurredAt: null,
      });

    it('unsubscribe, then a complaint: the complaint wins, subscribing queues nothing, forgetting keeps the digest', async () => {
      const address = 'complainer@example.test';
      const principalId = await confirmed(address);
      await unsubscribe(principalId);
      expect(await reasons()).toEqual([[address, 'unsubscribe']]);

      expect(await complaint(address, 'msg_complaint_1')).toBe(true);
      expect(await reasons()).toEqual([[address, 'complaint']]);

      // Past the confirmation window, asking again writes no confirmation.
      h.clock.advance(2 * 3_600_000);
      const before = await deliveriesTo(address);
      await service().subscribe(address, false);
      expect(await deliveriesTo(address)).toBe(before);
      expect((await findSuppression(db(), await suppressionKeys(address)))?.reason).toBe('complaint');

      await service().forget(principalId, by);
      const [, digest] = await suppressionKeys(address);
      expect(await reasons()).toEqual([[digest, 'complaint']]);
    });

    it('never lowers a suppression: an unsubscribe or manual entry after a bounce keeps the bounce', async () => {
      const address = 'bounced@example.test';
      const nowIso = isoInstant(h.clock.now());
      await addSuppression(db(), { address, reason: 'hard_bounce', nowIso });
      await addSuppression(db(), { address, reason: 'unsubscribe', nowIso });
      await addSuppression(db(), { address, reason: 'manual', nowIso });
      await addSuppression(db(), { address, reason: 'complaint', nowIso });
      expect((await findSuppression(db(), [address]))?.reason).toBe('hard_bounce');

      const blocked = 'blocked@example.test';
      await addSuppression(db(), { address: blocked, reason: 'unsubscribe', nowIso });
      await addSuppression(db(), { address: blocked, reason: 'manual', nowIso });
      await addSuppression(db(), { address: blocked, reason: 'unsubscribe', nowIso });
      expect((await findSuppression(db(), [blocked]))?.reason).toBe('manual');
      await addSuppression(db(), { address: blocked, reason: 'hard_bounce', nowIso });
      expect((await findSuppression(db(), [blocked]))?.reason).toBe('hard_bounce');
    });

    it('answers the strongest of the address and its digest form', async () => {
      const address = 'also@example.test'; // sorts before its digest form
      const [, digest] = await suppressionKeys(address);
      const nowIso = isoInstant(h.clock.now());
      await addSuppression(db(), { address: digest!, reason: 'complaint', nowIso });
      await addSuppression(db(), { address, reason: 'unsubscribe', nowIso });
      expect((await findSuppression(db(), await suppressionKeys(address)))?.reason).toBe('complaint');
    });
  });
});
