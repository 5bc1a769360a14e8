/**
 * Crash safety of the outbox (issue: "the worker is killed (SIGKILL) at random points while 1,000
 * deliveries flow to a receiver; after restart every delivery arrives, duplicates only with the
 * same webhook-id"). The real `cardquant worker` process sends through the real webhook channel
 * (signed, through the egress guard with EGRESS_ALLOW=loopback) to a receiver on loopback that
 * verifies every request. A seeded random number decides after how many more requests each
 * worker is killed; the receiver's count, not a timer, triggers the kill. Leases are short
 * (DELIVERY_LEASE_SECONDS=5 with WEBHOOK_TIMEOUT_MS=2000) so a dead worker's rows come back soon.
 * Then the graceful side: SIGTERM while every send hangs ends the process within its grace, the
 * sends aborted and recorded.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveDataKeys } from '../src/platform/data-key.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { BUDGET } from './budget.ts';
import { createLoadEndpoint, enqueueLoad, startCountingReceiver, type CountingReceiver } from './delivery-load.ts';
import { dialects, label } from './dialects.ts';
import { MIGRATED_AT } from './migrations.ts';
import { startCliReady, stopAll } from './process.ts';

const N = 1000;
const dataKeys = new Map<string, string>();
/** One data key per database: the test and every worker process it starts share it. */
const dataKeyOf = (url: string) => {
  if (!dataKeys.has(url)) dataKeys.set(url, randomBytes(32).toString('base64'));
  return dataKeys.get(url)!;
};
const KILLS = 4;
const SEED = 20261206;

