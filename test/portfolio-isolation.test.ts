/**
 * No portfolio can read or change another's data. Every operation the OpenAPI document lists
 * under `/v1/portfolios/{id}` (so operations added later are covered without editing this test)
 * is called on portfolio A's id with portfolio B's credentials — with A's sub-resources and with
 * B's — and on A's id with A's credentials but B's sub-resources: each must answer 404, and
 * neither portfolio's rows (in every table with a `portfolio_id` column) may change. A control
 * call with the same path, query and body on a third portfolio's own data must pass validation,
 * so the 404s come from the ownership check, not from a malformed request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { insertPrintings } from '../src/features/catalog/printings.repo.ts';
import { catalogWriter } from '../src/features/ingest/context.ts';
import { dialects, label } from './dialects.ts';
import { harnessDatabase, json } from './harness.ts';

const NOW = '2026-11-25T12:00:00.000Z';
const PRINTING = 'iso1-1.holofoil';

interface Portfolio {
  id: string;
  secret: string;
  /** Sub-resource ids by path parameter name. */
  subIds: Record<string, string>;
}

type Schema = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Query parameters that take a date. */
const DATE_PARAMS = new Set(['from', 'to', 'as_of']);

/** Valid bodies of the operations whose schemas a generic sample would not satisfy. */
const BODIES: Record<string, unknown> = {
  'POST /v1/portfolios/{id}/lots': {
    printing_id: PRINTING,
    quantity: 1,
    unit_cost: '1.00',
    currency: 'USD',
    acquired_on: '2026-11-01',
  },
  'PATCH /v1/portfolios/{id}/lots/{lotId}': { note: 'changed' },
  'POST /v1/portfolios/{id}/sales': {
    printing_id: PRINTING,
    quantity: 1,
    proceeds: '1.00',
    currency: 'USD',
    sold_on: '2026-11-20',
  },
  'PATCH /v1/portfolios/{id}': { name: 'changed' },
  'POST /v1/portfolios/{id}/lots/import': {
    csv: `printing_id,quantity,unit_cost,currency,acquired_on\r\n${PRINTING},1,1.00,USD,2026-11-01\r\n`,
  },
  'POST /v1/portfolios/{id}/sales/import': {
    csv: `printing_id,quantity,proceeds,currency,sold_on\r\n${PRINTING},1,1.00,USD,2026-11-20\r\n`,
  },
  'POST /v1/portfolios/{id}/collection/import': {
    csv: 'Name,Set,Number,Price\r\nMewtwo,Isolation,1,1.00\r\n',
    mapping: { name: 'Name', set: 'Set', number: 'Number', price: 'Price' },
    currency: 'USD',
  },
  'PUT /v1/portfolios/{id}/targets': { weights: [{ printing_id: PRINTING, weight: 0.5 }] },
};

function resolve(spec: Spec, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  while (typeof s.$ref === 'string') s = spec.components?.schemas?.[s.$ref.split('/').at(-1)!] ?? {};
  return s;
}

/** A value the schema accepts, built from its examples, enums, defaults and types. */
function sample(spec: Spec, raw: Schema | undefined): unknown {
  const s = resolve(spec, raw);
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const options = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (options) return sample(spec, options.find((o) => resolve(spec, o).type !== 'null') ?? options[0]);
  if (Array.isArray(s.allOf))
    return Object.assign({}, ...(s.allOf as Schema[]).map((part) => sample(spec, part) as object));
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = (s.required ?? []) as string[];
      return Object.fromEntries(required.map((name) => [name, sample(spec, props[name])]));
    }
    case 'array':
      return [sample(spec, s.items as Schema)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? Math.max(1, s.minimum) : 1;
    case 'boolean':
      return true;
    default:
      return s.format === 'date' ? '2026-11-20' : 'x';
  }
}

