/**
 * A market for the largest backtest answered while the request waits: `printings` printings
 * priced and scored on every day of `days` (printings × days cells, the estimated work). Cards
 * and the first day go through the importer; the other days are copied from it in one
 * statement each (SQLite only), so a year of 680 printings takes about a second to seed.
 */
import { sql } from 'kysely';
import { catalogWriter, priceImporter, withRun } from '../src/features/ingest/context.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { resolveSignalSettings, signalConfig } from '../src/features/signals/settings.ts';
import type { SignalKey } from '../src/features/signals/signals.repo.ts';
import type { Runtime } from '../src/runtime.ts';

export const LOAD_START = '2025-11-01';

export async function seedBacktestMarket(
  runtime: Runtime,
  printings: number,
  days: number,
): Promise<{ key: SignalKey; from: string; to: string }> {
  if (runtime.database.dialect !== 'sqlite')
    throw new Error('seedBacktestMarket copies rows with SQLite date arithmetic');
  const ctx = runtime.ingest;
  const now = '2026-11-01T00:00:00.000Z';
  const writer = catalogWriter(ctx);
  await writer.upsertSets(
    [{ id: 'ld', name: 'Load Set', printedTotal: printings, total: printings, releaseDate: '2020-01-01' }],
    now,
  );
  const ids = Array.from({ length: printings }, (_, i) => `ld-${i + 1}`);
  await writer.upsertCards(
    ids.map((id, i) => ({
      id,
      setId: 'ld',
      number: String(i + 1),
      name: `Load ${i + 1}`,
      rarity: 'Common',
      types: ['Fire'],
      supertype: 'Pokémon',
      images: {},
      imageSource: 'pokemontcg',
    })),
    now,
  );
  const rows: PriceObservation[] = ids.map((cardId, i) => {
    const market = 5 + (i % 50);
    return {
      ref: { kind: 'card', cardId, finishLabel: 'normal' },
      market: 'tcgplayer',
      currency: 'USD',
      date: LOAD_START,
      prices: { market, low: market * 0.9, mid: market, high: market * 2 },
    };
  });
  await withRun(ctx, { importer: 'load', feed: 'load', kind: 'prices' }, async (run) => {
    const importer = await priceImporter(ctx, run, 'load');
    await importer.add(rows);
    await importer.flush();
  });
  const db = runtime.database.db;
  // Days 1 … days−1: the first day's row with a small deterministic walk of the price.
  await sql`with recursive d(k) as (select 1 union all select k + 1 from d where k < ${days - 1})
    insert into prices (printing_key, market, condition, currency, date, feed, market_cents, low_cents, mid_cents, high_cents, direct_low_cents, trend_cents, avg1_cents, avg7_cents, avg30_cents, source_as_of, known_at, run_id)
    select p.printing_key, p.market, p.condition, p.currency, date(p.date, '+' || d.k || ' days'), p.feed,
      p.market_cents + ((d.k * 37 + p.printing_key * 11) % 97) - 48, p.low_cents, p.mid_cents, p.high_cents, null, null, null, null, null, null, p.known_at, p.run_id
    from prices p, d where p.date = ${LOAD_START} and p.feed = 'load'`.execute(db);
  const { key } = await resolveSignalSettings(db, runtime.clock, runtime.engines, signalConfig(runtime.config));
  await sql`insert into signals (engine, engine_version, weights_version, date, printing_key, status, observations, last_cents, z, score, action, confidence, used_search_interest, raw, standardised, model, reasons)
    select ${key.engine}, ${key.engineVersion}, ${key.weightsVersion}, p.date, p.printing_key, 'ok', 30, p.market_cents, 0, (p.market_cents * 7 + p.printing_key) % 100, null, 0.5, 0, null, null, null, '[]'
    from prices p where p.feed = 'load'`.execute(db);
  const to = new Date(Date.parse(`${LOAD_START}T00:00:00Z`) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { key, from: LOAD_START, to };
}
