/**
 * A Resend delivery's Idempotency-Key through the worker, the channel and the operators'
 * redeliver route, against a loopback peer that behaves as Resend does (a repeated key replays
 * the first answer and sends nothing): the key stays the same across the retries of one send and
 * is new for each redelivery, so a redelivered mail is really sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from '#test/harness.ts';
import { startHttpPeer, type HttpPeer } from '#test/mail-peers.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import { emailChannel } from './email.channel.ts';

describe.each(dialects)('Resend redelivery on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let resend: HttpPeer;
    let h: Harness;
    let url = '';
    let worker: DeliveryWorker;
    /** What the peer really sent: one entry per new Idempotency-Key. */
    const sent = new Map<string, string>();

    beforeAll(async () => {
      resend = await startHttpPeer((req) => {
        const key = String(req.headers['idempotency-key']);
        if (!sent.has(key)) sent.set(key, `em_${sent.size + 1}`);
        return { status: 200, body: { id: sent.get(key) } };
      });
      url = await d.create();
      h = await startHarness(url, {
        EMAIL_PROVIDER: 'resend',
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: 'cardquant <alerts@example.test>',
        PUBLIC_URL: 'https://alerts.example.test',
      });
      const r = h.runtime;
      const channel = emailChannel({
        db: r.database.db,
        dialect: r.database.dialect,
        clock: h.clock,
        box: r.dataKeys.box,
        config: r.config,
        log: r.log,
        newId: r.newId,
      })!;
      worker = new DeliveryWorker(r.database.db, r.database.dialect, h.clock, r.newId, r.log, [channel], {
        owner: 'test-worker',
        concurrency: 1,
        leaseMs: 60_000,
        pollMs: 1000,
        schedule: { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 },
        random: () => 0,
      });
    });
    afterAll(async () => {
      await h?.close();
      if (url) await d.drop(url);
      await resend?.close();
    });

    it('keeps the key across retries and sends a new one per redelivery', async () => {
      const address = 'again@example.test';
      expect((await h.request('/v1/subscriptions', json({ address }))).status).toBe(202);
      const { id } = await h.runtime.database.db
        .selectFrom('deliveries')
        .select('id')
        .where('address', '=', address)
        .executeTakeFirstOrThrow();
      const keys = () => resend.requests.map((r) => r.headers['idempotency-key']);

      // A 503, then the retry: the same key.
      resend.answers.push({ status: 503, body: { name: 'internal_server_error', message: 'down' } });
      expect((await worker.runOnce()).outcomes).toEqual({ retry: 1 });
      h.clock.advance(3_600_000);
      expect((await worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      expect(keys()).toEqual([id, id]);
      expect(sent.size).toBe(1);

      // Each redelivery: a new key, so Resend sends it again (and answers a new id).
      for (const n of [1, 2]) {
        const redeliver = await h.request(`/v1/admin/deliveries/${id}/redeliver`, {
          method: 'POST',
          headers: { ...bearer(ADMIN_TOKEN), 'Idempotency-Key': `redeliver-${n}` },
        });
        expect(redeliver.status).toBe(200);
        expect((await worker.runOnce()).outcomes).toEqual({ delivered: 1 });
        expect(keys().at(-1)).toBe(`${id}:${n}`);
      }
      expect(sent.size).toBe(3);
      const row = await h.runtime.database.db
        .selectFrom('deliveries')
        .select(['status', 'provider_message_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'delivered', provider_message_id: 'em_3' });
    });
  });
});
