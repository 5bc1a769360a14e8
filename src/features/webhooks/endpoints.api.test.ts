/**
 * `/v1/webhook-endpoints` through the app on both dialects: create (the secret shown once, the
 * URL and secret sealed at rest), list, read, change, re-enable, delete, rotate, test ping — sent
 * by a delivery worker to a receiver on loopback that verifies it — and the attempts list; other
 * owners get 404; URL checks and the egress guard refuse bad URLs with 422 problems; each change
 * is audited.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase, json } from '#test/harness.ts';
import { startReceiver, type Receiver } from '#test/webhook-peers.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import { createLogger } from '../../platform/log.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import { insertToken } from '../subscribers/owner-tokens.repo.ts';
import { newManageToken } from '../subscribers/subscriber-auth.ts';
import { discordChannel } from './discord.channel.ts';
import { webhookChannel } from './webhook.channel.ts';

interface Portfolio {
  id: string;
  secret: string;
}
interface Endpoint {
  id: string;
  kind: string;
  url: string;
  host: string;
  status: string;
  secret?: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  previous_secret_expires_at: string | null;
}

describe.each(dialects)('webhook endpoints API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let receiver: Receiver;
    const settings: Record<string, string> = { EGRESS_ALLOW: 'loopback', ALERT_CREATE_PER_HOUR: '1000' };
    beforeAll(async () => {
      receiver = await startReceiver();
      // The receiver also stands in for Discord (runs before the harness starts with these settings).
      settings.DISCORD_API_BASE = `http://127.0.0.1:${receiver.port}`;
    });
    afterAll(() => receiver.close());
    const h = harnessDatabase(d, settings);
    const db = () => h.runtime.database.db;
    const creds = (p: Portfolio) => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const portfolio = async () => (await (await h.request('/v1/portfolios', json({}))).json()) as Portfolio;
    const call = (p: Portfolio, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      h.request(`/v1/webhook-endpoints${path}`, {
        method,
        headers: { ...creds(p), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const worker = () => {
      const r = h.runtime;
      const deps = {
        db: r.database.db,
        dialect: r.database.dialect,
        clock: h.clock,
        box: r.dataKeys.box,
        config: r.config,
        log: createLogger('silent'),
        newId: r.newId,
      };
      return new DeliveryWorker(
        r.database.db,
        r.database.dialect,
        h.clock,
        r.newId,
        deps.log,
        [webhookChannel(deps), discordChannel(deps)],
        {
          owner: 'test',
          concurrency: 4,
          leaseMs: 60_000,
          pollMs: 1000,
          schedule: { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 57_600_000 },
          random: () => 0,
        },
      );
    };
    const audit = (action: string) =>
      db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

    it('creates an endpoint whose secret is shown once and stored sealed, lists and reads it', async () => {
      const p = await portfolio();
      const url = receiver.url('/hooks/a?team=7');
      const res = await call(p, 'POST', '', { url, description: 'shop' });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const created = (await res.json()) as Endpoint;
      expect(created).toMatchObject({ kind: 'standard', url, host: `127.0.0.1:${receiver.port}`, status: 'enabled' });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(created.secret!.slice(6), 'base64')).toHaveLength(24);
      const row = await db().selectFrom('webhook_endpoints').selectAll().executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(created.secret!.slice(6));
      expect(JSON.stringify(row)).not.toContain('/hooks/a');
      expect(row.url_sealed).toMatch(/^cqe1\./);

      const got = (await (await call(p, 'GET', `/${created.id}`)).json()) as Endpoint;
      expect(got).not.toHaveProperty('secret');
      expect(got.url).toBe(url);
      const list = (await (await call(p, 'GET', '')).json()) as { items: Endpoint[]; next_cursor: string | null };
      expect(list.items.map((e) => e.id)).toEqual([created.id]);
      expect(list.next_cursor).toBeNull();
      const [entry] = await audit('webhook_endpoint.create');
      expect(entry).toMatchObject({ actor: p.id, target: created.id, result: 'success' });
      expect(JSON.stringify(entry)).not.toContain(created.secret!);
    });

    it('replays a create with the same Idempotency-Key (one endpoint, the same secret)', async () => {
      const p = await portfolio();
      const send = () => call(p, 'POST', '', { url: receiver.url('/idem') }, { 'Idempotency-Key': 'create-1' });
      const first = (await (await send()).json()) as Endpoint;
      const again = await send();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(((await again.json()) as Endpoint).secret).toBe(first.secret);
      const list = (await (await call(p, 'GET', '')).json()) as { items: Endpoint[] };
      expect(list.items).toHaveLength(1);
    });

    it('sends a test ping the receiver verifies; rotation signs with both secrets; attempts are listed', async () => {
      h.clock.set(Math.floor(Date.now() / 1000) * 1000);
      const p = await portfolio();
      const created = (await (await call(p, 'POST', '', { url: receiver.url('/ping') })).json()) as Endpoint;
      const before = receiver.received.length;
      const ping = await call(p, 'POST', `/${created.id}/test`);
      expect(ping.status).toBe(202);
      const queued = (await ping.json()) as { delivery_id: string };
      expect((await worker().runOnce()).outcomes).toEqual({ delivered: 1 });
      const got = receiver.received[before]!;
      expect(got.headers['webhook-id']).toBe(queued.delivery_id);
      expect(new Webhook(created.secret!).verify(got.body, got.headers as Record<string, string>)).toMatchObject({
        type: 'test.ping',
        data: { endpoint_id: created.id },
      });

      const rotated = (await (await call(p, 'POST', `/${created.id}/rotate-secret`)).json()) as {
        secret: string;
        previous_secret_expires_at: string;
      };
      expect(rotated.secret).not.toBe(created.secret);
      expect(Date.parse(rotated.previous_secret_expires_at) - h.clock.now()).toBe(24 * 3_600_000);
      await call(p, 'POST', `/${created.id}/test`);
      await worker().runOnce();
      const during = receiver.received.at(-1)!;
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [rotated.secret, created.secret!])
        expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
      const shown = (await (await call(p, 'GET', `/${created.id}`)).json()) as Endpoint;
      expect(shown.previous_secret_expires_at).toBe(rotated.previous_secret_expires_at);

      const attempts = (await (await call(p, 'GET', `/${created.id}/attempts?limit=1`)).json()) as {
        items: { outcome: string; status_code: number; response_excerpt: string; event_type: string }[];
        next_cursor: string;
      };
      expect(attempts.items).toEqual([
        expect.objectContaining({
          outcome: 'delivered',
          status_code: 200,
          response_excerpt: 'ok',
          event_type: 'test.ping',
        }),
      ]);
      const rest = (await (await call(p, 'GET', `/${created.id}/attempts?cursor=${attempts.next_cursor}`)).json()) as {
        items: unknown[];
        next_cursor: string | null;
      };
      expect(rest.items).toHaveLength(1);
      expect(rest.next_cursor).toBeNull();
      expect(await audit('webhook_endpoint.rotate_secret')).toHaveLength(1);
      expect(JSON.stringify(await audit('webhook_endpoint.rotate_secret'))).not.toContain(rotated.secret);
      expect((await audit('webhook_endpoint.test')).length).toBeGreaterThanOrEqual(2);
    });

    it('changes, re-enables and deletes an endpoint (audited); another owner gets 404 everywhere', async () => {
      const a = await portfolio();
      const b = await portfolio();
      const created = (await (await call(a, 'POST', '', { url: receiver.url('/x') })).json()) as Endpoint;
      for (const [method, path, body] of [
        ['GET', `/${created.id}`],
        ['PATCH', `/${created.id}`, { description: 'taken' }],
        ['DELETE', `/${created.id}`],
        ['POST', `/${created.id}/rotate-secret`],
        ['POST', `/${created.id}/test`],
        ['GET', `/${created.id}/attempts`],
      ] as const) {
        const res = await call(b, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
      }
      expect(((await (await call(b, 'GET', '')).json()) as { items: unknown[] }).items).toEqual([]);

      await db()
        .updateTable('webhook_endpoints')
        .set({
          status: 'disabled',
          disabled_reason: 'the receiver answered 410 Gone',
          failing_since: '2026-11-20T00:00:00.000Z',
        })
        .where('id', '=', created.id)
        .execute();
      expect((await call(a, 'POST', `/${created.id}/test`)).status).toBe(409);
      const patched = await call(a, 'PATCH', `/${created.id}`, {
        url: receiver.url('/y'),
        description: 'moved',
        status: 'enabled',
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({
        url: receiver.url('/y'),
        description: 'moved',
        status: 'enabled',
        disabled_reason: null,
        failing_since: null,
      });
      expect(JSON.parse((await audit('webhook_endpoint.update')).at(-1)!.detail!)).toMatchObject({
        changed: ['url', 'description', 'status'],
        reenabled: true,
      });
      expect((await call(a, 'DELETE', `/${created.id}`)).status).toBe(204);
      expect((await call(a, 'GET', `/${created.id}`)).status).toBe(404);
      expect(await audit('webhook_endpoint.delete')).toHaveLength(1);
    });

    it('refuses bad URLs and refused addresses with 422 problems', async () => {
      const p = await portfolio();
      const cases: [Record<string, unknown>, string][] = [
        [{ url: 'ftp://127.0.0.1/x' }, 'validation_failed'],
        [{ url: `http://user:pw@127.0.0.1:${receiver.port}/x` }, 'validation_failed'],
        [{ url: `http://127.0.0.1/${'a'.repeat(2100)}` }, 'validation_failed'],
        [{ url: 'not a url' }, 'validation_failed'],
        [{ url: 'http://10.0.0.1/hook' }, 'egress_refused'],
        [{ url: 'http://169.254.169.254/latest/meta-data' }, 'egress_refused'],
        [{ url: 'http://[::ffff:192.168.0.1]/x' }, 'egress_refused'],
        [{ url: 'http://[fd00::1]/x' }, 'egress_refused'],
        [{ url: 'http://0.0.0.0/x' }, 'egress_refused'],
        [{ url: 'https://discord.com/api/webhooks/abc/def', kind: 'discord' }, 'validation_failed'],
        [{ url: 'https://discord.com/api/webhooks/123/abc?x=1', kind: 'discord' }, 'validation_failed'],
        [{ url: receiver.url('/api/webhooks/x/abc'), kind: 'discord' }, 'validation_failed'],
      ];
      for (const [body, code] of cases) {
        const res = await call(p, 'POST', '', body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(((await res.json()) as { code: string }).code).toBe(code);
      }
      expect(((await (await call(p, 'GET', '')).json()) as { items: unknown[] }).items).toEqual([]);
    });

    it('lets operators and anyone with owner access keep their own endpoints', async () => {
      const viewer = (await (
        await h.request('/v1/admin/keys', json({ name: 'v', role: 'viewer' }, bearer(ADMIN_TOKEN)))
      ).json()) as { key: string };
      expect((await h.request('/v1/webhook-endpoints', { headers: bearer(viewer.key) })).status).toBe(403);
      const created = await h.request(
        '/v1/webhook-endpoints',
        json({ url: receiver.url('/ops') }, bearer(ADMIN_TOKEN)),
      );
      expect(created.status).toBe(201);
      const row = await db()
        .selectFrom('webhook_endpoints')
        .select('owner_id')
        .where('id', '=', ((await created.json()) as Endpoint).id)
        .executeTakeFirstOrThrow();
      expect(row.owner_id).toBe('prn_operators');
    });

    it('creates a Discord endpoint (no secret, token masked) whose test ping arrives as an embed', async () => {
      const p = await portfolio();
      const url = receiver.url('/api/webhooks/112233/tok_EN-9');
      const res = await call(p, 'POST', '', { url, kind: 'discord' });
      expect(res.status).toBe(201);
      const created = (await res.json()) as Endpoint;
      expect(created).toMatchObject({ kind: 'discord', secret: null, url: receiver.url('/api/webhooks/112233/••••') });
      expect((await call(p, 'POST', `/${created.id}/rotate-secret`)).status).toBe(409);
      const before = receiver.received.length;
      expect((await call(p, 'POST', `/${created.id}/test`)).status).toBe(202);
      expect((await worker().runOnce()).outcomes).toEqual({ delivered: 1 });
      const got = receiver.received[before]!;
      expect(got.url).toBe('/api/webhooks/112233/tok_EN-9?wait=true');
      expect((JSON.parse(got.body) as { embeds: { title: string }[] }).embeds[0]!.title).toBe('Test ping');
    });

    it('lets an e-mail subscriber manage endpoints with its manage token', async () => {
      const token = newManageToken();
      const now = new Date(h.clock.now()).toISOString();
      await db()
        .insertInto('principals')
        .values({ id: 'prn_sub1', kind: 'user', name: 'sub', created_at: now })
        .execute();
      await db()
        .insertInto('email_subscribers')
        .values({
          principal_id: 'prn_sub1',
          address: 'sub@example.com',
          status: 'confirmed',
          digest: 0,
          created_at: now,
          confirmed_at: now,
          unsubscribed_at: null,
        })
        .execute();
      await insertToken(db(), {
        tokenHash: await sha256Hex(token),
        principalId: 'prn_sub1',
        purpose: 'manage',
        createdAt: now,
        expiresAt: null,
      });
      const created = await h.request('/v1/webhook-endpoints', json({ url: receiver.url('/sub') }, bearer(token)));
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as Endpoint;
      const list = (await (await h.request('/v1/webhook-endpoints', { headers: bearer(token) })).json()) as {
        items: Endpoint[];
      };
      expect(list.items.map((e) => e.id)).toEqual([id]);
      expect((await audit('webhook_endpoint.create')).at(-1)).toMatchObject({ actor: 'prn_sub1', target: id });
    });
  });
});
