/**
 * The webhook channel end to end on both dialects: the delivery worker sends through the real
 * channel to a node:http receiver on loopback, which verifies every delivery with the
 * `standardwebhooks` package. Outcomes, rotation, the circuit breaker, the failing run and the
 * per-attempt record are checked against what the receiver saw and what the database holds.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT } from '#test/migrations.ts';
import { ensureOwner, insertTestEndpoint } from '#test/webhook-fixtures.ts';
import { startReceiver, type Receiver } from '#test/webhook-peers.ts';
import { loadConfig } from '../../config.ts';
import { isoInstant, manualClock } from '../../platform/clock.ts';
import { migrate } from '../../platform/db/migrator.ts';
import { idFactory } from '../../platform/ids.ts';
import { createLogger } from '../../platform/log.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import { dataKey, SecretBox } from '../../platform/secret-box.ts';
import type { TestPingEvent } from '../../shared/delivery-events.ts';
import { newSigningSecret, sealColumn } from './endpoint-secrets.ts';
import { findEndpoint, insertEndpoint } from './endpoints.repo.ts';
import { UnsealError } from '../../platform/secret-box.ts';
import { afterAttempt, endpointTools, liveEndpoint, opened, webhookChannel } from './webhook.channel.ts';

const OWNER = 'prn_owner1';

describe.each(dialects)('webhook channel on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const database = freshDatabasePerTest(d);
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver();
    });
    afterEach(() => receiver.close());

    async function setup(env: Record<string, string> = {}) {
      const db = database();
      await migrate(db, MIGRATED_AT);
      // Real time: a receiver refuses timestamps more than 5 minutes from its own clock.
      const clock = manualClock(Math.floor(Date.now() / 1000) * 1000);
      const newId = idFactory(clock);
      const box = new SecretBox(dataKey(randomBytes(32)));
      const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', EGRESS_ALLOW: 'loopback', ...env });
      const log = createLogger('silent');
      const deps = { db: db.db, dialect: db.dialect, clock, box, config, log, newId };
      const channel = webhookChannel(deps);
      const worker = new DeliveryWorker(db.db, db.dialect, clock, newId, log, [channel], {
        owner: 'w1',
        concurrency: 4,
        leaseMs: 60_000,
        pollMs: 1000,
        schedule: { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 16 * 3_600_000 },
        random: () => 0,
      });
      await db.db
        .insertInto('principals')
        .values({ id: OWNER, kind: 'portfolio', name: 'owner', created_at: isoInstant(clock.now()) })
        .execute();
      const secret = newSigningSecret();
      const endpointId = newId('whe');
      const now = isoInstant(clock.now());
      await insertEndpoint(db.db, {
        id: endpointId,
        owner_id: OWNER,
        kind: 'standard',
        url_sealed: sealColumn(box, endpointId, 'url_sealed', receiver.url('/hook')),
        host: `127.0.0.1:${receiver.port}`,
        description: null,
        secret_sealed: sealColumn(box, endpointId, 'secret_sealed', secret),
        previous_secret_sealed: null,
        previous_secret_until: null,
        status: 'enabled',
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        created_at: now,
        updated_at: now,
      });
      const enqueue = async (key = newId('dlv')) => {
        const id = newId('dlv');
        const event: TestPingEvent = {
          type: 'test.ping',
          timestamp: isoInstant(clock.now()),
          data: { endpoint_id: endpointId },
        };
        await insertDelivery(db.db, id, isoInstant(clock.now()), {
          channel: 'webhook',
          eventType: event.type,
          dedupeKey: key,
          payload: event,
          ownerId: OWNER,
          endpointId,
        });
        return id;
      };
      const delivery = (id: string) =>
        db.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const attempts = (id: string) =>
        db.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', id).orderBy('attempt').execute();
      return { db, clock, box, worker, secret, endpointId, enqueue, delivery, attempts, newId, deps };
    }

    it('delivers a signed payload the receiver verifies; the id stays the same across retries', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push({ status: 503, body: 'down for a bit' });
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });

      expect(receiver.received).toHaveLength(2);
      const wh = new Webhook(t.secret);
      for (const r of receiver.received) {
        expect(r.headers['webhook-id']).toBe(id);
        expect(r.headers['content-type']).toBe('application/json');
        const verified = wh.verify(r.body, r.headers as Record<string, string>) as TestPingEvent;
        expect(verified).toMatchObject({ type: 'test.ping', data: { endpoint_id: t.endpointId } });
      }
      // The timestamp is per attempt (the clock moved a minute between them).
      const [first, second] = receiver.received.map((r) => Number(r.headers['webhook-timestamp']));
      expect(second! - first!).toBe(60);
      // The body is the stored payload, byte for byte.
      expect(receiver.received[1]!.body).toBe((await t.delivery(id)).payload);
      expect((await t.delivery(id)).status).toBe('delivered');
      const recorded = await t.attempts(id);
      expect(recorded.map((a) => [a.attempt, a.outcome, a.status_code, a.error_class, a.response_excerpt])).toEqual([
        [1, 'retry', 503, 'provider_down', 'down for a bit'],
        [2, 'delivered', 200, null, 'ok'],
      ]);
      for (const a of recorded) expect(Number(a.duration_ms)).toBeGreaterThanOrEqual(0);
    });

    it('refuses a tampered body, id or timestamp, and a timestamp more than 5 minutes off', async () => {
      const t = await setup();
      await t.enqueue();
      await t.worker.runOnce();
      const r = receiver.received[0]!;
      const headers = r.headers as Record<string, string>;
      const wh = new Webhook(t.secret);
      expect(() => wh.verify(r.body, headers)).not.toThrow();
      expect(() => wh.verify(r.body.replace('test.ping', 'test.pong'), headers)).toThrow();
      expect(() => wh.verify(r.body, { ...headers, 'webhook-id': `${headers['webhook-id']}x` })).toThrow();
      const ts = Number(headers['webhook-timestamp']);
      expect(() => wh.verify(r.body, { ...headers, 'webhook-timestamp': String(ts + 1) })).toThrow();
      // A delivery signed 6 minutes ago (the signature itself valid) is refused as skewed.
      const stale = new Webhook(t.secret).sign(headers['webhook-id']!, new Date((ts - 360) * 1000), r.body);
      expect(() =>
        wh.verify(r.body, { ...headers, 'webhook-timestamp': String(ts - 360), 'webhook-signature': stale }),
      ).toThrow(/too old/i);
      expect(() => new Webhook(newSigningSecret()).verify(r.body, headers)).toThrow();
    });

    it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
      const t = await setup();
      const next = newSigningSecret();
      await t.db.db
        .updateTable('webhook_endpoints')
        .set({
          secret_sealed: sealColumn(t.box, t.endpointId, 'secret_sealed', next),
          previous_secret_sealed: sealColumn(t.box, t.endpointId, 'previous_secret_sealed', t.secret),
          previous_secret_until: isoInstant(t.clock.now() + 3_600_000),
        })
        .execute();
      await t.enqueue();
      await t.worker.runOnce();
      const during = receiver.received[0]!;
      const signatures = String(during.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
      for (const secret of [next, t.secret])
        expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();

      t.clock.advance(3_600_000);
      await t.enqueue();
      await t.worker.runOnce();
      const after = receiver.received[1]!;
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      // The receiver's clock is the real one: verify at the delivery's own timestamp.
      const headers = after.headers as Record<string, string>;
      expect(() => new Webhook(next).verify(after.body, { ...headers })).toThrow(/too new|timestamp/i);
      const sig = headers['webhook-signature']!;
      expect(sig).toBe(
        new Webhook(next).sign(
          headers['webhook-id']!,
          new Date(Number(headers['webhook-timestamp']) * 1000),
          after.body,
        ),
      );
      expect(sig).not.toBe(
        new Webhook(t.secret).sign(
          headers['webhook-id']!,
          new Date(Number(headers['webhook-timestamp']) * 1000),
          after.body,
        ),
      );
    });

    it('410 fails the delivery and disables the endpoint; later deliveries to it are not sent', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push({ status: 410, body: 'gone' });
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(id)).toMatchObject({ status: 'dead', last_error_class: 'gone' });
      const endpoint = await findEndpoint(t.db.db, t.endpointId);
      expect(endpoint).toMatchObject({ status: 'disabled', disabled_reason: 'the receiver answered 410 Gone' });
      const next = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(next)).toMatchObject({ status: 'dead', last_error_class: 'destination_disabled' });
      expect(receiver.received).toHaveLength(1);
    });

    it('never follows a redirect: a 3xx is a retry of class redirect', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push({ status: 302, headers: { Location: receiver.url('/elsewhere') } });
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      expect(receiver.received.map((r) => r.url)).toEqual(['/hook']);
      expect((await t.attempts(id))[0]).toMatchObject({ outcome: 'retry', status_code: 302, error_class: 'redirect' });
    });

    it('maps 429 with Retry-After, other 4xx and a 20 KB payload', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push({ status: 429, headers: { 'Retry-After': '7200' } }, { status: 400, body: 'bad' });
      await t.worker.runOnce();
      // Retry-After (2 h) wins over the first backoff (1 min).
      expect((await t.delivery(id)).next_attempt_at).toBe(isoInstant(t.clock.now() + 7_200_000));
      t.clock.advance(7_200_000);
      await t.worker.runOnce();
      expect((await t.attempts(id)).map((a) => a.error_class)).toEqual(['rate_limited', 'rejected']);

      const big = t.newId('dlv');
      await insertDelivery(t.db.db, big, isoInstant(t.clock.now()), {
        channel: 'webhook',
        eventType: 'test.ping',
        dedupeKey: big,
        payload: { type: 'test.ping', pad: 'x'.repeat(21 * 1024) },
        endpointId: t.endpointId,
      });
      t.clock.advance(60_000_000);
      await t.worker.runOnce();
      expect(await t.delivery(big)).toMatchObject({ status: 'dead', last_error_class: 'payload_invalid' });
    });

    it('bounds a huge Retry-After to the schedule’s longest delay (16 h) and settles the attempt', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push(
        { status: 429, headers: { 'Retry-After': '99999999999999999999' } },
        { status: 503, headers: { 'Retry-After': 'Fri, 31 Dec 9999 23:59:59 GMT' } },
      );
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      expect(await t.delivery(id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lease_owner: null,
        next_attempt_at: isoInstant(t.clock.now() + 16 * 3_600_000),
      });
      // Nothing is sent again before then.
      t.clock.advance(16 * 3_600_000 - 1);
      expect((await t.worker.runOnce()).claimed).toBe(0);
      t.clock.advance(1);
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      expect(receiver.received).toHaveLength(2);
      expect((await t.attempts(id)).map((a) => a.error_class)).toEqual(['rate_limited', 'provider_down']);
    });

    it('records at most the first 4 KB of an answer', async () => {
      const t = await setup();
      const id = await t.enqueue();
      receiver.script.push({ status: 200, body: 'é'.repeat(10_000) });
      await t.worker.runOnce();
      const [a] = await t.attempts(id);
      expect(Buffer.byteLength(a!.response_excerpt!)).toBeLessThanOrEqual(4096);
      expect(a!.response_excerpt!.length).toBe(2048);
    });

    it('times out an attempt that gets no answer within WEBHOOK_TIMEOUT_MS', async () => {
      const t = await setup({ WEBHOOK_TIMEOUT_MS: '300' });
      const id = await t.enqueue();
      receiver.script.push('hang');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      const [a] = await t.attempts(id);
      expect(a).toMatchObject({ outcome: 'retry', error_class: 'timeout', status_code: null });
      expect(Number(a!.duration_ms)).toBeGreaterThanOrEqual(250);
      expect(Number(a!.duration_ms)).toBeLessThan(5000);
    });

    it('opens the circuit after consecutive failures, defers without spending attempts, then closes', async () => {
      const t = await setup({ CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_OPEN_SECONDS: '600' });
      const a = await t.enqueue();
      receiver.script.push({ status: 500 }, { status: 500 });
      await t.worker.runOnce();
      t.clock.advance(60_000);
      await t.worker.runOnce();
      const circuit = await t.db.db.selectFrom('delivery_circuits').selectAll().executeTakeFirstOrThrow();
      expect(circuit).toMatchObject({
        destination: `webhook:${OWNER}:127.0.0.1:${receiver.port}`,
        opened_until: isoInstant(t.clock.now() + 600_000),
      });
      // Open: a due delivery is deferred to the circuit's end, its attempt count unchanged, nothing sent.
      const b = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect(await t.delivery(b)).toMatchObject({ attempts: 0, next_attempt_at: circuit.opened_until });
      expect(await t.attempts(b)).toEqual([]);
      expect(receiver.received).toHaveLength(2);
      // After the open period one trial goes (half-open); its success closes the circuit.
      t.clock.advance(600_000);
      const report = await t.worker.runOnce();
      expect(report.claimed).toBe(2);
      expect(report.outcomes.delivered).toBeGreaterThanOrEqual(1);
      if (report.outcomes.deferred) {
        t.clock.advance(600_000);
        expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      }
      expect(await t.db.db.selectFrom('delivery_circuits').selectAll().execute()).toEqual([]);
      expect(Number((await t.delivery(a)).attempts)).toBe(3);
      expect(Number((await t.delivery(b)).attempts)).toBe(1);
    });

    it('429s and 4xx do not reset the circuit, and one owner’s open circuit does not hold another’s', async () => {
      const t = await setup({ CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_OPEN_SECONDS: '600' });
      const other = 'prn_owner2';
      await ensureOwner(t.db.db, other, t.clock.now());
      const otherEndpoint = t.newId('whe');
      await insertTestEndpoint(t.db.db, t.box, {
        id: otherEndpoint,
        ownerId: other,
        kind: 'standard',
        url: receiver.url('/other'),
        nowMs: t.clock.now(),
      });
      const a = await t.enqueue();
      // Unwell, rate limited, refused, unwell: the two failures are consecutive for the breaker.
      receiver.script.push({ status: 503 }, { status: 429 }, { status: 400 }, { status: 503 });
      for (let i = 0; i < 4; i++) {
        if (i > 0) t.clock.set(Date.parse((await t.delivery(a)).next_attempt_at));
        expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      }
      const circuit = await t.db.db.selectFrom('delivery_circuits').selectAll().executeTakeFirstOrThrow();
      expect(circuit.destination).toBe(`webhook:${OWNER}:127.0.0.1:${receiver.port}`);
      expect(circuit.opened_until).not.toBeNull();
      const mine = await t.enqueue();
      const theirs = t.newId('dlv');
      await insertDelivery(t.db.db, theirs, isoInstant(t.clock.now()), {
        channel: 'webhook',
        eventType: 'test.ping',
        dedupeKey: theirs,
        payload: { type: 'test.ping', timestamp: isoInstant(t.clock.now()), data: { endpoint_id: otherEndpoint } },
        ownerId: other,
        endpointId: otherEndpoint,
      });
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1, delivered: 1 });
      expect(await t.delivery(mine)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await t.delivery(theirs)).toMatchObject({ status: 'delivered' });
      expect(receiver.received.map((r) => r.url)).toEqual(['/hook', '/hook', '/hook', '/hook', '/other']);
    });

    it('disables an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS and records why (an owner without e-mail)', async () => {
      const t = await setup({ CIRCUIT_FAILURE_THRESHOLD: '1000' });
      const start = t.clock.now();
      for (let i = 0; i < 40; i++) receiver.script.push({ status: 500 });
      const first = await t.enqueue();
      await t.worker.runOnce();
      expect((await findEndpoint(t.db.db, t.endpointId))!.failing_since).toBe(isoInstant(start));
      // One new delivery a day, every attempt failing: still enabled after 4 days, disabled at 5.
      let id = first;
      for (let day = 1; day <= 5; day++) {
        t.clock.set(start + day * 86_400_000);
        id = await t.enqueue();
        await t.worker.runOnce();
        if (day < 5) expect((await findEndpoint(t.db.db, t.endpointId))!.status, `day ${day}`).toBe('enabled');
      }
      while ((await t.worker.runOnce()).claimed > 0);
      const endpoint = (await findEndpoint(t.db.db, t.endpointId))!;
      expect(endpoint.status).toBe('disabled');
      expect(endpoint.disabled_reason).toBe(`failing since ${isoInstant(start)} (5 days)`);
      expect(endpoint.disabled_at).toBe(isoInstant(start + 5 * 86_400_000));
      expect(await t.delivery(id)).toMatchObject({ status: 'dead', last_error_class: 'destination_disabled' });
      expect(await t.delivery(first)).toMatchObject({ status: 'dead', last_error_class: 'destination_disabled' });
      // No e-mail: the owner is a portfolio.
      expect(await t.db.db.selectFrom('deliveries').select('id').where('channel', '=', 'email').execute()).toEqual([]);
    });

    it('tells an e-mail subscriber whose endpoint was disabled, with sealed manage links', async () => {
      const t = await setup({ CIRCUIT_FAILURE_THRESHOLD: '1000', WEBHOOK_DISABLE_AFTER_DAYS: '1' });
      await t.db.db
        .insertInto('email_subscribers')
        .values({
          principal_id: OWNER,
          address: 'owner@example.com',
          status: 'confirmed',
          digest: 0,
          created_at: isoInstant(t.clock.now()),
          confirmed_at: isoInstant(t.clock.now()),
          unsubscribed_at: null,
        })
        .execute();
      const id = await t.enqueue();
      receiver.script.push({ status: 500 }, { status: 502 });
      await t.worker.runOnce();
      t.clock.advance(86_400_000);
      await t.worker.runOnce();
      expect((await t.delivery(id)).status).toBe('dead');
      const mail = await t.db.db.selectFrom('deliveries').selectAll().where('channel', '=', 'email').execute();
      expect(mail).toHaveLength(1);
      expect(mail[0]).toMatchObject({ event_type: 'endpoint.disabled', address: 'owner@example.com', owner_id: OWNER });
      expect(JSON.parse(mail[0]!.payload)).toMatchObject({
        type: 'endpoint.disabled',
        data: { endpoint_id: t.endpointId, host: `127.0.0.1:${receiver.port}` },
      });
      const links = JSON.parse(t.box.open(mail[0]!.sealed!, `deliveries.sealed:${mail[0]!.id}`)) as Record<
        string,
        string
      >;
      expect(Object.keys(links).sort()).toEqual(['manage_token', 'unsubscribe_token']);
      expect(mail[0]!.payload).not.toContain(links.manage_token);
    });

    it('fails a delivery whose endpoint resolves to an address the guard refuses (loopback not allowed)', async () => {
      const t = await setup({ EGRESS_ALLOW: '' });
      const id = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(id)).toMatchObject({ status: 'dead', last_error_class: 'egress_refused' });
      expect(receiver.received).toEqual([]);
    });

    it('fails a delivery whose endpoint is gone, disabled without a reason, or of the other channel', async () => {
      const t = await setup();
      const row = await t.delivery(await t.enqueue());
      const failed = async (delivery: typeof row) => {
        const live = await liveEndpoint(t.db.db, delivery);
        return 'result' in live ? live.result : null;
      };
      const deleted = { outcome: 'failed', errorClass: 'destination_disabled', error: 'the endpoint was deleted' };
      expect(await failed({ ...row, endpoint_id: null })).toEqual(deleted);
      expect(await failed({ ...row, endpoint_id: 'whe_missing' })).toEqual(deleted);
      expect(await failed({ ...row, channel: 'discord' })).toEqual({
        outcome: 'failed',
        errorClass: 'payload_invalid',
        error: 'a discord delivery to a standard endpoint',
      });
      await t.db.db.updateTable('webhook_endpoints').set({ kind: 'discord' }).where('id', '=', t.endpointId).execute();
      expect(await failed(row)).toMatchObject({ errorClass: 'payload_invalid' });
      expect(await failed({ ...row, channel: 'discord' })).toBeNull();
      await t.db.db
        .updateTable('webhook_endpoints')
        .set({ status: 'disabled', disabled_reason: null })
        .where('id', '=', t.endpointId)
        .execute();
      expect(await failed(row)).toEqual({
        outcome: 'failed',
        errorClass: 'destination_disabled',
        error: 'the endpoint is disabled',
      });
    });

    it('fails a delivery whose URL or secret cannot be unsealed, or that has no secret, without sending', async () => {
      const t = await setup();
      const endpoint = () => t.db.db.updateTable('webhook_endpoints').where('id', '=', t.endpointId);
      const original = await findEndpoint(t.db.db, t.endpointId);
      // Sealed for another endpoint: the context differs, so it does not open here.
      await endpoint()
        .set({ url_sealed: sealColumn(t.box, 'whe_other', 'url_sealed', receiver.url('/hook')) })
        .execute();
      const badUrl = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(badUrl)).toMatchObject({ status: 'dead', last_error_class: 'payload_invalid' });

      await endpoint()
        .set({ url_sealed: original!.url_sealed, secret_sealed: sealColumn(t.box, 'whe_other', 'secret_sealed', 'x') })
        .execute();
      const badSecret = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(badSecret)).toMatchObject({ status: 'dead', last_error_class: 'payload_invalid' });

      await endpoint().set({ secret_sealed: null }).execute();
      const noSecret = await t.enqueue();
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(noSecret)).toMatchObject({
        status: 'dead',
        last_error_class: 'payload_invalid',
        last_error: 'the endpoint has no signing secret',
      });
      expect(receiver.received).toEqual([]);
    });

    it('leaves a deferred attempt out of the failing run, and disables after a long run without a status code', async () => {
      const t = await setup({ WEBHOOK_DISABLE_AFTER_DAYS: '5' });
      const tools = endpointTools(t.deps);
      const endpoint = async () => (await findEndpoint(t.db.db, t.endpointId))!;
      const deferred = { outcome: 'deferred', errorClass: 'circuit_open', error: 'open', retryAfterMs: 1000 } as const;
      expect(await afterAttempt(tools, await endpoint(), 'webhook:x', deferred)).toBe(deferred);
      expect((await endpoint()).failing_since).toBeNull();

      const since = isoInstant(t.clock.now() - 6 * 86_400_000);
      await t.db.db
        .updateTable('webhook_endpoints')
        .set({ failing_since: since })
        .where('id', '=', t.endpointId)
        .execute();
      const refused = { outcome: 'retry', errorClass: 'network', error: 'connection refused' } as const;
      expect(await afterAttempt(tools, await endpoint(), 'webhook:x', refused)).toEqual({
        outcome: 'failed',
        errorClass: 'destination_disabled',
        error: 'connection refused; the endpoint is now disabled',
      });
      expect((await endpoint()).status).toBe('disabled');
    });
  });
});

describe('opening a sealed column', () => {
  it('turns an unseal failure into payload_invalid and lets any other error through', () => {
    expect(
      opened(() => {
        throw new UnsealError('tampered');
      }),
    ).toEqual({
      result: { outcome: 'failed', errorClass: 'payload_invalid', error: 'sealed value cannot be opened: tampered' },
    });
    expect(() =>
      opened(() => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
    expect(opened(() => 'ok')).toEqual({ value: 'ok' });
  });
});
