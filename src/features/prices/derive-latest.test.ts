import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { catalogWriter, priceImporter, withRun } from '../ingest/context.ts';
import { changePct, deriveLatestPrices } from './derive-latest.ts';
import type { PriceObservation } from './price-importer.ts';

const day = (offset: number) => new Date(Date.UTC(2025, 9, 20) + offset * 86_400_000).toISOString().slice(0, 10);
const obs = (
  cardId: string,
  date: string,
  market: number | null,
  currency: 'USD' | 'EUR' = 'USD',
): PriceObservation => ({
  ref: { kind: 'card', cardId, finishLabel: 'holofoil' },
  market: currency === 'USD' ? 'tcgplayer' : 'cardmarket',
  currency,
  date,
  prices: { market, low: 1 },
});

describe('changePct', () => {
  it('is percent, rounded to 4 decimals', () => {
    expect(changePct(300, 400)).toBe(33.3333);
    expect(changePct(400, 300)).toBe(-25);
    expect(changePct(29, 31)).toBe(6.8966);
  });
});

describe.each(dialects)('derive latest prices on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    beforeAll(async () => {
      const now = '2025-10-21T00:00:00.000Z';
      await catalogWriter(ctx).upsertSets([{ id: 's1', name: 'Set' }], now);
      await catalogWriter(ctx).upsertCards(
        ['steady', 'gappy', 'stale', 'nullend'].map((id, i) => ({ id, setId: 's1', number: String(i + 1), name: id })),
        now,
      );
      const rows: PriceObservation[] = [];
      // steady: daily for 100 days ending on day 0, price 100 + days elapsed (cents: 10000 + 100*k)
      for (let k = 0; k <= 100; k++) rows.push(obs('steady', day(k - 100), 100 + k));
      // gappy: day 0 = 50; day −9 = 40 (7-day base must be ≤ day −7 and ≥ day −10 → day −9); nothing near day −30
      rows.push(obs('gappy', day(0), 50), obs('gappy', day(-9), 40), obs('gappy', day(-40), 10));
      // stale: last seen 5 days before the market's latest date
      rows.push(obs('stale', day(-5), 20), obs('stale', day(-6), 10));
      // nullend: the latest row has no market price, so it is no observation
      rows.push(obs('nullend', day(0), null), obs('nullend', day(-1), 7));
      // another market: its own as-of date
      rows.push(obs('steady', day(-2), 90, 'EUR'), obs('steady', day(-3), 80, 'EUR'));
      await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add(rows);
        await importer.flush();
      });
    });

    const latest = async (cardId: string, market = 'tcgplayer') =>
      ctx.database.db
        .selectFrom('latest_prices')
        .selectAll()
        .where('card_id', '=', cardId)
        .where('market', '=', market)
        .executeTakeFirst();

    it('computes latest price and changes per window from the base rule', async () => {
      const counts = await deriveLatestPrices(ctx.database);
      expect(counts).toEqual({ series: 5, stale: 1, markets: 2, group_warnings: 0 });
      expect(await latest('steady')).toMatchObject({
        as_of: day(0),
        last_date: day(0),
        last_cents: 20000,
        stale: 0,
        from_date_1d: day(-1),
        from_cents_1d: 19900,
        change_pct_1d: changePct(19900, 20000),
        from_date_7d: day(-7),
        change_pct_7d: changePct(19300, 20000),
        from_date_30d: day(-30),
        from_date_90d: day(-90),
        from_cents_90d: 11000,
      });
    });

    it('takes the last observation on or before to_date − N, at most 3 days older', async () => {
      await deriveLatestPrices(ctx.database);
      expect(await latest('gappy')).toMatchObject({
        last_cents: 5000,
        from_date_1d: null,
        change_pct_1d: null,
        from_date_7d: day(-9),
        from_cents_7d: 4000,
        change_pct_7d: 25,
        from_date_30d: null,
        from_date_90d: null,
      });
    });

    it('marks series more than 3 days behind their market as stale, and skips null market prices', async () => {
      await deriveLatestPrices(ctx.database);
      expect(await latest('stale')).toMatchObject({ stale: 1, last_date: day(-5) });
      expect(await latest('nullend')).toMatchObject({ last_date: day(-1), last_cents: 700, stale: 0 });
      expect(await latest('steady', 'cardmarket')).toMatchObject({
        as_of: day(-2),
        last_cents: 9000,
        currency: 'EUR',
        from_date_1d: day(-3),
        change_pct_1d: 12.5,
      });
    });

    it('is idempotent', async () => {
      const a = await ctx.database.db
        .selectFrom('latest_prices')
        .selectAll()
        .orderBy('card_id')
        .orderBy('market')
        .execute();
      await deriveLatestPrices(ctx.database);
      const b = await ctx.database.db
        .selectFrom('latest_prices')
        .selectAll()
        .orderBy('card_id')
        .orderBy('market')
        .execute();
      expect(b).toEqual(a);
    });
  });
});

