/**
 * A small hand-made market for API tests: two sets, six cards, printings with and without
 * TCGplayer ids, 41 days of prices ending on END with known changes, a stale series, a jump.
 */
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../src/features/ingest/context.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';

export const END = '2026-11-20';
export const day = (offset: number) =>
  new Date(Date.parse(`${END}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

const usd = (cardId: string, finishLabel: string, date: string, market: number | null): PriceObservation => ({
  ref:
    cardId === 's1-4' && finishLabel === 'holofoil'
      ? { kind: 'tcgplayer', productId: 42382, subType: 'Holofoil' }
      : { kind: 'card', cardId, finishLabel },
  market: 'tcgplayer',
  currency: 'USD',
  date,
  prices: {
    market,
    low: market === null ? 1 : market * 0.9,
    mid: market === null ? null : market * 1.1,
    high: market === null ? null : market * 2,
  },
});

/**
 * Prices (USD) by card and finish, days −40 … 0:
 * - s1-4 Charizard holofoil (TCGplayer product 42382 "Holofoil", through the product map):
 *   100 + k (k = days since −40) → 1d +0.7194 %, 7d from 133 to 140.
 *   Its reverse holofoil: flat 30. Headline: holofoil (standard finish first).
 * - s1-5 Dark Charizard holofoil: 50 until day −7, then 40 → 7d change −20 %.
 * - s1-6 Charmander normal: 2 until day −1, then 2.5 on day 0 → 1d +25 %; reverse holofoil 4 flat.
 * - s2-1 Flabébé normal: stale — last price on day −5 (10), before that 8.
 *   Its reverse holofoil: fresh, 3 → 3.3 over the last day. Headline: the fresh reverse holofoil.
 * - s2-2 Jumpluff normal: 1 until day −1, then 50 on day 0 (a 50× step: jump-filtered from movers).
 * - s2-3 Pikachu: no prices.
 */
export async function seedMarket(ctx: IngestContext): Promise<void> {
  const now = '2026-11-21T00:00:00.000Z';
  const writer = catalogWriter(ctx);
  await writer.upsertSets(
    [
      { id: 's1', name: 'Alpha Set', era: 'Alpha', printedTotal: 102, total: 102, releaseDate: '2020-01-01' },
      { id: 's2', name: 'Beta Set', printedTotal: 30, total: 32, releaseDate: '2021-06-01' },
    ],
    now,
  );
  const card = (id: string, setId: string, number: string, name: string, rarity: string, types: string[]) => ({
    id,
    setId,
    number,
    name,
    rarity,
    types,
    supertype: 'Pokémon',
    images: { small: `https://img.example/${id}.png` },
    imageSource: 'pokemontcg',
  });
  await writer.upsertCards(
    [
      card('s1-4', 's1', '4', 'Charizard', 'Rare Holo', ['Fire']),
      card('s1-5', 's1', '5', 'Dark Charizard', 'Rare Holo', ['Fire']),
      card('s1-6', 's1', '6', 'Charmander', 'Common', ['Fire']),
      card('s2-1', 's2', '1', 'Flabébé', 'Common', ['Fairy']),
      card('s2-2', 's2', '2', 'Jumpluff', 'Uncommon', ['Grass']),
      card('s2-3', 's2', '3', 'Pikachu', 'Common', ['Lightning']),
    ],
    now,
  );
  await ctx.database.db
    .insertInto('tcgplayer_products')
    .values({
      product_id: 42382,
      group_id: 604,
      name: 'Charizard',
      number: '4/102',
      card_id: 's1-4',
      kind: 'card',
      feed: 'test',
      updated_at: now,
    })
    .execute();
  const rows: PriceObservation[] = [];
  for (let k = 0; k <= 40; k++) {
    const d = day(k - 40);
    rows.push(usd('s1-4', 'holofoil', d, 100 + k));
    rows.push(usd('s1-4', 'reverse holofoil', d, 30));
    rows.push(usd('s1-5', 'holofoil', d, k - 40 <= -7 ? 50 : 40));
    rows.push(usd('s1-6', 'normal', d, k < 40 ? 2 : 2.5));
    rows.push(usd('s1-6', 'reverse holofoil', d, 4));
    if (k - 40 <= -5) rows.push(usd('s2-1', 'normal', d, k - 40 < -5 ? 8 : 10));
    rows.push(usd('s2-1', 'reverse holofoil', d, k === 40 ? 3.3 : 3));
    rows.push(usd('s2-2', 'normal', d, k < 40 ? 1 : 50));
  }
  await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
    const importer = await priceImporter(ctx, run, 'test');
    await importer.add(rows);
    await importer.flush();
  });
  await deriveReadModels(ctx.database, ctx.clock);
}
