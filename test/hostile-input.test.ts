/**
 * Hostile input never answers 5xx. Every operation of the app's own `/openapi.json` is called
 * with generated parameters and bodies — NUL and other control characters, long strings,
 * impossible dates, wrong types, huge numbers — mixed with valid values so that the hostile one
 * reaches the handler. Callers authenticate as admin (or with a portfolio's capability for
 * portfolio routes). Every answer must be below 500, and every 4xx a problem document.
 * Bounded work: a fixed number of runs per operation and a fixed seed.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestLauncher } from '../src/features/backtests/backtests.launcher.ts';
import type { PipelineLauncher } from '../src/platform/launcher.ts';
import { createLogger } from '../src/platform/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { BUDGET } from './budget.ts';
import { dialects, label } from './dialects.ts';
import { seedMarket } from './market-fixtures.ts';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from './harness.ts';
import { confirmedSubscriber } from './subscribers.ts';

const RUNS_PER_OPERATION = 40;
const SEED = 20261204;

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  role: string;
  parameters: Parameter[];
  body: Schema | null;
}

/** Strings a hostile client sends; each one is a class of input that once answered 500 somewhere. */
const HOSTILE_STRINGS = [
  '\u0000',
  'base1-4\u0000',
  '\u0001\u0002',
  'a\u007fb',
  'x\u0085y',
  '2026-13-45',
  '2026-02-30',
  '0000-00-00',
  '9999-99-99',
  '2026-11-25T25:61:00Z',
  '+275760-09-14',
  '-271821-04-19T00:00:00Z',
  '1e309',
  '99999999999999999999999',
  '-9007199254740993',
  'NaN',
  'Infinity',
  '-0',
  '0x1f',
  'true',
  '[]',
  '{}',
  '',
  ' ',
  "' or 1=1 --",
  '%00',
  '../../etc/passwd',
  '\u{1F525}'.repeat(300),
];
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([a, b]) => `${a}\u0000${b}`),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary-ascii' }) },
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 1.5, 0, -1, 2_147_483_648) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, ['\u0000'], { nested: '\u0000' }) },
);

function resolve(spec: { components?: { schemas?: Record<string, Schema> } }, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  while (s.$ref) s = spec.components?.schemas?.[s.$ref.split('/').pop()!] ?? {};
  if (s.allOf) return s.allOf.reduce<Schema>((acc, part) => ({ ...acc, ...resolve(spec, part) }), {});
  return s;
}

/** A value the schema accepts, when the document says one: example, default, first enum value. */
function validValue(schema: Schema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const alt = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alt) return validValue(alt);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (schema.format === 'date') return '2026-11-20';
  if (schema.format === 'date-time') return '2026-11-20T00:00:00Z';
  return 'base1-4';
}

function operations(
  spec: { paths: Record<string, Record<string, Record<string, unknown>>> } & Parameters<typeof resolve>[0],
): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        role: String(op['x-required-role']),
        parameters: ((op.parameters as Parameter[] | undefined) ?? []).map((p) => ({
          ...p,
          schema: resolve(spec, p.schema),
        })),
        body: body ? resolve(spec, body) : null,
      });
    }
  }
  return ops;
}

/** Ids that exist in the seeded market (seedMarket), so valid parameters reach the deeper code. */
const SEEDED: Record<string, string> = {
  'cards:id': 's1-4',
  'sets:id': 's1',
  printing: 's1-4.holofoil',
  printingId: 's1-4.holofoil',
};

/** One request for an operation: each parameter valid, hostile or left out; a body likewise. */
function requestFor(op: Operation, spec: Parameters<typeof resolve>[0], portfolioId: string) {
  const valid = (p: Parameter) => {
    if (p.in === 'path' && p.name === 'id' && op.role === 'portfolio') return portfolioId;
    return SEEDED[p.name === 'id' ? `${op.path.split('/')[2]}:id` : p.name] ?? validValue(p.schema ?? {});
  };
  const param = (p: Parameter) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(valid(p)) },
      { weight: 3, arbitrary: hostileString as fc.Arbitrary<unknown> },
      ...(p.required || p.in === 'path' ? [] : [{ weight: 1, arbitrary: fc.constant(undefined) }]),
    );
  const params = fc.tuple(...op.parameters.map(param));
  const props = Object.entries(op.body?.properties ?? {});
  const field = ([, schema]: [string, Schema]) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(validValue(resolve(spec, schema))) },
      { weight: 3, arbitrary: hostileJson },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  const body: fc.Arbitrary<string | undefined> = op.body
    ? fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .tuple(...props.map(field))
            .map((values) => JSON.stringify(Object.fromEntries(props.map(([k], i) => [k, values[i]])))),
        },
        { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: fc.constantFrom('{', '{"a":"\\u0000"', '\u0000', '', undefined) },
      )
    : fc.constant(undefined);
  return fc.tuple(params, body).map(([values, text]) => {
    let path = op.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    op.parameters.forEach((p, i) => {
      const raw = values[i];
      if (raw === undefined) return;
      const value = String(raw);
      if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(value));
      else if (p.in === 'query') query.set(p.name, value);
      else headers[p.name] = value;
    });
    const qs = query.toString();
    return { url: qs ? `${path}?${qs}` : path, headers, body: text };
  });
}

