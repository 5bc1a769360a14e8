import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import type { Database } from '../../platform/db/database.ts';
import { IndexAccumulator, JUMP_FILTER_RATIO, MIN_CONSTITUENTS, deriveIndexes } from './indexes.ts';

const NOW = '2025-01-05T00:00:00.000Z';
const [D1, D2, D3, D4] = ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04'] as const;

/**
 * Set "alpha": a1…a6 from D1. a6 jumps 1 → 20 dollars (×20, filtered) on D2; a1 has only a
 * low price on D3 (no observation), so its D4 price pairs with D2 and is no step; on D4 only
 * a2 and a3 are priced, too few, so alpha carries forward.
 * Set "beta": b1…b5 from D2, 100 → 90 → 99 dollars.
 */
const MARKET_PRICES: Record<string, (number | null)[]> = {
  a1: [10, 11, null, 12],
  a2: [20, 22, 22, 11],
  a3: [30, 33, 33, 33],
  a4: [40, 44, 44, null],
  a5: [50, 55, 55, null],
  a6: [1, 20, 22, null],
  b1: [null, 100, 90, 99],
  b2: [null, 100, 90, 99],
  b3: [null, 100, 90, 99],
  b4: [null, 100, 90, 99],
  b5: [null, 100, 90, 99],
};

