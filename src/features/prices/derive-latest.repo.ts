/**
 * Reads and the write of the latest-prices read model (src/features/prices/derive-latest.ts holds
 * the rules and the calculation): the packed series the derive's one read of the prices goes
 * through (src/features/prices/series-scan.ts), the printing facts, and the replacement.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { dateText, insertInChunks, rawRowIterator } from '../../platform/db/dialect.ts';
import type { LatestPricesTable, Tables } from '../../platform/db/schema.ts';

/** Every printing key, ascending: the ranges the series scan reads. */
export async function printingKeys(db: Kysely<Tables>): Promise<number[]> {
  const rows = await db.selectFrom('printings').select('key').orderBy('key').execute();
  return rows.map((r) => Number(r.key));
}

/**
 * Every series of printings `fromKey`..`toKey` with a market price: one row per series (key
 * columns, then its non-null market prices packed into one string of `YYYY-MM-DD cents` pairs
 * joined by commas, in no guaranteed order), in series order. The database does the per-price
 * work and the driver builds one string per series instead of an object per price; the primary
 * key leads with the series, so each read is a range scan. On SQLite the rows come as they are
 * iterated, so each series' string is garbage before the next is read.
 */
export function packedSeries(
  database: Database,
  fromKey: number,
  toKey: number,
): Promise<Iterable<[number, string, string, string, string]>> {
  const packed =
    database.dialect === 'postgres'
      ? `string_agg(${dateText('postgres', 'date')} || ' ' || market_cents, ',')`
      : `group_concat(date || ' ' || market_cents, ',')`;
  const text = `select printing_key, market, condition, currency, ${packed}
    from prices where printing_key >= $1 and printing_key <= $2 and market_cents is not null
    group by printing_key, market, condition, currency
    order by printing_key, market, condition, currency`;
  return rawRowIterator(database, text, [fromKey, toKey]) as Promise<
    Iterable<[number, string, string, string, string]>
  >;
}

/** Each printing's card, the card's set and kind: what every series row of the printing carries. */
export function seriesOwners(db: Kysely<Tables>) {
  return db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .select(['p.key', 'p.card_id', 'c.set_id', 'c.kind'])
    .execute();
}

/** Every printing with its card and set facts: what a series' `ref` and headline choice need. */
export function printingFacts(db: Kysely<Tables>) {
  return db
    .selectFrom('printings as p')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .innerJoin('sets as s', 's.id', 'c.set_id')
    .select([
      'p.key',
      'p.id',
      'p.finish',
      'p.tcgplayer_product_id',
      'p.tcgplayer_sub_type',
      'p.tcgplayer_group_id',
      'p.product_line',
      'p.cardmarket_product_id',
      's.tcgplayer_group_id as set_group',
      'c.id as card_id',
      'c.kind',
      'c.name',
      'c.set_id',
      'c.number',
      'c.rarity',
      'c.images',
    ])
    .execute();
}

export type PrintingFacts = Awaited<ReturnType<typeof printingFacts>>[number];

/** Replaces every `latest_prices` row (inside the caller's transaction). */
export async function replaceLatestPrices(db: Kysely<Tables>, rows: LatestPricesTable[]): Promise<void> {
  await db.deleteFrom('latest_prices').execute();
  await insertInChunks(db, 'latest_prices', rows, 500);
}
