/**
 * Audit completeness: starting pipeline steps through the API is audited; a POST whose body is
 * required refuses a request without one (every such operation in the OpenAPI document); the
 * public weights list names no operator and carries no note; a pipeline child process adds only
 * JSON lines to the log stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChildProcessLauncher,
  spawnCardquant,
  type PipelineLauncher,
  type PipelineRequest,
} from '../src/platform/launcher.ts';
import { createLogger } from '../src/platform/log.ts';
import { catalogWriter } from '../src/features/ingest/context.ts';
import { OPERATORS_PRINCIPAL } from '../src/platform/http/auth.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, harnessDatabase } from './harness.ts';
import { cliEnv } from './process.ts';
import { confirmedSubscriber, linkTokens } from './subscribers.ts';

interface Problem {
  status: number;
  code: string;
  errors?: { field: string }[];
}

describe.each(dialects)('audit completeness on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const launched: PipelineRequest[] = [];
    // The launcher only records what it was asked: the route and its audit row are under test here.
    const launcher: PipelineLauncher = {
      launch: async (request) => {
        launched.push(request);
        return { pid: 4242, done: Promise.resolve(0) };
      },
    };
    const h = harnessDatabase(d, {}, { launcher });

    const auditRows = (action: string) =>
      h.runtime.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', action)
        .orderBy('at')
        .orderBy('id')
        .execute();

    it('POST /v1/admin/pipeline/run is audited with who, which steps and the process id', async () => {
      const created = (await (
        await h.request('/v1/admin/keys', json({ name: 'ops', role: 'operator' }, bearer(ADMIN_TOKEN)))
      ).json()) as { key: string; api_key: { id: string } };
      const res = await h.request(
        '/v1/admin/pipeline/run',
        json({ steps: ['read-models'] }, { ...bearer(created.key), 'X-Forwarded-For': '198.51.100.7' }),
      );
      expect(res.status).toBe(202);
      const rows = await auditRows('pipeline.run');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor: created.api_key.id,
        role: 'operator',
        target: 'read-models',
        result: 'success',
        ip: '198.51.100.7',
      });
      expect(rows[0]!.request_id).toBe(res.headers.get('X-Request-Id'));
      expect(JSON.parse(rows[0]!.detail!)).toEqual({ steps: ['read-models'], from: null, to: null, pid: 4242 });
    });

    it('every POST with a required body answers 422 (field `body`) without one, and acts on nothing', async () => {
      const doc = (await (await h.request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, { requestBody?: { required?: boolean }; 'x-required-role'?: string }>>;
      };
      // Portfolio operations are called with a portfolio's own credentials and id.
      const portfolio = (await (await h.request('/v1/portfolios', json({}))).json()) as { id: string; secret: string };
      const required = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op.requestBody?.required)
          .map(([method, op]) => ({
            method: method.toUpperCase(),
            path: path
              .replace('{id}', op['x-required-role'] === 'portfolio' ? portfolio.id : 'x')
              .replace(/\{[^}]+\}/g, 'x'),
            credentials:
              op['x-required-role'] === 'portfolio'
                ? { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret }
                : bearer(ADMIN_TOKEN),
          })),
      );
      expect(required.map((r) => `${r.method} ${r.path}`)).toContain('POST /v1/admin/pipeline/run');
      const before = launched.length;
      const auditsBefore = (await auditRows('pipeline.run')).length;
      for (const { method, path, credentials } of required) {
        // Without a body at all, and with a JSON content type but nothing in it.
        for (const headers of [credentials, { ...credentials, 'Content-Type': 'application/json' }]) {
          const res = await h.request(path, { method, headers });
          expect(res.status, `${method} ${path}`).toBe(422);
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(
            ((await res.json()) as Problem).errors?.map((e) => e.field),
            `${method} ${path}`,
          ).toEqual(['body']);
        }
      }
      expect(launched.length).toBe(before);
      expect(await auditRows('pipeline.run')).toHaveLength(auditsBefore);
    });

    it('alert rules: create, update, snooze and delete are audited with who, whose rule and from where', async () => {
      const now = '2026-11-25T00:00:00.000Z';
      await catalogWriter(h.runtime.ingest).upsertSets([{ id: 'aud1', name: 'Audit' }], now);
      await catalogWriter(h.runtime.ingest).upsertCards(
        [{ id: 'aud1-1', setId: 'aud1', number: '1', name: 'Mew' }],
        now,
      );
      await h.runtime.database.db
        .insertInto('webhook_endpoints')
        .values({
          id: 'whe_audit',
          owner_id: OPERATORS_PRINCIPAL,
          kind: 'discord',
          url_sealed: 'sealed',
          host: 'discord.example',
          description: null,
          secret_sealed: null,
          previous_secret_sealed: null,
          previous_secret_until: null,
          status: 'enabled',
          disabled_reason: null,
          disabled_at: null,
          failing_since: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const from = { ...bearer(ADMIN_TOKEN), 'X-Forwarded-For': '198.51.100.9' };
      const created = await h.request(
        '/v1/alerts',
        json(
          { kind: 'signal_change', card_id: 'aud1-1', action: 'BUY', channel: 'discord', endpoint_id: 'whe_audit' },
          from,
        ),
      );
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const send = (path: string, method: string, body?: unknown) =>
        h.request(path, {
          method,
          headers: { ...from, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      expect((await send(`/v1/alerts/${id}`, 'PATCH', { action: 'SELL' })).status).toBe(200);
      expect((await send(`/v1/alerts/${id}/snooze`, 'POST', { hours: 3 })).status).toBe(200);
      expect((await send(`/v1/alerts/${id}`, 'DELETE')).status).toBe(204);
      for (const action of ['alert.create', 'alert.update', 'alert.snooze', 'alert.delete']) {
        const rows = (await auditRows(action)).filter((r) => r.target === id);
        expect(rows, action).toHaveLength(1);
        expect(rows[0]).toMatchObject({ actor: 'admin-token', role: 'admin', result: 'success', ip: '198.51.100.9' });
        expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ owner_id: OPERATORS_PRINCIPAL });
      }
    });

    it('confirm, patch, unsubscribe and forget of an e-mail subscriber are audited with its principal, never its address', async () => {
      const address = 'audited-subscriber@example.test';
      const subscriber = await confirmedSubscriber(h, address);
      const patched = await h.request('/v1/subscriptions/me', {
        method: 'PATCH',
        headers: { ...bearer(subscriber.manageToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ digest: true }),
      });
      expect(patched.status).toBe(200);
      const links = await linkTokens(h, subscriber.principalId);
      expect((await h.request(`/v1/unsubscribe/${links.unsubscribe_token}`, { method: 'POST' })).status).toBe(200);
      expect((await h.request(`/v1/unsubscribe/${links.unsubscribe_token}`, { method: 'POST' })).status).toBe(200);
      expect((await h.request(`/v1/subscriptions/forget/${links.manage_token}`, { method: 'POST' })).status).toBe(200);
      for (const action of ['subscriber.confirm', 'subscriber.update', 'subscriber.unsubscribe', 'subscriber.forget']) {
        const rows = (await auditRows(action)).filter((r) => r.actor === subscriber.principalId);
        expect(rows, action).toHaveLength(1);
        expect(rows[0]!.target).toBe(subscriber.principalId);
        expect(JSON.stringify(rows[0]), action).not.toContain(address);
      }
    });

    it('every webhook-endpoint mutation is audited with who, what and the endpoint, never a secret', async () => {
      const doc = (await (await h.request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v1/webhook-endpoints'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })))
        .filter((o) => o.method !== 'GET');
      expect(ops.length).toBeGreaterThanOrEqual(5);
      const portfolio = (await (await h.request('/v1/portfolios', json({}))).json()) as { id: string; secret: string };
      const creds = { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret };
      const bodies: Record<string, unknown> = {
        'POST /v1/webhook-endpoints': { url: 'https://203.0.113.10/hook' },
        'PATCH /v1/webhook-endpoints/{id}': { description: 'changed' },
      };
      const count = async () =>
        (
          await h.runtime.database.db
            .selectFrom('audit_log')
            .select('action')
            .where('actor', '=', portfolio.id)
            .execute()
        )
          .map((r) => r.action)
          .filter((a) => a.startsWith('webhook_endpoint.'));
      for (const op of ops) {
        const created = (await (
          await h.request('/v1/webhook-endpoints', json({ url: 'https://203.0.113.10/hook' }, creds))
        ).json()) as { id: string; secret: string };
        const before = (await count()).length;
        const body = bodies[`${op.method} ${op.path}`];
        const res = await h.request(op.path.replace('{id}', created.id), {
          method: op.method,
          headers: { ...creds, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect(res.status, `${op.method} ${op.path}`).toBeLessThan(300);
        const text = await res.text();
        const actions = await count();
        expect(actions.length, `${op.method} ${op.path} audited`).toBe(before + 1);
        const rows = await h.runtime.database.db
          .selectFrom('audit_log')
          .selectAll()
          .where('actor', '=', portfolio.id)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .execute();
        expect(rows[0]).toMatchObject({ result: 'success', role: null });
        expect(JSON.stringify(rows[0])).not.toContain(created.secret);
        const secret = /"secret":"(whsec_[^"]+)"/.exec(text)?.[1];
        if (secret) expect(JSON.stringify(rows[0])).not.toContain(secret);
      }
    });

    it('the public weights list names no operator key and carries no note; the audit log keeps both', async () => {
      const created = (await (
        await h.request('/v1/admin/keys', json({ name: 'quant', role: 'operator' }, bearer(ADMIN_TOKEN)))
      ).json()) as { key: string; api_key: { id: string } };
      const weights = { trend: 0.5, filter: 0.5, reversal: 0, drawdown: 0, regime: 0, search: 0 };
      const note = 'private note about desk strategy 7f3a';
      const res = await h.request('/v1/analytics/weights', json({ weights, note }, bearer(created.key)));
      expect(res.status).toBe(201);
      expect(((await res.json()) as { created_by: string }).created_by).toBe(created.api_key.id);

      for (const headers of [{}, bearer(ADMIN_TOKEN)]) {
        const list = await h.request('/v1/analytics/weights', { headers });
        expect(list.status).toBe(200);
        const text = await list.text();
        expect(text).not.toContain(created.api_key.id);
        expect(text).not.toContain(note);
        const items = (JSON.parse(text) as { items: Record<string, unknown>[] }).items;
        expect(items.length).toBeGreaterThanOrEqual(2);
        for (const item of items) {
          expect(item).not.toHaveProperty('created_by');
          expect(item).not.toHaveProperty('note');
        }
      }
      const audit = (await auditRows('factor_weights.create')).at(-1)!;
      expect(audit.actor).toBe(created.api_key.id);
      expect(JSON.parse(audit.detail!)).toMatchObject({ note });
    });
  });
});

describe('a pipeline child process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cq-child-log-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds only JSON lines to the log stream, its step results among them', async () => {
    const out: string[] = [];
    const parentLog: string[] = [];
    const log = createLogger('info', { write: (line: string) => void parentLog.push(line) });
    const env = cliEnv({ DATABASE_URL: `sqlite:${join(dir, 'cq.db')}`, LOG_LEVEL: 'info' });
    const launcher = new ChildProcessLauncher(log, { out: { write: (line: string) => out.push(line) }, env });
    const { done } = await launcher.launch({ steps: ['read-models'], trigger: 'api' });
    expect(await done).toBe(0);

    const lines = [...out, ...parentLog]
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const steps = out
      .map((l) => JSON.parse(l) as { msg?: string; step?: string })
      .filter((l) => l.msg === 'pipeline step done');
    expect(steps.map((s) => s.step)).toEqual(['read-models']);
    // The terminal table (`derive  succeeded  … ms`) is not printed for a child.
    expect(lines.some((l) => /^derive\s+succeeded/.test(l))).toBe(false);
    expect(parentLog.some((l) => l.includes('process output'))).toBe(false);
  });

  it('wraps anything else a child prints into a JSON log line', async () => {
    const out: string[] = [];
    const parentLog: string[] = [];
    const log = createLogger('info', { write: (line: string) => void parentLog.push(line) });
    const env = cliEnv({ DATABASE_URL: `sqlite:${join(dir, 'cq.db')}`, LOG_LEVEL: 'info' });
    // `pipeline steps` prints a plain-text table for terminals.
    const { done } = spawnCardquant(
      ['pipeline', 'steps'],
      log,
      { test: 'plain' },
      { out: { write: (line: string) => out.push(line) }, env },
    );
    expect(await done).toBe(0);
    for (const line of [...out, ...parentLog]
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== ''))
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const wrapped = parentLog
      .map((l) => JSON.parse(l) as { msg: string; line?: string; stream?: string; test?: string })
      .filter((l) => l.msg === 'pipeline steps process output');
    expect(wrapped.map((l) => l.line?.split(/\s+/)[0])).toContain('read-models');
    expect(wrapped.every((l) => l.stream === 'stdout' && l.test === 'plain')).toBe(true);
  });
});
