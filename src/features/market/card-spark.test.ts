import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { day, END, seedMarket } from '#test/market-fixtures.ts';
import { epochDate, epochDay } from '../../platform/clock.ts';
import { dateText } from '../../platform/db/dialect.ts';
import { sql } from 'kysely';
import { deriveReadModels } from './derive.ts';
import { computeCardSummary, SPARK_DAYS } from './card-summary.ts';
import { computeLatestPrices } from '../prices/derive-latest.ts';
import { sparkPrices } from './card-summary.repo.ts';
import { minorUnitDigits } from '../prices/wire.ts';

type Json = Record<string, any>;

describe.each(dialects)('card list sparklines on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    const list = async (path: string) => {
      const { res, statements } = await h.counted(path);
      expect(res.status).toBe(200);
      return { body: (await res.json()) as Json, statements };
    };
    const item = (body: Json, id: string) => (body.items as Json[]).find((i) => i.id === id)!;

    /** The stored market prices (major units) of a card's headline series on the spark's days. */
    async function storedSpark(cardId: string): Promise<(number | null)[]> {
      const database = h.runtime.database;
      const lp = await database.db
        .selectFrom('latest_prices')
        .selectAll()
        .where('card_id', '=', cardId)
        .where('headline', '=', 1)
        .executeTakeFirstOrThrow();
      const first = epochDay(lp.as_of) - SPARK_DAYS + 1;
      const rows = await database.db
        .selectFrom('prices')
        .select(['market_cents', sql<string>`${sql.raw(dateText(database.dialect, 'date'))}`.as('day')])
        .where('printing_key', '=', lp.printing_key)
        .where('market', '=', lp.market)
        .where('condition', '=', lp.condition)
        .where('currency', '=', lp.currency)
        .where('date', '>=', epochDate(first))
        .execute();
      const flags = await database.db
        .selectFrom('price_flags')
        .select(sql<string>`${sql.raw(dateText(database.dialect, 'date'))}`.as('day'))
        .where('printing_key', '=', lp.printing_key)
        .where('market', '=', lp.market)
        .where('condition', '=', lp.condition)
        .where('currency', '=', lp.currency)
        .execute();
      const flagged = new Set(flags.map((f) => String(f.day)));
      // Minor → major units by the currency's own exponent (USD 2, JPY 0), not a fixed 100.
      const scale = 10 ** minorUnitDigits(lp.currency);
      const out = new Array<number | null>(SPARK_DAYS).fill(null);
      for (const r of rows)
        if (r.market_cents !== null && !flagged.has(String(r.day)))
          out[epochDay(String(r.day)) - first] = Number(r.market_cents) / scale;
      return out;
    }

    it('each card lists its headline series’ last 30 market prices, oldest first, equal to the stored prices', async () => {
      const { body, statements } = await list('/v1/cards');
      const charizard = item(body, 's1-4');
      expect(charizard.currency).toBe('USD');
      expect(charizard.spark).toHaveLength(SPARK_DAYS);
      // Charizard holofoil: 100 + k on day −40 + k, so day −29 … 0 is 111 … 140.
      expect(charizard.spark).toEqual(Array.from({ length: SPARK_DAYS }, (_, i) => 111 + i));
      expect(charizard.spark).toEqual(await storedSpark('s1-4'));
      expect(charizard.spark.at(-1)).toBe(charizard.price);
      // The stale Flabébé normal is not the headline: its fresh reverse holofoil is.
      expect(item(body, 's2-1').spark).toEqual(await storedSpark('s2-1'));
      // No prices, no headline: no sparkline.
      expect(item(body, 's2-3').spark).toBeNull();
      // The list still costs the data-version read plus one statement.
      expect(statements).toBe(2);
      expect(body.items.every((i: Json) => i.spark === null || i.spark.length === SPARK_DAYS)).toBe(true);
    });

    it('summaries computed from latest prices read without sparkline days read the stored sparklines', async () => {
      const database = h.runtime.database;
      const withoutDays = await computeCardSummary(database, undefined, await computeLatestPrices(database));
      const stored = await computeCardSummary(database);
      expect(withoutDays.spark!.get('s1-4')).toHaveLength(SPARK_DAYS);
      expect(withoutDays.spark!.get('s1-4')).toEqual(stored.spark!.get('s1-4'));
      expect(withoutDays.spark!.get('s1-4')).toEqual(await storedSpark('s1-4'));
    });

    it('a day without a price is null, and the list keeps its statement count', async () => {
      const database = h.runtime.database;
      const lp = await database.db
        .selectFrom('latest_prices')
        .select(['printing_key', 'market', 'condition', 'currency'])
        .where('card_id', '=', 's1-4')
        .where('headline', '=', 1)
        .executeTakeFirstOrThrow();
      await database.db
        .deleteFrom('prices')
        .where('printing_key', '=', lp.printing_key)
        .where('market', '=', lp.market)
        .where('condition', '=', lp.condition)
        .where('currency', '=', lp.currency)
        .where('date', '=', day(-3))
        .execute();
      await deriveReadModels(database, h.runtime.ingest.clock);
      const { body, statements } = await list('/v1/cards?q=charizard&sort=price');
      const spark = item(body, 's1-4').spark as (number | null)[];
      expect(spark[SPARK_DAYS - 4]).toBeNull();
      expect(spark[SPARK_DAYS - 5]).toBe(136);
      expect(spark.at(-1)).toBe(140);
      expect(spark).toEqual(await storedSpark('s1-4'));
      expect(item(body, 's1-4').as_of).toBe(END);
      expect(statements).toBe(2);
    });

    it('a flagged print is null on its day, and only the headline series’ own days are read', async () => {
      const database = h.runtime.database;
      const lp = await database.db
        .selectFrom('latest_prices')
        .select(['printing_key', 'market', 'condition', 'currency'])
        .where('card_id', '=', 's1-4')
        .where('headline', '=', 1)
        .executeTakeFirstOrThrow();
      // The quality step's flag on day −5 (the step writes the same rows).
      await database.db
        .insertInto('price_flags')
        .values({
          printing_key: lp.printing_key,
          market: lp.market,
          condition: lp.condition,
          currency: lp.currency,
          date: day(-5),
          reason: 'jump',
          ref_date: day(-6),
        })
        .execute();
      try {
        await deriveReadModels(database, h.runtime.ingest.clock);
        const { body, statements } = await list('/v1/cards?q=charizard&sort=price');
        const charizard = item(body, 's1-4');
        expect(charizard.currency).toBe('USD');
        const spark = charizard.spark as (number | null)[];
        expect(spark[SPARK_DAYS - 6]).toBeNull();
        // Its neighbours stay: 140 − 4 and 140 − 6 dollars.
        expect(spark[SPARK_DAYS - 5]).toBe(136);
        expect(spark[SPARK_DAYS - 7]).toBe(134);
        expect(spark).toEqual(await storedSpark('s1-4'));
        expect(statements).toBe(2);
      } finally {
        await database.db.deleteFrom('price_flags').execute();
      }
    });

    it('reads only each series’ own days: not another series of the printing, not before its window, not a flagged print', async () => {
      const database = h.runtime.database;
      const lp = await database.db
        .selectFrom('latest_prices')
        .select(['printing_key', 'market', 'condition', 'currency'])
        .where('card_id', '=', 's1-4')
        .where('headline', '=', 1)
        .executeTakeFirstOrThrow();
      const printingKey = Number(lp.printing_key);
      // Another series of the same printing, on the same days.
      await database.db
        .insertInto('prices')
        .values(
          Array.from({ length: 41 }, (_, i) => ({
            printing_key: printingKey,
            market: lp.market,
            condition: 'LP',
            currency: lp.currency,
            date: day(i - 40),
            feed: 'test',
            market_cents: 5_000,
            known_at: '2026-01-01T00:00:00.000Z',
            run_id: 'test',
          })),
        )
        .execute();
      await database.db
        .insertInto('price_flags')
        .values({ ...lp, date: day(-12), reason: 'jump', ref_date: day(-13) })
        .execute();
      try {
        const series = { ...lp, printing_key: printingKey, as_of: day(-10) };
        const rows = await sparkPrices(database, [series], SPARK_DAYS);
        expect(rows.every((r) => r.condition === lp.condition && Number(r.printing_key) === printingKey)).toBe(true);
        const expected = Array.from({ length: SPARK_DAYS }, (_, i) => day(i - 39)).filter((d) => d !== day(-12));
        expect(rows.map((r) => String(r.date)).sort()).toEqual(expected);
        // Charizard holofoil on day k is 140 + k dollars.
        expect(rows.find((r) => String(r.date) === day(-10))?.market_cents).toBe(13_000);
        expect(await sparkPrices(database, [], SPARK_DAYS)).toEqual([]);
      } finally {
        await database.db.deleteFrom('price_flags').execute();
        await database.db.deleteFrom('prices').where('condition', '=', 'LP').execute();
      }
    });
  });
});
