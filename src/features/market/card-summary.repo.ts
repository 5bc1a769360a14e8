/**
 * Reads behind the card, set and facet read models and their replacement
 * (src/features/market/card-summary.ts computes the rows).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { dateText, daysBefore, insertInChunks } from '../../platform/db/dialect.ts';
import { unflagged } from '../prices/price-flags.repo.ts';
import type { CardSummaryTable, FacetCountsTable, SetSummaryTable, Tables } from '../../platform/db/schema.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { SignalKey } from '../signals/signals.repo.ts';

/** Rows per insert (card_summary has ~50 columns). */
const CHUNK = 300;

export function allSets(db: Kysely<Tables>) {
  return db.selectFrom('sets').selectAll().execute();
}

/** Every card with the set facts its summary row carries. */
export function cardFacts(db: Kysely<Tables>) {
  return db
    .selectFrom('cards as c')
    .innerJoin('sets as s', 's.id', 'c.set_id')
    .select([
      'c.id',
      'c.kind',
      'c.set_id',
      'c.number',
      'c.name',
      'c.rarity',
      'c.supertype',
      'c.types',
      'c.images',
      's.printed_total',
      's.release_date',
    ])
    .execute();
}

export type CardFacts = Awaited<ReturnType<typeof cardFacts>>[number];

/** How many printings each card has. */
export function printingCounts(db: Kysely<Tables>) {
  return db
    .selectFrom('printings')
    .select((eb) => ['card_id', eb.fn.countAll<number>().as('n')])
    .groupBy('card_id')
    .execute();
}

/** The stored headline series, one per card. */
export function storedHeadlines(db: Kysely<Tables>) {
  return db.selectFrom('latest_prices').selectAll().where('headline', '=', 1).execute();
}

/** The printings of the stored headline series. */
export function storedHeadlinePrintings(db: Kysely<Tables>) {
  return db
    .selectFrom('printings')
    .innerJoin('latest_prices', (j) =>
      j.onRef('latest_prices.printing_key', '=', 'printings.key').on('latest_prices.headline', '=', 1),
    )
    .select(['printings.key', 'printings.id', 'printings.finish', 'printings.product_line'])
    .execute();
}

/** A headline series and the last day of its sparkline. */
export interface SparkSeries {
  printing_key: number;
  market: string;
  condition: string;
  currency: string;
  as_of: string;
}

/**
 * The unflagged, non-null market prices of each of `series` dated in the `days` days ending on its
 * own `as_of` (dates as `YYYY-MM-DD` text), in one statement: the series as a `values` list joined
 * to `prices` on all four series columns and the bounded date — a primary-key range seek per
 * series, never another series' rows or older days — with flagged prints left out by an anti-join
 * on the flags' primary key.
 *
 * @example
 * await sparkPrices(database, [{ printing_key: 17, market: 'tcgplayer', condition: 'NM', currency: 'USD', as_of: '2026-11-20' }], 30);
 */
export async function sparkPrices(database: Database, series: readonly SparkSeries[], days: number) {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  if (series.length === 0) return [];
  const pg = database.dialect === 'postgres';
  const values = sql.join(
    series.map(
      (s) =>
        sql`(${pg ? sql`cast(${s.printing_key} as integer)` : s.printing_key}, ${s.market}, ${s.condition}, ${s.currency}, ${pg ? sql`cast(${s.as_of} as date)` : s.as_of})`,
    ),
  );
  const { rows } = await sql<{
    printing_key: number;
    market: string;
    condition: string;
    currency: string;
    date: string;
    market_cents: number;
  }>`with h (printing_key, market, condition, currency, as_of) as (values ${values})
    select p.printing_key, p.market, p.condition, p.currency, ${sql.raw(dateText(database.dialect, 'p.date'))} as date, p.market_cents
    from h join prices p on p.printing_key = h.printing_key and p.market = h.market and p.condition = h.condition
      and p.currency = h.currency and p.date >= ${sql.raw(daysBefore(database.dialect, 'h.as_of', days - 1))} and p.date <= h.as_of
    where p.market_cents is not null and ${sql.raw(unflagged('p'))}`.execute(database.db);
  return rows;
}

/** Scores of the latest signal date of `key`, per printing (status ok only). */
export async function latestScores(db: Kysely<Tables>, key: SignalKey): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('signals')
    .select(['printing_key', 'score'])
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .where('status', '=', 'ok')
    .where('date', '=', (eb) =>
      eb
        .selectFrom('signals')
        .select((x) => x.fn.max('date').as('d'))
        .where('engine', '=', key.engine)
        .where('engine_version', '=', key.engineVersion)
        .where('weights_version', '=', key.weightsVersion),
    )
    .execute();
  return new Map(rows.filter((r) => r.score !== null).map((r) => [Number(r.printing_key), Number(r.score)]));
}

/** Each summary row's headline printing, score and serialised item. */
export function summaryScores(db: Kysely<Tables>) {
  return db.selectFrom('card_summary').select(['card_id', 'printing_key', 'score', 'item']).execute();
}

/** A score update of one card: [score, k_score_asc, k_score_desc, item, card_id]. */
export type ScoreChange = [number | null, number, number, string | null, string];

/** Applies score updates in one transaction (SQLite: a prepared update; PostgreSQL: one `unnest` update). */
export async function updateScores(database: Database, changes: ScoreChange[]): Promise<void> {
  const native = database.native;
  await inTransaction(database.db, async (trx) => {
    if (native.kind === 'sqlite') {
      // The same connection as `trx`, so these prepared updates are part of its transaction.
      const update = native.db.prepare(
        'update card_summary set score = ?, k_score_asc = ?, k_score_desc = ?, item = ? where card_id = ?',
      );
      for (const c of changes) update.run(...c);
    } else if (changes.length > 0) {
      // Through `trx`, not the pool: another connection would commit on its own.
      const column = (i: number) => changes.map((c) => c[i]);
      await sql`update card_summary c set score = u.score, k_score_asc = u.ka, k_score_desc = u.kd, item = u.item
        from unnest(${column(0)}::float8[], ${column(1)}::float8[], ${column(2)}::float8[], ${column(3)}::text[], ${column(4)}::text[]) as u(score, ka, kd, item, card_id)
        where c.card_id = u.card_id`.execute(trx);
    }
  });
}

/** Empties `card_summary` and `card_terms` (inside the caller's transaction, before `insertCardSummary`). */
export async function clearCardSummary(db: Kysely<Tables>): Promise<void> {
  await db.deleteFrom('card_summary').execute();
  await db.deleteFrom('card_terms').execute();
}

/** Inserts summary rows and their search terms (inside the caller's transaction). */
export async function insertCardSummary(
  db: Kysely<Tables>,
  rows: CardSummaryTable[],
  terms: { term: string; card_id: string }[],
): Promise<void> {
  await insertInChunks(db, 'card_summary', rows, CHUNK);
  await insertInChunks(db, 'card_terms', terms, 2_000);
}

/** Replaces the set and facet read models (inside the caller's transaction). */
export async function replaceSetSummary(
  db: Kysely<Tables>,
  setRows: SetSummaryTable[],
  facetRows: FacetCountsTable[],
): Promise<void> {
  await db.deleteFrom('set_summary').execute();
  await insertInChunks(db, 'set_summary', setRows, CHUNK);
  await db.deleteFrom('facet_counts').execute();
  await insertInChunks(db, 'facet_counts', facetRows, CHUNK);
}
