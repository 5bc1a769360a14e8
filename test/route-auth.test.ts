/**
 * Walks every operation of the generated OpenAPI document: each non-public one must refuse
 * anonymous callers (401) and callers whose role is too low (403), before validating anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/platform/db/schema.ts';
import { bearer, startHarness, type Harness } from './harness.ts';
import { confirmedSubscriber } from './subscribers.ts';

type Operation = { 'x-required-role': string; parameters?: { name: string; in: string }[] };
let h: Harness;
let operations: { method: string; path: string; role: string; template: string; idempotent: boolean }[];
const keyOf: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  h = await startHarness('sqlite::memory:');
  for (const role of ['viewer', 'operator'] as const) {
    keyOf[role] = (await h.runtime.keys.create({ name: role, role }, { actor: 'test', role: 'admin' })).key;
  }
  const doc = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[^}]+\}/g, 'x'),
      template: path,
      role: op['x-required-role'],
      idempotent: (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'),
    })),
  );
});
afterAll(() => h.close());

const weaker: Record<string, Role[]> = {
  viewer: [],
  operator: ['viewer'],
  admin: ['viewer', 'operator'],
  portfolio: ['viewer', 'operator'],
  // An owner is a portfolio, a subscriber (manage token) or an operator: a viewer key is none of them.
  // Owner routes (webhook endpoints, alerts): a portfolio, a subscriber's manage token, or operators.
  owner: ['viewer'],
};

describe('every registered route enforces its declared role', () => {
  it('finds the admin routes in the document', () => {
    expect(operations.filter((o) => o.role === 'admin').length).toBeGreaterThanOrEqual(4);
  });

  it('non-public routes answer 401 to anonymous callers', async () => {
    for (const op of operations.filter((o) => o.role !== 'public')) {
      const res = await h.request(op.path, { method: op.method });
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  it('non-public routes answer 403 to callers whose role is too low', async () => {
    let checked = 0;
    for (const op of operations) {
      for (const role of weaker[op.role] ?? []) {
        const res = await h.request(op.path, { method: op.method, headers: bearer(keyOf[role]!) });
        expect(res.status, `${op.method} ${op.path} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('portfolio routes refuse a portfolio secret that does not match with 401 invalid_credentials', async () => {
    const created = (await (await h.request('/v1/portfolios', { method: 'POST' })).json()) as { id: string };
    const wrong = { 'X-Portfolio-Id': created.id, 'X-Portfolio-Secret': `cqp_${'0'.repeat(32)}` };
    const portfolioOps = operations.filter((o) => o.role === 'portfolio');
    expect(portfolioOps.length).toBeGreaterThanOrEqual(3);
    // Each from its own address: an address gets a few dozen failed authentications per window.
    for (const [i, op] of portfolioOps.entries()) {
      const res = await h.request(op.path, { method: op.method, headers: wrong, ip: `198.51.100.${i + 1}` });
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_credentials');
    }
  });

  it('owner routes refuse a wrong portfolio secret and an unknown manage token with 401 invalid_credentials', async () => {
    const created = (await (await h.request('/v1/portfolios', { method: 'POST' })).json()) as { id: string };
    const ownerOps = operations.filter((o) => o.role === 'owner');
    expect(ownerOps.map((o) => `${o.method} ${o.template}`)).toEqual(
      expect.arrayContaining(['POST /v1/webhook-endpoints', 'POST /v1/webhook-endpoints/{id}/rotate-secret']),
    );
    const wrong = [
      { 'X-Portfolio-Id': created.id, 'X-Portfolio-Secret': `cqp_${'0'.repeat(32)}` },
      bearer(`cqm_${'0'.repeat(32)}`),
    ];
    for (const [i, op] of ownerOps.entries()) {
      for (const [j, headers] of wrong.entries()) {
        const res = await h.request(op.path, { method: op.method, headers, ip: `198.51.100.${100 + i * 2 + j}` });
        expect(res.status, `${op.method} ${op.path}`).toBe(401);
        expect(((await res.json()) as { code: string }).code).toBe('invalid_credentials');
      }
    }
  });

  it('every owner mutation honours Idempotency-Key', () => {
    const mutations = operations.filter((o) => o.role === 'owner' && o.method !== 'GET');
    expect(mutations.length).toBeGreaterThanOrEqual(5);
    expect(mutations.filter((o) => !o.idempotent).map((o) => `${o.method} ${o.template}`)).toEqual([]);
  });

  it('public routes answer anonymous callers (a made-up id may be 404, never 401/403/5xx)', async () => {
    for (const op of operations.filter((o) => o.role === 'public' && o.method === 'GET')) {
      const res = await h.request(op.path);
      expect([401, 403], op.path).not.toContain(res.status);
      expect(res.status, op.path).toBeLessThan(500);
      if (!op.path.includes('/x')) expect(res.status, op.path).toBeLessThan(400);
    }
  });

  it('every portfolio mutation honours Idempotency-Key (scoped to the portfolio and the route)', () => {
    const mutations = operations.filter(
      (o) => o.role === 'portfolio' && o.method !== 'GET' && o.template.startsWith('/v1/portfolios/{id}'),
    );
    expect(mutations.length).toBeGreaterThanOrEqual(5);
    expect(mutations.filter((o) => !o.idempotent).map((o) => `${o.method} ${o.template}`)).toEqual([]);
  });

  it('e-mail link routes are public: a made-up link answers a 404 problem, never 401/403, on GET and POST', async () => {
    const linkOps = operations.filter(
      (o) =>
        o.role === 'public' &&
        /\/v1\/(subscriptions\/(confirm|manage|forget)|unsubscribe)\/\{token\}$/.test(o.template),
    );
    expect(linkOps.map((o) => `${o.method} ${o.template}`).sort()).toEqual([
      'GET /v1/subscriptions/confirm/{token}',
      'GET /v1/subscriptions/forget/{token}',
      'GET /v1/subscriptions/manage/{token}',
      'GET /v1/unsubscribe/{token}',
      'POST /v1/subscriptions/confirm/{token}',
      'POST /v1/subscriptions/forget/{token}',
      'POST /v1/unsubscribe/{token}',
    ]);
    const prefix: Record<string, string> = { confirm: 'cqc_', manage: 'cqm_', forget: 'cqm_', unsubscribe: 'cqu_' };
    for (const op of linkOps) {
      const kind = /(confirm|manage|forget|unsubscribe)/.exec(op.template)![1]!;
      const res = await h.request(op.template.replace('{token}', `${prefix[kind]}${'7'.repeat(32)}`), {
        method: op.method,
      });
      expect(res.status, `${op.method} ${op.template}`).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('subscriber routes need the subscriber’s own manage token: others with owner access get 403', async () => {
    const subscriber = await confirmedSubscriber(h, 'route-auth@example.test');
    expect((await h.request('/v1/subscriptions/me', { headers: bearer(subscriber.manageToken) })).status).toBe(200);
    for (const token of [keyOf.operator!]) {
      for (const method of ['GET', 'DELETE']) {
        const res = await h.request('/v1/subscriptions/me', { method, headers: bearer(token) });
        expect(res.status, method).toBe(403);
      }
    }
    const wrong = await h.request('/v1/subscriptions/me', {
      headers: bearer(`cqm_${'0'.repeat(32)}`),
      ip: '198.51.100.90',
    });
    expect(wrong.status).toBe(401);
  });

  it('inbound provider routes refuse a post without the provider’s credentials (404 when not configured)', async () => {
    for (const path of ['/v1/inbound/email/resend', '/v1/inbound/email/postmark']) {
      const res = await h.request(path, { method: 'POST', body: '{}' });
      expect(res.status, path).toBe(404);
    }
  });

  it('error counts (GET /v1/admin/errors) are a viewer read', async () => {
    expect(operations.find((o) => o.template === '/v1/admin/errors')).toMatchObject({ method: 'GET', role: 'viewer' });
    expect((await h.request('/v1/admin/errors', { headers: bearer(keyOf.viewer!) })).status).toBe(200);
  });
});