async function seed(database: Database): Promise<void> {
  const db = database.db;
  await db
    .insertInto('sets')
    .values(
      ['alpha', 'beta', 'gamma'].map((id) => ({
        id,
        game: 'pokemon',
        name: id === 'alpha' ? 'Alpha' : id === 'beta' ? 'Beta' : 'Gamma',
        language: 'en',
        updated_at: NOW,
      })),
    )
    .execute();
  const cardIds = [...Object.keys(MARKET_PRICES), 'g1'];
  const setOf = (card: string) => (card.startsWith('a') ? 'alpha' : card.startsWith('b') ? 'beta' : 'gamma');
  await db
    .insertInto('cards')
    .values(
      cardIds.map((id) => ({
        id,
        set_id: setOf(id),
        number: id.slice(1),
        name: id,
        kind: 'card' as const,
        language: 'en',
        updated_at: NOW,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(
      cardIds.map((id) => ({ id: `${id}-normal`, card_id: id, finish: 'normal', language: 'en', created_at: NOW })),
    )
    .execute();
  const keys = new Map(
    (await db.selectFrom('printings').select(['key', 'card_id']).execute()).map((r) => [r.card_id, r.key]),
  );
  const base = { condition: 'NM', feed: 'test', low_cents: 1, known_at: NOW, run_id: 'run_test' };
  const rows = [];
  for (const [card, prices] of Object.entries(MARKET_PRICES)) {
    const printing_key = keys.get(card)!;
    [D1, D2, D3, D4].forEach((date, i) => {
      const dollars = prices[i];
      if (dollars !== null)
        rows.push({ ...base, printing_key, market: 'tcgplayer', currency: 'USD', date, market_cents: dollars! * 100 });
    });
  }
  // Not the primary series, or no market price: never part of an index.
  rows.push({
    ...base,
    printing_key: keys.get('a1')!,
    market: 'tcgplayer',
    currency: 'USD',
    date: D3,
    market_cents: null,
  });
  rows.push({
    ...base,
    printing_key: keys.get('b1')!,
    market: 'cardmarket',
    currency: 'EUR',
    date: D1,
    market_cents: 1,
  });
  rows.push({
    ...base,
    printing_key: keys.get('b1')!,
    market: 'tcgplayer',
    currency: 'USD',
    condition: 'LP',
    date: D1,
    market_cents: 5,
  });
  await db.insertInto('prices').values(rows).execute();
}

const valuesOf = (database: Database, indexId: string) =>
  database.db.selectFrom('index_values').selectAll().where('index_id', '=', indexId).orderBy('date').execute();

describe('index settings', () => {
  it('filters tenfold jumps and needs five printings per step', () => {
    expect(JUMP_FILTER_RATIO).toBe(10);
    expect(MIN_CONSTITUENTS).toBe(5);
  });
});

describe('IndexAccumulator, a two-day story', () => {
  it('links the second day by value and keeps a printing whose price moved exactly tenfold', () => {
    const acc = new IndexAccumulator(new Map([1, 2, 3, 4, 5].map((k) => [k, 's'])));
    for (const k of [1, 2, 3, 4]) {
      acc.add(k, D1, 100);
      acc.add(k, D2, 150);
    }
    acc.add(5, D1, 100);
    acc.add(5, D2, 1000);
    // A zero price has no finite ratio: never a step, but it counts as priced on the base date.
    acc.add(6, D1, 0);
    acc.add(6, D2, 100);
    const { calendar, indexes } = acc.finish();
    expect(calendar).toEqual([D1, D2]);
    expect(indexes.get('market')).toEqual([
      { date: D1, value: 100, constituents: 6, fromValueCents: 500, toValueCents: 500 },
      { date: D2, value: 320, constituents: 5, fromValueCents: 500, toValueCents: 1600 },
    ]);
    // Printing 6 has no set: only the market index holds it.
    expect([...indexes.keys()]).toEqual(['market', 'set-s']);
    expect(indexes.get('set-s')![0]!.constituents).toBe(5);
  });

  it('puts sealed printings into the sealed index only: never into the card market or their set', () => {
    const acc = new IndexAccumulator(new Map([1, 2, 3, 4, 5, 9].map((k) => [k, 's'])), new Set([9]));
    for (const k of [1, 2, 3, 4, 5]) {
      acc.add(k, D1, 100);
      acc.add(k, D2, 110);
    }
    // A booster box doubling would move a mixed index by far more than the cards did.
    acc.add(9, D1, 10_000);
    acc.add(9, D2, 20_000);
    const { indexes } = acc.finish();
    expect([...indexes.keys()]).toEqual(['market', 'sealed', 'set-s']);
    expect(indexes.get('market')!.at(-1)).toMatchObject({ value: 110, constituents: 5 });
    expect(indexes.get('set-s')!.at(-1)).toMatchObject({ value: 110, constituents: 5 });
    // One constituent is below MIN_CONSTITUENTS: the sealed index carries its base forward.
    expect(indexes.get('sealed')).toEqual([
      { date: D1, value: 100, constituents: 1, fromValueCents: 10_000, toValueCents: 10_000 },
      { date: D2, value: 100, constituents: 1, fromValueCents: 0, toValueCents: 0 },
    ]);
  });
});

describe.each(dialects)('deriveIndexes on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d, NOW);
    beforeAll(async () => {
      await seed(ctx.database);
    });

    it('chains the market index over every printing priced on consecutive dates', async () => {
      expect(await deriveIndexes(ctx.database)).toEqual({ indexes: 3, points: 4 + 4 + 3 });
      const points = await valuesOf(ctx.database, 'market');
      expect(points.map((p) => [p.date, p.constituents, Number(p.from_value_cents), Number(p.to_value_cents)])).toEqual(
        [
          [D1, 6, 15100, 15100],
          // a6 (×20) filtered: a1…a5 only.
          [D2, 5, 15000, 16500],
          // a2…a6 (a1 has no market price on D3) and b1…b5.
          [D3, 10, 67400, 62600],
          // a2, a3 and b1…b5; a1's D4 price follows D2, not D3.
          [D4, 7, 50500, 53900],
        ],
      );
      expect(points[0]!.value).toBe(100);
      expect(points[1]!.value).toBeCloseTo(110, 10);
      expect(points[2]!.value).toBeCloseTo(102.16617210682493, 10);
      expect(points[3]!.value).toBeCloseTo(109.04468666451216, 10);
    });

    it('gives each priced set its own index from its own base date, carrying forward thin days', async () => {
      await deriveIndexes(ctx.database);
      const alpha = await valuesOf(ctx.database, 'set-alpha');
      expect(alpha.map((p) => [p.date, p.constituents, Number(p.from_value_cents), Number(p.to_value_cents)])).toEqual([
        [D1, 6, 15100, 15100],
        [D2, 5, 15000, 16500],
        [D3, 5, 17400, 17600],
        [D4, 2, 0, 0],
      ]);
      expect(alpha[2]!.value).toBeCloseTo(111.26436781609195, 10);
      expect(alpha[3]!.value).toBe(alpha[2]!.value);

      const beta = await valuesOf(ctx.database, 'set-beta');
      expect(beta.map((p) => [p.date, p.value, p.constituents])).toEqual([
        [D2, 100, 5],
        [D3, 90, 5],
        [D4, 99, 5],
      ]);

      const indexes = await ctx.database.db.selectFrom('market_indexes').selectAll().orderBy('id').execute();
      expect(indexes.map((i) => ({ ...i, last_value: Math.round(i.last_value * 1e6) / 1e6 }))).toEqual([
        {
          id: 'market',
          kind: 'market',
          set_id: null,
          name: 'Market index (TCGplayer, USD)',
          market: 'tcgplayer',
          currency: 'USD',
          base_date: D1,
          last_date: D4,
          last_value: 109.044687,
          constituents: 7,
          points: 4,
        },
        {
          id: 'set-alpha',
          kind: 'set',
          set_id: 'alpha',
          name: 'Alpha index',
          market: 'tcgplayer',
          currency: 'USD',
          base_date: D1,
          last_date: D4,
          last_value: 111.264368,
          constituents: 2,
          points: 4,
        },
        {
          id: 'set-beta',
          kind: 'set',
          set_id: 'beta',
          name: 'Beta index',
          market: 'tcgplayer',
          currency: 'USD',
          base_date: D2,
          last_date: D4,
          last_value: 99,
          constituents: 5,
          points: 3,
        },
      ]);
    });

    it('is idempotent', async () => {
      await deriveIndexes(ctx.database);
      const read = async () => ({
        indexes: await ctx.database.db.selectFrom('market_indexes').selectAll().orderBy('id').execute(),
        values: await ctx.database.db
          .selectFrom('index_values')
          .selectAll()
          .orderBy('index_id')
          .orderBy('date')
          .execute(),
      });
      const first = await read();
      expect(await deriveIndexes(ctx.database)).toEqual({ indexes: 3, points: 11 });
      expect(await read()).toEqual(first);
    });
  });
});
