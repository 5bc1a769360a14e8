import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../platform/crypto.ts';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase, json } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { insertToken } from '../subscribers/owner-tokens.repo.ts';
import { newManageToken } from '../subscribers/subscriber-auth.ts';

type Json = Record<string, any>;
const CAP = 4;

describe.each(dialects)('alerts API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d, {
      ALERT_RULES_PER_OWNER: String(CAP),
      ALERT_CREATE_PER_HOUR: '100000',
      PORTFOLIO_CREATE_PER_HOUR: '100000',
    });
    const db = () => h.runtime.database.db;
    let n = 0;

    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    async function portfolioOwner(): Promise<{ headers: Record<string, string>; ownerId: string }> {
      const created = (await (await h.request('/v1/portfolios', json({}))).json()) as Json;
      const row = await db()
        .selectFrom('portfolios')
        .select('owner_id')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      return {
        headers: { 'X-Portfolio-Id': created.id, 'X-Portfolio-Secret': created.secret },
        ownerId: row.owner_id,
      };
    }

    async function subscriberOwner(
      status: 'confirmed' | 'pending' = 'confirmed',
    ): Promise<{ headers: Record<string, string>; ownerId: string }> {
      const ownerId = `prn_sub${++n}`;
      const at = '2026-11-25T00:00:00.000Z';
      await db()
        .insertInto('principals')
        .values({ id: ownerId, kind: 'user', name: `sub${n}`, created_at: at })
        .execute();
      await db()
        .insertInto('email_subscribers')
        .values({
          principal_id: ownerId,
          address: `collector${n}@example.com`,
          status,
          created_at: at,
          confirmed_at: at,
        })
        .execute();
      const token = newManageToken();
      await insertToken(db(), {
        tokenHash: await sha256Hex(token),
        principalId: ownerId,
        purpose: 'manage',
        createdAt: at,
        expiresAt: null,
      });
      return { headers: bearer(token), ownerId };
    }

    async function endpoint(ownerId: string, kind: 'standard' | 'discord', status: 'enabled' | 'disabled' = 'enabled') {
      const id = `whe_test${++n}`;
      const at = '2026-11-25T00:00:00.000Z';
      await db()
        .insertInto('webhook_endpoints')
        .values({
          id,
          owner_id: ownerId,
          kind,
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
          created_at: at,
          updated_at: at,
        })
        .execute();
      return id;
    }

    const send = async (path: string, method: string, headers: Record<string, string>, body?: unknown) => {
      const res = await h.request(path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { res, body: (res.status === 204 ? null : await res.json()) as Json };
    };

    it('creates a printing rule (threshold in major units), reads it back, and audits the creation', async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const { res, body } = await send('/v1/alerts', 'POST', owner.headers, {
        printing_id: 's1-4.holofoil',
        kind: 'price_above',
        threshold: 150.5,
        channel: 'webhook',
        endpoint_id: whe,
        note: 'sell half',
      });
      expect(res.status).toBe(201);
      expect(body).toMatchObject({
        kind: 'price_above',
        printing_id: 's1-4.holofoil',
        card_id: null,
        subject: { card_id: 's1-4', name: 'Charizard' },
        market: 'tcgplayer',
        threshold: 150.5,
        currency: 'USD',
        channel: 'webhook',
        endpoint_id: whe,
        note: 'sell half',
        status: 'active',
        state: 'armed',
        snoozed_until: null,
        fired_count: 0,
      });
      const stored = await db()
        .selectFrom('alert_rules')
        .select(['threshold_minor', 'printing_key'])
        .where('id', '=', body.id)
        .executeTakeFirstOrThrow();
      expect(Number(stored.threshold_minor)).toBe(15050);
      const got = await send(`/v1/alerts/${body.id}`, 'GET', owner.headers);
      expect(got.res.status).toBe(200);
      expect(got.body).toEqual(body);
      const audit = await db().selectFrom('audit_log').selectAll().where('target', '=', body.id).execute();
      expect(audit.map((a) => a.action)).toEqual(['alert.create']);
      expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ owner_id: owner.ownerId, kind: 'price_above' });
    });

    it('a card rule and a change rule; signal rules with or without an action', async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'discord');
      const card = await send('/v1/alerts', 'POST', owner.headers, {
        card_id: 's1-5',
        kind: 'change_below',
        change_pct: 15,
        window_days: 7,
        channel: 'discord',
        endpoint_id: whe,
      });
      expect(card.res.status).toBe(201);
      expect(card.body).toMatchObject({
        card_id: 's1-5',
        subject: { card_id: 's1-5', name: 'Dark Charizard' },
        printing_id: null,
        change_pct: 15,
        window_days: 7,
        threshold: null,
      });
      const sig = await send('/v1/alerts', 'POST', owner.headers, {
        printing_id: 's1-6.normal',
        kind: 'signal_change',
        action: 'BUY',
        channel: 'discord',
        endpoint_id: whe,
      });
      expect(sig.res.status).toBe(201);
      expect(sig.body.action).toBe('BUY');
    });

    it('refuses invalid rules with problems that name the fields', async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const base = { channel: 'webhook', endpoint_id: whe };
      const cases: [Json, number, string, string[]?][] = [
        [{ ...base, kind: 'price_above', threshold: 1 }, 422, 'validation_failed', ['body.printing_id']],
        [
          { ...base, kind: 'price_above', threshold: 1, printing_id: 's1-4.holofoil', card_id: 's1-4' },
          422,
          'validation_failed',
          ['body.printing_id'],
        ],
        [{ ...base, kind: 'price_above', printing_id: 's1-4.holofoil' }, 422, 'validation_failed', ['body.threshold']],
        [
          { ...base, kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1.005 },
          422,
          'validation_failed',
          ['body.threshold'],
        ],
        [
          { ...base, kind: 'change_above', printing_id: 's1-4.holofoil', threshold: 5 },
          422,
          'validation_failed',
          ['body.threshold', 'body.change_pct', 'body.window_days'],
        ],
        [
          { ...base, kind: 'change_above', printing_id: 's1-4.holofoil', change_pct: 5, window_days: 3 },
          422,
          'validation_failed',
        ],
        [
          { ...base, kind: 'change_above', printing_id: 's1-4.holofoil', change_pct: -5, window_days: 7 },
          422,
          'validation_failed',
        ],
        [
          { ...base, kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1, currency: 'EUR' },
          422,
          'validation_failed',
          ['body.currency'],
        ],
        [
          { ...base, kind: 'signal_change', printing_id: 's1-4.holofoil', market: 'cardmarket' },
          422,
          'validation_failed',
          ['body.market'],
        ],
        [
          { ...base, kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1, note: 'x'.repeat(201) },
          422,
          'validation_failed',
        ],
        [
          { ...base, kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1, extra: 1 },
          422,
          'validation_failed',
        ],
        [
          { kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1, channel: 'webhook' },
          422,
          'validation_failed',
          ['body.endpoint_id'],
        ],
        [{ ...base, kind: 'price_above', printing_id: 'nope.holofoil', threshold: 1 }, 404, 'printing_not_found'],
        [{ ...base, kind: 'price_above', card_id: 'nope', threshold: 1 }, 404, 'card_not_found'],
        [
          {
            ...base,
            kind: 'price_above',
            printing_id: 's1-4.holofoil',
            threshold: 1,
            channel: 'email',
            endpoint_id: undefined,
          },
          422,
          'email_channel_unavailable',
        ],
      ];
      for (const [body, status, code, fields] of cases) {
        const { res, body: problem } = await send('/v1/alerts', 'POST', owner.headers, body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(problem.code, JSON.stringify(body)).toBe(code);
        if (fields) expect(problem.errors.map((e: Json) => e.field)).toEqual(fields);
      }
      expect(await db().selectFrom('alert_rules').selectAll().where('owner_id', '=', owner.ownerId).execute()).toEqual(
        [],
      );
    });

    it('endpoints: only an enabled endpoint of the owner, of the channel kind', async () => {
      const owner = await portfolioOwner();
      const other = await portfolioOwner();
      const rule = { kind: 'price_above', printing_id: 's1-4.holofoil', threshold: 1 };
      const theirs = await endpoint(other.ownerId, 'standard');
      const discord = await endpoint(owner.ownerId, 'discord');
      const disabled = await endpoint(owner.ownerId, 'standard', 'disabled');
      const a = await send('/v1/alerts', 'POST', owner.headers, { ...rule, channel: 'webhook', endpoint_id: theirs });
      expect([a.res.status, a.body.code]).toEqual([404, 'endpoint_not_found']);
      const b = await send('/v1/alerts', 'POST', owner.headers, { ...rule, channel: 'webhook', endpoint_id: discord });
      expect([b.res.status, b.body.errors[0].field]).toEqual([422, 'body.endpoint_id']);
      const c = await send('/v1/alerts', 'POST', owner.headers, { ...rule, channel: 'webhook', endpoint_id: disabled });
      expect([c.res.status, c.body.errors[0].message]).toEqual([422, 'is disabled; enable it first']);
    });

    it('the email channel is for a confirmed e-mail subscriber (manage token); operators own their own rules', async () => {
      const sub = await subscriberOwner();
      const created = await send('/v1/alerts', 'POST', sub.headers, {
        kind: 'price_below',
        card_id: 's1-4',
        threshold: 100,
        channel: 'email',
      });
      expect(created.res.status).toBe(201);
      expect(created.body).toMatchObject({ channel: 'email', endpoint_id: null });
      const ops = await send('/v1/alerts', 'POST', bearer(ADMIN_TOKEN), {
        kind: 'price_below',
        card_id: 's1-4',
        threshold: 100,
        channel: 'email',
      });
      expect([ops.res.status, ops.body.code]).toEqual([422, 'email_channel_unavailable']);
      expect(ops.body.detail).toContain('e-mail subscribers');
      const list = await send('/v1/alerts', 'GET', sub.headers);
      expect(list.body.items.map((r: Json) => r.id)).toEqual([created.body.id]);
    });

    it(`caps rules per owner at ALERT_RULES_PER_OWNER (${CAP}) with 409 alert_rule_limit, also under concurrency`, async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const body = {
        kind: 'price_above',
        printing_id: 's1-4.holofoil',
        threshold: 1,
        channel: 'webhook',
        endpoint_id: whe,
      };
      const answers = await Promise.all(
        Array.from({ length: CAP + 3 }, () => send('/v1/alerts', 'POST', owner.headers, body)),
      );
      const statuses = answers.map((a) => a.res.status).sort();
      expect(statuses).toEqual([...Array(CAP).fill(201), ...Array(3).fill(409)]);
      expect(answers.find((a) => a.res.status === 409)!.body.code).toBe('alert_rule_limit');
      const count = await db().selectFrom('alert_rules').selectAll().where('owner_id', '=', owner.ownerId).execute();
      expect(count).toHaveLength(CAP);
    });

    it('lists own rules by cursor; another owner sees none of them and gets 404 for each id', async () => {
      const owner = await portfolioOwner();
      const other = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await send('/v1/alerts', 'POST', owner.headers, {
          kind: 'price_above',
          printing_id: 's1-4.holofoil',
          threshold: 100 + i,
          channel: 'webhook',
          endpoint_id: whe,
        });
        ids.push(body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor === null ? '' : `&cursor=${cursor}`;
        const { body } = await send(`/v1/alerts?limit=2${q}`, 'GET', owner.headers);
        seen.push(...body.items.map((r: Json) => r.id));
        cursor = body.next_cursor;
      } while (cursor !== null);
      expect(seen).toEqual(ids);
      expect((await send('/v1/alerts', 'GET', other.headers)).body.items).toEqual([]);
      const id = ids[0]!;
      for (const [path, method, body] of [
        [`/v1/alerts/${id}`, 'GET', undefined],
        [`/v1/alerts/${id}`, 'PATCH', { note: 'mine now' }],
        [`/v1/alerts/${id}/snooze`, 'POST', { hours: 1 }],
        [`/v1/alerts/${id}/firings`, 'GET', undefined],
        [`/v1/alerts/${id}`, 'DELETE', undefined],
      ] as const) {
        const { res, body: problem } = await send(path, method, other.headers, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(problem.code).toBe('alert_not_found');
      }
      expect((await send(`/v1/alerts/${id}`, 'GET', owner.headers)).body.note).toBeNull();
      const bad = await send('/v1/alerts?cursor=nope', 'GET', owner.headers);
      expect(bad.res.status).toBe(422);
    });

    it('patch edits (an edited condition re-arms), pauses and resumes; snooze and wake; delete', async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const other = await endpoint(owner.ownerId, 'standard');
      const { body: rule } = await send('/v1/alerts', 'POST', owner.headers, {
        kind: 'price_above',
        printing_id: 's1-4.holofoil',
        threshold: 100,
        channel: 'webhook',
        endpoint_id: whe,
      });
      await db().updateTable('alert_rules').set({ state: 'fired' }).where('id', '=', rule.id).execute();
      const noted = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { note: 'n', endpoint_id: other });
      expect(noted.body).toMatchObject({ note: 'n', endpoint_id: other, state: 'fired' });
      const edited = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { threshold: '120.00' });
      expect(edited.res.status).toBe(200);
      expect(edited.body).toMatchObject({ threshold: 120, state: 'armed', note: 'n' });
      const wrong = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { change_pct: 5 });
      expect([wrong.res.status, wrong.body.errors[0].field]).toEqual([422, 'body.change_pct']);
      const paused = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { status: 'paused' });
      expect(paused.body.status).toBe('paused');
      const resumed = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { status: 'active' });
      expect(resumed.body.status).toBe('active');
      const email = await send(`/v1/alerts/${rule.id}`, 'PATCH', owner.headers, { channel: 'email' });
      expect([email.res.status, email.body.code]).toEqual([422, 'email_channel_unavailable']);

      const now = h.clock.now();
      const hours = await send(`/v1/alerts/${rule.id}/snooze`, 'POST', owner.headers, { hours: 2 });
      expect(hours.body.snoozed_until).toBe(new Date(now + 2 * 3_600_000).toISOString());
      const until = await send(`/v1/alerts/${rule.id}/snooze`, 'POST', owner.headers, {
        until: '2026-12-01T10:00:00+01:00',
      });
      expect(until.body.snoozed_until).toBe('2026-12-01T09:00:00.000Z');
      const woken = await send(`/v1/alerts/${rule.id}/snooze`, 'POST', owner.headers, { until: null });
      expect(woken.body.snoozed_until).toBeNull();
      const bad = await send(`/v1/alerts/${rule.id}/snooze`, 'POST', owner.headers, { hours: -1 });
      expect(bad.res.status).toBe(422);

      const deleted = await send(`/v1/alerts/${rule.id}`, 'DELETE', owner.headers);
      expect(deleted.res.status).toBe(204);
      expect((await send(`/v1/alerts/${rule.id}`, 'GET', owner.headers)).res.status).toBe(404);
      const actions = await db()
        .selectFrom('audit_log')
        .select('action')
        .where('target', '=', rule.id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action)).toEqual([
        'alert.create',
        'alert.update',
        'alert.update',
        'alert.update',
        'alert.update',
        'alert.snooze',
        'alert.snooze',
        'alert.snooze',
        'alert.delete',
      ]);
    });

    it('firings: the alerts step fires a rule once, and its firings list shows the price, date and change', async () => {
      const owner = await portfolioOwner();
      const whe = await endpoint(owner.ownerId, 'standard');
      const { body: rule } = await send('/v1/alerts', 'POST', owner.headers, {
        kind: 'change_above',
        printing_id: 's1-6.normal',
        change_pct: 20,
        window_days: 1,
        channel: 'webhook',
        endpoint_id: whe,
      });
      await h.runtime.pipeline.run(['alerts'], { trigger: 'cli' });
      await h.runtime.pipeline.run(['alerts'], { trigger: 'cli' });
      const { res, body } = await send(`/v1/alerts/${rule.id}/firings`, 'GET', owner.headers);
      expect(res.status).toBe(200);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({
        as_of: '2026-11-20',
        market: 'tcgplayer',
        price: 2.5,
        currency: 'USD',
        change_pct: 25,
        from_date: '2026-11-19',
        from_price: 2,
        previous_action: null,
        action: null,
      });
      const after = await send(`/v1/alerts/${rule.id}`, 'GET', owner.headers);
      expect(after.body).toMatchObject({ state: 'fired', fired_count: 1, last_evaluated_on: '2026-11-25' });
    });
  });
});
