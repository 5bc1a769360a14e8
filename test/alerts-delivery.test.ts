/**
 * The product path of an alert, end to end with real peers on loopback: a person subscribes by
 * e-mail and confirms through the link in the mail the SMTP server received; a portfolio
 * registers a webhook endpoint; both create rules through the API; the `alerts` pipeline step
 * fires them; the delivery worker composed as `cardquant start` composes it sends the alert mail
 * (SMTP) and the signed webhook (verified with the `standardwebhooks` package); the rules do not
 * fire again while their conditions hold; one-click unsubscribe from the mail's header stops mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { dialects, label } from '#test/dialects.ts';
import { json, startHarness, type Harness } from '#test/harness.ts';
import { startSmtpPeer, type SmtpPeer } from '#test/mail-peers.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { startReceiver, type Receiver } from '#test/webhook-peers.ts';
import { deliveryWorker } from '../src/delivery-channels.ts';
import type { DeliveryWorker } from '../src/platform/outbox/worker.ts';

const PUBLIC_URL = 'https://cards.example.test';

describe.each(dialects)('alerts delivered end to end on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let smtp: SmtpPeer;
    let receiver: Receiver;
    let h: Harness;
    let url = '';
    let worker: DeliveryWorker;

    beforeAll(async () => {
      smtp = await startSmtpPeer();
      receiver = await startReceiver();
      url = await d.create();
      h = await startHarness(url, {
        EMAIL_PROVIDER: 'smtp',
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'cardquant <alerts@example.test>',
        PUBLIC_URL,
        EGRESS_ALLOW: 'loopback',
      });
      await seedMarket(h.runtime.ingest);
      worker = deliveryWorker(h.runtime, 'e2e');
    });
    afterAll(async () => {
      await worker?.stop();
      await h?.close();
      if (url) await d.drop(url);
      await smtp?.close();
      await receiver?.close();
    });

    /** Runs worker passes until nothing is due (each pass settles what it claimed). */
    async function drain(): Promise<void> {
      for (let i = 0; i < 10; i++) if ((await worker.runOnce()).claimed === 0) return;
      throw new Error('deliveries kept coming');
    }
    const statuses = async () =>
      (await h.runtime.database.db.selectFrom('deliveries').select(['event_type', 'status']).execute())
        .map((r) => `${r.event_type}:${r.status}`)
        .sort();

    it('subscribes, fires, delivers by e-mail and webhook once, and stops mail after one-click unsubscribe', async () => {
      // Receivers check a signature's timestamp against their own clock (5 minutes of skew at most).
      h.clock.set(Date.now());
      // A person subscribes; the confirmation mail arrives and its link confirms.
      expect((await h.request('/v1/subscriptions', json({ address: 'Collector@Example.test' }))).status).toBe(202);
      await drain();
      expect(smtp.messages).toHaveLength(1);
      const confirmMail = smtp.messages[0]!;
      expect(confirmMail.to).toEqual(['collector@example.test']);
      const confirmPath = new RegExp(`${PUBLIC_URL}(/v1/subscriptions/confirm/cqc_[0-9a-z]+)`).exec(
        confirmMail.parsed.text ?? '',
      )?.[1];
      expect(confirmPath).toBeDefined();
      const confirmed = await h.request(confirmPath!, { method: 'POST' });
      expect(confirmed.status).toBe(200);
      const manage = { Authorization: `Bearer ${((await confirmed.json()) as { manage_token: string }).manage_token}` };

      // The subscriber watches Charizard's price (140.00 on the last day); a portfolio watches
      // Charmander's 1-day move (+25 %) through its webhook endpoint.
      const mailRule = await h.request(
        '/v1/alerts',
        json({ card_id: 's1-4', kind: 'price_above', threshold: 139.5, channel: 'email' }, manage),
      );
      expect(mailRule.status).toBe(201);
      const pf = (await (await h.request('/v1/portfolios', json({}))).json()) as { id: string; secret: string };
      const creds = { 'X-Portfolio-Id': pf.id, 'X-Portfolio-Secret': pf.secret };
      const endpoint = await h.request('/v1/webhook-endpoints', json({ url: receiver.url('/hook') }, creds));
      expect(endpoint.status).toBe(201);
      const { id: endpointId, secret } = (await endpoint.json()) as { id: string; secret: string };
      const hookRule = await h.request(
        '/v1/alerts',
        json(
          {
            card_id: 's1-6',
            kind: 'change_above',
            change_pct: 10,
            window_days: 1,
            channel: 'webhook',
            endpoint_id: endpointId,
          },
          creds,
        ),
      );
      expect(hookRule.status).toBe(201);

      // The pipeline's alerts step fires both; nothing is sent before the worker sends it.
      const [run] = await h.runtime.pipeline.run(['alerts'], { trigger: 'cli' });
      expect(run).toMatchObject({ status: 'succeeded' });
      expect(await statuses()).toEqual([
        'alert.triggered:pending',
        'alert.triggered:pending',
        'subscriber.confirm:delivered',
      ]);
      expect(smtp.messages).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
      await drain();
      expect(await statuses()).toEqual([
        'alert.triggered:delivered',
        'alert.triggered:delivered',
        'subscriber.confirm:delivered',
      ]);

      // The alert mail: the price and date that fired it, and the RFC 8058 pair.
      expect(smtp.messages).toHaveLength(2);
      const alertMail = smtp.messages[1]!;
      expect(alertMail.to).toEqual(['collector@example.test']);
      expect(alertMail.parsed.text).toContain('140');
      expect(alertMail.parsed.text).toContain('2026-11-20');
      expect(alertMail.parsed.html).toBeTruthy();
      const header = (name: string) =>
        alertMail.parsed.headerLines.find((l) => l.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ');
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const unsubscribe = /<(https:[^>]+)>/.exec(header('list-unsubscribe') ?? '')?.[1];
      expect(unsubscribe?.startsWith(`${PUBLIC_URL}/v1/unsubscribe/`)).toBe(true);

      // The webhook: verified with the endpoint's secret, the change that fired it inside.
      expect(receiver.received).toHaveLength(1);
      const hook = receiver.received[0]!;
      const headers = {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      };
      const verified = new Webhook(secret).verify(hook.body, headers);
      expect(verified).toBeDefined();
      const event = JSON.parse(hook.body) as { type: string; data: { card: { id: string }; change_pct: number } };
      expect(event.type).toBe('alert.triggered');
      expect(event.data.card.id).toBe('s1-6');
      expect(event.data.change_pct).toBe(25);

      // Edge-triggered: the conditions still hold, nothing fires again.
      await h.runtime.pipeline.run(['alerts'], { trigger: 'cli' });
      await drain();
      expect(smtp.messages).toHaveLength(2);
      expect(receiver.received).toHaveLength(1);

      // One-click unsubscribe (no login) from the mail's header; the subscriber gets no more mail.
      const path = new URL(unsubscribe!).pathname;
      const unsubscribed = await h.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(unsubscribed.status).toBe(200);
      const sub = await h.runtime.database.db
        .selectFrom('email_subscribers')
        .select('status')
        .where('address', '=', 'collector@example.test')
        .executeTakeFirstOrThrow();
      expect(sub.status).toBe('unsubscribed');
    });
  });
});