/** A small seeded generator (mulberry32): the kill points repeat from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(dialects)('delivery crash safety on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const dir = mkdtempSync(join(tmpdir(), 'cq-delivery-crash-'));
    let url = '';
    let database: Database | undefined;
    let receiver: CountingReceiver | undefined;
    afterEach(() => stopAll());
    afterAll(async () => {
      await receiver?.close();
      await database?.close();
      if (d.name === 'postgres' && url) await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      `${N} webhook deliveries survive ${KILLS} SIGKILLs of the worker: each arrives, duplicates keep their webhook-id`,
      async () => {
        url = d.name === 'sqlite' ? `sqlite:${join(dir, 'crash.sqlite')}` : await d.create();
        const dataKey = dataKeyOf(url);
        database = openDatabase(url);
        await migrate(database, MIGRATED_AT);
        const box = resolveDataKeys({ DATABASE_URL: url, DATA_ENCRYPTION_KEY: dataKey }).box;
        receiver = await startCountingReceiver();
        const { endpointId, secret } = await createLoadEndpoint(database, box, receiver.url);
        receiver.secret = secret;
        await enqueueLoad(database, endpointId, 0, N);

        const env = {
          DATABASE_URL: url,
          DATA_ENCRYPTION_KEY: dataKey,
          EGRESS_ALLOW: 'loopback',
          WEBHOOK_TIMEOUT_MS: '2000',
          DELIVERY_LEASE_SECONDS: '5',
          DELIVERY_POLL_MS: '50',
          DELIVERY_CONCURRENCY: '16',
          LOG_LEVEL: 'info',
        };
        const random = seeded(SEED);
        const killedAt: number[] = [];
        for (let k = 0; k < KILLS; k++) {
          const worker = await startCliReady(['worker'], { cwd: dir, env });
          // Somewhere in the next 1–150 requests (fewer than are left, so the kill always comes).
          const target = receiver.arrivals.length + 1 + Math.floor(random() * Math.min(150, N - receiver.unique - 1));
          await receiver.until((r) => r.arrivals.length >= target);
          worker.child.kill('SIGKILL');
          const exit = await worker.waitForExit();
          expect(exit.signal).toBe('SIGKILL');
          killedAt.push(receiver.arrivals.length);
        }
        expect(receiver.unique).toBeLessThan(N);

        const last = await startCliReady(['worker'], { cwd: dir, env });
        await receiver.until((r) => r.unique === N);
        // Rows a killed worker had sent but not recorded come back after their lease and are sent
        // again; wait (bounded) until the outbox records every one as delivered.
        const deadline = Date.now() + BUDGET.processRunMs;
        for (;;) {
          const open = await database.db
            .selectFrom('deliveries')
            .select(({ fn }) => fn.countAll<number | string>().as('n'))
            .where('status', '!=', 'delivered')
            .executeTakeFirstOrThrow();
          if (Number(open.n) === 0) break;
          if (Date.now() > deadline) throw new Error(`${open.n} deliveries never settled; killed at ${killedAt}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect((await last.stop('SIGTERM')).code).toBe(0);

        const rows = await database.db.selectFrom('deliveries').select(['id', 'status']).execute();
        expect(rows).toHaveLength(N);
        expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
        // Every delivery arrived, under its own id as webhook-id, with a valid signature.
        const arrivedIds = new Set(receiver.arrivals.map((a) => a.webhookId));
        expect([...arrivedIds].sort()).toEqual(rows.map((r) => r.id).sort());
        expect(receiver.unverified).toEqual([]);
        // A duplicate is the same message: one body per webhook-id, one webhook-id per body.
        const bodyOf = new Map<string, string>();
        const idOf = new Map<string, string>();
        for (const a of receiver.arrivals) {
          expect(bodyOf.get(a.webhookId) ?? a.body).toBe(a.body);
          expect(idOf.get(a.body) ?? a.webhookId).toBe(a.webhookId);
          bodyOf.set(a.webhookId, a.body);
          idOf.set(a.body, a.webhookId);
        }
        console.info(
          `delivery crash (${d.name}): killed after ${killedAt.join(', ')} requests; ${receiver.arrivals.length} requests for ${N} deliveries (${receiver.arrivals.length - N} duplicates)`,
        );
      },
      BUDGET.heavyTestMs,
    );

    it('on SIGTERM the worker stops claiming and aborts sends still running when SHUTDOWN_GRACE_MS ends', async () => {
      // Continues on the first test's database, endpoint and receiver; the receiver now never answers.
      expect(database && receiver).toBeTruthy();
      const endpoint = await database!.db.selectFrom('webhook_endpoints').select('id').executeTakeFirstOrThrow();
      receiver!.hold = true;
      const before = receiver!.arrivals.length;
      await enqueueLoad(database!, endpoint.id, N, 3);
      const worker = await startCliReady(['worker'], {
        cwd: dir,
        env: {
          DATABASE_URL: url,
          DATA_ENCRYPTION_KEY: dataKeyOf(url),
          EGRESS_ALLOW: 'loopback',
          // Far longer than the grace: an attempt that ends before it was aborted by the shutdown.
          WEBHOOK_TIMEOUT_MS: '30000',
          DELIVERY_LEASE_SECONDS: '40',
          DELIVERY_POLL_MS: '50',
          SHUTDOWN_GRACE_MS: '300',
          LOG_LEVEL: 'info',
        },
      });
      await receiver!.until((r) => r.arrivals.length >= before + 3);
      expect((await worker.stop('SIGTERM')).code).toBe(0);
      const attempts = await database!.db
        .selectFrom('delivery_attempts')
        .innerJoin('deliveries', 'deliveries.id', 'delivery_attempts.delivery_id')
        .select(['delivery_attempts.outcome', 'delivery_attempts.duration_ms', 'deliveries.status'])
        .where('deliveries.dedupe_key', 'in', [`load:${N}`, `load:${N + 1}`, `load:${N + 2}`])
        .execute();
      expect(attempts).toHaveLength(3);
      for (const a of attempts) {
        expect([a.outcome, a.status]).toEqual(['retry', 'pending']);
        expect(Number(a.duration_ms)).toBeLessThan(30_000);
      }
      expect(worker.jsonLines().some((l) => l.msg === 'delivery worker stopped' && l.aborted === 3)).toBe(true);
    });
  });
});
