/**
 * Lots and sales through the app on both dialects: validation (every field named), exact amounts,
 * the holding check (a sale, an edit or a deletion that would oversell is refused), and two
 * concurrent sales that cannot both pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import { insertPrintings } from '../catalog/printings.repo.ts';
import { catalogWriter } from '../ingest/context.ts';

interface Created {
  id: string;
  secret: string;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const NOW = '2026-11-25T12:00:00.000Z';

describe.each(dialects)('the portfolio ledger on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let p: Created;
    const creds = () => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      h.request(`/v1/portfolios/${p.id}${path}`, json(body, { ...creds(), ...headers }));
    const send = (method: string, path: string, body?: unknown) =>
      h.request(`/v1/portfolios/${p.id}${path}`, {
        method,
        headers: { ...creds(), 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], NOW);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'base1-2', setId: 'base1', number: '2', name: 'Blastoise' },
        ],
        NOW,
      );
      const printing = (cardId: string, finish: string) => ({
        id: `${cardId}.${finish}`,
        cardId,
        finish,
        productId: null,
        subType: null,
        groupId: null,
      });
      await insertPrintings(
        h.runtime.database.db,
        [printing('base1-4', 'holofoil'), printing('base1-2', 'holofoil'), printing('base1-2', 'normal')],
        NOW,
      );
      const res = await h.request('/v1/portfolios', json({ name: 'ledger' }));
      p = (await res.json()) as Created;
    });

    it('adds a lot with exact amounts and shows it with its printing and basis', async () => {
      const res = await post('/lots', {
        printing_id: 'base1-4.holofoil',
        quantity: 3,
        unit_cost: '100.10',
        fees: 0.29,
        currency: 'USD',
        acquired_on: '2026-11-01',
        condition: 'LP',
        note: 'from a show',
      });
      expect(res.status).toBe(201);
      const lot = (await res.json()) as Record<string, unknown>;
      expect(lot).toMatchObject({
        printing: { id: 'base1-4.holofoil', card_id: 'base1-4', name: 'Charizard', set_id: 'base1', number: '4' },
        quantity: 3,
        unit_cost: 100.1,
        fees: 0.29,
        cost_basis: 300.59,
        currency: 'USD',
        condition: 'LP',
        grade: null,
        manual_value: null,
        origin: 'manual',
      });
      const row = await h.runtime.database.db
        .selectFrom('portfolio_lots')
        .select(['unit_cost_minor', 'fees_minor'])
        .where('id', '=', lot.id as string)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ unit_cost_minor: 10010, fees_minor: 29 });
    });

    it('resolves card + finish, and asks for the finish when a card has several printings', async () => {
      const ok = await post('/lots', {
        card_id: 'base1-2',
        finish: 'normal',
        quantity: 1,
        unit_cost: 5,
        currency: 'EUR',
        acquired_on: '2026-11-02',
      });
      expect(ok.status).toBe(201);
      const res = await post('/lots', {
        card_id: 'base1-2',
        quantity: 1,
        unit_cost: 5,
        currency: 'EUR',
        acquired_on: '2026-11-02',
      });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as Problem;
      expect(problem.errors).toEqual([
        { field: 'body.card_id', message: expect.stringContaining('give finish (one of') },
      ]);
    });

    it('lists every invalid field at once and writes nothing', async () => {
      const before = await send('GET', '/lots');
      const count = ((await before.json()) as { items: unknown[] }).items.length;
      const res = await post('/lots', {
        printing_id: 'nope.holofoil',
        quantity: 1,
        unit_cost: '1.999',
        currency: 'XYZ',
        acquired_on: '2026-12-24',
      });
      expect(res.status).toBe(422);
      const fields = ((await res.json()) as Problem).errors!.map((e) => e.field).sort();
      // The unit cost is read as USD when the currency is unknown, so its three decimals are named too.
      expect(fields).toEqual(['body.acquired_on', 'body.currency', 'body.printing_id', 'body.unit_cost']);
      const cost = await post('/lots', {
        printing_id: 'base1-4.holofoil',
        quantity: 1,
        unit_cost: '1.999',
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      expect(((await cost.json()) as Problem).errors).toEqual([
        { field: 'body.unit_cost', message: 'has more decimals than USD has (2)' },
      ]);
      const zero = await post('/lots', {
        printing_id: 'base1-4.holofoil',
        quantity: 0,
        unit_cost: 1,
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      expect(zero.status).toBe(422);
      // Past the integer column and exact float range: a clear 422, never a database error.
      for (const quantity of [2_147_483_648, 1_000_001]) {
        const huge = await post('/lots', {
          printing_id: 'base1-4.holofoil',
          quantity,
          unit_cost: 1,
          currency: 'USD',
          acquired_on: '2026-11-01',
        });
        expect(huge.status).toBe(422);
        expect(((await huge.json()) as Problem).errors!.map((e) => e.field)).toEqual(['body.quantity']);
      }
      const dear = await post('/lots', {
        printing_id: 'base1-4.holofoil',
        quantity: 1_000_000,
        unit_cost: '9999999999',
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      expect(((await dear.json()) as Problem).errors).toEqual([
        { field: 'body.unit_cost', message: 'makes a cost basis too large' },
      ]);
      const after = await send('GET', '/lots');
      expect(((await after.json()) as { items: unknown[] }).items.length).toBe(count);
    });

    it('an item outside the catalogue carries a manual valuation and is sold by its lot', async () => {
      const res = await post('/lots', {
        item_name: 'Base Set booster box',
        quantity: 1,
        unit_cost: 9000,
        currency: 'USD',
        acquired_on: '2026-10-01',
        manual_value: { unit_value: 12000, as_of: '2026-11-20' },
      });
      expect(res.status).toBe(201);
      const lot = (await res.json()) as { id: string; printing: null; manual_value: unknown };
      expect(lot.printing).toBeNull();
      expect(lot.manual_value).toEqual({ unit_value: 12000, currency: 'USD', as_of: '2026-11-20' });
      const sold = await post('/sales', {
        lot_id: lot.id,
        quantity: 1,
        proceeds: 11500,
        fees: 500,
        currency: 'USD',
        sold_on: '2026-11-21',
      });
      expect(sold.status).toBe(201);
      expect(await sold.json()).toMatchObject({ lot_id: lot.id, printing: null, net_proceeds: 11000 });
      const again = await post('/sales', {
        lot_id: lot.id,
        quantity: 1,
        proceeds: 1,
        currency: 'USD',
        sold_on: '2026-11-22',
      });
      expect(again.status).toBe(409);
      expect(((await again.json()) as Problem).code).toBe('insufficient_holding');
    });

    it('refuses selling more than held, and an edit or deletion that a sale needs', async () => {
      const lotRes = await post('/lots', {
        printing_id: 'base1-2.holofoil',
        quantity: 2,
        unit_cost: 40,
        currency: 'USD',
        acquired_on: '2026-11-03',
      });
      const lot = (await lotRes.json()) as { id: string };
      const tooMany = await post('/sales', {
        printing_id: 'base1-2.holofoil',
        quantity: 3,
        proceeds: 150,
        currency: 'USD',
        sold_on: '2026-11-10',
      });
      expect(tooMany.status).toBe(409);
      expect(((await tooMany.json()) as Problem).detail).toBe(
        'The sale is refused: a sale on 2026-11-10 would dispose of 3 but 2 are held then.',
      );
      const beforeBuy = await post('/sales', {
        printing_id: 'base1-2.holofoil',
        quantity: 1,
        proceeds: 50,
        currency: 'USD',
        sold_on: '2026-11-02',
      });
      expect(beforeBuy.status).toBe(409);
      const ok = await post('/sales', {
        printing_id: 'base1-2.holofoil',
        quantity: 2,
        proceeds: 150,
        currency: 'USD',
        sold_on: '2026-11-10',
      });
      expect(ok.status).toBe(201);
      const sale = (await ok.json()) as { id: string };
      expect((await send('PATCH', `/lots/${lot.id}`, { quantity: 1 })).status).toBe(409);
      expect((await send('PATCH', `/lots/${lot.id}`, { acquired_on: '2026-11-11' })).status).toBe(409);
      expect((await send('DELETE', `/lots/${lot.id}`)).status).toBe(409);
      const edited = await send('PATCH', `/lots/${lot.id}`, { quantity: 5, note: 'recounted' });
      expect(edited.status).toBe(200);
      expect(await edited.json()).toMatchObject({ quantity: 5, note: 'recounted', cost_basis: 200 });
      expect((await send('DELETE', `/sales/${sale.id}`)).status).toBe(204);
      expect((await send('DELETE', `/lots/${lot.id}`)).status).toBe(204);
      expect((await send('GET', `/lots/${lot.id}`)).status).toBe(404);
    });

    it('a currency change needs the amounts again', async () => {
      const lotRes = await post('/lots', {
        printing_id: 'base1-4.holofoil',
        quantity: 1,
        unit_cost: 10,
        fees: 1,
        currency: 'USD',
        acquired_on: '2026-11-03',
      });
      const lot = (await lotRes.json()) as { id: string };
      const res = await send('PATCH', `/lots/${lot.id}`, { currency: 'EUR' });
      expect(((await res.json()) as Problem).errors!.map((e) => e.field)).toEqual(['body.unit_cost', 'body.fees']);
      const ok = await send('PATCH', `/lots/${lot.id}`, { currency: 'JPY', unit_cost: 1500, fees: 100 });
      expect(await ok.json()).toMatchObject({ currency: 'JPY', unit_cost: 1500, fees: 100, cost_basis: 1600 });
    });

    it('two concurrent sales of the last copies: one is recorded, the other refused', async () => {
      await post('/lots', {
        printing_id: 'base1-2.normal',
        quantity: 3,
        unit_cost: 1,
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      // 4 held (1 from the card + finish test): the first sale of 3 leaves 1.
      const sell = () =>
        post('/sales', {
          printing_id: 'base1-2.normal',
          quantity: 3,
          proceeds: 4,
          currency: 'USD',
          sold_on: '2026-11-20',
        });
      const statuses = (await Promise.all([sell(), sell(), sell()])).map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409]);
    });

    it('Idempotency-Key replays a recorded sale instead of selling twice', async () => {
      await post('/lots', {
        printing_id: 'base1-4.holofoil',
        condition: 'HP',
        quantity: 1,
        unit_cost: 1,
        currency: 'USD',
        acquired_on: '2026-11-01',
      });
      const body = {
        printing_id: 'base1-4.holofoil',
        condition: 'HP',
        quantity: 1,
        proceeds: 2,
        currency: 'USD',
        sold_on: '2026-11-20',
      };
      const first = await post('/sales', body, { 'Idempotency-Key': 'sale-1' });
      const second = await post('/sales', body, { 'Idempotency-Key': 'sale-1' });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(await second.json()).toEqual(await first.json());
      const other = await post('/sales', { ...body, quantity: 2 }, { 'Idempotency-Key': 'sale-1' });
      expect(other.status).toBe(422);
    });

    it('pages lots and sales by cursor', async () => {
      const first = await send('GET', '/lots?limit=2');
      const page1 = (await first.json()) as { items: { id: string }[]; next_cursor: string };
      expect(page1.items).toHaveLength(2);
      const second = await send('GET', `/lots?limit=2&cursor=${page1.next_cursor}`);
      const page2 = (await second.json()) as { items: { id: string }[] };
      expect(page2.items[0]!.id > page1.items[1]!.id).toBe(true);
      const sales = (await (await send('GET', '/sales')).json()) as { items: unknown[] };
      expect(sales.items.length).toBeGreaterThan(0);
    });
  });
});
