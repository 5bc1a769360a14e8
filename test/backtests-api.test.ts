/**
 * Stored backtests through the HTTP API on both dialects: a three-printing market whose signals
 * are written directly, small runs answered at once (201) and large ones queued (202) for an
 * in-process launcher that executes them as `cardquant backtest run` would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQueuedBacktest } from '../src/features/backtests/backtests.cli.ts';
import type { BacktestLauncher } from '../src/features/backtests/backtests.launcher.ts';
import { BacktestRuns } from '../src/features/backtests/backtests.service.ts';
import { catalogWriter, priceImporter, withRun } from '../src/features/ingest/context.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { resolveSignalSettings, signalConfig } from '../src/features/signals/settings.ts';
import { replaceSignals, type SignalKey, type SignalRow } from '../src/features/signals/signals.repo.ts';
import { dialects, label } from './dialects.ts';
import { bearer, json, startHarness, ADMIN_TOKEN, type Harness } from './harness.ts';

type Json = Record<string, any>;

const START = '2026-10-01';
const day = (k: number) => new Date(Date.parse(`${START}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10);
/** Prices on days 0 … 34; signals on days 0 … 29 (and one on day 40). */
const PRICE_DAYS = 35;
const SIGNAL_DAYS = 30;
/** Estimated work above this is queued: 4 days × 2 printings run inline, 30 × 2 are queued. */
const INLINE_LIMIT = 20;
/** Estimated work above this is refused: 61 days × 2 printings. */
const MAX_WORK = 100;

/** Alpha: 10 on days 0–1, 10.5 on day 2, 11 from day 3 (+10 % after the day-0 signal). Beta: 20 flat. Gamma: 5 flat, never scored. */
const alphaPrice = (k: number) => (k <= 1 ? 10 : k === 2 ? 10.5 : 11);
const PRICES: Record<string, (k: number) => number> = { 'bt-1': alphaPrice, 'bt-2': () => 20, 'bt-3': () => 5 };

async function seed(h: Harness): Promise<{ key: SignalKey; printings: Record<string, { key: number; id: string }> }> {
  const ctx = h.runtime.ingest;
  const now = '2026-11-01T00:00:00.000Z';
  const writer = catalogWriter(ctx);
  await writer.upsertSets(
    [{ id: 'bt', name: 'Backtest Set', printedTotal: 3, total: 3, releaseDate: '2020-01-01' }],
    now,
  );
  const card = (id: string, number: string, name: string) => ({
    id,
    setId: 'bt',
    number,
    name,
    rarity: 'Common',
    types: ['Fire'],
    supertype: 'Pokémon',
    images: {},
    imageSource: 'pokemontcg',
  });
  await writer.upsertCards([card('bt-1', '1', 'Alpha'), card('bt-2', '2', 'Beta'), card('bt-3', '3', 'Gamma')], now);
  const rows: PriceObservation[] = [];
  for (let k = 0; k < PRICE_DAYS; k++) {
    for (const [cardId, price] of Object.entries(PRICES)) {
      const market = price(k);
      rows.push({
        ref: { kind: 'card', cardId, finishLabel: 'normal' },
        market: 'tcgplayer',
        currency: 'USD',
        date: day(k),
        prices: { market, low: market * 0.9, mid: market, high: market * 2 },
      });
    }
  }
  await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
    const importer = await priceImporter(ctx, run, 'test');
    await importer.add(rows);
    await importer.flush();
  });
  const found = await h.runtime.database.db.selectFrom('printings').select(['key', 'id', 'card_id']).execute();
  const printings = Object.fromEntries(found.map((p) => [p.card_id, { key: Number(p.key), id: p.id }]));
  const { key } = await resolveSignalSettings(
    h.runtime.database.db,
    h.clock,
    h.runtime.engines,
    signalConfig(h.runtime.config),
  );
  const signal = (cardId: string, k: number, score: number | null): SignalRow => ({
    engine: key.engine,
    engine_version: key.engineVersion,
    weights_version: key.weightsVersion,
    date: day(k),
    printing_key: printings[cardId]!.key,
    status: score === null ? 'insufficient_data' : 'ok',
    observations: k + 1,
    last_cents: Math.round(PRICES[cardId]!(Math.min(k, PRICE_DAYS - 1)) * 100),
    z: score === null ? null : (score - 50) / 30,
    score,
    action: null,
    confidence: score === null ? null : 0.5,
    used_search_interest: 0,
    raw: null,
    standardised: null,
    model: null,
    reasons: '[]',
  });
  const signals: SignalRow[] = [];
  const dates: string[] = [];
  for (let k = 0; k < SIGNAL_DAYS; k++) {
    dates.push(day(k));
    // Alpha leads on even days, Beta on odd ones; Gamma never has enough history.
    const alpha = k % 2 === 0 ? 80 : 30;
    signals.push(signal('bt-1', k, alpha), signal('bt-2', k, 100 - alpha), signal('bt-3', k, null));
  }
  await replaceSignals(h.runtime.database, key, dates, signals);
  // A signal on day 40, after the last price: a range around it has signals but no market dates.
  await replaceSignals(h.runtime.database, key, [day(40)], [signal('bt-1', 40, 90)]);
  return { key, printings };
}

