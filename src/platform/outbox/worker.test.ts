import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT } from '#test/migrations.ts';
import { manualClock } from '../clock.ts';
import { migrate } from '../db/migrator.ts';
import { idFactory } from '../ids.ts';
import { createLogger } from '../log.ts';
import { insertDelivery } from './outbox.repo.ts';
import { minimumRetrySpanMs, retryDelayMs, type Channel, type SendResult } from './outbox.ts';
import { DeliveryWorker, excerpt } from './worker.ts';

const schedule = { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 };

describe('retry schedule', () => {
  it('triples each wait up to the cap, with up to 25 % jitter on top', () => {
    const s = { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 16 * 3_600_000 };
    expect(retryDelayMs(1, s, () => 0)).toBe(60_000);
    expect(retryDelayMs(2, s, () => 0)).toBe(180_000);
    expect(retryDelayMs(9, s, () => 0)).toBe(16 * 3_600_000);
    expect(retryDelayMs(1, s, () => 0.999999)).toBe(75_000);
  });

  it('keeps the default schedule retrying for more than 72 hours over at least 10 attempts', () => {
    const s = { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 16 * 3_600_000 };
    expect(minimumRetrySpanMs(s)).toBeGreaterThanOrEqual(72 * 3_600_000);
    expect(s.maxAttempts).toBeGreaterThanOrEqual(10);
  });
});

describe('attempt log excerpts', () => {
  it('keeps a short text whole, cuts a long one at the byte limit without a broken character, and has none for no text', () => {
    expect(excerpt(undefined)).toBeNull();
    expect(excerpt('short', 8)).toBe('short');
    expect(excerpt('abcdefghij', 4)).toBe('abcd');
    // 'é' is two bytes: a cut through its middle drops it rather than leaving a replacement character.
    expect(excerpt('abcé', 4)).toBe('abc');
    expect(excerpt('abé', 4)).toBe('abé');
  });
});

