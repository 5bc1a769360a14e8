/**
 * Exposures, scenarios, attribution, targets and orders through the app on both dialects, on a
 * small catalogue with prices, signals and factor returns inserted by hand; the expected numbers
 * are worked out in the comments.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import type { Database } from '../../platform/db/database.ts';
import { builtinWeightsVersion } from '../signals/engine.ts';
import { robustTrendEngine } from '../signals/robust-trend.ts';
import { replaceSignals, type SignalRow } from '../signals/signals.repo.ts';

interface Created {
  id: string;
  secret: string;
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}
interface Factor {
  factor: string;
  exposure: number | null;
}
interface Side {
  value: number;
  cost_basis: number;
  unrealized_pnl: number;
  currency: string;
  exposures: { value: number; coverage: number | null; factors: Factor[] };
}
interface Order {
  id: string;
  status: string;
  budget: number;
  spent: number;
  proceeds: number;
  currency: string;
  trades: {
    printing: { id: string };
    side: string;
    quantity: number;
    unit_price: number;
    amount: number;
    condition: string;
  }[];
}

const NOW = '2026-11-25T12:00:00.000Z';
const KEY = {
  engine: robustTrendEngine.name,
  engineVersion: robustTrendEngine.version,
  weightsVersion: builtinWeightsVersion(robustTrendEngine),
};

/**
 * Set s1: A (Rare Holo), B (Common); set s2: C (Common), D and E (Rare). USD near-mint prices:
 *   A 100 (11-01) 120 (11-20) 150 (11-24); B 20, 20, 25; C 50, 40, 40; D 10 (11-24); E 30 (11-24).
 * Signals (trend, filter, reversal, drawdown, regime, search):
 *   11-01: A [1, 0, …], B [0.5, 1, …];  11-10: A only;  11-24: A [1, 0.5, −1, 0, 0, null],
 *   B [−0.5, 1, 0, 0.2, 0, null], D [2, 2, 2, 2, 2, null]; C never has one.
 * Daily factor returns: 11-01 trend 0.03, filter −0.01; 11-10 trend 0.02 (filter missing).
 */
