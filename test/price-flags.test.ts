/**
 * Flagged prints on both dialects (docs/METHODS.md, "Flagged prints"): the `quality` step stores
 * the same flags run day by day as over a range; signals and factor statistics computed with a
 * flagged absurd print equal those computed as if the print were never stored; a long–short
 * backtest trades around it (and, fed the print, is stopped by ruin instead of reporting metrics
 * from a negative equity); history marks it; a flagged latest print is marked on the card page while
 * the list price, changes and movers use the last unflagged print; valuations find the last unflagged print.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestParamsSchema, loadAndRun, resolveParams } from '../src/features/backtests/backtests.ts';
import { deriveFactorStats } from '../src/features/factors/factors.ts';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../src/features/ingest/context.ts';
import { changePct } from '../src/features/prices/derive-latest.ts';
import { lastUnflaggedPrices } from '../src/features/prices/price-flags.repo.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { deriveSignals } from '../src/features/signals/derive-signals.ts';
import { resolveSignalSettings } from '../src/features/signals/settings.ts';
import { marketDates, replaceSignals, type SignalKey, type SignalRow } from '../src/features/signals/signals.repo.ts';
import type { Database } from '../src/platform/db/database.ts';
import { dialects, label } from './dialects.ts';
import { startHarness, type Harness } from './harness.ts';

type Json = Record<string, any>;

const END = '2026-11-20';
const DAYS = 80;
const day = (offset: number) =>
  new Date(Date.parse(`${END}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const CARDS = 12;
/** The absurd print: `pf-spike` lists at 100 × its price on this day only. */
const SPIKE_DAY = -10;
const SPIKE_FACTOR = 100;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** Cents of `pf-spike` per day offset: a calm walk around 10 dollars, ×100 on SPIKE_DAY. */
const spikeCents = new Map<number, number>();

/** 12 cards with random walks (±3 % a day) over 80 days to END, `pf-spike` among them, and `pf-none` without prices. */
async function seed(ctx: IngestContext): Promise<void> {
  const now = '2026-11-21T00:00:00.000Z';
  const writer = catalogWriter(ctx);
  await writer.upsertSets(
    [{ id: 'pf', name: 'Flag Set', printedTotal: 20, total: 20, releaseDate: '2022-01-01' }],
    now,
  );
  const ids = ['pf-spike', ...Array.from({ length: CARDS - 1 }, (_, i) => `pf-${i + 1}`), 'pf-none'];
  await writer.upsertCards(
    ids.map((id, i) => ({
      id,
      setId: 'pf',
      number: String(i + 1),
      name: `Flag ${id}`,
      rarity: 'Rare',
      types: ['Water'],
      supertype: 'Pokémon',
      images: null,
      imageSource: 'pokemontcg',
    })),
    now,
  );
  const random = rng(11);
  const rows: PriceObservation[] = [];
  for (const id of ids.slice(0, CARDS)) {
    let price = 5 + 20 * random();
    for (let k = -DAYS + 1; k <= 0; k++) {
      price *= Math.exp((random() - 0.5) * 0.06);
      let cents = Math.round(price * 100);
      if (id === 'pf-spike') {
        if (k === SPIKE_DAY) cents *= SPIKE_FACTOR;
        spikeCents.set(k, cents);
      }
      const market = cents / 100;
      rows.push({
        ref: { kind: 'card', cardId: id, finishLabel: 'normal' },
        market: 'tcgplayer',
        currency: 'USD',
        date: day(k),
        prices: { market, low: market, mid: market, high: null },
      });
    }
  }
  await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
    const importer = await priceImporter(ctx, run, 'test');
    await importer.add(rows);
    await importer.flush();
  });
}

const flags = (database: Database) =>
  database.db
    .selectFrom('price_flags as f')
    .innerJoin('printings as p', 'p.key', 'f.printing_key')
    .select(['p.card_id', 'f.market', 'f.condition', 'f.currency', 'f.date', 'f.reason', 'f.ref_date'])
    .orderBy('f.date')
    .orderBy('p.card_id')
    .execute()
    .then((rows) =>
      rows.map((r) => ({ ...r, date: String(r.date), ref_date: r.ref_date === null ? null : String(r.ref_date) })),
    );

