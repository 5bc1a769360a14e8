/**
 * Performance history through the app on both dialects: a hand-computed scenario (buy, a price
 * change, buy more, a partial sale) reconstructed from the ledger and the price history, the
 * pipeline's snapshots answering the same numbers, snapshots set aside after a ledger change, and
 * the statement count of each kind of request.
 */
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json } from '#test/harness.ts';
import { catalogWriter, priceImporter, withRun } from '../ingest/context.ts';
import { deriveIndexes } from '../market/indexes.ts';
import type { PriceObservation } from '../prices/price-importer.ts';
import { readNav } from './nav.repo.ts';
import { PerformanceService } from './performance.service.ts';

interface Created {
  id: string;
  secret: string;
}
interface Answer {
  currency: string;
  from: string;
  to: string;
  source: string;
  snapshot_points: number;
  reconstructed_points: number;
  series: Record<string, unknown>[];
  metrics: Record<string, unknown>;
}

const NOW = '2026-11-25T12:00:00.000Z';
const DATES = ['2026-05-04', '2026-06-01', '2026-07-01', '2026-08-03', '2026-09-01'];
/** Charizard's TCGplayer market price on each date; five other cards stay at 10.00. */
const CHARIZARD = [100, 110, 110, 120, 125];
const FILLERS = ['base1-5', 'base1-6', 'base1-7', 'base1-8', 'base1-9'];

const observation = (cardId: string, date: string, dollars: number): PriceObservation => ({
  ref: { kind: 'card', cardId, finishLabel: 'holofoil' },
  market: 'tcgplayer',
  currency: 'USD',
  date,
  prices: { market: dollars },
});

/**
 * By hand: values 200, 220, 330, 360, 125; flows 202 (2 × 100 + 2 fees), 0, 111 (110 + 1 fee), 0,
 * −245 (2 × 125 − 5 fees). Daily returns 220/200 − 1 = 10 %, (330 − 111)/220 − 1 = −0.4545 %,
 * 360/330 − 1 = 9.0909 %, (125 + 245)/360 − 1 = 2.7778 %; TWR = 1.1 × 219/220 × 12/11 × 37/36 − 1
 * = 22.7727 %. The index (Dutot over Charizard and five cards at 10) moves by (50 + C_k)/(50 + C_{k−1}):
 * 175/150 − 1 = 16.6667 %. IRR of −202 (05-04), −111 (07-01), +370 (09-01), Actual/365, is
 * 84.0846 % a year (scipy.optimize.brentq: 0.8408460828716499); beta (numpy.polyfit of the four
 * daily returns on the index's 6.6667 %, 0 %, 6.25 %, 2.9412 %) 1.596442202019891.
 */
const SERIES = [
  { date: DATES[0], value: 200, cost: 202, flow: 202, twr_index: 100, daily_return_pct: null },
  { date: DATES[1], value: 220, cost: 202, flow: 0, twr_index: 110, daily_return_pct: 10 },
  { date: DATES[2], value: 330, cost: 313, flow: 111, twr_index: 109.5, daily_return_pct: -0.4545 },
  { date: DATES[3], value: 360, cost: 313, flow: 0, twr_index: 119.4545, daily_return_pct: 9.0909 },
  { date: DATES[4], value: 125, cost: 111, flow: -245, twr_index: 122.7727, daily_return_pct: 2.7778 },
];
const METRICS = {
  twr_pct: 22.7727,
  irr_pct: 84.0846,
  irr_failure: null,
  max_drawdown: { pct: -0.4545, peak_date: DATES[1], trough_date: DATES[2] },
  market: {
    index_id: 'market',
    index_return_pct: 16.6667,
    excess_return_pct: 6.1061,
    beta: 1.5964,
    beta_observations: 4,
  },
};