async function seed(database: Database): Promise<Map<string, number>> {
  const db = database.db;
  await db
    .insertInto('sets')
    .values([
      { id: 's1', game: 'pokemon', name: 'One', language: 'en', updated_at: NOW },
      { id: 's2', game: 'pokemon', name: 'Two', language: 'en', updated_at: NOW },
    ])
    .execute();
  const cards = [
    ['A', 's1', 'Rare Holo'],
    ['B', 's1', 'Common'],
    ['C', 's2', 'Common'],
    ['D', 's2', 'Rare'],
    ['E', 's2', 'Rare'],
  ] as const;
  await db
    .insertInto('cards')
    .values(
      cards.map(([id, set, rarity], i) => ({
        id,
        set_id: set,
        number: String(i + 1),
        name: `Card ${id}`,
        kind: 'card' as const,
        rarity,
        language: 'en',
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(
      cards.map(([id]) => ({ id: `${id}.normal`, card_id: id, finish: 'normal', language: 'en', created_at: NOW })),
    )
    .execute();
  const keys = new Map(
    (await db.selectFrom('printings').select(['key', 'card_id']).execute()).map((r) => [r.card_id, Number(r.key)]),
  );
  const prices: Record<string, [string, number][]> = {
    A: [
      ['2026-11-01', 10000],
      ['2026-11-20', 12000],
      ['2026-11-24', 15000],
    ],
    B: [
      ['2026-11-01', 2000],
      ['2026-11-20', 2000],
      ['2026-11-24', 2500],
    ],
    C: [
      ['2026-11-01', 5000],
      ['2026-11-20', 4000],
      ['2026-11-24', 4000],
    ],
    D: [['2026-11-24', 1000]],
    E: [['2026-11-24', 3000]],
  };
  await db
    .insertInto('prices')
    .values(
      Object.entries(prices).flatMap(([card, list]) =>
        list.map(([date, cents]) => ({
          printing_key: keys.get(card)!,
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date,
          feed: 'test',
          market_cents: cents,
          known_at: NOW,
          run_id: 'run_test',
        })),
      ),
    )
    .execute();
  const signal = (card: string, date: string, standardised: (number | null)[]): SignalRow => ({
    engine: KEY.engine,
    engine_version: KEY.engineVersion,
    weights_version: KEY.weightsVersion,
    date,
    printing_key: keys.get(card)!,
    status: 'ok',
    observations: 100,
    last_cents: 1000,
    z: 0,
    score: 50,
    action: 'HOLD',
    confidence: card === 'D' ? 0.9 : 0.5,
    used_search_interest: 0,
    raw: JSON.stringify(standardised),
    standardised: JSON.stringify(standardised),
    model: null,
    reasons: '[]',
  });
  await replaceSignals(
    database,
    KEY,
    ['2026-11-01', '2026-11-10', '2026-11-24'],
    [
      signal('A', '2026-11-01', [1, 0, 0, 0, 0, null]),
      signal('B', '2026-11-01', [0.5, 1, 0, 0, 0, null]),
      signal('A', '2026-11-10', [1, 0, 0, 0, 0, null]),
      signal('A', '2026-11-24', [1, 0.5, -1, 0, 0, null]),
      signal('B', '2026-11-24', [-0.5, 1, 0, 0.2, 0, null]),
      signal('D', '2026-11-24', [2, 2, 2, 2, 2, null]),
    ],
  );
  const stat = (date: string, factor: string, beta: number | null) => ({
    engine: KEY.engine,
    engine_version: KEY.engineVersion,
    weights_version: KEY.weightsVersion,
    date,
    factor,
    kind: 'horizon' as const,
    days: 1,
    n: 30,
    ic: null,
    top: null,
    bottom: null,
    spread: null,
    beta,
    beta_t: null,
    computed_at: NOW,
  });
  await db
    .insertInto('factor_stats')
    .values([
      stat('2026-11-01', 'trend', 0.03),
      stat('2026-11-01', 'filter', -0.01),
      stat('2026-11-10', 'trend', 0.02),
      stat('2026-11-10', 'filter', null),
      // Past the period (its window ends after `to`): not counted.
      stat('2026-11-20', 'trend', 0.5),
    ])
    .execute();
  return keys;
}

describe.each(dialects)('portfolio analytics on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let p: Created;
    let other: Created;
    const creds = (who: Created = p) => ({ 'X-Portfolio-Id': who.id, 'X-Portfolio-Secret': who.secret });
    const get = (path: string, who: Created = p) =>
      h.request(`/v1/portfolios/${who.id}${path}`, { headers: creds(who) });
    const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      h.request(`/v1/portfolios/${p.id}${path}`, {
        method,
        headers: { ...creds(), 'Content-Type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const factor = (list: Factor[], name: string) => list.find((f) => f.factor === name)!.exposure;

    beforeAll(async () => {
      await seed(h.runtime.database);
      p = (await (await h.request('/v1/portfolios', json({ name: 'analytics' }))).json()) as Created;
      other = (await (await h.request('/v1/portfolios', json({ name: 'other' }))).json()) as Created;
      // A 2 @ 90, B 10 @ 15, C 1 @ 60: cost 390 USD; and a graded A, which market prices do not value.
      for (const [card, quantity, unit_cost, grade] of [
        ['A', 2, 90, null],
        ['B', 10, 15, null],
        ['C', 1, 60, null],
        ['A', 1, 500, { company: 'PSA', grade: '10' }],
      ] as const) {
        const res = await send('POST', '/lots', {
          printing_id: `${card}.normal`,
          quantity,
          unit_cost,
          currency: 'USD',
          acquired_on: '2026-10-15',
          ...(grade ? { grade } : {}),
        });
        expect(res.status).toBe(201);
      }
    });

    it('reports value-weighted exposures, the coverage, and the holdings left out by name', async () => {
      const res = await get('/exposures');
      expect(res.status).toBe(200);
      const body = (await res.json()) as Side['exposures'] & {
        as_of: string;
        currency: string;
        covered_value: number;
        signal: { date: string; engine: string };
        without_signal: { printing_id: string; value: number }[];
        not_valued: { printing_id: string; reason: string }[];
      };
      // The latest market date, as the summary; A 2 × 150 = 300, B 10 × 25 = 250, C 1 × 40 = 40: V = 590, with a signal 550.
      expect(body).toMatchObject({ as_of: '2026-11-24', value: 590, covered_value: 550, currency: 'USD' });
      expect(body.signal).toMatchObject({ engine: 'robust-trend', date: '2026-11-24' });
      expect(body.coverage).toBeCloseTo(550 / 590, 12);
      // trend (300·1 + 250·−0.5) / 590; filter (300·0.5 + 250·1) / 590; reversal −300 / 590; drawdown 50 / 590.
      expect(factor(body.factors, 'trend')).toBeCloseTo(175 / 590, 12);
      expect(factor(body.factors, 'filter')).toBeCloseTo(400 / 590, 12);
      expect(factor(body.factors, 'reversal')).toBeCloseTo(-300 / 590, 12);
      expect(factor(body.factors, 'drawdown')).toBeCloseTo(50 / 590, 12);
      expect(factor(body.factors, 'search')).toBe(0);
      expect(body.without_signal).toEqual([
        expect.objectContaining({ printing_id: 'C.normal', value: 40, currency: 'USD' }),
      ]);
      expect(body.not_valued).toEqual([expect.objectContaining({ printing_id: 'A.normal', reason: 'graded' })]);
    });

    it('shocks a set and adds a hypothetical lot beside the current numbers, storing nothing', async () => {
      const res = await send('POST', '/scenarios', {
        add: [{ printing_id: 'D.normal', quantity: 1 }],
        shocks: [{ scope: 'set', set_id: 's1', pct: -10 }],
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { current: Side; scenario: Side };
      expect(body.current).toMatchObject({ value: 590, cost_basis: 390, unrealized_pnl: 200, currency: 'USD' });
      // A 2 × 135 = 270, B 10 × 22.50 = 225, C 40, D 10 (bought at its price): 545; cost 400.
      expect(body.scenario).toMatchObject({ value: 545, cost_basis: 400, unrealized_pnl: 145, currency: 'USD' });
      // trend (270 − 112.5 + 10·2) / 545.
      expect(factor(body.scenario.exposures.factors, 'trend')).toBeCloseTo(177.5 / 545, 12);
      expect(body.scenario.exposures.coverage).toBeCloseTo(505 / 545, 12);

      const rarity = await send('POST', '/scenarios', {
        remove: [{ printing_id: 'B.normal', quantity: 4 }],
        shocks: [
          { scope: 'rarity', rarity: 'Common', pct: 20 },
          { scope: 'market', pct: -50 },
        ],
      });
      // B: 6 left at 25 × 1.2 × 0.5 = 15 (cost 150 − 60 = 90); A 2 × 75; C 40 × 0.6 = 24: 90 + 150 + 24 = 264.
      expect(await rarity.json()).toMatchObject({
        scenario: { value: 264, cost_basis: 330, unrealized_pnl: -66 },
      });
      const lots = (await (await get('/lots')).json()) as { items: unknown[] };
      expect(lots.items).toHaveLength(4);
    });

    it('names every invalid scenario field', async () => {
      const res = await send('POST', '/scenarios', {
        add: [{ printing_id: 'nope', quantity: 1 }],
        remove: [{ printing_id: 'C.normal', quantity: 5 }],
        shocks: [{ scope: 'set', pct: -150 }],
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as Problem).errors!.map((e) => e.field).sort()).toEqual([
        'body.add.0.printing_id',
        'body.shocks.0.pct',
        'body.shocks.0.set_id',
      ]);
      const over = await send('POST', '/scenarios', { remove: [{ printing_id: 'C.normal', quantity: 5 }] });
      expect(((await over.json()) as Problem).errors).toEqual([
        { field: 'body.remove.0.quantity', message: expect.stringContaining('1 held') },
      ]);
    });

    it('attributes a period return to factors plus a residual that sums to the total', async () => {
      const res = await get('/attribution?from=2026-11-01&to=2026-11-20');
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        start_value: number;
        end_value: number;
        return: number;
        simple_return: number;
        explained: number;
        residual: number;
        signal_dates: number;
        factors: {
          factor: string;
          exposure: number | null;
          factor_return: number | null;
          contribution: number | null;
          dates: number;
          missing_dates: number;
        }[];
      };
      // Start holdings at 11-01: A 200, B 200, C 50 = 450; at 11-20 prices: 240 + 200 + 40 = 480.
      expect(body).toMatchObject({ start_value: 450, end_value: 480, signal_dates: 2 });
      expect(body.return).toBeCloseTo(Math.log(480 / 450), 12);
      expect(body.simple_return).toBeCloseTo(30 / 450, 12);
      const trend = body.factors.find((f) => f.factor === 'trend')!;
      const filter = body.factors.find((f) => f.factor === 'filter')!;
      // trend: exposure (200·1 + 200·0.5) / 450 = 2/3, return 0.03 + 0.02; filter: 200/450, −0.01 (one date missing).
      expect(trend.exposure).toBeCloseTo(2 / 3, 12);
      expect(trend.factor_return).toBeCloseTo(0.05, 12);
      expect(trend.contribution).toBeCloseTo(0.1 / 3, 12);
      expect(filter).toMatchObject({ dates: 1, missing_dates: 1 });
      expect(filter.contribution).toBeCloseTo((200 / 450) * -0.01, 12);
      expect(body.factors.find((f) => f.factor === 'regime')!.contribution).toBeNull();
      expect(body.explained).toBeCloseTo(0.1 / 3 - 2 / 450, 12);
      const parts = body.factors.reduce((a, f) => a + (f.contribution ?? 0), 0);
      expect(parts + body.residual).toBeCloseTo(body.return, 12);

      const bad = await get('/attribution?from=2026-11-20&to=2026-11-01');
      expect(bad.status).toBe(422);
    });

    it('stores targets, refuses unknown factors and printings, and keeps them per portfolio', async () => {
      const bad = await send('PUT', '/targets', {
        weights: [
          { printing_id: 'Z.normal', weight: 0.5 },
          { printing_id: 'A.normal', weight: 0.7 },
        ],
        exposures: [{ factor: 'nope', target: 1 }],
      });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as Problem).errors!.map((e) => e.field).sort()).toEqual([
        'body.exposures.0.factor',
        'body.weights',
        'body.weights.0.printing_id',
      ]);
      const stamps = () =>
        h.runtime.database.db
          .selectFrom('portfolios')
          .select(['revision', 'updated_at'])
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow();
      const before = await stamps();
      const res = await send('PUT', '/targets', {
        weights: [
          { printing_id: 'A.normal', weight: 0.2 },
          { printing_id: 'E.normal', weight: 0.1 },
        ],
      });
      expect(res.status).toBe(200);
      // Targets change nothing the portfolio is worth: cached valuations and NAV snapshots stay current.
      expect(await stamps()).toEqual(before);
      expect(await res.json()).toEqual({
        weights: [
          { printing_id: 'A.normal', weight: 0.2, updated_at: NOW },
          { printing_id: 'E.normal', weight: 0.1, updated_at: NOW },
        ],
        exposures: [],
      });
      expect(await (await get('/targets', other)).json()).toEqual({ weights: [], exposures: [] });
    });

    it('proposes trades toward the weights within the budget and records them once as lots and sales', async () => {
      // V 590: A target 118 vs 300 → sell round(182 / 150) = 1; E target 59 → buy round(59 / 30) = 2 for 60 ≤ 100.
      const res = await send('POST', '/orders', { budget: 100 }, { 'Idempotency-Key': 'order-1' });
      expect(res.status).toBe(201);
      const order = (await res.json()) as Order;
      expect(order).toMatchObject({ status: 'proposed', budget: 100, spent: 60, proceeds: 150, currency: 'USD' });
      expect(order.id).toMatch(/^ord_/);
      expect(order.trades).toEqual([
        expect.objectContaining({
          printing: expect.objectContaining({ id: 'A.normal' }),
          side: 'sell',
          quantity: 1,
          unit_price: 150,
          amount: 150,
        }),
        expect.objectContaining({
          printing: expect.objectContaining({ id: 'E.normal' }),
          side: 'buy',
          quantity: 2,
          unit_price: 30,
          amount: 60,
          condition: 'NM',
        }),
      ]);
      // Replaying the key answers the same order.
      const replay = await send('POST', '/orders', { budget: 100 }, { 'Idempotency-Key': 'order-1' });
      expect(((await replay.json()) as Order).id).toBe(order.id);
      expect(((await (await get('/orders')).json()) as { items: Order[] }).items.map((o) => o.id)).toEqual([order.id]);
      expect((await get(`/orders/${order.id}`, other)).status).toBe(404);

      // The buy filled at 29.50 the day before.
      const exec = await send('POST', `/orders/${order.id}/execute`, {
        fills: [{ trade: 1, unit_price: '29.50', date: '2026-11-24' }],
      });
      expect(exec.status).toBe(200);
      expect(await exec.json()).toMatchObject({ status: 'executed', executed_at: NOW });
      const lots = (await (await get('/lots')).json()) as {
        items: { printing: { id: string }; quantity: number; unit_cost: number; acquired_on: string; origin: string }[];
      };
      expect(lots.items.filter((l) => l.origin === 'order')).toEqual([
        expect.objectContaining({
          printing: expect.objectContaining({ id: 'E.normal' }),
          quantity: 2,
          unit_cost: 29.5,
          acquired_on: '2026-11-24',
        }),
      ]);
      const sales = (await (await get('/sales')).json()) as {
        items: { printing: { id: string }; quantity: number; proceeds: number; sold_on: string; origin: string }[];
      };
      expect(sales.items).toEqual([
        expect.objectContaining({
          printing: expect.objectContaining({ id: 'A.normal' }),
          quantity: 1,
          proceeds: 150,
          sold_on: '2026-11-25',
          origin: 'order',
        }),
      ]);

      const again = await send('POST', `/orders/${order.id}/execute`, {});
      expect(again.status).toBe(409);
      expect(((await again.json()) as Problem).code).toBe('order_not_proposed');
      expect(((await (await get('/sales')).json()) as { items: unknown[] }).items).toHaveLength(1);
    });

    it('proposes toward factor exposures from the liquid printings with signals, and cancels a proposal', async () => {
      expect((await send('PUT', '/targets', { exposures: [{ factor: 'trend', target: 1 }] })).status).toBe(200);
      const res = await send('POST', '/orders', { budget: '50.00' });
      expect(res.status).toBe(201);
      const order = (await res.json()) as Order;
      expect(order.spent).toBeLessThanOrEqual(50);
      // D (trend z 2, 10 USD) is the candidate that raises the trend exposure.
      expect(order.trades).toContainEqual(
        expect.objectContaining({ printing: expect.objectContaining({ id: 'D.normal' }), side: 'buy' }),
      );
      expect((await send('DELETE', `/orders/${order.id}`)).status).toBe(204);
      expect(await (await get(`/orders/${order.id}`)).json()).toMatchObject({ status: 'cancelled' });
      expect((await send('POST', `/orders/${order.id}/execute`, {})).status).toBe(409);
      expect((await send('DELETE', `/orders/${order.id}`)).status).toBe(409);
      expect((await send('DELETE', '/orders/ord_01JDX8M3Q5W7ZK2N4R6T8V0B1C')).status).toBe(404);
    });

    it('executes all or nothing: a sale that would oversell leaves the order proposed and records no lot', async () => {
      const q = (await (await h.request('/v1/portfolios', json({ name: 'atomic' }))).json()) as Created;
      const call = (method: string, path: string, body?: unknown) =>
        h.request(`/v1/portfolios/${q.id}${path}`, {
          method,
          headers: { ...creds(q), 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const lot = { printing_id: 'B.normal', quantity: 2, unit_cost: 15, currency: 'USD', acquired_on: '2026-10-15' };
      expect((await call('POST', '/lots', lot)).status).toBe(201);
      await h.runtime.database.db
        .insertInto('fx_rates')
        .values({ base: 'EUR', quote: 'USD', date: '2026-11-24', rate: 1.2, feed: 'test', known_at: NOW })
        .execute();
      // Both kinds set: the proposal must say which.
      await call('PUT', '/targets', {
        weights: [
          { printing_id: 'B.normal', weight: 0 },
          { printing_id: 'E.normal', weight: 0.5 },
        ],
        exposures: [{ factor: 'trend', target: 0 }],
      });
      const unsure = await call('POST', '/orders', { budget: 50 });
      expect(((await unsure.json()) as Problem).errors).toEqual([{ field: 'body.use', message: expect.any(String) }]);
      // V = 2 × 25 = 50: sell both B; E target 25 → 1 at 30, within 50 EUR = 60 USD.
      const res = await call('POST', '/orders', { budget: 50, currency: 'EUR', use: 'weight' });
      expect(res.status).toBe(201);
      const order = (await res.json()) as Order;
      expect(order).toMatchObject({ budget: 60, currency: 'USD', spent: 30, proceeds: 50 });
      expect(order.trades.map((t) => [t.printing.id, t.side, t.quantity])).toEqual([
        ['B.normal', 'sell', 2],
        ['E.normal', 'buy', 1],
      ]);
      const badFill = await call('POST', `/orders/${order.id}/execute`, { fills: [{ trade: 7, unit_price: 1 }] });
      expect(((await badFill.json()) as Problem).errors).toEqual([
        { field: 'body.fills.0.trade', message: expect.stringContaining('not a trade') },
      ]);
      // One B is sold by hand meanwhile: the order's sale of 2 would oversell.
      const sale = { printing_id: 'B.normal', quantity: 1, proceeds: 25, currency: 'USD', sold_on: '2026-11-25' };
      expect((await call('POST', '/sales', sale)).status).toBe(201);
      const exec = await call('POST', `/orders/${order.id}/execute`, {});
      expect(exec.status).toBe(409);
      expect(((await exec.json()) as Problem).code).toBe('insufficient_holding');
      expect(await (await call('GET', `/orders/${order.id}`)).json()).toMatchObject({ status: 'proposed' });
      const lots = (await (await call('GET', '/lots')).json()) as { items: unknown[] };
      expect(lots.items).toHaveLength(1);
    });

    it('names the holdings a manual value or no price leaves out, and has no signal before the first one', async () => {
      const q = (await (await h.request('/v1/portfolios', json({ name: 'manual' }))).json()) as Created;
      const add = (body: unknown) => h.request(`/v1/portfolios/${q.id}/lots`, json(body, creds(q)));
      await add({
        item_name: 'Sealed box',
        quantity: 1,
        unit_cost: 100,
        currency: 'USD',
        acquired_on: '2026-10-01',
        manual_value: { unit_value: 120, as_of: '2026-11-01' },
      });
      await add({ printing_id: 'D.normal', quantity: 1, unit_cost: 5, currency: 'USD', acquired_on: '2026-10-01' });
      await add({ printing_id: 'A.normal', quantity: 1, unit_cost: 50, currency: 'USD', acquired_on: '2026-10-01' });
      const res = await get('/exposures?as_of=2026-10-20', q);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        value: number;
        coverage: number | null;
        signal: { date: string | null };
        not_valued: { item_name: string | null; printing_id: string | null; reason: string }[];
      };
      // Before any price and any signal: nothing is valued by the market.
      expect(body).toMatchObject({ value: 0, coverage: null, signal: { date: null } });
      expect(body.not_valued.map((n) => [n.item_name ?? n.printing_id, n.reason]).sort()).toEqual([
        ['A.normal', 'no_price'],
        ['D.normal', 'no_price'],
        // Its manual value is stated on 11-01 only.
        ['Sealed box', 'outside_catalogue'],
      ]);
      const later = (await (await get('/exposures', q)).json()) as {
        value: number;
        coverage: number;
        not_valued: { item_name: string; reason: string }[];
      };
      // A 150 and D 10 with signals: coverage 1; the sealed box is valued by its owner, not the market.
      expect(later).toMatchObject({ value: 160, coverage: 1 });
      expect(later.not_valued).toEqual([expect.objectContaining({ item_name: 'Sealed box', reason: 'manual_value' })]);
    });

    it('pages the orders, clears the targets, and states no return for a period before the first holding', async () => {
      const first = (await (await get('/orders?limit=1')).json()) as { items: Order[]; next_cursor: string };
      expect(first.items).toHaveLength(1);
      const second = (await (await get(`/orders?limit=1&cursor=${first.next_cursor}`)).json()) as {
        items: Order[];
      };
      expect(second.items).toHaveLength(1);
      expect(second.items[0]!.id > first.items[0]!.id).toBe(true);
      expect(await (await send('PUT', '/targets', {})).json()).toEqual({ weights: [], exposures: [] });
      const before = (await (await get('/attribution?from=2026-10-01&to=2026-10-10')).json()) as Record<
        string,
        unknown
      >;
      expect(before).toMatchObject({ start_value: 0, end_value: 0, return: null, explained: null, residual: null });
    });

    it('refuses a proposal without targets or with an unreadable budget', async () => {
      const none = await h.request(`/v1/portfolios/${other.id}/orders`, json({ budget: 10 }, creds(other)));
      expect(none.status).toBe(422);
      expect(((await none.json()) as Problem).errors![0]!.field).toBe('body');
      await send('PUT', '/targets', { weights: [{ printing_id: 'E.normal', weight: 0.1 }] });
      const wrongKind = await send('POST', '/orders', { budget: 10, use: 'exposure' });
      expect(((await wrongKind.json()) as Problem).errors).toEqual([
        { field: 'body.use', message: 'no exposure targets are set' },
      ]);
      const cents = await send('POST', '/orders', { budget: '1.999' });
      expect(((await cents.json()) as Problem).errors).toEqual([
        { field: 'body.budget', message: 'has more decimals than USD has (2)' },
      ]);
    });
  });
});