describe.each(dialects)('portfolio isolation on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d, { PORTFOLIO_CREATE_PER_HOUR: '100000', RATE_LIMIT_AUTHENTICATED: '1000000' });
    const db = () => h.runtime.database.db;
    const creds = (p: Portfolio) => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    let spec: Spec;
    let tables: string[] = [];

    /** A portfolio with a watchlist item, a lot of a printing, a lot outside the catalogue, a sale, targets and an order. */
    async function filled(name: string): Promise<Portfolio> {
      const created = (await (await h.request('/v1/portfolios', json({ name }))).json()) as Portfolio;
      const p: Portfolio = { ...created, subIds: { printingId: PRINTING } };
      const post = async (path: string, body: unknown) => {
        const res = await h.request(`/v1/portfolios/${p.id}${path}`, json(body, creds(p)));
        expect(res.status, `${path} ${await res.clone().text()}`).toBe(201);
        return ((await res.json()) as { id: string }).id;
      };
      const put = await h.request(`/v1/portfolios/${p.id}/watchlist/${PRINTING}`, { method: 'PUT', headers: creds(p) });
      expect(put.status).toBeLessThan(300);
      await post('/lots', {
        printing_id: PRINTING,
        quantity: 5,
        unit_cost: 2,
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      p.subIds.lotId = await post('/lots', {
        item_name: 'Sealed box',
        quantity: 1,
        unit_cost: 50,
        currency: 'USD',
        acquired_on: '2026-11-01',
        manual_value: { unit_value: 60, as_of: '2026-11-20' },
      });
      p.subIds.saleId = await post('/sales', {
        printing_id: PRINTING,
        quantity: 1,
        proceeds: 3,
        currency: 'USD',
        sold_on: '2026-11-10',
      });
      const targets = await h.request(`/v1/portfolios/${p.id}/targets`, {
        method: 'PUT',
        headers: { ...creds(p), 'Content-Type': 'application/json' },
        body: JSON.stringify({ weights: [{ printing_id: PRINTING, weight: 0.5 }] }),
      });
      expect(targets.status, await targets.clone().text()).toBeLessThan(300);
      p.subIds.orderId = await post('/orders', { budget: 10 });
      return p;
    }

    /** Every row that belongs to the portfolio, in every table with a portfolio_id column, and its own row. */
    async function snapshot(p: Portfolio): Promise<Record<string, unknown[]>> {
      const out: Record<string, unknown[]> = {
        portfolios: await db().selectFrom('portfolios').selectAll().where('id', '=', p.id).execute(),
      };
      for (const table of tables) {
        const rows = await db()
          .selectFrom(table as 'portfolio_lots')
          .selectAll()
          .where('portfolio_id', '=', p.id)
          .execute();
        out[table] = rows.map((r) => JSON.stringify(r)).sort();
      }
      return out;
    }

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'iso1', name: 'Isolation' }], NOW);
      await catalogWriter(ctx).upsertCards([{ id: 'iso1-1', setId: 'iso1', number: '1', name: 'Mewtwo' }], NOW);
      await insertPrintings(
        db(),
        [{ id: PRINTING, cardId: 'iso1-1', finish: 'holofoil', productId: null, subType: null, groupId: null }],
        NOW,
      );
      spec = (await (await h.request('/openapi.json')).json()) as Spec;
      tables = (await db().introspection.getTables())
        .filter((t) => t.columns.some((c) => c.name === 'portfolio_id'))
        .map((t) => t.name)
        .sort();
    });

    it('finds the portfolio tables and operations it checks', () => {
      expect(tables).toEqual(expect.arrayContaining(['portfolio_lots', 'portfolio_sales', 'watchlist_items']));
      const paths = Object.keys(spec.paths).filter((p) => p.startsWith('/v1/portfolios/{id}'));
      expect(paths).toEqual(
        expect.arrayContaining([
          '/v1/portfolios/{id}',
          '/v1/portfolios/{id}/lots/{lotId}',
          '/v1/portfolios/{id}/sales/{saleId}',
          '/v1/portfolios/{id}/summary',
        ]),
      );
    });

    it('every operation on another portfolio answers 404 and changes nothing', { timeout: 120_000 }, async () => {
      const a = await filled('A');
      const b = await filled('B');
      const beforeA = await snapshot(a);
      const beforeB = await snapshot(b);
      const ops = Object.entries(spec.paths)
        .filter(([path]) => path === '/v1/portfolios/{id}' || path.startsWith('/v1/portfolios/{id}/'))
        .flatMap(([path, item]) =>
          Object.entries(item).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
        );
      expect(ops.length).toBeGreaterThanOrEqual(15);

      for (const op of ops) {
        const name = `${op.method} ${op.path}`;
        const subParams = (op.parameters ?? []).filter((p) => p.in === 'path' && p.name !== 'id').map((p) => p.name);
        const query = new URLSearchParams();
        for (const p of op.parameters ?? [])
          if (p.in === 'query' && p.required)
            query.set(p.name, DATE_PARAMS.has(p.name) ? '2026-11-20' : String(sample(spec, p.schema)));
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const body = name in BODIES ? BODIES[name] : schema ? sample(spec, schema) : undefined;
        const call = (pathId: string, subs: Portfolio, caller: Portfolio) => {
          let url = op.path.replace('{id}', pathId);
          for (const param of subParams) {
            const value = subs.subIds[param];
            if (value === undefined) throw new Error(`${name}: teach this test how to make a {${param}}`);
            url = url.replace(`{${param}}`, encodeURIComponent(value));
          }
          if ([...query].length > 0) url += `?${query}`;
          return h.request(url, {
            method: op.method,
            headers: { ...creds(caller), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        };

        // B's credentials on A's id, with A's sub-resources and with B's.
        for (const subs of [a, b]) {
          const res = await call(a.id, subs, b);
          expect(res.status, `${name} as B on A (${subs === a ? "A's" : "B's"} sub-resources)`).toBe(404);
        }
        // A's credentials on A's id with B's sub-resources.
        if (subParams.some((p) => p !== 'printingId')) {
          const res = await call(a.id, b, a);
          expect(res.status, `${name} as A on A with B's sub-resources`).toBe(404);
        }
        // The control: the same request on a third portfolio's own data is not refused as malformed.
        const c = await filled('C');
        const control = await call(c.id, c, c);
        expect([404, 422], `${name} control on its own portfolio: ${await control.clone().text()}`).not.toContain(
          control.status,
        );
        expect(control.status, name).toBeLessThan(500);
      }
      expect(await snapshot(a)).toEqual(beforeA);
      expect(await snapshot(b)).toEqual(beforeB);
    });

    it("every /v1/alerts/{id} operation with another portfolio's credentials answers 404 and changes nothing", async () => {
      /** A portfolio with one alert rule on a webhook endpoint of its own. */
      const withRule = async (name: string) => {
        const p = (await (await h.request('/v1/portfolios', json({ name }))).json()) as Portfolio;
        const { owner_id } = await db()
          .selectFrom('portfolios')
          .select('owner_id')
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow();
        await db()
          .insertInto('webhook_endpoints')
          .values({
            id: `whe_${p.id}`,
            owner_id,
            kind: 'standard',
            url_sealed: 'sealed',
            host: 'receiver.example:443',
            description: null,
            secret_sealed: null,
            previous_secret_sealed: null,
            previous_secret_until: null,
            status: 'enabled',
            disabled_reason: null,
            disabled_at: null,
            failing_since: null,
            created_at: NOW,
            updated_at: NOW,
          })
          .execute();
        const res = await h.request(
          '/v1/alerts',
          json(
            {
              kind: 'price_above',
              printing_id: PRINTING,
              threshold: 1,
              channel: 'webhook',
              endpoint_id: `whe_${p.id}`,
            },
            creds(p),
          ),
        );
        expect(res.status, await res.clone().text()).toBe(201);
        return { p, ruleId: ((await res.json()) as { id: string }).id, owner_id };
      };
      const rules = (ownerId: string) =>
        db().selectFrom('alert_rules').selectAll().where('owner_id', '=', ownerId).execute();
      const a = await withRule('alerts A');
      const b = await withRule('alerts B');
      const before = await rules(a.owner_id);
      const bodies: Record<string, unknown> = {
        'PATCH /v1/alerts/{id}': { note: 'changed' },
        'POST /v1/alerts/{id}/snooze': { hours: 1 },
      };
      const ops = Object.entries(spec.paths)
        .filter(([path]) => path.startsWith('/v1/alerts/{id}'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })));
      expect(ops.length).toBeGreaterThanOrEqual(5);
      const call = (op: { method: string; path: string }, ruleId: string, caller: Portfolio) => {
        const body = bodies[`${op.method} ${op.path}`];
        return h.request(op.path.replace('{id}', ruleId), {
          method: op.method,
          headers: { ...creds(caller), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      };
      for (const op of ops.filter((o) => o.method !== 'DELETE')) {
        const res = await call(op, a.ruleId, b.p);
        expect(res.status, `${op.method} ${op.path} as B on A's rule`).toBe(404);
        const control = await call(op, b.ruleId, b.p);
        expect(control.status, `${op.method} ${op.path} control`).toBeLessThan(300);
      }
      const del = await call({ method: 'DELETE', path: '/v1/alerts/{id}' }, a.ruleId, b.p);
      expect(del.status).toBe(404);
      expect(await rules(a.owner_id)).toEqual(before);
      const listed = (await (await h.request('/v1/alerts', { headers: creds(b.p) })).json()) as {
        items: { id: string }[];
      };
      expect(listed.items.map((r) => r.id)).toEqual([b.ruleId]);
    });

    it('webhook endpoints of one portfolio answer 404 to another and stay unchanged', { timeout: 60_000 }, async () => {
      const create = async (p: Portfolio) => {
        const res = await h.request('/v1/webhook-endpoints', json({ url: 'https://203.0.113.10/hook' }, creds(p)));
        expect(res.status).toBe(201);
        return ((await res.json()) as { id: string }).id;
      };
      const newPortfolio = async (name: string) =>
        ({
          ...((await (await h.request('/v1/portfolios', json({ name }))).json()) as Portfolio),
          subIds: {},
        }) as Portfolio;
      const a = await newPortfolio('WA');
      const b = await newPortfolio('WB');
      const ops = Object.entries(spec.paths)
        .filter(([path]) => path.startsWith('/v1/webhook-endpoints/{id}'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })));
      expect(ops.length).toBeGreaterThanOrEqual(6);
      const bodies: Record<string, unknown> = { 'PATCH /v1/webhook-endpoints/{id}': { description: 'taken over' } };
      const rows = () => db().selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
      for (const op of ops) {
        const id = await create(a);
        const before = await rows();
        const body = bodies[`${op.method} ${op.path}`];
        const call = (caller: Portfolio) =>
          h.request(op.path.replace('{id}', id), {
            method: op.method,
            headers: { ...creds(caller), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        expect((await call(b)).status, `${op.method} ${op.path} as B on A's endpoint`).toBe(404);
        expect(await rows()).toEqual(before);
        // The control: the owner's own call is not refused.
        expect((await call(a)).status, `${op.method} ${op.path} as A`).toBeLessThan(300);
      }
      const listed = (await (await h.request('/v1/webhook-endpoints', { headers: creds(b) })).json()) as {
        items: unknown[];
      };
      expect(listed.items).toEqual([]);
    });
  });
});