describe.each(dialects)('derived prices leave flagged prints out on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    /** Cents of `fl` on day k: a wobble around 10 dollars, so its volatility is not zero. */
    const cents = (k: number) => 1000 + ((k * 37 + 1000) % 23) * 10;
    /** Flagged prints of `fl`: the latest (day 0), and day −8, the 7-day base of day −1. */
    const FLAGGED = [0, -8];
    let key = 0;
    const flag = async (printingKey: number, k: number) =>
      ctx.database.db
        .insertInto('price_flags')
        .values({
          printing_key: printingKey,
          market: 'tcgplayer',
          condition: 'NM',
          currency: 'USD',
          date: day(k),
          reason: 'return_outlier',
          ref_date: day(k - 1),
        })
        .execute();
    beforeAll(async () => {
      const now = '2025-10-21T00:00:00.000Z';
      await catalogWriter(ctx).upsertSets([{ id: 's1', name: 'Set' }], now);
      await catalogWriter(ctx).upsertCards(
        ['fl', 'allflagged', 'other'].map((id, i) => ({ id, setId: 's1', number: String(i + 1), name: id })),
        now,
      );
      const rows: PriceObservation[] = [];
      for (let k = -100; k <= 0; k++)
        rows.push(obs('fl', day(k), (FLAGGED.includes(k) ? 3 * cents(k) : cents(k)) / 100));
      rows.push(obs('allflagged', day(0), 9999.99), obs('allflagged', day(-1), 9999.99), obs('other', day(0), 5));
      await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add(rows);
        await importer.flush();
      });
      const keys = new Map(
        (await ctx.database.db.selectFrom('printings').select(['key', 'card_id']).execute()).map((r) => [
          r.card_id,
          Number(r.key),
        ]),
      );
      key = keys.get('fl')!;
      for (const k of FLAGGED) await flag(key, k);
      for (const k of [0, -1]) await flag(keys.get('allflagged')!, k);
    });

    const latest = async (cardId: string) =>
      ctx.database.db.selectFrom('latest_prices').selectAll().where('card_id', '=', cardId).executeTakeFirst();

    it('the latest price, change bases and movers statistics skip flagged prints', async () => {
      await deriveLatestPrices(ctx.database);
      const row = await latest('fl');
      expect(row).toMatchObject({
        as_of: day(0),
        last_date: day(-1),
        last_cents: cents(-1),
        stale: 0,
        from_date_1d: day(-2),
        from_cents_1d: cents(-2),
        change_pct_1d: changePct(cents(-2), cents(-1)),
        // Day −8 is flagged: the base is the last unflagged print in [−11, −8].
        from_date_7d: day(-9),
        from_cents_7d: cents(-9),
        change_pct_7d: changePct(cents(-9), cents(-1)),
        // Days −9 … −1 without −8; the largest step is between unflagged neighbours.
        obs_7d: 8,
        // Returns between the 90 unflagged prints of days −91 … −1.
        vol_obs: 89,
      });
      const steps = [-9, -7, -6, -5, -4, -3, -2, -1].slice(1).map((k, i, all) => {
        const prev = i === 0 ? cents(-9) : cents(all[i - 1]!);
        return Math.max(cents(k) / prev, prev / cents(k));
      });
      expect(row!.jump_7d).toBe(Math.round(Math.max(...steps) * 1e4) / 1e4);
      // A series whose every print is flagged has no latest price.
      expect(await latest('allflagged')).toBeUndefined();
    });

    it('gives the same row as if the flagged prints were never stored, and another one without the flags', async () => {
      await deriveLatestPrices(ctx.database);
      const flagged = await latest('fl');
      await ctx.database.db.deleteFrom('price_flags').where('printing_key', '=', key).execute();
      await deriveLatestPrices(ctx.database);
      expect(await latest('fl')).toMatchObject({ last_date: day(0), last_cents: 3 * cents(0) });
      for (const k of FLAGGED)
        await ctx.database.db.deleteFrom('prices').where('printing_key', '=', key).where('date', '=', day(k)).execute();
      await deriveLatestPrices(ctx.database);
      expect(await latest('fl')).toEqual(flagged);
    });
  });
});