/** Total return of buying `capital` of Alpha on day 1 and selling on day 3 under the given costs, computed by hand. */
function alphaRoundTrip(capital: number, feePct: number, fixed: number, slippageBps: number): number {
  const slip = slippageBps / 10_000;
  const buyPrice = alphaPrice(1) * (1 + slip);
  const quantity = (capital - fixed) / buyPrice;
  const proceeds = quantity * alphaPrice(3) * (1 - slip) * (1 - feePct / 100) - fixed;
  return proceeds / capital - 1;
}

describe.each(dialects)('backtests API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    let operator = '';
    let viewer = '';
    let seeded: Awaited<ReturnType<typeof seed>>;
    /** What the in-process launcher was asked to run, and the promise of each execution's exit code. */
    const launched: { id: string; done: Promise<number> }[] = [];
    const launcher: BacktestLauncher = {
      launch: async (id) => {
        const done = runQueuedBacktest(h.runtime, id, () => undefined);
        launched.push({ id, done });
        return { pid: null, done };
      },
    };

    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url, {}, { backtests: { launcher, inlineLimit: INLINE_LIMIT, maxWork: MAX_WORK } });
      seeded = await seed(h);
      operator = (await h.runtime.keys.create({ name: 'op', role: 'operator' }, { actor: 'test', role: 'admin' })).key;
      viewer = (await h.runtime.keys.create({ name: 'viewer', role: 'viewer' }, { actor: 'test', role: 'admin' })).key;
    });
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    const post = async (body: unknown, headers: Record<string, string> = bearer(operator)) => {
      const res = await h.request('/v1/analytics/backtests', json(body, headers));
      return { res, body: (await res.json()) as Json };
    };
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await h.request(path, { headers });
      return { res, body: (res.status === 304 ? null : await res.json()) as Json };
    };
    /** The finished run of a POST: the 201 body, or the queued run once the launcher is done. */
    const finished = async (body: unknown) => {
      const created = await post(body);
      if (created.res.status === 201) return created.body;
      expect(created.res.status).toBe(202);
      await launched.find((l) => l.id === created.body.id)!.done;
      return (await get(created.body.url)).body;
    };
    const costless = { fee_pct: 0, fixed_cost: 0, slippage_bps: 0 };
    const short = { from: day(0), to: day(3), quantile: 0.5, holding_days: 2 };

    it('runs a small backtest inside the request: 201 with the finished run, its metrics and equity curve', async () => {
      const { res, body } = await post({ ...short, ...costless });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/analytics/backtests/${body.id}`);
      expect(body).toMatchObject({
        status: 'succeeded',
        engine: seeded.key.engine,
        engine_version: seeded.key.engineVersion,
        weights_version: seeded.key.weightsVersion,
        currency: 'USD',
        error: null,
        created_by: expect.stringMatching(/^key_/),
        params: {
          ...short,
          ...costless,
          side: 'long',
          rebalance_every: 2,
          buy_at: 'market',
          min_price: 1,
          initial_capital: 10_000,
        },
      });
      // Buy 1,000 Alpha at 10 on day 1 (the day after the signal), sell at 11 on day 3: +10 % exactly.
      expect(body.metrics).toMatchObject({
        total_return_pct: 10,
        max_drawdown_pct: 0,
        hit_rate_pct: 100,
        turnover: 2,
        costs: 0,
        final_equity: 11_000,
        market_dates: 4,
        universe: 2,
      });
      expect(body.metrics.annualised_return_pct).toBeCloseTo((1.1 ** (365 / 3) - 1) * 100, 0);
      expect(body.equity).toEqual([
        { date: day(0), value: 10_000, trades: 0 },
        { date: day(1), value: 10_000, trades: 1 },
        { date: day(2), value: 10_500, trades: 0 },
        { date: day(3), value: 11_000, trades: 1 },
      ]);
      expect(body.trades).toBe(2);
      expect(body.trade_log).toEqual([
        {
          basket: 0,
          signal_date: day(0),
          leg: 'long',
          printing_id: seeded.printings['bt-1']!.id,
          side: 'buy',
          date: day(1),
          price: 10,
          quantity: 1000,
          cost: 0,
          open_at_end: false,
        },
        {
          basket: 0,
          signal_date: day(0),
          leg: 'long',
          printing_id: seeded.printings['bt-1']!.id,
          side: 'sell',
          date: day(3),
          price: 11,
          quantity: 1000,
          cost: 0,
          open_at_end: false,
        },
      ]);
    });

    it('executes the day after the signal: the first trade date is after the first signal date', async () => {
      const body = await finished({ from: day(0), to: day(20), holding_days: 3, quantile: 0.5 });
      expect(body.status).toBe('succeeded');
      const firstTrade = (body.equity as Json[]).find((p) => p.trades > 0)!.date as string;
      const firstSignal = (body.trade_log as Json[])[0]!.signal_date as string;
      expect(firstSignal).toBe(day(0));
      expect(firstTrade > firstSignal).toBe(true);
      expect(firstTrade).toBe(day(1));
    });

    it('keeps each basket until its holding period ends, whatever later signals say', async () => {
      // Rebalancing daily with two-day holds: day 0's signal picks Alpha, day 1's picks Beta.
      const body = await finished({
        from: day(0),
        to: day(6),
        holding_days: 2,
        rebalance_every: 1,
        quantile: 0.5,
        ...costless,
      });
      const legs = (basket: number) =>
        (body.trade_log as Json[])
          .filter((t) => t.basket === basket)
          .map((t) => [t.side, t.printing_id, t.date, t.signal_date]);
      const [alpha, beta] = [seeded.printings['bt-1']!.id, seeded.printings['bt-2']!.id];
      expect(legs(0)).toEqual([
        ['buy', alpha, day(1), day(0)],
        ['sell', alpha, day(3), day(0)],
      ]);
      expect(legs(1)).toEqual([
        ['buy', beta, day(2), day(1)],
        ['sell', beta, day(4), day(1)],
      ]);
    });

    it('charges the cost model: a 10 % fee, then shipping and slippage, lower the return by hand-computed amounts', async () => {
      const fee = await post({ ...short, ...costless, fee_pct: 10 });
      // 11,000 of proceeds less 10 %: 9,900.
      expect(fee.body.metrics.total_return_pct).toBe(-1);
      expect(fee.body.metrics.costs).toBe(1100);
      const all = await post({ ...short, fee_pct: 10, fixed_cost: 1, slippage_bps: 50 });
      expect(all.body.metrics.total_return_pct).toBeCloseTo(alphaRoundTrip(10_000, 10, 1, 50) * 100, 3);
      expect(alphaRoundTrip(10_000, 10, 1, 50)).toBeLessThan(-0.01);
      const atLow = await post({ ...short, ...costless, buy_at: 'low' });
      // Bought at the listed low (9) and sold at the market (11): 10,000 / 9 × 11.
      expect(atLow.body.metrics.total_return_pct).toBeCloseTo((11 / 9 - 1) * 100, 3);
    });

    it('is deterministic: the same parameters over the same data give identical metrics, equity and trades', async () => {
      const params = {
        from: day(0),
        to: day(29),
        holding_days: 3,
        rebalance_every: 1,
        quantile: 0.5,
        side: 'long-short',
      };
      const first = await post(params);
      const second = await post(params);
      expect(first.res.status).toBe(202);
      await Promise.all(launched.map((l) => l.done));
      const a = (await get(first.body.url)).body;
      const b = (await get(second.body.url)).body;
      expect(a.id).not.toBe(b.id);
      expect(a.status).toBe('succeeded');
      expect(a.metrics.market_dates).toBe(30);
      expect(b.metrics).toEqual(a.metrics);
      expect(b.equity).toEqual(a.equity);
      expect(b.trade_log).toEqual(a.trade_log);
      expect(b.trades).toBe(a.trades);
    });

    it('queues a run above the inline limit: 202 with a Location to poll, executed by the launcher', async () => {
      const before = launched.length;
      const { res, body } = await post({ from: day(0), to: day(29) });
      expect(res.status).toBe(202);
      expect(body).toEqual({
        id: expect.stringMatching(/^bt_/),
        status: 'queued',
        url: `/v1/analytics/backtests/${body.id}`,
      });
      expect(res.headers.get('location')).toBe(body.url);
      expect(launched.length).toBe(before + 1);
      expect(launched.at(-1)!.id).toBe(body.id);
      expect(await launched.at(-1)!.done).toBe(0);
      const run = await get(body.url);
      expect(run.res.status).toBe(200);
      expect(run.body).toMatchObject({
        id: body.id,
        status: 'succeeded',
        error: null,
        params: {
          from: day(0),
          to: day(29),
          quantile: 0.2,
          side: 'long',
          holding_days: 7,
          rebalance_every: 7,
          fee_pct: 12.75,
          fixed_cost: 1,
          slippage_bps: 50,
        },
      });
      expect(run.body.equity).toHaveLength(30);
      expect(run.body.started_at).not.toBeNull();
      expect(run.body.finished_at).not.toBeNull();
      // Executing it again is refused: only a queued run runs.
      await expect(runQueuedBacktest(h.runtime, body.id, () => undefined)).rejects.toMatchObject({
        status: 409,
        code: 'backtest_not_queued',
      });
    });

    it('stores a run that cannot be computed as failed, with the reason', async () => {
      const none = await post({ from: day(38), to: day(42) });
      expect(none.res.status).toBe(201);
      expect(none.body).toMatchObject({ status: 'failed', metrics: null, trades: null, equity: [], trade_log: [] });
      expect(none.body.error).toBe(
        `no tcgplayer USD market prices for the printings with signals in ${day(38)} … ${day(42)}`,
      );
      // Prices but no signals on days 30–34.
      const unsignalled = await post({ from: day(30), to: day(34) });
      expect(unsignalled.body.status).toBe('failed');
      expect(unsignalled.body.error).toContain(`no stored 'ok' signals of ${seeded.key.engine}`);
      const stored = await get(unsignalled.body.url);
      expect(stored.body).toMatchObject({ status: 'failed', error: unsignalled.body.error });
      expect(stored.body.started_at).not.toBeNull();
      expect(stored.body.finished_at).not.toBeNull();
    });

    it('the backtest command exits 0 for a run that succeeds and 1 for one that fails', async () => {
      const runs = new BacktestRuns(h.runtime.database, h.clock, h.runtime.newId, h.runtime.log);
      const params = {
        from: day(0),
        to: day(3),
        quantile: 0.5,
        side: 'long' as const,
        holding_days: 2,
        rebalance_every: 2,
        buy_at: 'market' as const,
        fee_pct: 0,
        fixed_cost: 0,
        slippage_bps: 0,
        min_price: 1,
        initial_capital: 10_000,
      };
      const lines: string[] = [];
      const good = await runs.createRun(seeded.key, params, 'cli');
      expect(await runQueuedBacktest(h.runtime, good.id, (l) => lines.push(l))).toBe(0);
      expect(lines.join('\n')).toContain('total return 10 %');
      const bad = await runs.createRun(seeded.key, { ...params, from: '2019-01-01', to: '2019-01-02' }, 'cli');
      expect(await runQueuedBacktest(h.runtime, bad.id, (l) => lines.push(l))).toBe(1);
      expect((await runs.get(bad.id, false))!.status).toBe('failed');
      await expect(runQueuedBacktest(h.runtime, 'bt_unknown', () => undefined)).rejects.toMatchObject({ status: 404 });
    });

    it('only operators may run backtests: anonymous 401, viewer 403; the run is audited', async () => {
      expect((await post(short, {})).res.status).toBe(401);
      expect((await post(short, bearer(viewer))).res.status).toBe(403);
      const admin = await post(short, bearer(ADMIN_TOKEN));
      expect(admin.res.status).toBe(201);
      const audit = await h.runtime.audit.list({ action: 'backtest.create', limit: 100 });
      expect(audit.find((a) => a.target === admin.body.id)).toMatchObject({
        actor: 'admin-token',
        result: 'success',
        detail: { mode: 'inline', dates: 4, printings: 2 },
      });
    });

    it('refuses bad bodies with 422 naming the fields', async () => {
      const cases: [unknown, string][] = [
        [{ from: day(5), to: day(1) }, 'body.from'],
        [{ from: day(0) }, 'body.to'],
        [{ from: '2026-02-30', to: day(1) }, 'body.from'],
        [{ ...short, quantile: 0.7 }, 'body.quantile'],
        [{ ...short, quantile: 0 }, 'body.quantile'],
        [{ ...short, side: 'short' }, 'body.side'],
        [{ ...short, holding_days: 0 }, 'body.holding_days'],
        [{ ...short, rebalance_every: 366 }, 'body.rebalance_every'],
        [{ ...short, fee_pct: 60 }, 'body.fee_pct'],
        [{ ...short, fixed_cost: -1 }, 'body.fixed_cost'],
        [{ ...short, slippage_bps: 2000 }, 'body.slippage_bps'],
        [{ ...short, initial_capital: 0 }, 'body.initial_capital'],
        [{ ...short, buy_at: 'high' }, 'body.buy_at'],
      ];
      for (const [body, field] of cases) {
        const res = await post(body);
        expect(res.res.status, JSON.stringify(body)).toBe(422);
        expect(
          (res.body.errors as Json[]).map((e) => e.field),
          JSON.stringify(body),
        ).toContain(field);
      }
      const huge = await post({ from: day(0), to: day(60) });
      expect(huge.res.status).toBe(422);
      expect(huge.body.errors).toEqual([
        {
          field: 'body.from',
          message: 'spans 61 days × 2 printings = 122 cells, over the 100 a run may hold; narrow the range',
        },
      ]);
      const extra = await post({ ...short, leverage: 3 });
      expect(extra.res.status).toBe(422);
      expect(JSON.stringify(extra.body.errors)).toContain('leverage');
    });

    it('replays an Idempotency-Key: the same run, not a second one', async () => {
      const key = { ...bearer(operator), 'Idempotency-Key': 'bt-replay-1' };
      const first = await post(short, key);
      const again = await post(short, key);
      expect(again.res.status).toBe(first.res.status);
      expect(again.body).toEqual(first.body);
      expect(again.res.headers.get('location')).toBe(first.res.headers.get('location'));
      const queuedKey = { ...bearer(operator), 'Idempotency-Key': 'bt-replay-2' };
      const queued = await post({ from: day(0), to: day(29) }, queuedKey);
      const count = launched.length;
      const replayed = await post({ from: day(0), to: day(29) }, queuedKey);
      expect(replayed.res.status).toBe(202);
      expect(replayed.body.id).toBe(queued.body.id);
      expect(launched.length).toBe(count);
      await Promise.all(launched.map((l) => l.done));
      expect((await post({ from: day(0), to: day(28) }, queuedKey)).res.status).toBe(422);
    });

    it('lists runs newest first, page by page, without equity curves; conditional GETs answer 304', async () => {
      const whole = await get('/v1/analytics/backtests?limit=200');
      expect(whole.res.status).toBe(200);
      const ids = (whole.body.items as Json[]).map((i) => i.id as string);
      expect(ids.length).toBeGreaterThanOrEqual(10);
      expect([...ids].sort().reverse()).toEqual(ids);
      for (const item of whole.body.items as Json[]) {
        expect(item).not.toHaveProperty('equity');
        expect(item).not.toHaveProperty('trade_log');
      }
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const { body }: { body: Json } = await get(
          `/v1/analytics/backtests?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(body.items.length).toBeLessThanOrEqual(3);
        walked.push(...(body.items as Json[]).map((i) => i.id as string));
        cursor = body.next_cursor;
      } while (cursor);
      expect(walked).toEqual(ids);
      const failed = await get('/v1/analytics/backtests?status=failed&limit=200');
      expect((failed.body.items as Json[]).every((i) => i.status === 'failed')).toBe(true);
      expect(failed.body.items.length).toBeGreaterThanOrEqual(2);

      const etag = whole.res.headers.get('etag')!;
      expect(whole.res.headers.get('cache-control')).toBe('public, no-cache');
      expect((await get('/v1/analytics/backtests?limit=200', { 'If-None-Match': etag })).res.status).toBe(304);
      await post(short);
      expect((await get('/v1/analytics/backtests?limit=200', { 'If-None-Match': etag })).res.status).toBe(200);
      const detail = await get(`/v1/analytics/backtests/${ids[0]}`);
      expect(
        (await get(`/v1/analytics/backtests/${ids[0]}`, { 'If-None-Match': detail.res.headers.get('etag')! })).res
          .status,
      ).toBe(304);
    });

    it('answers 404 for an unknown run and 422 for a foreign cursor', async () => {
      const missing = await get('/v1/analytics/backtests/bt_01JDX8M3Q5W7ZK2N4R6T8V0B1C');
      expect(missing.res.status).toBe(404);
      expect(missing.res.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.body.code).toBe('backtest_not_found');
      expect((await get('/v1/analytics/backtests?cursor=nonsense')).res.status).toBe(422);
    });
  });
});
