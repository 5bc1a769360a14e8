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
import { insertEndpoint } from './endpoints.repo.ts';
import { webhookChannel } from './webhook.channel.ts';

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
      const channel = webhookChannel({ db: db.db, dialect: db.dialect, clock, box, config, log, newId });
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
      return { db, clock, box, worker, secret, endpointId, enqueue, delivery, attempts, newId };
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
  });
});