describe.each(dialects)('hostile input on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url = '';
    let h: Harness;
    let spec: Parameters<typeof operations>[0];
    let portfolio: { id: string; secret: string };

    const pipelineLauncher: PipelineLauncher = { launch: async () => ({ pid: null, done: Promise.resolve(0) }) };
    const backtestLauncher: BacktestLauncher = { launch: async () => ({ pid: null, done: Promise.resolve(0) }) };

    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(
        url,
        {
          RATE_LIMIT_ANONYMOUS: '10000000',
          RATE_LIMIT_AUTHENTICATED: '10000000',
          PORTFOLIO_CREATE_PER_HOUR: '10000000',
          ALERT_CREATE_PER_HOUR: '10000000',
          ALERT_RULES_PER_OWNER: '1000000',
        },
        { launcher: pipelineLauncher, backtests: { launcher: backtestLauncher } },
      );
      await seedMarket(h.runtime.ingest);
      spec = (await (await h.request('/openapi.json')).json()) as typeof spec;
      portfolio = await freshPortfolio();
    });

    /** A new portfolio: some operations rotate a portfolio's secret or delete it. */
    async function freshPortfolio(): Promise<{ id: string; secret: string }> {
      const created = await h.request('/v1/portfolios', { method: 'POST' });
      return (await created.json()) as { id: string; secret: string };
    }
    async function freshEndpoint(): Promise<string> {
      const res = await h.request('/v1/webhook-endpoints', {
        method: 'POST',
        headers: { ...bearer(ADMIN_TOKEN), 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: 'https://203.0.113.10/hook' }),
      });
      return ((await res.json()) as { id: string }).id;
    }
    afterAll(async () => {
      await h?.close();
      if (url) await d.drop(url);
    });

    it(
      'answers every operation below 500, and every 4xx with a problem document',
      { timeout: BUDGET.heavyTestMs },
      async () => {
        const ops = operations(spec);
        expect(ops.length).toBeGreaterThan(30);
        const seen = new Map<number, number>();
        let subscribers = 0;
        for (const op of ops) {
          if (op.role === 'portfolio') portfolio = await freshPortfolio();
          // The subscriber's own routes are reached with a fresh subscriber's manage token (DELETE removes it).
          const subscriber = op.path.startsWith('/v1/subscriptions/me')
            ? await confirmedSubscriber(h, `hostile-${subscribers++}@example.test`)
            : null;
          // A fresh endpoint of the caller's (some operations delete or disable one) so valid ids reach the handler.
          if (op.path.startsWith('/v1/webhook-endpoints/{id}')) SEEDED['webhook-endpoints:id'] = await freshEndpoint();
          const credentials =
            op.role === 'portfolio'
              ? { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret }
              : subscriber
                ? bearer(subscriber.manageToken)
                : bearer(ADMIN_TOKEN);
          await fc.assert(
            fc.asyncProperty(requestFor(op, spec, portfolio.id), async (req) => {
              const headers = new Headers(credentials);
              for (const [k, v] of Object.entries(req.headers)) {
                try {
                  headers.set(k, v);
                } catch {
                  return; // not sendable over HTTP at all (e.g. NUL in a header value); node's parser refuses it
                }
              }
              if (req.body !== undefined) headers.set('Content-Type', 'application/json');
              const res = await h.request(req.url, { method: op.method, headers, body: req.body });
              const text = await res.text();
              seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
              const where = `${op.method} ${req.url.slice(0, 300)} ${req.body?.slice(0, 300) ?? ''} → ${res.status} ${text.slice(0, 300)}`;
              expect(res.status, where).toBeLessThan(500);
              if (res.status >= 400) {
                expect(res.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
                expect((JSON.parse(text) as { status: number }).status, where).toBe(res.status);
              }
            }),
            { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
          );
        }
        // The handlers were reached: many answers succeeded, and some inputs were refused as invalid.
        const succeeded = [...seen].filter(([status]) => status < 300).reduce((n, [, count]) => n + count, 0);
        expect(succeeded).toBeGreaterThan(ops.length * 2);
        expect(seen.get(422) ?? 0).toBeGreaterThan(0);
      },
    );

    it('names the field holding a NUL byte, in a path, a query, a header and a JSON body', async () => {
      const admin = bearer(ADMIN_TOKEN);
      portfolio = await freshPortfolio();
      const cases: [string, RequestInit, string][] = [
        ['/v1/cards/base1-4%00', {}, 'path.id'],
        ['/v1/cards?q=char%00izard', {}, 'query.q'],
        ['/v1/admin/anomalies?subject=%01', { headers: admin }, 'query.subject'],
        [
          '/v1/admin/keys',
          {
            method: 'POST',
            headers: { ...admin, 'Content-Type': 'application/json' },
            body: '{"name":"a\\u0000b","role":"viewer"}',
          },
          'body.name',
        ],
        [
          '/v1/admin/keys',
          {
            method: 'POST',
            headers: { ...admin, 'Content-Type': 'application/json', 'Idempotency-Key': 'k\u0001' },
            body: '{"name":"ok","role":"viewer"}',
          },
          'header.idempotency-key',
        ],
        [
          `/v1/portfolios/${portfolio.id}/watchlist/base1-4%00`,
          { method: 'PUT', headers: { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret } },
          'path.printingId',
        ],
      ];
      for (const [path, init, field] of cases) {
        const res = await h.request(path, init);
        expect(res.status, path).toBe(422);
        const body = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
        expect(body.code).toBe('validation_failed');
        expect(body.errors.map((e) => e.field)).toContain(field);
      }
      // Tab, line feed and carriage return stay allowed in free text.
      const keyed = await h.request('/v1/admin/keys', {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'line one\tline\r\ntwo', role: 'viewer' }),
      });
      expect(keyed.status).toBe(201);
      // UTF-8 text in a header arrives latin1-decoded (bytes 0x80–0x9F look like C1 controls): allowed.
      const utf8 = await h.request('/v1/cards?limit=1', {
        headers: { 'X-City': Buffer.from('Москва — 5 €').toString('latin1') },
      });
      expect(utf8.status).toBe(200);
    });

    it('refuses impossible dates in anomaly filters and cursors with 422', async () => {
      const admin = { headers: bearer(ADMIN_TOKEN) };
      const cursor = Buffer.from(JSON.stringify({ date: '2026-13-45', id: 'anm_x' })).toString('base64url');
      for (const query of ['from=2026-13-45', 'to=2026-02-30', 'from=9999-99-99', `cursor=${cursor}`]) {
        const res = await h.request(`/v1/admin/anomalies?${query}`, admin);
        expect(res.status, query).toBe(422);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });
  });
});

describe('requests the HTTP parser refuses', () => {
  let h: Harness;
  let server: RunningServer;
  beforeAll(async () => {
    h = await startHarness('sqlite::memory:');
    server = await listen(h.runtime.app.fetch, { host: '127.0.0.1', port: 0 }, createLogger('silent'));
  });
  afterAll(async () => {
    await server?.shutdown(1000);
    await h?.close();
  });

  /** Sends raw bytes and reads the whole answer (the server closes the connection). */
  const raw = (bytes: string) =>
    new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes));
      let out = '';
      socket.on('data', (d) => (out += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body });
      });
    });

  it.each([
    ['an oversized URL', `GET /v1/cards?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'uri_too_long'],
    [
      'oversized headers',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'header_fields_too_large',
    ],
    [
      'a NUL in a header',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Portfolio-Id: a\u0000b\r\n\r\n',
      400,
      'malformed_request',
    ],
  ])('answers %s with a problem document', async (_what, request, status, code) => {
    const res = await raw(request);
    expect(res.status).toBe(status);
    expect(res.headers).toContain('content-type: application/problem+json');
    const problem = JSON.parse(res.body) as { status: number; code: string };
    expect(problem).toMatchObject({ status, code });
  });
});
