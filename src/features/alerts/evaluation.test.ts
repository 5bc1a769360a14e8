import { randomBytes } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRulesTable } from '../../platform/db/schema.ts';
import { dataKey, SecretBox } from '../../platform/secret-box.ts';
import type { AlertTriggeredEvent } from '../../shared/delivery-events.ts';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { openLinks } from '../subscribers/link-tokens.ts';
import { decide, type Observation, type RuleCondition, type RuleMemory } from './evaluate.ts';
import { commitAlerts, evaluateAlerts, planAlerts, type AlertEvaluationDeps } from './evaluation.ts';

const HOUR = 3_600_000;
const tuning = { hysteresisPct: 2, cooldownHours: 24 };
const SIGNAL = { engine: 'test-engine', engineVersion: '1', weightsVersion: 'w1' };
const AT = '2026-11-21T00:00:00.000Z';

/** Printing keys of the seeded market (test/market-fixtures.ts). */
const CHARIZARD_HOLO = 1; // 140.00 on 2026-11-20, 7d from 133
const CHARMANDER = 4; // 2 → 2.5 on the last day (+25 %)
const FLABEBE_NORMAL = 6; // stale (last price 2026-11-15)
const JUMPLUFF = 8; // 1 → 50 on the last day

describe.each(dialects)('alert evaluation on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    const db = () => h.runtime.database.db;
    let n = 0;
    const deps = (box?: SecretBox): AlertEvaluationDeps => ({
      database: h.runtime.database,
      clock: h.clock,
      newId: h.runtime.newId,
      box: box ?? h.runtime.dataKeys.box,
    });
    const evaluate = (box?: SecretBox) => evaluateAlerts(deps(box), tuning, SIGNAL);

    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
      await db()
        .insertInto('principals')
        .values({ id: 'prn_owner', kind: 'user', name: 'owner', created_at: AT })
        .execute();
    });
    beforeEach(async () => {
      // Each test starts from a clean set of rules and a clock past every cooldown.
      await db().deleteFrom('deliveries').execute();
      await db().deleteFrom('alert_rules').execute();
      await db().deleteFrom('price_flags').execute();
      await db().deleteFrom('signals').execute();
      h.clock.advance(1000 * HOUR);
    });

    async function endpoint(status: 'enabled' | 'disabled' = 'enabled', ownerId = 'prn_owner') {
      const id = `whe_e${++n}`;
      await db()
        .insertInto('webhook_endpoints')
        .values({
          id,
          owner_id: ownerId,
          kind: 'standard',
          url_sealed: 'sealed',
          host: 'receiver.example:443',
          description: null,
          secret_sealed: null,
          previous_secret_sealed: null,
          previous_secret_until: null,
          status,
          disabled_reason: null,
          disabled_at: null,
          failing_since: null,
          created_at: AT,
          updated_at: AT,
        })
        .execute();
      return id;
    }

    async function rule(
      fields: Partial<Omit<AlertRulesTable, 'fired_count'>> & Pick<AlertRulesTable, 'kind'>,
    ): Promise<string> {
      const id = `alr_r${String(++n).padStart(4, '0')}`;
      const channel = fields.channel ?? 'webhook';
      await db()
        .insertInto('alert_rules')
        .values({
          id,
          owner_id: 'prn_owner',
          printing_key: fields.card_id ? null : CHARIZARD_HOLO,
          card_id: null,
          market: 'tcgplayer',
          currency: 'USD',
          threshold_minor: null,
          change_pct: null,
          window_days: null,
          signal_action: null,
          channel,
          endpoint_id: channel === 'email' ? null : (fields.endpoint_id ?? (await endpoint())),
          note: null,
          status: 'active',
          snoozed_until: null,
          state: 'armed',
          last_action: null,
          last_evaluated_on: null,
          last_fired_at: null,
          created_at: AT,
          updated_at: AT,
          ...fields,
        })
        .execute();
      return id;
    }

    const firings = (ruleId: string) =>
      db().selectFrom('alert_firings').selectAll().where('rule_id', '=', ruleId).orderBy('id').execute();
    const deliveriesOf = (ruleId: string) =>
      db()
        .selectFrom('deliveries as d')
        .innerJoin('alert_firings as f', 'f.id', 'd.firing_id')
        .selectAll('d')
        .where('f.rule_id', '=', ruleId)
        .orderBy('d.id')
        .execute();
    const state = async (id: string) =>
      (await db().selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).state;
    const setPrice = (key: number, cents: number) =>
      db().updateTable('latest_prices').set({ last_cents: cents }).where('printing_key', '=', key).execute();

    it('fires once with one delivery carrying the alert.triggered event; not again while true', async () => {
      const whe = await endpoint();
      const id = await rule({ kind: 'price_above', threshold_minor: 13_000, endpoint_id: whe, note: 'sell' });
      const first = await evaluate();
      expect(first).toMatchObject({ fired: 1, rearmed: 0, deliveries_written: 1 });
      const [firing] = await firings(id);
      expect(firing).toMatchObject({
        owner_id: 'prn_owner',
        as_of: '2026-11-20',
        market: 'tcgplayer',
        currency: 'USD',
        previous_action: null,
        action: null,
      });
      expect(Number(firing!.price_minor)).toBe(14_000);
      const [delivery] = await deliveriesOf(id);
      expect(delivery).toMatchObject({
        channel: 'webhook',
        event_type: 'alert.triggered',
        owner_id: 'prn_owner',
        endpoint_id: whe,
        address: null,
        sealed: null,
        status: 'pending',
        dedupe_key: `alert.triggered:${id}:1`,
        firing_id: firing!.id,
        triggered_at: firing!.fired_at,
      });
      const event = JSON.parse(delivery!.payload) as AlertTriggeredEvent;
      expect(event).toEqual({
        type: 'alert.triggered',
        timestamp: firing!.fired_at,
        data: {
          alert_id: id,
          firing_id: firing!.id,
          kind: 'price_above',
          note: 'sell',
          card: { id: 's1-4', name: 'Charizard', set_id: 's1', number: '4', image_url: 'https://img.example/s1-4.png' },
          printing: { id: 's1-4.holofoil', finish: 'holofoil' },
          market: 'tcgplayer',
          as_of: '2026-11-20',
          price: 140,
          currency: 'USD',
          threshold: 130,
          window_days: null,
          change_pct: null,
          from_date: null,
          from_price: null,
          signal: null,
        },
      });
      expect(await state(id)).toBe('fired');
      h.clock.advance(48 * HOUR);
      expect(await evaluate()).toMatchObject({ fired: 0, deliveries_written: 0 });
      expect(await firings(id)).toHaveLength(1);
    });

    it('re-arms only beyond the hysteresis band, then fires again once the cooldown has passed', async () => {
      const id = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      await evaluate();
      try {
        await setPrice(CHARIZARD_HOLO, 12_800); // false, but within 2 % of 130
        h.clock.advance(HOUR);
        expect(await evaluate()).toMatchObject({ fired: 0, rearmed: 0 });
        expect(await state(id)).toBe('fired');
        await setPrice(CHARIZARD_HOLO, 12_700); // beyond the band
        h.clock.advance(HOUR);
        expect(await evaluate()).toMatchObject({ fired: 0, rearmed: 1 });
        expect(await state(id)).toBe('armed');
        await setPrice(CHARIZARD_HOLO, 13_500); // true again, 2 h after the firing: cooldown (24 h) holds it
        h.clock.advance(HOUR);
        expect(await evaluate()).toMatchObject({ fired: 0 });
        expect(await state(id)).toBe('armed');
        h.clock.advance(24 * HOUR);
        expect(await evaluate()).toMatchObject({ fired: 1, deliveries_written: 1 });
        expect(await firings(id)).toHaveLength(2);
        const rows = await db().selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(Number(rows.fired_count)).toBe(2);
      } finally {
        await setPrice(CHARIZARD_HOLO, 14_000);
      }
    });

    it('snoozed and paused rules are not evaluated; a snooze that ended lets the rule fire', async () => {
      const until = new Date(h.clock.now() + 5 * HOUR).toISOString();
      const snoozed = await rule({ kind: 'price_above', threshold_minor: 100, snoozed_until: until });
      const paused = await rule({ kind: 'price_above', threshold_minor: 100, status: 'paused' });
      expect(await evaluate()).toMatchObject({ rules_evaluated: 0, fired: 0 });
      h.clock.advance(5 * HOUR);
      expect(await evaluate()).toMatchObject({ rules_evaluated: 1, fired: 1 });
      expect(await firings(snoozed)).toHaveLength(1);
      expect(await firings(paused)).toHaveLength(0);
    });

    it('stale prices and prints the quality rules flag never fire', async () => {
      const stale = await rule({ kind: 'price_above', threshold_minor: 1, printing_key: FLABEBE_NORMAL });
      const jump = await rule({ kind: 'price_above', threshold_minor: 100, printing_key: JUMPLUFF });
      const jumpChange = await rule({ kind: 'change_above', change_pct: 100, window_days: 1, printing_key: JUMPLUFF });
      // latest_prices was derived before the quality step flagged the 50× print: the flag still excludes it.
      await db()
        .insertInto('price_flags')
        .values({
          printing_key: JUMPLUFF,
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: '2026-11-20',
          reason: 'jump',
          ref_date: '2026-11-19',
        })
        .execute();
      expect(await evaluate()).toMatchObject({ rules_evaluated: 3, fired: 0, deliveries_written: 0 });
      // A flag on the base print of the window excludes a change rule as well.
      await db()
        .updateTable('price_flags')
        .set({ date: '2026-11-19', ref_date: null, reason: 'placeholder_price' })
        .execute();
      h.clock.advance(HOUR);
      expect(await evaluate()).toMatchObject({ fired: 1 });
      expect(await firings(jump)).toHaveLength(1);
      expect(await firings(jumpChange)).toHaveLength(0);
      expect(await firings(stale)).toHaveLength(0);
    });

    it('a change rule records its window; a card rule follows the headline printing', async () => {
      const up = await rule({ kind: 'change_above', change_pct: 20, window_days: 1, printing_key: CHARMANDER });
      const down = await rule({ kind: 'change_below', change_pct: 15, window_days: 7, card_id: 's1-5' });
      const flabebe = await rule({ kind: 'price_above', threshold_minor: 300, card_id: 's2-1' });
      expect(await evaluate()).toMatchObject({ fired: 3, deliveries_written: 3 });
      const [f] = await firings(up);
      expect(f).toMatchObject({ from_date: '2026-11-19', as_of: '2026-11-20' });
      expect([Number(f!.price_minor), Number(f!.from_price_minor), Number(f!.change_pct)]).toEqual([250, 200, 25]);
      const [g] = await firings(down);
      expect(Number(g!.change_pct)).toBe(-20);
      const [payload] = await deliveriesOf(flabebe);
      const data = (JSON.parse(payload!.payload) as AlertTriggeredEvent).data;
      expect(data).toMatchObject({ printing: { id: 's2-1.reverse-holofoil' }, price: 3.3, threshold: 3 });
      const [downPayload] = await deliveriesOf(down);
      expect((JSON.parse(downPayload!.payload) as AlertTriggeredEvent).data).toMatchObject({
        kind: 'change_below',
        threshold: 15,
        window_days: 7,
        change_pct: -20,
        from_price: 50,
        price: 40,
      });
    });

    async function signal(date: string, key: number, action: 'BUY' | 'HOLD' | 'SELL') {
      await db()
        .insertInto('signals')
        .values({
          engine: SIGNAL.engine,
          engine_version: SIGNAL.engineVersion,
          weights_version: SIGNAL.weightsVersion,
          date,
          printing_key: key,
          status: 'ok',
          observations: 30,
          last_cents: 14_000,
          z: 1,
          score: 1,
          action,
          confidence: 0.5,
          used_search_interest: 0,
          raw: null,
          standardised: null,
          model: null,
          reasons: '[]',
        })
        .execute();
    }

    it('signal change: any change fires from the action seen before; a named action fires when it is reached', async () => {
      const any = await rule({ kind: 'signal_change' });
      const toSell = await rule({ kind: 'signal_change', signal_action: 'SELL', card_id: 's1-4' });
      await signal('2026-11-19', CHARIZARD_HOLO, 'HOLD');
      expect(await evaluate()).toMatchObject({ fired: 0, signal_date: '2026-11-19' });
      await signal('2026-11-20', CHARIZARD_HOLO, 'SELL');
      h.clock.advance(HOUR);
      expect(await evaluate()).toMatchObject({ fired: 2, signal_date: '2026-11-20' });
      const [f] = await firings(any);
      expect(f).toMatchObject({ previous_action: 'HOLD', action: 'SELL', as_of: '2026-11-20' });
      const [payload] = await deliveriesOf(toSell);
      expect((JSON.parse(payload!.payload) as AlertTriggeredEvent).data.signal).toEqual({
        previous: 'HOLD',
        action: 'SELL',
      });
      // Unchanged the next day: the any-change rule re-arms, the SELL rule stays fired.
      h.clock.advance(HOUR);
      expect(await evaluate()).toMatchObject({ fired: 0, rearmed: 1 });
      expect([await state(any), await state(toSell)]).toEqual(['armed', 'fired']);
    });

    it('a signal rule stored with another market records the signal in the primary series (tcgplayer, USD)', async () => {
      const id = await rule({ kind: 'signal_change', signal_action: 'SELL', market: 'cardmarket', currency: 'EUR' });
      await signal('2026-11-20', CHARIZARD_HOLO, 'SELL');
      expect(await evaluate()).toMatchObject({ fired: 1 });
      const [f] = await firings(id);
      expect(f).toMatchObject({ market: 'tcgplayer', currency: 'USD', action: 'SELL' });
      expect(Number(f!.price_minor)).toBe(14_000);
      const [payload] = await deliveriesOf(id);
      expect((JSON.parse(payload!.payload) as AlertTriggeredEvent).data).toMatchObject({
        market: 'tcgplayer',
        currency: 'USD',
        price: 140,
      });
    });

    it('e-mail: a confirmed subscriber gets a delivery with sealed manage and unsubscribe links; unsubscribed, digest or a disabled endpoint get none', async () => {
      const add = async (id: string, status: 'confirmed' | 'unsubscribed', digest: number) => {
        await db().insertInto('principals').values({ id, kind: 'user', name: id, created_at: AT }).execute();
        await db()
          .insertInto('email_subscribers')
          .values({ principal_id: id, address: `${id}@example.com`, status, digest, created_at: AT, confirmed_at: AT })
          .execute();
      };
      await add('prn_mail', 'confirmed', 0);
      await add('prn_gone', 'unsubscribed', 0);
      await add('prn_digest', 'confirmed', 1);
      const mail = await rule({ kind: 'price_above', threshold_minor: 100, channel: 'email', owner_id: 'prn_mail' });
      const gone = await rule({ kind: 'price_above', threshold_minor: 100, channel: 'email', owner_id: 'prn_gone' });
      const digest = await rule({
        kind: 'price_above',
        threshold_minor: 100,
        channel: 'email',
        owner_id: 'prn_digest',
      });
      const off = await rule({ kind: 'price_above', threshold_minor: 100, endpoint_id: await endpoint('disabled') });
      expect(await evaluate()).toMatchObject({ fired: 4, deliveries_written: 1 });
      for (const id of [gone, digest, off]) {
        expect(await firings(id)).toHaveLength(1);
        expect(await deliveriesOf(id)).toEqual([]);
      }
      const [delivery] = await deliveriesOf(mail);
      expect(delivery).toMatchObject({ channel: 'email', address: 'prn_mail@example.com', endpoint_id: null });
      const links = openLinks(h.runtime.dataKeys.box, delivery!.id, delivery!.sealed!);
      expect(links.manage_token).toMatch(/^cqm_/);
      expect(links.unsubscribe_token).toMatch(/^cqu_/);
      const tokens = await db()
        .selectFrom('owner_tokens')
        .select('purpose')
        .where('principal_id', '=', 'prn_mail')
        .orderBy('purpose')
        .execute();
      expect(tokens.map((t) => t.purpose)).toEqual(['manage', 'unsubscribe']);
    });

    it('the read leaves out only rules whose state cannot change: every transition equals the pure decision', async () => {
      await signal('2026-11-20', CHARIZARD_HOLO, 'BUY');
      const lp = await db()
        .selectFrom('latest_prices')
        .select(['last_cents', 'change_pct_1d', 'change_pct_7d'])
        .where('printing_key', '=', CHARIZARD_HOLO)
        .executeTakeFirstOrThrow();
      const old = '2026-01-01T00:00:00.000Z';
      const cases: { id: string; rule: RuleCondition; memory: RuleMemory; seen: Observation }[] = [];
      const add = async (rule: RuleCondition, memory: RuleMemory, windowDays: number | null) => {
        const id = await rule_({
          kind: rule.kind,
          threshold_minor: rule.thresholdMinor,
          change_pct: rule.changePct,
          window_days: windowDays,
          signal_action: rule.signalAction,
          state: memory.state,
          last_fired_at: memory.lastFiredAt,
          last_action: memory.lastAction,
        });
        const change = windowDays === 1 ? lp.change_pct_1d : windowDays === 7 ? lp.change_pct_7d : null;
        cases.push({
          id,
          rule,
          memory,
          seen: {
            priceMinor: Number(lp.last_cents),
            changePct: change === null ? null : Number(change),
            excluded: false,
            action: rule.kind === 'signal_change' ? 'BUY' : null,
          },
        });
      };
      const rule_ = rule;
      for (const state of ['armed', 'fired'] as const) {
        const memory = { state, lastFiredAt: state === 'fired' ? old : null, lastAction: null };
        for (const kind of ['price_above', 'price_below'] as const)
          for (const t of [12_000, 13_720, 13_721, 14_000, 14_280, 14_281, 16_000])
            await add({ kind, thresholdMinor: t, changePct: null, signalAction: null }, memory, null);
        for (const kind of ['change_above', 'change_below'] as const)
          for (const w of [1, 7])
            for (const p of [0.1, 0.7194, 1, 3, 5.2632, 8])
              await add({ kind, thresholdMinor: null, changePct: p, signalAction: null }, memory, w);
        for (const action of [null, 'BUY', 'SELL'] as const)
          for (const last of [null, 'BUY', 'HOLD'])
            await add(
              { kind: 'signal_change', thresholdMinor: null, changePct: null, signalAction: action },
              { ...memory, lastAction: last },
              null,
            );
      }
      await evaluate();
      const after = new Map(
        (await db().selectFrom('alert_rules').select(['id', 'state', 'last_action']).execute()).map((r) => [r.id, r]),
      );
      for (const c of cases) {
        const expected = decide(c.rule, c.memory, c.seen, { hysteresisPct: 2, cooldownMs: 24 * HOUR }, h.clock.now());
        const state =
          expected.transition === 'fire' ? 'fired' : expected.transition === 'rearm' ? 'armed' : c.memory.state;
        const got = after.get(c.id)!;
        const label = `${JSON.stringify(c.rule)} ${JSON.stringify(c.memory)}`;
        expect(got.state, label).toBe(state);
        expect(got.last_action, label).toBe(expected.lastAction);
        expect((await firings(c.id)).length, label).toBe(expected.transition === 'fire' ? 1 : 0);
      }
    });

    it('overlapping evaluations fire a rule once: the later commit finds the rule no longer as it read it', async () => {
      const id = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const a = await planAlerts(deps(), tuning, SIGNAL);
      const b = await planAlerts(deps(), tuning, SIGNAL);
      expect(await commitAlerts(deps(), b)).toMatchObject({ fired: 1, deliveries_written: 1 });
      expect(await commitAlerts(deps(), a)).toMatchObject({ fired: 0, deliveries_written: 0 });
      expect(await firings(id)).toHaveLength(1);
      const [delivery] = await deliveriesOf(id);
      expect(delivery!.dedupe_key).toBe(`alert.triggered:${id}:1`);
      expect(await deliveriesOf(id)).toHaveLength(1);
      const stored = await db().selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect([stored.state, Number(stored.fired_count)]).toEqual(['fired', 1]);
    });

    it('a rule deleted, paused, snoozed or edited between the read and the write is skipped; the others still fire', async () => {
      const kept = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const deleted = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const paused = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const snoozed = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const edited = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const plan = await planAlerts(deps(), tuning, SIGNAL);
      const later = new Date(h.clock.now() + 1000).toISOString();
      await db().deleteFrom('alert_rules').where('id', '=', deleted).execute();
      await db()
        .updateTable('alert_rules')
        .set({ status: 'paused', updated_at: later })
        .where('id', '=', paused)
        .execute();
      await db()
        .updateTable('alert_rules')
        .set({ snoozed_until: new Date(h.clock.now() + 10 * HOUR).toISOString(), updated_at: later })
        .where('id', '=', snoozed)
        .execute();
      await db()
        .updateTable('alert_rules')
        .set({ threshold_minor: 20_000, updated_at: later })
        .where('id', '=', edited)
        .execute();
      expect(await commitAlerts(deps(), plan)).toMatchObject({ fired: 1, deliveries_written: 1 });
      expect(await firings(kept)).toHaveLength(1);
      for (const id of [deleted, paused, snoozed, edited]) {
        expect(await firings(id)).toEqual([]);
        expect(await deliveriesOf(id)).toEqual([]);
      }
      expect([await state(paused), await state(snoozed), await state(edited)]).toEqual(['armed', 'armed', 'armed']);
    });

    it('the alerts step checks its fence inside the transaction: a run that lost its step writes nothing', async () => {
      const id = await rule({ kind: 'price_above', threshold_minor: 13_000 });
      const step = h.runtime.pipeline.steps.find((s) => s.name === 'alerts')!;
      const fence = () => Promise.reject(new Error('fenced out: alerts'));
      await expect(step.run({ trigger: 'cli', fence })).rejects.toThrow('fenced out: alerts');
      expect(await firings(id)).toEqual([]);
      expect(await state(id)).toBe('armed');
      expect(await step.run({ trigger: 'cli', fence: () => Promise.resolve() })).toMatchObject({
        counts: { fired: 1, deliveries_written: 1 },
      });
    });

    it('a failure inside the transaction leaves neither firing nor delivery, and the rule stays armed', async () => {
      await db().insertInto('principals').values({ id: 'prn_fail', kind: 'user', name: 'f', created_at: AT }).execute();
      await db()
        .insertInto('email_subscribers')
        .values({
          principal_id: 'prn_fail',
          address: 'fail@example.com',
          status: 'confirmed',
          created_at: AT,
          confirmed_at: AT,
        })
        .execute();
      const hook = await rule({ kind: 'price_above', threshold_minor: 100 });
      const mail = await rule({ kind: 'price_above', threshold_minor: 100, channel: 'email', owner_id: 'prn_fail' });
      class BrokenBox extends SecretBox {
        override seal(): string {
          throw new Error('sealing failed');
        }
      }
      await expect(evaluate(new BrokenBox(dataKey(randomBytes(32))))).rejects.toThrow('sealing failed');
      for (const id of [hook, mail]) {
        expect(await firings(id)).toEqual([]);
        expect(await deliveriesOf(id)).toEqual([]);
        expect(await state(id)).toBe('armed');
      }
      expect(
        await db().selectFrom('owner_tokens').selectAll().where('principal_id', '=', 'prn_fail').execute(),
      ).toEqual([]);
      // The next run, with a working key, writes both.
      expect(await evaluate()).toMatchObject({ fired: 2, deliveries_written: 2 });
    });
  });
});
