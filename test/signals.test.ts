import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../src/features/ingest/context.ts';
import { deriveCardSummary } from '../src/features/market/card-summary.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { EngineRegistry, type SignalEngine } from '../src/features/signals/engine.ts';
import { composite, deriveSignals } from '../src/features/signals/derive-signals.ts';
import { robustTrendEngine } from '../src/features/signals/robust-trend.ts';
import { resolveSignalSettings } from '../src/features/signals/settings.ts';
import { marketDates } from '../src/features/signals/signals.repo.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

const END = '2026-11-20';
const DAYS = 80;
const day = (offset: number) =>
  new Date(Date.parse(`${END}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** A seeded generator (LCG) for repeatable random walks. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

const CARDS = 24;
const cardId = (i: number) => `sig-${i + 1}`;

/**
 * 24 cards with random walks over 80 days ending END (every third one skips a day now and then),
 * `sig-thin` with 10 observations (insufficient data) and `sig-dead` whose last price is 20 days
 * before END (not alive: no signal at END), and `sig-none` without prices.
 */
async function seedSignalMarket(ctx: IngestContext): Promise<void> {
  const now = '2026-11-21T00:00:00.000Z';
  const writer = catalogWriter(ctx);
  await writer.upsertSets(
    [{ id: 'sig', name: 'Signal Set', printedTotal: 30, total: 30, releaseDate: '2022-01-01' }],
    now,
  );
  const ids = [...Array.from({ length: CARDS }, (_, i) => cardId(i)), 'sig-thin', 'sig-dead', 'sig-none'];
  await writer.upsertCards(
    ids.map((id, i) => ({
      id,
      setId: 'sig',
      number: String(i + 1),
      name: `Signal ${id}`,
      rarity: 'Rare',
      types: ['Fire'],
      supertype: 'Pokémon',
      images: null,
      imageSource: 'pokemontcg',
    })),
    now,
  );
  const random = rng(7);
  const rows: PriceObservation[] = [];
  const obs = (id: string, date: string, market: number): PriceObservation => ({
    ref: { kind: 'card', cardId: id, finishLabel: 'normal' },
    market: 'tcgplayer',
    currency: 'USD',
    date,
    prices: { market, low: Math.round(market * 90) / 100, mid: Math.round(market * 105) / 100, high: null },
  });
  for (let i = 0; i < CARDS; i++) {
    let price = 5 + 20 * random();
    const drift = (random() - 0.5) * 0.02;
    for (let k = -DAYS + 1; k <= 0; k++) {
      price *= Math.exp(drift + (random() - 0.5) * 0.06);
      if (i % 3 === 2 && random() < 0.2 && k < 0) continue;
      rows.push(obs(cardId(i), day(k), Math.round(price * 100) / 100));
    }
  }
  for (let k = -9; k <= 0; k++) rows.push(obs('sig-thin', day(k), 10 + k / 10));
  for (let k = -DAYS + 1; k <= -20; k++) rows.push(obs('sig-dead', day(k), 7));
  await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
    const importer = await priceImporter(ctx, run, 'test');
    await importer.add(rows);
    await importer.flush();
  });
  await deriveReadModels(ctx.database, ctx.clock);
}

/** A second engine, to show that engines are pluggable and keyed apart. */
const flatEngine: SignalEngine = {
  name: 'flat',
  version: '3',
  detailDays: 30,
  components: ['level'],
  defaultWeights: { level: 1 },
  modelFields: ['last_price'],
  describe: { level: 'Log of the last price' },
  compute: (w) => ({
    raw: [Math.log(w.market[w.end - 1]!)],
    confidence: 1,
    model: [w.market[w.end - 1]! / 100],
    usedSearchInterest: false,
  }),
};

describe.each(dialects)('signals on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    let dir = '';
    beforeAll(async () => {
      // A file, not :memory:, on SQLite: backfill worker threads open their own connections.
      dir = d.name === 'sqlite' ? mkdtempSync(join(tmpdir(), 'cardquant-signals-')) : '';
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'signals.db')}` : await d.create();
      h = await startHarness(url, {}, { engines: new EngineRegistry([robustTrendEngine, flatEngine]) });
      await seedSignalMarket(h.runtime.ingest);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      else await d.drop(url);
    });

    const settings = () =>
      resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
        engine: 'robust-trend',
        minHistory: 14,
        windowDays: 365,
      });
    const stored = (engine = 'robust-trend', from = '0000', to = '9999') =>
      h.runtime.database.db
        .selectFrom('signals')
        .selectAll()
        .where('engine', '=', engine)
        .where('date', '>=', from)
        .where('date', '<=', to)
        .orderBy('date')
        .orderBy('printing_key')
        .execute()
        .then((rows) =>
          rows.map((r) => ({
            ...r,
            date: String(r.date),
            printing_key: Number(r.printing_key),
            last_cents: r.last_cents === null ? null : Number(r.last_cents),
          })),
        );
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await h.request(path, { headers });
      return { res, body: (res.status === 304 ? null : await res.json()) as Json };
    };

    it('the daily step for one date gives the same rows as a backfill over many dates', async () => {
      const s = await settings();
      const dates = await marketDates(h.runtime.database, { from: day(-25), to: END });
      expect(dates).toHaveLength(26);
      await deriveSignals(h.runtime.database, s, dates);
      const backfill = await stored('robust-trend', day(-25), END);
      expect(backfill.length).toBeGreaterThan(26 * CARDS * 0.9);
      // The daily step computes one date at a time, reading only that date's window.
      for (const date of dates) await deriveSignals(h.runtime.database, s, [date]);
      expect(await stored('robust-trend', day(-25), END)).toEqual(backfill);
      // And through the pipeline: the step without a range computes the latest date.
      const [run] = await h.runtime.pipeline.run(['signals'], { trigger: 'cli' });
      expect(run!.status).toBe('succeeded');
      expect(run!.counts).toMatchObject({
        dates: 1,
        engine: 'robust-trend',
        weights_version: 'robust-trend@2:builtin',
      });
      expect(await stored('robust-trend', day(-25), END)).toEqual(backfill);
    });

    it('a backfill through the pipeline splits the dates across worker threads and stores the same rows', async () => {
      const s = await settings();
      const dates = await marketDates(h.runtime.database, { from: day(-45), to: END });
      expect(dates.length).toBeGreaterThanOrEqual(40);
      await deriveSignals(h.runtime.database, s, dates);
      const sequential = await stored('robust-trend', day(-45), END);
      await h.runtime.database.db.deleteFrom('signals').execute();
      const [run] = await h.runtime.pipeline.run(['signals'], { trigger: 'cli', from: day(-45), to: END });
      expect(run!.status, run!.error ?? '').toBe('succeeded');
      expect(run!.counts).toMatchObject({
        dates: dates.length,
        workers: 2,
        signals: sequential.filter((r) => r.status === 'ok').length,
      });
      expect(await stored('robust-trend', day(-45), END)).toEqual(sequential);
    });

    it('reads nothing after its date: changing later prices leaves earlier signals unchanged', async () => {
      const s = await settings();
      const t = day(-10);
      await deriveSignals(h.runtime.database, s, [t]);
      const before = await stored('robust-trend', t, t);
      // Rewrite every price after t (a tenfold spike), then recompute t.
      await h.runtime.database.db
        .updateTable('prices')
        .set((eb) => ({ market_cents: eb('market_cents', '*', 10) }))
        .where('date', '>', t)
        .execute();
      await deriveSignals(h.runtime.database, s, [t]);
      expect(await stored('robust-trend', t, t)).toEqual(before);
      // Restore exactly (integer division undoes the multiplication), so later tests see the seeded market.
      await h.runtime.database.db
        .updateTable('prices')
        .set((eb) => ({ market_cents: eb('market_cents', '/', 10) }))
        .where('date', '>', t)
        .execute();
      await deriveSignals(h.runtime.database, s, [
        day(-10),
        day(-9),
        day(-8),
        day(-7),
        day(-6),
        day(-5),
        day(-4),
        day(-3),
        day(-2),
        day(-1),
        END,
      ]);
    });

    it('states insufficient data explicitly, leaves dead series out, and keeps scores in [0, 100]', async () => {
      const rows = await stored('robust-trend', END, END);
      const keys = await h.runtime.database.db.selectFrom('printings').select(['key', 'card_id']).execute();
      const cardOf = new Map(keys.map((k) => [Number(k.key), k.card_id]));
      const byCard = new Map(rows.map((r) => [cardOf.get(r.printing_key), r]));
      expect(byCard.get('sig-thin')).toMatchObject({
        status: 'insufficient_data',
        observations: 10,
        z: null,
        score: null,
        action: null,
        reasons: '["too_few_observations"]',
      });
      expect(byCard.has('sig-dead')).toBe(false);
      const ok = rows.filter((r) => r.status === 'ok');
      expect(ok).toHaveLength(CARDS);
      for (const r of ok) {
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(['BUY', 'HOLD', 'SELL']).toContain(r.action);
        const std = JSON.parse(r.standardised!) as (number | null)[];
        for (const v of std) if (v !== null) expect(Math.abs(v)).toBeLessThanOrEqual(3);
        expect(r.z).toBeCloseTo(composite(robustTrendEngine.components, robustTrendEngine.defaultWeights, std), 12);
      }
      // Scores rank like z.
      const sorted = [...ok].sort((a, b) => a.z! - b.z!);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.score!).toBeGreaterThanOrEqual(sorted[i - 1]!.score!);
    });

    it('GET /v1/cards/{id}/signals answers the headline printing’s history, with reasons, and 304 on a repeat', async () => {
      const { res, body } = await get('/v1/cards/sig-1/signals?from=' + day(-5));
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        card_id: 'sig-1',
        printing_id: expect.any(String),
        engine: 'robust-trend',
        engine_version: '2',
        weights_version: 'robust-trend@2:builtin',
        min_history: 14,
      });
      expect(body.items.map((i: Json) => i.date)).toEqual([day(-5), day(-4), day(-3), day(-2), day(-1), END]);
      expect(body.latest).toEqual(body.items.at(-1));
      expect(body.latest).toMatchObject({
        status: 'ok',
        currency: 'USD',
        action: expect.stringMatching(/^(BUY|HOLD|SELL)$/),
      });
      expect(Object.keys(body.latest.components)).toEqual([...robustTrendEngine.components]);
      expect(body.latest.reasons[0].text).toMatch(/Composite z/);
      const again = await get('/v1/cards/sig-1/signals?from=' + day(-5), { 'If-None-Match': res.headers.get('ETag')! });
      expect(again.res.status).toBe(304);

      const thin = await get('/v1/cards/sig-thin/signals');
      expect(thin.body.latest).toMatchObject({ status: 'insufficient_data', score: null, z: null, observations: 10 });
      expect(thin.body.latest.reasons[0].text).toMatch(/Fewer than 14/);

      expect((await get('/v1/cards/nope/signals')).res.status).toBe(404);
      const wrong = await get('/v1/cards/sig-1/signals?printing=sig-2-normal');
      expect(wrong.res.status).toBe(404);
      expect(wrong.body.code).toBe('printing_not_found');
      const reversed = await get(`/v1/cards/sig-1/signals?from=${END}&to=${day(-3)}`);
      expect(reversed.res.status).toBe(422);
    });

    it('GET /v1/cards/{id}/explain lists contributions that sum to z, with the score map', async () => {
      for (const id of ['sig-1', 'sig-5', 'sig-12']) {
        const { res, body } = await get(`/v1/cards/${id}/explain`);
        expect(res.status).toBe(200);
        expect(body.status).toBe('ok');
        expect(body.date).toBe(END);
        expect(body.contributions.map((c: Json) => c.component)).toEqual([...robustTrendEngine.components]);
        const sum = (body.contributions as Json[]).reduce((acc, c) => acc + (c.contribution as number), 0);
        expect(Math.abs(sum - body.z)).toBeLessThan(1e-12);
        for (const c of body.contributions as Json[])
          expect(c.contribution).toBeCloseTo(c.standardised === null ? 0 : c.weight * c.standardised, 12);
        expect(body.score_map).toMatch(/Φ\(z\)/);
        expect(body.score).toBe(Math.min(100, Math.max(0, Math.round(1000 * normalCdf(body.z)) / 10)));
      }
      const older = await get(`/v1/cards/sig-1/explain?date=${day(-3)}`);
      expect(older.body.date).toBe(day(-3));
      // A dead series keeps its last signal (dated), a card without prices has none.
      const dead = await get('/v1/cards/sig-dead/explain');
      expect(dead.body).toMatchObject({ status: 'ok', date: day(-17) });
      const none = await get('/v1/cards/sig-none/explain');
      expect(none.body).toMatchObject({ status: 'no_signal', date: null, contributions: [], z: null });
    });

    it('scores reach the market lists: sort=score orders cards by their headline signal', async () => {
      await h.runtime.pipeline.run(['signals'], { trigger: 'cli' });
      // The step re-scores summaries in place: the same rows a full rebuild gives.
      const summary = () => h.runtime.database.db.selectFrom('card_summary').selectAll().orderBy('card_id').execute();
      const rescored = await summary();
      expect(rescored.filter((r) => r.score !== null)).toHaveLength(CARDS);
      await deriveCardSummary(h.runtime.database, (await settings()).key);
      expect(await summary()).toEqual(rescored);
      const { body } = await get('/v1/cards?sort=score&limit=100');
      const scores = (body.items as Json[]).map((i) => i.score as number | null);
      const present = scores.filter((s) => s !== null) as number[];
      expect(present).toHaveLength(CARDS);
      expect(present).toEqual([...present].sort((a, b) => b - a));
      expect(scores.slice(CARDS).every((s) => s === null)).toBe(true);
      const { body: dashboard } = await get('/v1/dashboard');
      expect(dashboard.top_signals).toHaveLength(5);
      expect(dashboard.top_signals[0].score).toBe(present[0]);
    });

    it('engines are pluggable and keyed apart; an unknown engine fails the step with the known names', async () => {
      const flat = await resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
        engine: 'flat',
        minHistory: 14,
        windowDays: 365,
      });
      await deriveSignals(h.runtime.database, flat, [END]);
      const rows = await stored('flat', END, END);
      expect(rows).toHaveLength(CARDS + 1);
      expect(new Set(rows.map((r) => `${r.engine}@${r.engine_version}:${r.weights_version}`))).toEqual(
        new Set(['flat@3:flat@3:builtin']),
      );
      // The default engine's rows are untouched.
      expect((await stored('robust-trend', END, END)).length).toBe(CARDS + 1);
      await expect(
        resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
          engine: 'nope',
          minHistory: 14,
          windowDays: 365,
        }),
      ).rejects.toThrow('Unknown signal engine "nope"; known engines: robust-trend, flat.');
    });

    it('factor statistics: the step stores IC rows; GET /v1/analytics/factors summarises them', async () => {
      const s = await settings();
      const dates = await marketDates(h.runtime.database, { from: day(-60), to: END });
      await deriveSignals(h.runtime.database, s, dates);
      const [run] = await h.runtime.pipeline.run(['factors'], { trigger: 'cli', from: day(-60), to: END });
      expect(run!.status).toBe('succeeded');
      const rows = await h.runtime.database.db
        .selectFrom('factor_stats')
        .selectAll()
        .where('factor', '=', 'trend')
        .where('kind', '=', 'horizon')
        .where('days', '=', 1)
        .execute();
      // Forward returns strictly after the date: the last date has no 1-day row.
      expect(rows.map((r) => String(r.date))).not.toContain(END);
      expect(rows.map((r) => String(r.date))).toContain(day(-1));
      for (const r of rows) if (r.ic !== null) expect(Math.abs(r.ic)).toBeLessThanOrEqual(1);

      const { res, body } = await get(`/v1/analytics/factors?from=${day(-60)}&to=${END}`);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.factors.map((f: Json) => f.factor)).toEqual([...robustTrendEngine.components, 'composite']);
      const trend = body.factors.find((f: Json) => f.factor === 'trend');
      expect(trend.horizons['1d'].n).toBe(rows.filter((r) => r.ic !== null).length);
      // No search interest in this market (and rarely a regime change): the risk model covers the
      // components that had a factor return on most dates.
      expect(body.risk.factors).toEqual(expect.arrayContaining(['trend', 'filter', 'reversal']));
      expect(body.risk.factors).not.toContain('search');
      expect(body.risk.covariance).toHaveLength(body.risk.factors.length);
      expect(body.risk.correlation[0][0]).toBeCloseTo(1, 12);
      expect(body.suggested_weights.horizon).toBe('7d');
    });

    it('a signal setting that does not resolve fails the signal steps, not the derive step', async () => {
      const other = await startHarness(url, { SIGNALS_ENGINE: 'nope' });
      try {
        const records = await other.runtime.pipeline.run(['read-models', 'signals', 'factors'], { trigger: 'cli' });
        expect(records.map((r) => [r.step, r.status])).toEqual([
          ['read-models', 'succeeded'],
          ['signals', 'failed'],
          ['factors', 'failed'],
        ]);
        expect(records[1]!.error).toContain('Unknown signal engine "nope"');
      } finally {
        await other.close();
      }
    });

    it('weights versions: built-in listed, manual versions created by operators, bad weights refused', async () => {
      const list = await get('/v1/analytics/weights');
      expect(list.body.items[0]).toMatchObject({
        version: 'robust-trend@2:builtin',
        source: 'builtin',
        active: true,
        weights: robustTrendEngine.defaultWeights,
      });
      const etag = list.res.headers.get('ETag')!;
      expect((await get('/v1/analytics/weights', { 'If-None-Match': etag })).res.status).toBe(304);
      const weights = { trend: 1, filter: 0, reversal: 0, drawdown: 0, regime: 0, search: 0 };
      expect((await h.request('/v1/analytics/weights', json({ weights }))).status).toBe(401);
      const created = await h.request(
        '/v1/analytics/weights',
        json({ weights, note: 'trend only' }, bearer(ADMIN_TOKEN)),
      );
      expect(created.status).toBe(201);
      const version = ((await created.json()) as Json).version as string;
      expect(version).toMatch(/^fw_/);
      // A new version is listed at once: the list's ETag moved.
      const relisted = await get('/v1/analytics/weights', { 'If-None-Match': etag });
      expect(relisted.res.status).toBe(200);
      expect(relisted.body.items.map((v: Json) => v.version)).toContain(version);
      const bad = await h.request('/v1/analytics/weights', json({ weights: { trend: 1 } }, bearer(ADMIN_TOKEN)));
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as Json).errors.map((e: Json) => e.field)).toContain('body.weights');

      // Signals under the new version sit beside the built-in ones; z is the trend component alone.
      const s = await resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
        engine: 'robust-trend',
        weights: version,
        minHistory: 14,
        windowDays: 365,
      });
      await deriveSignals(h.runtime.database, s, [END]);
      const rows = await h.runtime.database.db
        .selectFrom('signals')
        .selectAll()
        .where('weights_version', '=', version)
        .where('status', '=', 'ok')
        .execute();
      expect(rows).toHaveLength(CARDS);
      for (const r of rows) expect(r.z).toBe((JSON.parse(r.standardised!) as number[])[0]);
      await expect(
        resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
          engine: 'flat',
          weights: version,
          minHistory: 14,
          windowDays: 365,
        }),
      ).rejects.toThrow(/Unknown weights version/);
    });
  });
});

function normalCdf(z: number): number {
  // Reference value through the complementary error function's series (independent of src/quant/score.ts).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const tau =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886187 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - tau / 2 : tau / 2;
}