describe.each(dialects)('portfolio performance on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    let p: Created;
    const creds = () => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const post = async (path: string, body: unknown) => {
      const res = await h.request(`/v1/portfolios/${p.id}${path}`, json(body, creds()));
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string };
    };
    const get = async (query = '') => {
      const { res, statements } = await h.counted(`/v1/portfolios/${p.id}/performance${query}`, { headers: creds() });
      return { status: res.status, body: (await res.json()) as Answer, statements };
    };
    // The step's work, and the data-version bump the step makes after it (cached answers then miss).
    const snapshot = async () => {
      const counts = await new PerformanceService(h.runtime.database, h.clock).snapshotAll();
      await bumpDataVersion(h.runtime.database.db, h.clock);
      return counts;
    };

    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], NOW);
      await catalogWriter(ctx).upsertCards(
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          ...FILLERS.map((id, i) => ({ id, setId: 'base1', number: String(5 + i), name: `Filler ${i}` })),
        ],
        NOW,
      );
      await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add(
          DATES.flatMap((date, i) => [
            observation('base1-4', date, CHARIZARD[i]!),
            ...FILLERS.map((id) => observation(id, date, 10)),
          ]),
        );
        await importer.flush();
      });
      await deriveIndexes(h.runtime.database);
      const res = await h.request('/v1/portfolios', json({ name: 'performance' }));
      p = (await res.json()) as Created;
      const charizard = { printing_id: 'base1-4.holofoil', currency: 'USD', condition: 'NM' };
      await post('/lots', { ...charizard, quantity: 2, unit_cost: '100.00', fees: '2.00', acquired_on: DATES[0] });
      await post('/lots', { ...charizard, quantity: 1, unit_cost: '110.00', fees: '1.00', acquired_on: DATES[2] });
      await post('/sales', {
        printing_id: 'base1-4.holofoil',
        quantity: 2,
        proceeds: '250.00',
        fees: '5.00',
        currency: 'USD',
        sold_on: DATES[4],
      });
    });

    it('reconstructs the hand-computed NAV, TWR, IRR, drawdown and market comparison', async () => {
      const { status, body, statements } = await get('?source=reconstructed');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        currency: 'USD',
        from: DATES[0],
        to: '2026-11-25',
        source: 'reconstructed',
        snapshot_points: 0,
        reconstructed_points: 5,
      });
      expect(body.series).toEqual(SERIES.map((s) => ({ ...s, priced: 1, unpriced: 0, source: 'reconstructed' })));
      expect(body.metrics).toEqual(METRICS);
      // Authentication, the portfolio, the index levels, then lots, sales, prices and FX rates.
      expect(statements).toBe(7);
    });

    it('a range after inception starts from the value held: no flow before it, the IRR pays that value in', async () => {
      const { body } = await get(`?from=${DATES[1]}&to=${DATES[3]}`);
      expect(body.series.map((s) => [s.date, s.value, s.flow])).toEqual([
        [DATES[1], 220, 0],
        [DATES[2], 330, 111],
        [DATES[3], 360, 0],
      ]);
      // 219/220 × 12/11 − 1.
      expect(body.metrics.twr_pct).toBe(8.595);
    });

    it('the pipeline snapshots every market date once; the answer then comes from the snapshots', async () => {
      const [run] = await h.runtime.pipeline.run(['portfolio-nav'], { trigger: 'cli' });
      expect(run).toMatchObject({
        step: 'portfolio-nav',
        status: 'succeeded',
        counts: { portfolios: 1, snapshotted: 1, rows: 5, recomputed: 0, failed: [] },
      });
      expect(await snapshot()).toEqual({ portfolios: 1, snapshotted: 0, rows: 0, recomputed: 0, failed: [] });
      const { body, statements } = await get();
      expect(body).toMatchObject({ source: 'snapshots', snapshot_points: 5, reconstructed_points: 0 });
      expect(body.series).toEqual(SERIES.map((s) => ({ ...s, priced: 1, unpriced: 0, source: 'snapshot' })));
      expect(body.metrics).toEqual(METRICS);
      // Authentication, the portfolio, the index levels, the snapshots.
      expect(statements).toBe(4);
      // Asked again with nothing changed: authentication and the portfolio's stamps, then the cached answer.
      const repeat = await get();
      expect(repeat.statements).toBe(2);
      expect(repeat.body).toEqual(body);
      const only = await get('?source=snapshots');
      expect(only.body.series).toEqual(body.series);
    });

    it('after a ledger change the snapshots are set aside until the step recomputes them; an unpriced item is no return', async () => {
      h.clock.advance(60_000);
      await post('/lots', {
        item_name: 'Signed playmat',
        quantity: 1,
        unit_cost: '40.00',
        currency: 'USD',
        acquired_on: DATES[3],
      });
      const { body } = await get();
      expect(body).toMatchObject({ source: 'reconstructed', snapshot_points: 0, reconstructed_points: 5 });
      expect(body.series.map((s) => [s.cost, s.unpriced, s.flow])).toEqual([
        [202, 0, 202],
        [202, 0, 0],
        [313, 0, 111],
        [353, 1, 0],
        [151, 1, -245],
      ]);
      expect(body.metrics).toEqual(METRICS);
      h.clock.advance(60_000);
      expect(await snapshot()).toEqual({ portfolios: 1, snapshotted: 1, rows: 5, recomputed: 1, failed: [] });
      const again = await get();
      expect(again.body.source).toBe('snapshots');
      expect(again.body.series.map((s) => s.cost)).toEqual([202, 202, 313, 353, 151]);
    });

    it('refuses a reversed or too long range, and another portfolio’s id', async () => {
      const reversed = await get(`?from=${DATES[2]}&to=${DATES[1]}`);
      expect(reversed.status).toBe(422);
      const long = await get('?from=2010-01-01&to=2026-11-25');
      expect(long.status).toBe(422);
      const other = (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
      const res = await h.request(`/v1/portfolios/${other.id}/performance`, { headers: creds() });
      expect(res.status).toBe(404);
    });

    it('a portfolio without lots has an empty history', async () => {
      const empty = (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
      const res = await h.request(`/v1/portfolios/${empty.id}/performance`, {
        headers: { 'X-Portfolio-Id': empty.id, 'X-Portfolio-Secret': empty.secret },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Answer;
      expect(body.series).toEqual([]);
      expect(body.metrics).toMatchObject({ twr_pct: null, irr_pct: null, irr_failure: 'too_few_flows' });
    });

    it('an amount without an FX rate: 409 on the API, listed as failed by the step; a ledger emptied loses its snapshots', async () => {
      const make = async () => (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
      const as = (q: Created) => ({ 'X-Portfolio-Id': q.id, 'X-Portfolio-Secret': q.secret });
      const pounds = await make();
      const added = await h.request(
        `/v1/portfolios/${pounds.id}/lots`,
        json(
          { printing_id: 'base1-4.holofoil', quantity: 1, unit_cost: '80.00', currency: 'GBP', acquired_on: DATES[0] },
          as(pounds),
        ),
      );
      expect(added.status).toBe(201);
      const res = await h.request(`/v1/portfolios/${pounds.id}/performance`, { headers: as(pounds) });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe('fx_rate_missing');

      const brief = await make();
      const lotRes = await h.request(
        `/v1/portfolios/${brief.id}/lots`,
        json(
          { printing_id: 'base1-4.holofoil', quantity: 1, unit_cost: '100.00', currency: 'USD', acquired_on: DATES[3] },
          as(brief),
        ),
      );
      const lotId = ((await lotRes.json()) as { id: string }).id;
      h.clock.advance(60_000);
      const counts = (await snapshot()) as { failed: { portfolio_id: string; reason: string }[]; rows: number };
      expect(counts.failed).toEqual([{ portfolio_id: pounds.id, reason: expect.stringContaining('GBP') as string }]);
      const stored = () => readNav(h.runtime.database.db, brief.id, '1900-01-01', '9999-12-31');
      expect((await stored()).map((r) => [r.date, Number(r.value_minor)])).toEqual([
        [DATES[3], 120_00],
        [DATES[4], 125_00],
      ]);
      // Dates before the first lot are 0 without any reading; the rest come from the snapshots.
      const early = await h.counted(`/v1/portfolios/${brief.id}/performance?from=${DATES[0]}`, { headers: as(brief) });
      const earlyBody = (await early.res.json()) as Answer;
      expect(earlyBody).toMatchObject({ snapshot_points: 2, reconstructed_points: 3 });
      expect(earlyBody.series.map((s) => [s.date, s.value, s.source])).toEqual([
        [DATES[0], 0, 'reconstructed'],
        [DATES[1], 0, 'reconstructed'],
        [DATES[2], 0, 'reconstructed'],
        [DATES[3], 120, 'snapshot'],
        [DATES[4], 125, 'snapshot'],
      ]);
      expect(early.statements).toBe(4);
      const before = await h.request(`/v1/portfolios/${brief.id}/performance?from=${DATES[0]}&to=${DATES[1]}`, {
        headers: as(brief),
      });
      expect(((await before.json()) as Answer).series.map((s) => s.value)).toEqual([0, 0]);
      const removed = await h.request(`/v1/portfolios/${brief.id}/lots/${lotId}`, {
        method: 'DELETE',
        headers: as(brief),
      });
      expect(removed.status).toBe(204);
      h.clock.advance(60_000);
      await snapshot();
      expect(await stored()).toEqual([]);
    });

    it('a print the quality step flagged values nothing, as in the current valuation', async () => {
      const db = h.runtime.database.db;
      const { key } = await db
        .selectFrom('printings')
        .select('key')
        .where('id', '=', 'base1-4.holofoil')
        .executeTakeFirstOrThrow();
      const flag = { printing_key: key, market: 'tcgplayer', condition: 'NM', currency: 'USD', date: DATES[4]! };
      const last = async () => (await get(`?source=reconstructed&from=${DATES[4]}`)).body.series.at(-1)!;
      expect(await last()).toMatchObject({ value: 125, priced: 1, unpriced: 1 });
      await db
        .insertInto('price_flags')
        .values({ ...flag, reason: 'return_outlier', ref_date: DATES[3]! })
        .execute();
      await bumpDataVersion(db, h.clock); // as the quality step does
      expect(await last()).toMatchObject({ value: 0, priced: 0, unpriced: 2 });
      await db.deleteFrom('price_flags').where('printing_key', '=', key).execute();
      await bumpDataVersion(db, h.clock);
    });

    it('a ledger write landing while the step computes a portfolio keeps those rows out; the next run writes them', async () => {
      const q = (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
      const as = { 'X-Portfolio-Id': q.id, 'X-Portfolio-Secret': q.secret };
      const buy = (acquired_on: string) =>
        h.request(
          `/v1/portfolios/${q.id}/lots`,
          json({ printing_id: 'base1-4.holofoil', quantity: 1, unit_cost: '100.00', currency: 'USD', acquired_on }, as),
        );
      expect((await buy(DATES[3]!)).status).toBe(201);
      await snapshot(); // the other portfolios are current from here on
      expect((await buy(DATES[4]!)).status).toBe(201);
      // The step's computation of q, with another purchase committed right after it read the ledger.
      type Reconstruct = (...args: unknown[]) => Promise<unknown>;
      const racing = new PerformanceService(h.runtime.database, h.clock);
      const inner = racing as unknown as { reconstruct: Reconstruct };
      const original = inner.reconstruct.bind(racing);
      inner.reconstruct = async (...args) => {
        const points = await original(...args);
        if (args[0] === q.id) expect((await buy(DATES[4]!)).status).toBe(201);
        return points;
      };
      const counts = (await racing.snapshotAll()) as { failed: { portfolio_id: string; reason: string }[] };
      // (The GBP portfolio of an earlier test still has no rate: it fails on every run.)
      expect(counts.failed.filter((f) => f.portfolio_id === q.id)).toEqual([
        { portfolio_id: q.id, reason: 'its ledger changed while its NAV was computed; the next run computes it again' },
      ]);
      const before = await readNav(h.runtime.database.db, q.id, '1900-01-01', '9999-12-31');
      expect(before.map((r) => Number(r.cost_minor))).toEqual([100_00, 100_00]);
      await snapshot();
      const after = await readNav(h.runtime.database.db, q.id, '1900-01-01', '9999-12-31');
      expect(after.map((r) => Number(r.cost_minor))).toEqual([100_00, 300_00]);
    });
  });
});
