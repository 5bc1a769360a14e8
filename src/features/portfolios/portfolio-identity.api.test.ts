/**
 * A portfolio's identity through the app on both dialects: settings read and changed (audited),
 * the secret rotated (the old one refused at once), the portfolio deleted with everything it
 * holds (another portfolio untouched), and an export imported into a new portfolio that exports
 * the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import { insertPrintings } from '../catalog/printings.repo.ts';
import { catalogWriter } from '../ingest/context.ts';

const NOW = '2026-11-25T12:00:00.000Z';

interface Created {
  id: string;
  secret: string;
}

describe.each(dialects)('portfolio identity on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d, { FX_CURRENCIES: 'USD,GBP' });
    const db = () => h.runtime.database.db;
    const creds = (p: Created) => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const send = (p: Created, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      h.request(`/v1/portfolios/${p.id}${path}`, {
        method,
        headers: { ...creds(p), 'Content-Type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const create = async (name: string) =>
      (await (await h.request('/v1/portfolios', json({ name }))).json()) as Created;

    /** A portfolio with a watchlist item, lots of three kinds, sales and an idempotency key. */
    async function filled(name: string): Promise<Created> {
      const p = await create(name);
      expect((await send(p, 'PUT', '/watchlist/idn1-1.holofoil')).status).toBeLessThan(300);
      const lot = async (body: Record<string, unknown>) => {
        const res = await send(p, 'POST', '/lots', body, { 'Idempotency-Key': `lot-${Math.random()}` });
        expect(res.status).toBe(201);
        return (await res.json()) as { id: string };
      };
      await lot({
        printing_id: 'idn1-1.holofoil',
        quantity: 3,
        unit_cost: '100.10',
        fees: '0.29',
        currency: 'USD',
        acquired_on: '2026-11-01',
        condition: 'LP',
        note: 'from a show',
      });
      await lot({
        printing_id: 'idn1-1.holofoil',
        quantity: 1,
        unit_cost: 1500,
        currency: 'JPY',
        acquired_on: '2026-11-02',
        grade: { company: 'PSA', grade: '10' },
        manual_value: { unit_value: 2000, as_of: '2026-11-20' },
      });
      const box = await lot({
        item_name: 'Sealed box',
        quantity: 2,
        unit_cost: '89.99',
        currency: 'EUR',
        acquired_on: '2026-11-03',
        manual_value: { unit_value: '95.5', as_of: '2026-11-21' },
      });
      const sale = async (body: Record<string, unknown>) =>
        expect((await send(p, 'POST', '/sales', body)).status).toBe(201);
      await sale({
        printing_id: 'idn1-1.holofoil',
        condition: 'LP',
        quantity: 1,
        proceeds: '150.05',
        fees: '3.10',
        currency: 'USD',
        sold_on: '2026-11-10',
      });
      await sale({ lot_id: box.id, quantity: 1, proceeds: 120, currency: 'EUR', sold_on: '2026-11-11', note: 'fair' });
      return p;
    }

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'idn1', name: 'Identity' }], NOW);
      await catalogWriter(ctx).upsertCards([{ id: 'idn1-1', setId: 'idn1', number: '1', name: 'Mew' }], NOW);
      await insertPrintings(
        db(),
        [
          {
            id: 'idn1-1.holofoil',
            cardId: 'idn1-1',
            finish: 'holofoil',
            productId: null,
            subType: null,
            groupId: null,
          },
        ],
        NOW,
      );
    });

    it('reads the settings and counts, and changes them (audited, validated)', async () => {
      const p = await filled('settings');
      const res = await send(p, 'GET', '');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: p.id,
        name: 'settings',
        base_currency: 'USD',
        cost_method: 'fifo',
        preferred_market: 'tcgplayer',
        price_field: 'market',
        counts: { lots: 3, sales: 2, watchlist: 1 },
      });
      const changed = await send(p, 'PATCH', '', {
        name: 'renamed',
        base_currency: 'GBP',
        cost_method: 'average',
        preferred_market: 'cardmarket',
        price_field: 'low',
      });
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({
        name: 'renamed',
        base_currency: 'GBP',
        cost_method: 'average',
        preferred_market: 'cardmarket',
        price_field: 'low',
      });
      const audit = await db()
        .selectFrom('audit_log')
        .select(['actor', 'detail'])
        .where('action', '=', 'portfolio.update')
        .where('target', '=', p.id)
        .executeTakeFirstOrThrow();
      expect(audit.actor).toBe(p.id);
      expect(JSON.parse(audit.detail!)).toEqual({
        changes: {
          name: { from: 'settings', to: 'renamed' },
          base_currency: { from: 'USD', to: 'GBP' },
          cost_method: { from: 'fifo', to: 'average' },
          preferred_market: { from: 'tcgplayer', to: 'cardmarket' },
          price_field: { from: 'market', to: 'low' },
        },
      });
      // JPY is a currency, but without imported ECB rates it cannot be a base currency.
      const refused = await send(p, 'PATCH', '', { base_currency: 'JPY', cost_method: 'lifo' });
      expect(refused.status).toBe(422);
      const fields = ((await refused.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
      expect(fields).toEqual(['body.cost_method']);
      const currency = await send(p, 'PATCH', '', { base_currency: 'JPY' });
      expect(((await currency.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
        'body.base_currency',
      ]);
      expect((await send(p, 'PATCH', '', {})).status).toBe(422);
      expect((await send(p, 'PATCH', '', { base_currency: 'EUR' })).status).toBe(200);
    });

    it('rotates the secret: the old one is refused at once, the new one works, audited without it', async () => {
      const p = await create('rotate');
      const res = await send(p, 'POST', '/secret', undefined, { 'Idempotency-Key': 'rotate-1' });
      expect(res.status).toBe(200);
      const rotated = (await res.json()) as { id: string; secret: string };
      expect(rotated.id).toBe(p.id);
      expect(rotated.secret).toMatch(/^cqp_/);
      expect(rotated.secret).not.toBe(p.secret);
      expect((await send(p, 'GET', '')).status).toBe(401);
      const fresh = { id: p.id, secret: rotated.secret };
      expect((await send(fresh, 'GET', '')).status).toBe(200);
      // A retry with the same key replays the same new secret, it does not rotate again.
      const replay = await send(fresh, 'POST', '/secret', undefined, { 'Idempotency-Key': 'rotate-1' });
      expect(await replay.json()).toEqual(rotated);
      expect((await send(fresh, 'GET', '')).status).toBe(200);
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'portfolio.rotate_secret')
        .where('target', '=', p.id)
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain(rotated.secret);
      expect(JSON.stringify(audit)).not.toContain(p.secret);
    });

    it('deletes the portfolio and everything it holds; another portfolio is untouched', async () => {
      const doomed = await filled('doomed');
      const other = await filled('other');
      const before = (await (await send(other, 'GET', '/export')).json()) as Record<string, unknown>;
      const owner = (await db()
        .selectFrom('portfolios')
        .select('owner_id')
        .where('id', '=', doomed.id)
        .executeTakeFirstOrThrow())!.owner_id;
      expect((await send(doomed, 'DELETE', '', undefined, { 'Idempotency-Key': 'bye' })).status).toBe(204);
      const count = async (table: 'portfolio_lots' | 'portfolio_sales' | 'watchlist_items') =>
        Number(
          (
            await db()
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('portfolio_id', '=', doomed.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect([await count('portfolio_lots'), await count('portfolio_sales'), await count('watchlist_items')]).toEqual([
        0, 0, 0,
      ]);
      expect(await db().selectFrom('portfolios').select('id').where('id', '=', doomed.id).execute()).toEqual([]);
      expect(await db().selectFrom('principals').select('id').where('id', '=', owner).execute()).toEqual([]);
      expect(
        await db().selectFrom('idempotency_keys').select('key').where('scope', '=', `principal:${doomed.id}`).execute(),
      ).toEqual([]);
      const audit = await db()
        .selectFrom('audit_log')
        .select(['actor', 'detail'])
        .where('action', '=', 'portfolio.delete')
        .where('target', '=', doomed.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(audit.detail!)).toEqual({ owner_id: owner, lots: 3, sales: 2, watchlist: 1 });
      expect((await send(doomed, 'GET', '')).status).toBe(401);
      const after = (await (await send(other, 'GET', '/export')).json()) as Record<string, unknown>;
      expect({ ...after, exported_at: null }).toEqual({ ...before, exported_at: null });
    });

    it('an export imported into a new portfolio exports the same (all or nothing, idempotent)', async () => {
      const source = await filled('source');
      expect((await send(source, 'PATCH', '', { cost_method: 'average', base_currency: 'EUR' })).status).toBe(200);
      const exported = (await (await send(source, 'GET', '/export')).json()) as {
        lots: { ref: string; unit_cost: string; fees: string; manual_value: unknown }[];
        sales: { ref: string; lot_ref: string | null; proceeds: string }[];
      } & Record<string, unknown>;
      expect(exported).toMatchObject({ format: 'cardquant.portfolio', format_version: 1 });
      expect(exported.lots.map((l) => [l.unit_cost, l.fees])).toEqual([
        ['100.10', '0.29'],
        ['1500', '0'],
        ['89.99', '0.00'],
      ]);
      expect(exported.lots[2]!.manual_value).toEqual({ unit_value: '95.50', as_of: '2026-11-21' });
      const res = await h.request('/v1/portfolios/import', json(exported, { 'Idempotency-Key': 'import-1' }));
      expect(res.status).toBe(201);
      const imported = (await res.json()) as Created & { imported: unknown };
      expect(imported.id).not.toBe(source.id);
      expect(imported.imported).toEqual({ lots: 3, sales: 2, watchlist: 1 });
      const replay = await h.request('/v1/portfolios/import', json(exported, { 'Idempotency-Key': 'import-1' }));
      expect(await replay.json()).toEqual(imported);
      const again = (await (await send(imported, 'GET', '/export')).json()) as typeof exported;
      // Equal except for what names the new portfolio and its new rows.
      const refs = new Map([...exported.lots, ...exported.sales].map((r, i) => [r.ref, i]));
      const againRefs = new Map([...again.lots, ...again.sales].map((r, i) => [r.ref, i]));
      const strip = (doc: typeof exported, index: Map<string, number>) => ({
        ...doc,
        exported_at: null,
        portfolio: { ...(doc.portfolio as object), id: null, created_at: null },
        lots: doc.lots.map((l) => ({ ...l, ref: index.get(l.ref), created_at: null, updated_at: null })),
        sales: doc.sales.map((s) => ({
          ...s,
          ref: index.get(s.ref),
          lot_ref: s.lot_ref === null ? null : index.get(s.lot_ref),
          created_at: null,
        })),
      });
      expect(strip(again, againRefs)).toEqual(strip(exported, refs));
      // One bad row: nothing is created, the row's field is named.
      const portfolios = (await db().selectFrom('portfolios').select('id').execute()).length;
      const bad = structuredClone(exported);
      bad.sales[0]!.proceeds = '1.234';
      const refused = await h.request('/v1/portfolios/import', json(bad));
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
        'body.sales.0.proceeds',
      ]);
      expect((await db().selectFrom('portfolios').select('id').execute()).length).toBe(portfolios);
    });

    it('an import names an unknown printing, a base currency without rates and a lot an outside sale needs', async () => {
      const doc = {
        format: 'cardquant.portfolio',
        format_version: 1,
        portfolio: {
          name: 'x',
          base_currency: 'USD',
          cost_method: 'fifo',
          preferred_market: 'tcgplayer',
          price_field: 'market',
        },
        watchlist: [{ printing_id: 'nope.holofoil', added_at: NOW }],
        lots: [],
        sales: [],
      };
      const before = (await db().selectFrom('portfolios').select('id').execute()).length;
      const problems = async (body: unknown) => {
        const res = await h.request('/v1/portfolios/import', json(body));
        expect(res.status).toBe(422);
        return ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
      };
      expect(await problems(doc)).toEqual(['body.watchlist.0.printing_id']);
      expect(await problems({ ...doc, watchlist: [], portfolio: { ...doc.portfolio, base_currency: 'JPY' } })).toEqual([
        'body.portfolio.base_currency',
      ]);
      const sale = {
        ref: 'sale_1',
        printing_id: null,
        lot_ref: 'lot_missing',
        condition: 'NM',
        grade: null,
        quantity: 1,
        proceeds: '1.00',
        fees: '0.00',
        currency: 'USD',
        sold_on: '2026-11-01',
        note: null,
        origin: 'manual',
      };
      expect(await problems({ ...doc, watchlist: [], sales: [sale] })).toEqual(['body.sales.0.lot_id']);
      // A watchlist entry added in the future or at no real instant, and two lots under one ref.
      expect(
        await problems({
          ...doc,
          watchlist: [
            { printing_id: 'nope.holofoil', added_at: '2999-01-01T00:00:00Z' },
            { printing_id: 'nope.holofoil', added_at: 'yesterday' },
          ],
        }),
      ).toEqual(['body.watchlist.1.added_at']);
      expect(
        await problems({ ...doc, watchlist: [{ printing_id: 'nope.holofoil', added_at: '2999-01-01T00:00:00Z' }] }),
      ).toEqual(['body.watchlist.0.printing_id', 'body.watchlist.0.added_at']);
      const lot = {
        ref: 'lot_1',
        printing_id: null,
        item_name: 'Box',
        quantity: 1,
        unit_cost: '1.00',
        fees: '0.00',
        currency: 'USD',
        acquired_on: '2026-11-01',
        condition: 'NM',
        grade: null,
        note: null,
        manual_value: null,
        origin: 'manual',
      };
      expect(await problems({ ...doc, watchlist: [], lots: [lot, lot] })).toEqual(['body.lots.1.ref']);
      expect((await db().selectFrom('portfolios').select('id').execute()).length).toBe(before);
    });
  });
});