describe.each(dialects)('flagged prints on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    let spikeKey = 0;
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
      await seed(h.runtime.ingest);
      const row = await h.runtime.database.db
        .selectFrom('printings')
        .select('key')
        .where('card_id', '=', 'pf-spike')
        .executeTakeFirstOrThrow();
      spikeKey = Number(row.key);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    const quality = (from?: string, to?: string) => h.runtime.pipeline.run(['quality'], { trigger: 'cli', from, to });

    it('the quality step flags the absurd print, and only it; day by day it stores what one run over the range stores', async () => {
      for (let k = -DAYS + 1; k <= 0; k++) await quality(day(k), day(k));
      const daily = await flags(h.runtime.database);
      expect(daily).toEqual([
        {
          card_id: 'pf-spike',
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: day(SPIKE_DAY),
          reason: 'placeholder_price',
          ref_date: null,
        },
      ]);
      await h.runtime.database.db.deleteFrom('price_flags').execute();
      const [run] = await quality(day(-DAYS + 1), END);
      expect(run!.status).toBe('succeeded');
      expect(run!.counts).toMatchObject({ flagged_placeholder_price: 1, flagged_jump: 0, flagged_return_outlier: 0 });
      expect(await flags(h.runtime.database)).toEqual(daily);
      // Without a range the step judges the latest date: the stored flag of an earlier date stays.
      await quality();
      expect(await flags(h.runtime.database)).toEqual(daily);
    });

    it('history shows every print and marks the flagged one, in JSON and CSV, still in two statements', async () => {
      const { res, statements } = await h.counted(
        `/v1/cards/pf-spike/history?from=${day(SPIKE_DAY - 1)}&to=${day(SPIKE_DAY + 1)}`,
      );
      expect(res.status).toBe(200);
      expect(statements).toBeLessThanOrEqual(2);
      const body = (await res.json()) as Json;
      expect(body.points.map((p: Json) => [p.date, p.market, p.flag])).toEqual([
        [day(SPIKE_DAY - 1), spikeCents.get(SPIKE_DAY - 1)! / 100, null],
        [day(SPIKE_DAY), spikeCents.get(SPIKE_DAY)! / 100, 'placeholder_price'],
        [day(SPIKE_DAY + 1), spikeCents.get(SPIKE_DAY + 1)! / 100, null],
      ]);
      const csv = await (
        await h.request(`/v1/cards/pf-spike/history.csv?from=${day(SPIKE_DAY)}&to=${day(SPIKE_DAY)}`)
      ).text();
      const [header, line] = csv.split('\r\n');
      expect(header!.split(',').at(-1)).toBe('flag');
      expect(line!.split(',').at(-1)).toBe('placeholder_price');
    });

    it('a flagged latest print is shown on the card page, marked; the list price, changes and movers use the last unflagged one', async () => {
      // A placeholder listing on a new last day: stored and shown, flagged, and used by nothing derived.
      const ctx = h.runtime.ingest;
      await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add([
          {
            ref: { kind: 'card', cardId: 'pf-spike', finishLabel: 'normal' },
            market: 'tcgplayer',
            currency: 'USD',
            date: day(1),
            prices: { market: 9_999.99, low: null, mid: null, high: null },
          },
        ]);
        await importer.flush();
      });
      await h.runtime.pipeline.run(['quality', 'read-models'], { trigger: 'cli' });
      const last = spikeCents.get(0)!;
      const before = spikeCents.get(-1)!;
      const flagged = (await (await h.request('/v1/cards/pf-spike')).json()) as Json;
      expect(flagged.printings[0].prices[0]).toMatchObject({
        market: 'tcgplayer',
        price: last / 100,
        price_date: END,
        as_of: day(1),
        stale: false,
        flagged_after: { date: day(1), price: 9_999.99, flag: 'placeholder_price' },
        changes: { '1d': { from_date: day(-1), from_price: before / 100, change_pct: changePct(before, last) } },
      });
      expect(
        await h.runtime.database.db
          .selectFrom('latest_prices')
          .select(['last_date', 'last_cents'])
          .where('printing_key', '=', spikeKey)
          .executeTakeFirstOrThrow(),
      ).toEqual({
        last_date: END,
        last_cents: last,
      });
      // The list price, and sort=price: the unflagged print, not the placeholder at the top.
      const list = (await (await h.request('/v1/cards?set=pf&sort=price&order=desc&limit=50')).json()) as Json;
      const prices = (list.items as Json[]).filter((i) => i.price !== null).map((i) => i.price as number);
      expect(prices).toEqual([...prices].sort((a, b) => b - a));
      expect((list.items as Json[]).find((i) => i.id === 'pf-spike')!.price).toBe(last / 100);
      expect(prices[0]).toBeLessThan(100);
      // Movers: the 1-day move ending on the last unflagged print (the placeholder's ×1000 step would be filtered as a jump).
      const movers = (await (
        await h.request(`/v1/movers?window=1d&direction=${last >= before ? 'up' : 'down'}&limit=50`)
      ).json()) as Json;
      expect((movers.items as Json[]).find((i) => i.card.id === 'pf-spike')).toMatchObject({
        from_date: day(-1),
        to_date: END,
        to_price: last / 100,
        change_pct: changePct(before, last),
      });
      expect(await lastUnflaggedPrices(h.runtime.database, [spikeKey], day(1))).toEqual(
        new Map([[spikeKey, { printingKey: spikeKey, date: END, marketCents: last }]]),
      );
      // Remove it again (the other tests read the market up to END), and the page says nothing.
      await h.runtime.database.db
        .deleteFrom('prices')
        .where('printing_key', '=', spikeKey)
        .where('date', '=', day(1))
        .execute();
      await h.runtime.database.db.deleteFrom('price_flags').where('date', '=', day(1)).execute();
      await h.runtime.pipeline.run(['read-models'], { trigger: 'cli' });
      const clean = (await (await h.request('/v1/cards/pf-spike')).json()) as Json;
      expect(clean.printings[0].prices[0]).toMatchObject({ price_date: END, as_of: END, flagged_after: null });
    });

    it('a valuation or alert dated d uses the last unflagged print on or before d', async () => {
      const none = await h.runtime.database.db
        .selectFrom('printings')
        .select('key')
        .where('card_id', '=', 'pf-1')
        .executeTakeFirstOrThrow();
      const at = (date: string) => lastUnflaggedPrices(h.runtime.database, [spikeKey, Number(none.key), 999_999], date);
      const onSpike = await at(day(SPIKE_DAY));
      expect(onSpike.get(spikeKey)).toEqual({
        printingKey: spikeKey,
        date: day(SPIKE_DAY - 1),
        marketCents: spikeCents.get(SPIKE_DAY - 1),
      });
      expect(onSpike.get(Number(none.key))!.date).toBe(day(SPIKE_DAY));
      expect(onSpike.has(999_999)).toBe(false);
      expect((await at(day(SPIKE_DAY + 1))).get(spikeKey)).toEqual({
        printingKey: spikeKey,
        date: day(SPIKE_DAY + 1),
        marketCents: spikeCents.get(SPIKE_DAY + 1),
      });
      expect((await at(day(-DAYS))).size).toBe(0);
    });

    it('a long–short backtest shorting the printing trades around the flagged print; fed the print, it stops at ruin with no metric from negative equity', async () => {
      // Scores written directly under their own key: long pf-1, short pf-spike, chosen on SPIKE_DAY − 2,
      // traded on SPIKE_DAY − 1, held over the absurd print to SPIKE_DAY + 3.
      const key: SignalKey = { engine: 'flag-test', engineVersion: '1', weightsVersion: 'flag-test@1:manual' };
      const keys = Object.fromEntries(
        (
          await h.runtime.database.db
            .selectFrom('printings')
            .select(['key', 'card_id'])
            .where('card_id', 'in', ['pf-1', 'pf-spike'])
            .execute()
        ).map((r) => [r.card_id, Number(r.key)]),
      );
      const signal = (cardId: string, score: number): SignalRow => ({
        engine: key.engine,
        engine_version: key.engineVersion,
        weights_version: key.weightsVersion,
        date: day(SPIKE_DAY - 2),
        printing_key: keys[cardId]!,
        status: 'ok',
        observations: 60,
        last_cents: 1000,
        z: 0,
        score,
        action: 'HOLD',
        confidence: 1,
        used_search_interest: 0,
        raw: null,
        standardised: null,
        model: null,
        reasons: '[]',
      });
      await replaceSignals(h.runtime.database, key, [day(SPIKE_DAY - 2)], [signal('pf-1', 90), signal('pf-spike', 10)]);
      const params = resolveParams(
        BacktestParamsSchema.parse({
          from: day(SPIKE_DAY - 2),
          to: day(SPIKE_DAY + 6),
          side: 'long-short',
          quantile: 0.5,
          holding_days: 4,
          rebalance_every: 20,
          fee_pct: 0,
          fixed_cost: 0,
          slippage_bps: 0,
          min_price: 0,
        }),
      );

      const clean = await loadAndRun(h.runtime.database, key, params);
      expect(clean.metrics.ruin_date).toBeNull();
      expect(
        clean.tradeLog.filter((t) => t.printing_id.startsWith('pf-spike')).map((t) => [t.side, t.date, t.price]),
      ).toEqual([
        ['sell', day(SPIKE_DAY - 1), spikeCents.get(SPIKE_DAY - 1)! / 100],
        ['buy', day(SPIKE_DAY + 3), spikeCents.get(SPIKE_DAY + 3)! / 100],
      ]);
      expect(Math.min(...clean.equity.map((e) => e.value))).toBeGreaterThan(0.5 * 10_000);
      expect(clean.metrics.total_return_pct).toBeGreaterThan(-50);
      expect(clean.metrics.annualised_volatility_pct).not.toBeNull();

      // The control: without the flag the print is a price, the short is worth −100 × itself, and the run is ruined there.
      await h.runtime.database.db.deleteFrom('price_flags').execute();
      const fed = await loadAndRun(h.runtime.database, key, params);
      expect(fed.metrics.ruin_date).toBe(day(SPIKE_DAY));
      expect(fed.metrics.ruin_deficit!).toBeGreaterThan(0);
      expect(fed.equity.at(-1)).toEqual({ date: day(SPIKE_DAY), value: 0, trades: 2 });
      expect(fed.equity.every((e) => e.value >= 0)).toBe(true);
      expect(fed.metrics).toMatchObject({
        total_return_pct: -100,
        max_drawdown_pct: 100,
        annualised_return_pct: null,
        annualised_volatility_pct: null,
        sharpe: null,
      });
      await quality(day(-DAYS + 1), END);
      expect((await flags(h.runtime.database)).length).toBe(1);
    });

    it('signals and factor statistics with the flagged print equal those computed as if it were never stored', async () => {
      const settings = await resolveSignalSettings(h.runtime.database.db, h.clock, h.runtime.engines, {
        engine: 'robust-trend',
        minHistory: 14,
        windowDays: 365,
      });
      const dates = await marketDates(h.runtime.database, { from: day(-45), to: END });
      const readSignals = async () =>
        (
          await h.runtime.database.db
            .selectFrom('signals')
            .select(['date', 'printing_key', 'observations', 'last_cents', 'z', 'raw', 'model'])
            .where('engine', '=', 'robust-trend')
            .orderBy('date')
            .orderBy('printing_key')
            .execute()
        ).map((r) => ({ ...r, date: String(r.date) }));
      const snapshot = async () => {
        await deriveSignals(h.runtime.database, settings, dates);
        await deriveFactorStats(h.runtime.database, h.clock, settings.engine, settings.key, {
          from: day(-45),
          to: END,
        });
        const stats = await h.runtime.database.db
          .selectFrom('factor_stats')
          .select(['date', 'factor', 'kind', 'days', 'n', 'ic', 'spread', 'beta'])
          .where('engine', '=', 'robust-trend')
          .orderBy('date')
          .orderBy('factor')
          .orderBy('kind')
          .orderBy('days')
          .execute();
        return { signals: await readSignals(), stats: stats.map((r) => ({ ...r, date: String(r.date) })) };
      };
      const withFlag = await snapshot();
      expect(settings.engine.version).toBe('2');
      // The daily step (one date: window aggregates plus the detail rows) leaves the print out as the backfill does.
      for (const date of [day(SPIKE_DAY), day(SPIKE_DAY + 1), day(SPIKE_DAY + 5), END])
        await deriveSignals(h.runtime.database, settings, [date]);
      expect(await readSignals()).toEqual(withFlag.signals);
      expect(
        withFlag.stats.some(
          (r) => r.kind === 'horizon' && r.days === 7 && r.date < day(SPIKE_DAY) && r.date >= day(SPIKE_DAY - 7),
        ),
      ).toBe(true);

      // The control: unflagged, the print moves the spike printing's signals (its window's highest price).
      await h.runtime.database.db.deleteFrom('price_flags').execute();
      const unflagged = await snapshot();
      expect(unflagged.signals).not.toEqual(withFlag.signals);
      expect(unflagged.stats).not.toEqual(withFlag.stats);

      // As if never stored: delete the print itself, flags gone too.
      await h.runtime.database.db
        .deleteFrom('prices')
        .where('printing_key', '=', spikeKey)
        .where('date', '=', day(SPIKE_DAY))
        .execute();
      const without = await snapshot();
      expect(without).toEqual(withFlag);
    }, 60_000);
  });
});
