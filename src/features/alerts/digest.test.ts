import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertDigestEvent } from '../../shared/delivery-events.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { openLinks } from '../subscribers/link-tokens.ts';
import { DIGEST_MAX_ALERTS, writeDigests } from './digest.ts';
import { commitAlerts, evaluateAlerts, planAlerts, type AlertEvaluationDeps } from './evaluation.ts';

const HOUR = 3_600_000;
const AT = '2026-11-21T00:00:00.000Z';

describe.each(dialects)('alert digest on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    const db = () => h.runtime.database.db;
    const deps = (): AlertEvaluationDeps => ({
      database: h.runtime.database,
      clock: h.clock,
      newId: h.runtime.newId,
      box: h.runtime.dataKeys.box,
    });
    const tuning = { hysteresisPct: 2, cooldownHours: 1 };
    const evaluate = () => evaluateAlerts(deps(), tuning, null);
    async function subscriber(id: string, digest: number, status: 'confirmed' | 'pending' = 'confirmed') {
      await db().insertInto('principals').values({ id, kind: 'user', name: id, created_at: AT }).execute();
      await db()
        .insertInto('email_subscribers')
        .values({ principal_id: id, address: `${id}@example.com`, status, digest, created_at: AT, confirmed_at: AT })
        .execute();
    }
    const setPrice = (key: number, cents: number) =>
      db().updateTable('latest_prices').set({ last_cents: cents }).where('printing_key', '=', key).execute();
    const digestsOf = async (ownerId: string) =>
      (
        await db()
          .selectFrom('deliveries')
          .selectAll()
          .where('event_type', '=', 'alert.digest')
          .where('owner_id', '=', ownerId)
          .orderBy('id')
          .execute()
      ).map((r) => ({ ...r, event: JSON.parse(r.payload) as AlertDigestEvent }));

    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
      for (const [id, digest, status] of [
        ['prn_daily', 1, 'confirmed'],
        ['prn_each', 0, 'confirmed'],
        ['prn_left', 1, 'unsubscribed'],
      ] as const) {
        await db().insertInto('principals').values({ id, kind: 'user', name: id, created_at: AT }).execute();
        await db()
          .insertInto('email_subscribers')
          .values({ principal_id: id, address: `${id}@example.com`, status, digest, created_at: AT, confirmed_at: AT })
          .execute();
      }
    });

    let n = 0;
    async function rule(ownerId: string, printingKey: number, thresholdMinor: number): Promise<string> {
      const id = `alr_d${++n}`;
      await db()
        .insertInto('alert_rules')
        .values({
          id,
          owner_id: ownerId,
          kind: 'price_above',
          printing_key: printingKey,
          card_id: null,
          market: 'tcgplayer',
          currency: 'USD',
          threshold_minor: thresholdMinor,
          change_pct: null,
          window_days: null,
          signal_action: null,
          channel: 'email',
          endpoint_id: null,
          note: `rule ${n}`,
          status: 'active',
          snoozed_until: null,
          state: 'armed',
          last_action: null,
          last_evaluated_on: null,
          last_fired_at: null,
          created_at: AT,
          updated_at: AT,
        })
        .execute();
      return id;
    }
    const digests = () =>
      db().selectFrom('deliveries').selectAll().where('event_type', '=', 'alert.digest').orderBy('id').execute();

    it('one digest per subscriber and day with every firing since the previous one, written with its link tokens', async () => {
      h.clock.set('2026-11-21T21:30:00.000Z');
      const a = await rule('prn_daily', 1, 13_000);
      const b = await rule('prn_daily', 4, 200);
      await rule('prn_each', 1, 13_000);
      await rule('prn_left', 1, 13_000);
      expect(await evaluate()).toMatchObject({ fired: 4, deliveries_written: 1 });
      // The digest subscriber got no e-mail per firing.
      const perAlert = await db()
        .selectFrom('deliveries')
        .select('owner_id')
        .where('event_type', '=', 'alert.triggered')
        .execute();
      expect(perAlert.map((r) => r.owner_id)).toEqual(['prn_each']);

      h.clock.set('2026-11-22T07:00:00.000Z');
      expect(await writeDigests(deps())).toEqual({ subscribers: 1, digests_written: 1, firings: 2 });
      const [digest] = await digests();
      expect(digest).toMatchObject({
        channel: 'email',
        owner_id: 'prn_daily',
        address: 'prn_daily@example.com',
        dedupe_key: 'alert.digest:prn_daily:2026-11-22',
        status: 'pending',
      });
      const event = JSON.parse(digest!.payload) as AlertDigestEvent;
      expect(event.type).toBe('alert.digest');
      expect(event.data.date).toBe('2026-11-22');
      expect(event.data.alerts.map((x) => [x.alert_id, x.price, x.threshold, x.printing.id])).toEqual([
        [a, 140, 130, 's1-4.holofoil'],
        [b, 2.5, 2, 's1-6.normal'],
      ]);
      const links = openLinks(h.runtime.dataKeys.box, digest!.id, digest!.sealed!);
      expect(Object.keys(links).sort()).toEqual(['manage_token', 'unsubscribe_token']);

      // Again the same day: nothing new is written, and no tokens are left behind.
      const tokensBefore = (await db().selectFrom('owner_tokens').selectAll().execute()).length;
      h.clock.advance(HOUR);
      expect(await writeDigests(deps())).toMatchObject({ digests_written: 0 });
      expect(await digests()).toHaveLength(1);
      expect(await db().selectFrom('owner_tokens').selectAll().execute()).toHaveLength(tokensBefore);

      // The next day: only firings since the previous digest; none → no digest.
      h.clock.set('2026-11-23T07:00:00.000Z');
      expect(await writeDigests(deps())).toMatchObject({ digests_written: 0 });
      await db().updateTable('alert_rules').set({ state: 'armed' }).where('id', '=', a).execute();
      h.clock.set('2026-11-23T21:30:00.000Z');
      expect(await evaluate()).toMatchObject({ fired: 1 });
      h.clock.set('2026-11-24T07:00:00.000Z');
      expect(await writeDigests(deps())).toEqual({ subscribers: 1, digests_written: 1, firings: 1 });
      const second = JSON.parse((await digests())[1]!.payload) as AlertDigestEvent;
      expect(second.data.alerts.map((x) => x.alert_id)).toEqual([a]);
    });

    it('a firing committed after a digest was written is in the next digest, not lost', async () => {
      await subscriber('prn_late', 1);
      h.clock.set('2026-11-26T21:00:00.000Z');
      const early = await rule('prn_late', 4, 200);
      await evaluate();
      const late = await rule('prn_late', 1, 15_000);
      try {
        // An evaluation reads at 21:30 (the price now holds for `late`) and commits only after the next digest.
        await setPrice(1, 16_000);
        h.clock.set('2026-11-26T21:30:00.000Z');
        const slow = await planAlerts(deps(), tuning, null);
        h.clock.set('2026-11-27T07:00:00.000Z');
        await writeDigests(deps());
        expect((await digestsOf('prn_late')).map((x) => x.event.data.alerts.map((a) => a.alert_id))).toEqual([[early]]);
        expect(await commitAlerts(deps(), slow)).toMatchObject({ fired: 1 });
        h.clock.set('2026-11-28T07:00:00.000Z');
        await writeDigests(deps());
        const [, second] = await digestsOf('prn_late');
        expect(second?.event.data.alerts.map((a) => [a.alert_id, a.price])).toEqual([[late, 160]]);
        const firing = await db()
          .selectFrom('alert_firings')
          .select(['fired_at', 'digest_delivery_id'])
          .where('rule_id', '=', late)
          .executeTakeFirstOrThrow();
        expect(firing).toEqual({ fired_at: '2026-11-26T21:30:00.000Z', digest_delivery_id: second!.id });
      } finally {
        await setPrice(1, 14_000);
      }
    });

    it('the first digest lists no firing an e-mail of its own sent, nor any older than 24 hours', async () => {
      await subscriber('prn_first', 0, 'pending');
      h.clock.set('2026-11-29T08:00:00.000Z');
      const old = await rule('prn_first', 1, 13_000); // fires while the address is unconfirmed: no e-mail
      await evaluate();
      await db()
        .updateTable('email_subscribers')
        .set({ status: 'confirmed' })
        .where('principal_id', '=', 'prn_first')
        .execute();
      h.clock.set('2026-12-01T20:00:00.000Z');
      const mailed = await rule('prn_first', 4, 200); // e-mailed on its own, before the switch to the digest
      expect(await evaluate()).toMatchObject({ fired: 1, deliveries_written: 1 });
      await db().updateTable('email_subscribers').set({ digest: 1 }).where('principal_id', '=', 'prn_first').execute();
      h.clock.set('2026-12-01T21:30:00.000Z');
      const fresh = await rule('prn_first', 1, 13_000);
      expect(await evaluate()).toMatchObject({ fired: 1, deliveries_written: 0 });
      h.clock.set('2026-12-02T07:00:00.000Z');
      await writeDigests(deps());
      const [first] = await digestsOf('prn_first');
      expect(first?.event.data).toMatchObject({ omitted: 0 });
      expect(first?.event.data.alerts.map((a) => a.alert_id)).toEqual([fresh]);
      expect([old, mailed]).not.toContain(first?.event.data.alerts[0]?.alert_id);
    });

    it(`a digest lists at most ${DIGEST_MAX_ALERTS} firings, the latest, and counts the others it includes`, async () => {
      await subscriber('prn_many', 1);
      h.clock.set('2026-12-03T21:00:00.000Z');
      const ids: string[] = [];
      for (let i = 0; i < DIGEST_MAX_ALERTS + 30; i++) ids.push(await rule('prn_many', 4, 100 + (i % 100)));
      expect(await evaluate()).toMatchObject({ fired: DIGEST_MAX_ALERTS + 30 });
      h.clock.set('2026-12-04T07:00:00.000Z');
      expect(await writeDigests(deps())).toMatchObject({ digests_written: 1, firings: DIGEST_MAX_ALERTS + 30 });
      const [digest] = await digestsOf('prn_many');
      expect(digest?.event.data.omitted).toBe(30);
      const listed = digest!.event.data.alerts.map((a) => a.alert_id);
      expect(listed).toHaveLength(DIGEST_MAX_ALERTS);
      expect(new Set([...listed, ...ids]).size).toBe(ids.length);
      const undigested = await db()
        .selectFrom('alert_firings')
        .select('id')
        .where('owner_id', '=', 'prn_many')
        .where('digest_delivery_id', 'is', null)
        .execute();
      expect(undigested).toEqual([]);
      h.clock.set('2026-12-05T07:00:00.000Z');
      await writeDigests(deps());
      expect(await digestsOf('prn_many')).toHaveLength(1);
    });
  });
});