describe.each(dialects)('delivery worker on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const database = freshDatabasePerTest(d);

    async function setup(results: (SendResult | Error)[], channels = 1) {
      const db = database();
      await migrate(db, MIGRATED_AT);
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      const newId = idFactory(clock);
      const sent: number[] = [];
      const channel: Channel = {
        kind: 'webhook',
        send: async (_delivery, attempt) => {
          sent.push(attempt);
          const next = results.shift() ?? { outcome: 'delivered' };
          if (next instanceof Error) throw next;
          return next;
        },
      };
      const worker = new DeliveryWorker(
        db.db,
        db.dialect,
        clock,
        newId,
        createLogger('silent'),
        [channel].slice(0, channels),
        {
          owner: 'w1',
          concurrency: 4,
          leaseMs: 60_000,
          pollMs: 1000,
          schedule,
          random: () => 0,
        },
      );
      const enqueue = (key: string) =>
        insertDelivery(db.db, newId('dlv'), new Date(clock.now()).toISOString(), {
          channel: 'webhook',
          eventType: 'test.ping',
          dedupeKey: key,
          payload: { hello: key },
        });
      const row = async () => db.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
      return { db, clock, worker, enqueue, sent, row };
    }

    it('writes one delivery per dedupe key', async () => {
      const t = await setup([]);
      expect(await t.enqueue('k1')).toBe(true);
      expect(await t.enqueue('k1')).toBe(false);
      expect(await t.db.db.selectFrom('deliveries').select('id').execute()).toHaveLength(1);
    });

    it('retries after the backoff, then gives up into the dead letters', async () => {
      const t = await setup([
        { outcome: 'retry', errorClass: 'provider_down', error: '503', statusCode: 503 },
        { outcome: 'retry', errorClass: 'provider_down', error: '503', statusCode: 503 },
        { outcome: 'retry', errorClass: 'provider_down', error: '503', statusCode: 503 },
      ]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      expect((await t.row()).next_attempt_at).toBe('2026-12-06T10:01:00.000Z');
      expect((await t.worker.runOnce()).claimed).toBe(0);
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(180_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.last_error_class]).toEqual(['dead', 3, 'provider_down']);
      expect(t.sent).toEqual([1, 2, 3]);
      const attempts = await t.db.db
        .selectFrom('delivery_attempts')
        .select(['attempt', 'outcome'])
        .orderBy('attempt')
        .execute();
      expect(attempts).toEqual([
        { attempt: 1, outcome: 'retry' },
        { attempt: 2, outcome: 'retry' },
        { attempt: 3, outcome: 'retry' },
      ]);
    });

    it('reschedules a deferred delivery without spending an attempt', async () => {
      const t = await setup([{ outcome: 'deferred', errorClass: 'circuit_open', error: 'open', retryAfterMs: 30_000 }]);
      await t.enqueue('k1');
      await t.worker.runOnce();
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.next_attempt_at]).toEqual([
        'pending',
        0,
        '2026-12-06T10:00:30.000Z',
      ]);
      t.clock.advance(30_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      expect(t.sent).toEqual([1, 1]);
    });

    it('bounds any wait an answer asks for to the schedule’s longest delay, so the row always settles', async () => {
      const t = await setup([
        { outcome: 'retry', errorClass: 'rate_limited', error: '429', statusCode: 429, retryAfterMs: 1e23 },
        { outcome: 'deferred', errorClass: 'rate_limited', error: 'hold', retryAfterMs: Number.POSITIVE_INFINITY },
        { outcome: 'deferred', errorClass: 'circuit_open', error: 'hold', retryAfterMs: Number.NaN },
        { outcome: 'retry', errorClass: 'rate_limited', error: '429', retryAfterMs: -5_000 },
      ]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      let row = await t.row();
      expect([row.status, Number(row.attempts), row.lease_owner]).toEqual(['pending', 1, null]);
      expect(row.next_attempt_at).toBe('2026-12-06T11:00:00.000Z');
      t.clock.set('2026-12-06T11:00:00.000Z');
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect((await t.row()).next_attempt_at).toBe('2026-12-06T12:00:00.000Z');
      t.clock.set('2026-12-06T12:00:00.000Z');
      // A wait that is not a number: the schedule's base delay.
      expect((await t.worker.runOnce()).outcomes).toEqual({ deferred: 1 });
      expect((await t.row()).next_attempt_at).toBe('2026-12-06T12:01:00.000Z');
      t.clock.set('2026-12-06T12:01:00.000Z');
      // A negative wait never comes before the backoff.
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      row = await t.row();
      expect([row.status, Number(row.attempts), row.next_attempt_at]).toEqual([
        'pending',
        2,
        '2026-12-06T12:04:00.000Z',
      ]);
    });

    it('settles as a retry when the outcome cannot be recorded as reported', async () => {
      const t = await setup([
        // A channel's bug: no error text, and an outcome that does not exist.
        { outcome: 'failed', errorClass: 'rejected', error: undefined as unknown as string },
        { outcome: 'bogus' } as unknown as SendResult,
        // A receiver's answer with NUL bytes (PostgreSQL refuses them in text).
        { outcome: 'retry', errorClass: 'rejected', error: 'bad\u0000answer', responseExcerpt: 'a\u0000b' },
      ]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(180_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.lease_owner]).toEqual(['dead', 3, null]);
      const attempts = await t.db.db
        .selectFrom('delivery_attempts')
        .select(['attempt', 'outcome', 'error', 'response_excerpt'])
        .orderBy('attempt')
        .execute();
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'retry'],
        [2, 'retry'],
        [3, 'retry'],
      ]);
      expect(attempts[0]!.error).toMatch(/could not be recorded/);
      expect(attempts[1]!.error).toMatch(/unknown outcome "bogus"/);
      expect([attempts[2]!.error, attempts[2]!.response_excerpt]).toEqual(['badanswer', 'ab']);
    });

    it('never claims again a send of its own still in flight, even after its lease ran out', async () => {
      const t = await setup([]);
      await t.enqueue('k1');
      let nested: Awaited<ReturnType<DeliveryWorker['runOnce']>> | undefined;
      let sends = 0;
      const slow: Channel = {
        kind: 'webhook',
        send: async () => {
          // The send outlives its lease; the same worker polls again meanwhile.
          if (sends++ === 0) {
            t.clock.advance(61_000);
            nested = await worker.runOnce();
          }
          return { outcome: 'delivered' };
        },
      };
      const worker = new DeliveryWorker(
        t.db.db,
        t.db.dialect,
        t.clock,
        idFactory(t.clock),
        createLogger('silent'),
        [slow],
        {
          owner: 'w1',
          concurrency: 4,
          leaseMs: 60_000,
          pollMs: 1000,
          schedule,
        },
      );
      expect((await worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      expect(nested).toEqual({ claimed: 0, outcomes: {} });
      expect(sends).toBe(1);
      const row = await t.row();
      expect([row.status, Number(row.attempts)]).toEqual(['delivered', 1]);
    });

    it('fences every write by its own claim: a row claimed again under the same worker name is not settled twice', async () => {
      const t = await setup([]);
      await t.enqueue('k1');
      const options = { owner: 'w1', concurrency: 1, leaseMs: 60_000, pollMs: 1000, schedule };
      const sends: string[] = [];
      const leases: (string | null)[] = [];
      // A second worker with the same name (a restarted process that kept its name).
      const again = new DeliveryWorker(
        t.db.db,
        t.db.dialect,
        t.clock,
        idFactory(t.clock),
        createLogger('silent'),
        [
          {
            kind: 'webhook',
            send: async () => {
              sends.push('again');
              leases.push((await t.row()).lease_owner);
              return { outcome: 'delivered' };
            },
          },
        ],
        options,
      );
      const first = new DeliveryWorker(
        t.db.db,
        t.db.dialect,
        t.clock,
        idFactory(t.clock),
        createLogger('silent'),
        [
          {
            kind: 'webhook',
            send: async () => {
              sends.push('first');
              leases.push((await t.row()).lease_owner);
              t.clock.advance(61_000);
              expect((await again.runOnce()).outcomes).toEqual({ delivered: 1 });
              return { outcome: 'retry', errorClass: 'timeout', error: 'late' };
            },
          },
        ],
        options,
      );
      expect((await first.runOnce()).outcomes).toEqual({ lost: 1 });
      expect(sends).toEqual(['first', 'again']);
      expect(leases[0]).toMatch(/^w1:[0-9a-f]{16}$/);
      expect(leases[1]).toMatch(/^w1:[0-9a-f]{16}$/);
      expect(leases[0]).not.toBe(leases[1]);
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.lease_owner]).toEqual(['delivered', 1, null]);
      const attempts = await t.db.db.selectFrom('delivery_attempts').select(['attempt', 'outcome']).execute();
      expect(attempts).toEqual([{ attempt: 1, outcome: 'delivered' }]);
    });

    it('does not settle a delivery whose lease another worker took over', async () => {
      const t = await setup([]);
      await t.enqueue('k1');
      const slow: Channel = {
        kind: 'webhook',
        send: async () => {
          // Another worker claims the row after this lease ran out.
          await t.db.db.updateTable('deliveries').set({ lease_owner: 'w2' }).execute();
          return { outcome: 'delivered' };
        },
      };
      const worker = new DeliveryWorker(
        t.db.db,
        t.db.dialect,
        t.clock,
        idFactory(t.clock),
        createLogger('silent'),
        [slow],
        {
          owner: 'w1',
          concurrency: 1,
          leaseMs: 60_000,
          pollMs: 1000,
          schedule,
        },
      );
      expect((await worker.runOnce()).outcomes).toEqual({ lost: 1 });
      expect((await t.row()).status).toBe('pending');
    });

    it('settles a suppressed outcome as suppressed, and records an undefined status code as none', async () => {
      const t = await setup([
        { outcome: 'retry', errorClass: 'provider_down', error: 'no code', statusCode: undefined },
        { outcome: 'suppressed', error: 'the address is suppressed' },
      ]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ suppressed: 1 });
      expect((await t.row()).status).toBe('suppressed');
      const attempts = await t.db.db
        .selectFrom('delivery_attempts')
        .select(['attempt', 'status_code', 'error_class'])
        .orderBy('attempt')
        .execute();
      expect(attempts[0]).toEqual({ attempt: 1, status_code: null, error_class: 'provider_down' });
    });

    it('gives up into the dead letters when the last attempt’s outcome cannot be recorded either', async () => {
      const bogus = { outcome: 'bogus' } as unknown as SendResult;
      const t = await setup([bogus, bogus, bogus]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      t.clock.advance(180_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ dead: 1 });
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.last_error_class]).toEqual(['dead', 3, 'network']);
    });

    it('records a channel that throws as a network retry with its message', async () => {
      const t = await setup([new Error('socket hang up')]);
      await t.enqueue('k1');
      expect((await t.worker.runOnce()).outcomes).toEqual({ retry: 1 });
      const row = await t.row();
      expect([row.status, Number(row.attempts), row.last_error_class, row.last_error]).toEqual([
        'pending',
        1,
        'network',
        'socket hang up',
      ]);
      t.clock.advance(60_000);
      expect((await t.worker.runOnce()).outcomes).toEqual({ delivered: 1 });
    });

    it('with every slot busy, starts the next send as soon as a slot frees, not at the next poll', async () => {
      const t = await setup([]);
      await t.enqueue('k1');
      await t.enqueue('k2');
      const calls: { id: string; release: () => void }[] = [];
      let called: () => void = () => undefined;
      const nextCall = () => new Promise<void>((resolve) => (called = resolve));
      const channel: Channel = {
        kind: 'webhook',
        send: (delivery) =>
          new Promise((resolve) => {
            calls.push({ id: delivery.id, release: () => resolve({ outcome: 'delivered' }) });
            called();
          }),
      };
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      // A poll far beyond the test's timeout: only a freed slot can start the second send in time.
      const worker = new DeliveryWorker(
        t.db.db,
        t.db.dialect,
        clock,
        idFactory(clock),
        createLogger('silent'),
        [channel],
        {
          owner: 'w2',
          concurrency: 1,
          leaseMs: 60_000,
          pollMs: 3_600_000,
          schedule,
          random: () => 0,
        },
      );
      let waiting = nextCall();
      worker.start();
      await waiting;
      expect(calls).toHaveLength(1);
      waiting = nextCall();
      calls[0]!.release();
      await waiting;
      expect(calls).toHaveLength(2);
      expect(calls[1]!.id).not.toBe(calls[0]!.id);
      calls[1]!.release();
      expect(await worker.stop()).toEqual({ inFlight: expect.any(Number), aborted: 0 });
      const rows = await t.db.db.selectFrom('deliveries').select('status').execute();
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    });

    it('claims nothing without a channel to send through', async () => {
      const t = await setup([], 0);
      await t.enqueue('k1');
      expect(await t.worker.runOnce()).toEqual({ claimed: 0, outcomes: {} });
      expect((await t.row()).status).toBe('pending');
      expect(t.sent).toEqual([]);
    });

    it('stops at once when nothing is in flight, also after a second start', async () => {
      const t = await setup([]);
      t.worker.start();
      t.worker.start();
      expect(await t.worker.stop(0)).toEqual({ inFlight: 0, aborted: 0 });
    });
  });
});
