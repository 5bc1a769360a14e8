/**
 * The Discord channel on both dialects against a loopback receiver standing in for Discord
 * (DISCORD_API_BASE=http://127.0.0.1:<port>, EGRESS_ALLOW=loopback): embeds posted with
 * `?wait=true`, markdown escaped, mentions off; Discord's rate-limit headers hold further sends
 * without spending attempts; 429 waits for `retry_after`; an unknown webhook disables the endpoint.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT } from '#test/migrations.ts';
import { ensureOwner, insertTestEndpoint, sampleAlert } from '#test/webhook-fixtures.ts';
import { startReceiver, type Receiver } from '#test/webhook-peers.ts';
import { loadConfig } from '../../config.ts';
import { isoInstant, manualClock } from '../../platform/clock.ts';
import { migrate } from '../../platform/db/migrator.ts';
import { idFactory } from '../../platform/ids.ts';
import { createLogger } from '../../platform/log.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import { dataKey, SecretBox } from '../../platform/secret-box.ts';
import type { DeliveryEvent } from '../../shared/delivery-events.ts';
import type { DiscordMessage } from './discord-embed.ts';
import { discordChannel } from './discord.channel.ts';
import { findEndpoint } from './endpoints.repo.ts';

describe.each(dialects)('Discord channel on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const database = freshDatabasePerTest(d);
    let discord: Receiver;
    beforeEach(async () => {
      discord = await startReceiver();
    });
    afterEach(() => discord.close());

    async function setup() {
      const db = database();
      await migrate(db, MIGRATED_AT);
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      const newId = idFactory(clock);
      const box = new SecretBox(dataKey(randomBytes(32)));
      const config = loadConfig({
        DATABASE_URL: 'sqlite::memory:',
        EGRESS_ALLOW: 'loopback',
        DISCORD_API_BASE: `http://127.0.0.1:${discord.port}`,
      });
      const log = createLogger('silent');
      const channel = discordChannel({ db: db.db, dialect: db.dialect, clock, box, config, log, newId });
      const worker = new DeliveryWorker(db.db, db.dialect, clock, newId, log, [channel], {
        owner: 'w1',
        concurrency: 1,
        leaseMs: 60_000,
        pollMs: 1000,
        schedule: { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 16 * 3_600_000 },
        random: () => 0,
      });
      await ensureOwner(db.db, 'prn_fan', clock.now());
      const endpointId = newId('whe');
      await insertTestEndpoint(db.db, box, {
        id: endpointId,
        ownerId: 'prn_fan',
        kind: 'discord',
        url: `http://127.0.0.1:${discord.port}/api/webhooks/1234567890/tok-EN_9`,
        nowMs: clock.now(),
      });
      const enqueue = async (event: DeliveryEvent) => {
        const id = newId('dlv');
        await insertDelivery(db.db, id, isoInstant(clock.now()), {
          channel: 'discord',
          eventType: event.type,
          dedupeKey: id,
          payload: event,
          endpointId,
        });
        return id;
      };
      const delivery = (id: string) =>
        db.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { db, clock, worker, endpointId, enqueue, delivery };
    }
    const alert = (note: string | null = null): DeliveryEvent => ({
      type: 'alert.triggered',
      timestamp: '2026-12-06T10:00:00.000Z',
      data: sampleAlert({ note, card: { ...sampleAlert().card, name: '*Charizard* [holo](http://x)' } }),
    });

    it('posts an escaped embed with ?wait=true and keeps Discord’s message id', async () => {
      const t = await setup();
      discord.script.push({
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: '{"id":"1180000000000000001"}',
      });
      const id = await t.enqueue(alert('@everyone look'));
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      const req = discord.received[0]!;
      expect(req.url).toBe('/api/webhooks/1234567890/tok-EN_9?wait=true');
      const msg = JSON.parse(req.body) as DiscordMessage;
      expect(msg.allowed_mentions).toEqual({ parse: [] });
      const [embed] = msg.embeds;
      expect(embed!.title).toBe('\\*Charizard\\* \\[holo\\]\\(http\\://x\\) \\#4 \\(base1\\) · holofoil');
      expect(embed!.fields.map((f) => [f.name, f.value])).toEqual([
        ['Market', 'tcgplayer'],
        ['Price', '412\\.5 USD'],
        ['Change', '\\+3\\.1234 %'],
        ['Date', '2026\\-12\\-05'],
        ['Price rose above', '400 USD'],
        ['Note', '@everyone look'],
      ]);
      expect((await t.delivery(id)).provider_message_id).toBe('1180000000000000001');
    });

    it('holds further sends to the webhook until X-RateLimit-Reset-After, without spending attempts', async () => {
      const t = await setup();
      discord.script.push({ status: 204, headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '2.5' } });
      await t.enqueue({
        type: 'test.ping',
        timestamp: '2026-12-06T10:00:00.000Z',
        data: { endpoint_id: t.endpointId },
      });
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      const second = await t.enqueue(alert());
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect(await t.delivery(second)).toMatchObject({
        attempts: 0,
        next_attempt_at: '2026-12-06T10:00:02.500Z',
        status: 'pending',
      });
      expect(discord.received).toHaveLength(1);
      t.clock.advance(2500);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      expect(discord.received).toHaveLength(2);
    });

    it('waits retry_after on a 429 and holds the webhook meanwhile', async () => {
      const t = await setup();
      discord.script.push({
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
        body: '{"message":"You are being rate limited.","retry_after":90.5,"global":false}',
      });
      const first = await t.enqueue(alert());
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      // The body's retry_after (90.5 s) is longer than the first backoff (60 s).
      expect((await t.delivery(first)).next_attempt_at).toBe('2026-12-06T10:01:30.500Z');
      const second = await t.enqueue(alert());
      t.clock.advance(1000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect(Number((await t.delivery(second)).attempts)).toBe(0);
      t.clock.advance(89_500);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
    });

    it('holds a webhook no longer than the schedule’s longest delay, whatever Discord answers', async () => {
      const t = await setup();
      const limit = 16 * 3_600_000;
      discord.script.push(
        {
          status: 429,
          headers: { 'Content-Type': 'application/json' },
          body: '{"message":"You are being rate limited.","retry_after":1e300,"global":false}',
        },
        { status: 204, headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '1e30' } },
      );
      const first = await t.enqueue(alert());
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      expect(await t.delivery(first)).toMatchObject({
        attempts: 1,
        lease_owner: null,
        next_attempt_at: isoInstant(t.clock.now() + limit),
      });
      const hold = await t.db.db.selectFrom('delivery_circuits').selectAll().executeTakeFirstOrThrow();
      expect(hold.opened_until).toBe(isoInstant(t.clock.now() + limit));
      t.clock.advance(limit);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      // The reset-after hold is bounded too: a later send waits at most 16 h.
      const second = await t.enqueue(alert());
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect((await t.delivery(second)).next_attempt_at).toBe(isoInstant(t.clock.now() + limit));
    });

    it('disables the endpoint when Discord no longer knows the webhook (404)', async () => {
      const t = await setup();
      discord.script.push({ status: 404, body: '{"message":"Unknown Webhook","code":10015}' });
      const id = await t.enqueue(alert());
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      expect(await t.delivery(id)).toMatchObject({ status: 'dead', last_error_class: 'gone' });
      expect(await findEndpoint(t.db.db, t.endpointId)).toMatchObject({ status: 'disabled' });
    });
  });
});
