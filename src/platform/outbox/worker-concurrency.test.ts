/**
 * Several workers on one database, each on its own connection (pool), racing for the same due
 * deliveries: no row is ever sent by two of them while its lease holds. And the worker's own
 * lifecycle: `start` keeps sending, a failing database is survived, `stop` waits for the sends
 * in flight and aborts what outlives the grace, and a send whose record is lost goes again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { MIGRATED_AT } from '#test/migrations.ts';
import { isoInstant, manualClock, systemClock } from '../clock.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { idFactory } from '../ids.ts';
import { createLogger } from '../log.ts';
import { insertDelivery } from './outbox.repo.ts';
import type { Channel } from './outbox.ts';
import { DeliveryWorker, type WorkerOptions } from './worker.ts';

const schedule = { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 };
const ROWS = 400;
const WORKERS = 4;

describe.each(dialects)('delivery workers racing on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    const open: Database[] = [];
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cq-outbox-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'outbox.sqlite')}` : await d.create();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((db) => db.close()));
      if (d.name === 'postgres') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });
    const connect = () => {
      const database = openDatabase(url, { sqliteBusyTimeoutMs: 10_000 });
      open.push(database);
      return database;
    };

    /** `n` deliveries due at `dueMs` (the real time by default; a test on a manual clock passes its own). */
    async function seed(n: number, dueMs: number = Date.now()) {
      const database = connect();
      await migrate(database, MIGRATED_AT);
      const newId = idFactory(systemClock);
      const nowIso = isoInstant(dueMs);
      for (let i = 0; i < n; i += 50) {
        await database.db.transaction().execute(async (trx) => {
          for (let j = i; j < Math.min(n, i + 50); j++)
            await insertDelivery(trx, newId('dlv'), nowIso, {
              channel: 'webhook',
              eventType: 'test.ping',
              dedupeKey: `race:${j}`,
              payload: { n: j },
            });
        });
      }
      return database;
    }

    it(`${WORKERS} workers on their own connections never claim the same row`, async () => {
      const main = await seed(ROWS);
      const sends = new Map<string, string[]>();
      const workers = Array.from({ length: WORKERS }, (_, i) => {
        const database = connect();
        const channel: Channel = {
          kind: 'webhook',
          send: async (delivery) => {
            sends.set(delivery.id, [...(sends.get(delivery.id) ?? []), `w${i}`]);
            // Yield so the other workers' claims interleave with this one's sends.
            await new Promise((resolve) => setImmediate(resolve));
            return { outcome: 'delivered' };
          },
        };
        return new DeliveryWorker(
          database.db,
          database.dialect,
          systemClock,
          idFactory(systemClock),
          createLogger('silent'),
          [channel],
          { owner: `w${i}`, concurrency: 16, leaseMs: 600_000, pollMs: 10, schedule },
        );
      });
      await Promise.all(
        workers.map(async (w) => {
          while ((await w.runOnce()).claimed > 0);
        }),
      );
      expect(sends.size).toBe(ROWS);
      const twice = [...sends].filter(([, by]) => by.length > 1);
      expect(twice).toEqual([]);
      const perWorker = new Map<string, number>();
      for (const [, [by]] of sends) perWorker.set(by!, (perWorker.get(by!) ?? 0) + 1);
      // Every worker took part (the race is real), and every row settled as delivered.
      expect(perWorker.size).toBeGreaterThan(1);
      const rows = await main.db.selectFrom('deliveries').select(['status', 'attempts']).execute();
      expect(rows.every((r) => r.status === 'delivered' && Number(r.attempts) === 1)).toBe(true);
      expect(await main.db.selectFrom('delivery_attempts').select('id').execute()).toHaveLength(ROWS);
    });

    it('start() sends until stopped; stop() waits for sends in flight and aborts those past the grace', async () => {
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      // Due at the manual clock's instant, not the real time's: rows seeded at the real time would
      // not be due on a clock that stands earlier, and the worker would never claim them.
      const main = await seed(3, clock.now());
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const aborted: string[] = [];
      let startedAll: () => void = () => undefined;
      const allStarted = new Promise<void>((resolve) => (startedAll = resolve));
      const channel: Channel = {
        kind: 'webhook',
        send: async (delivery, _attempt, signal) => {
          started.push(delivery.id);
          if (started.length === 3) startedAll();
          // The first send finishes on its own; the others hang until aborted.
          if (started.length === 1) {
            await gate;
            return { outcome: 'delivered' };
          }
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          aborted.push(delivery.id);
          return { outcome: 'retry', errorClass: 'timeout', error: String(signal.reason) };
        },
      };
      const options: WorkerOptions = { owner: 'w1', concurrency: 4, leaseMs: 600_000, pollMs: 10, schedule };
      const worker = new DeliveryWorker(
        main.db,
        main.dialect,
        clock,
        idFactory(clock),
        createLogger('silent'),
        [channel],
        options,
      );
      worker.start();
      await allStarted;
      expect(worker.active).toBe(3);
      const stopping = worker.stop(200);
      release();
      expect(await stopping).toEqual({ inFlight: 3, aborted: 2 });
      expect(aborted).toHaveLength(2);
      const rows = await main.db.selectFrom('deliveries').select(['status', 'attempts', 'last_error']).execute();
      expect(rows.map((r) => r.status).sort()).toEqual(['delivered', 'pending', 'pending']);
      expect(rows.filter((r) => r.status === 'pending').map((r) => r.last_error)).toEqual([
        'Error: shutting down',
        'Error: shutting down',
      ]);
    });

    it('a worker whose database fails keeps going and sends once it answers again', async () => {
      const main = await seed(2);
      const logs: string[] = [];
      const sent: string[] = [];
      let sentBoth: () => void = () => undefined;
      const both = new Promise<void>((resolve) => (sentBoth = resolve));
      const channel: Channel = {
        kind: 'webhook',
        send: async (delivery) => {
          sent.push(delivery.id);
          if (sent.length === 2) sentBoth();
          return { outcome: 'delivered' };
        },
      };
      // The outbox is out of reach (as during a failover) until the worker has failed three times.
      await main.db.schema.alterTable('deliveries').renameTo('deliveries_away').execute();
      let failures = 0;
      let restored: () => void = () => undefined;
      const back = new Promise<void>((resolve) => (restored = resolve));
      const log = createLogger('info', {
        write: (line: string) => {
          logs.push(line);
          if (line.includes('delivery claim failed') && ++failures === 3) restored();
        },
      });
      const worker = new DeliveryWorker(main.db, main.dialect, systemClock, idFactory(systemClock), log, [channel], {
        owner: 'w1',
        concurrency: 4,
        leaseMs: 600_000,
        pollMs: 10,
        schedule,
        maxErrorBackoffMs: 40,
      });
      worker.start();
      await back;
      await main.db.schema.alterTable('deliveries_away').renameTo('deliveries').execute();
      await both;
      await worker.stop();
      const failed = logs
        .filter((l) => l.includes('delivery claim failed'))
        .map((l) => JSON.parse(l) as { retryInMs: number });
      expect(failed.slice(0, 3).map((l) => l.retryInMs)).toEqual([10, 20, 40]);
      expect(logs.some((l) => l.includes('reaches the database again'))).toBe(true);
      expect(sent).toHaveLength(2);
    });

    it('a send whose result cannot be recorded is sent again, under the same id, once its lease runs out', async () => {
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      const main = await seed(1, clock.now());
      const sent: string[] = [];
      let away = false;
      const channel: Channel = {
        kind: 'webhook',
        send: async (delivery) => {
          sent.push(delivery.id);
          // The database goes away between the send and its record (the first time only).
          if (sent.length === 1) {
            await main.db.schema.alterTable('delivery_attempts').renameTo('delivery_attempts_away').execute();
            away = true;
          }
          return { outcome: 'delivered' };
        },
      };
      const logs: string[] = [];
      const worker = new DeliveryWorker(
        main.db,
        main.dialect,
        clock,
        idFactory(clock),
        createLogger('info', { write: (line: string) => void logs.push(line) }),
        [channel],
        { owner: 'w1', concurrency: 4, leaseMs: 60_000, pollMs: 10, schedule },
      );
      expect((await worker.runOnce()).outcomes).toEqual({ unsettled: 1 });
      expect(away).toBe(true);
      expect(logs.some((l) => l.includes('could not be recorded'))).toBe(true);
      await main.db.schema.alterTable('delivery_attempts_away').renameTo('delivery_attempts').execute();
      const row = await main.db.selectFrom('deliveries').select(['status', 'lease_owner']).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', lease_owner: expect.stringMatching(/^w1:/) });
      // Within the lease nobody sends it; after it, it goes again with the same id.
      expect((await worker.runOnce()).claimed).toBe(0);
      clock.advance(60_001);
      expect((await worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      expect(sent).toHaveLength(2);
      expect(sent[0]).toBe(sent[1]);
    });
  });
});
