/**
 * Queries of the card endpoints. Each is one statement over the derived tables (card_summary,
 * card_terms, latest_prices) and the catalogue, so a request costs the data-version read plus one.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import type { CardSortField } from './card-summary.ts';
import { parseQuery, prefixUpperBound, slug } from '../prices/search-terms.ts';
import { LATEST_CHANGE_COLUMNS } from '../prices/series.ts';

export type CardSort = 'name' | 'number' | CardSortField;
export type Order = 'asc' | 'desc';

export interface CardFilters {
  q?: string;
  /** `card` or `sealed`; `all` or absent: both. */
  kind?: 'card' | 'sealed' | 'all';
  set?: string;
  rarity?: string;
  type?: string;
  supertype?: string;
  /** Headline price bounds in minor units of `currency`. */
  minCents?: number;
  maxCents?: number;
  currency: string;
}

export interface CardPage {
  sort: CardSort;
  order: Order;
  limit: number;
  /** Sort key and card id of the last item of the previous page. */
  after?: { key: string | number; id: string };
}

/** The column a sort reads: text keys for name and number, null-last numeric keys otherwise. */
export function sortColumn(sort: CardSort, order: Order): `k_${string}` {
  return sort === 'name' || sort === 'number' ? `k_${sort}` : `k_${sort}_${order}`;
}

type SummaryEb = ExpressionBuilder<Tables, 'card_summary'>;

function filterConditions(eb: SummaryEb, f: CardFilters) {
  const conditions = [];
  if (f.kind !== undefined && f.kind !== 'all') conditions.push(eb('card_summary.kind', '=', f.kind));
  if (f.set !== undefined) conditions.push(eb('card_summary.set_id', '=', f.set));
  if (f.rarity !== undefined) conditions.push(eb('card_summary.rarity_key', '=', slug(f.rarity)));
  if (f.supertype !== undefined) conditions.push(eb('card_summary.supertype_key', '=', slug(f.supertype)));
  if (f.type !== undefined) conditions.push(eb('card_summary.types_key', 'like', `%|${slug(f.type)}|%`));
  if (f.minCents !== undefined || f.maxCents !== undefined)
    conditions.push(eb('card_summary.currency', '=', f.currency));
  if (f.minCents !== undefined) conditions.push(eb('card_summary.price_cents', '>=', f.minCents));
  if (f.maxCents !== undefined) conditions.push(eb('card_summary.price_cents', '<=', f.maxCents));
  if (f.q !== undefined) {
    const parsed = parseQuery(f.q);
    for (const prefix of parsed.prefixes) {
      conditions.push(
        eb(
          'card_summary.card_id',
          'in',
          eb
            .selectFrom('card_terms')
            .select('card_id')
            .where('term', '>=', prefix)
            .where('term', '<', prefixUpperBound(prefix)),
        ),
      );
    }
    for (const n of parsed.numbered) {
      conditions.push(
        eb('card_summary.card_id', 'in', eb.selectFrom('card_terms').select('card_id').where('term', '=', n.number)),
      );
      conditions.push(eb('card_summary.printed_total', '=', n.printedTotal));
    }
  }
  return conditions;
}

/**
 * The name prefixes of a search that its terms alone answer: sorted by name, filtered by nothing
 * but name words and kind (which card_terms also holds). Null for any other list.
 */
function termOnlyPrefixes(f: CardFilters, page: CardPage): string[] | null {
  if (f.q === undefined || page.sort !== 'name') return null;
  const others = [f.set, f.rarity, f.type, f.supertype, f.minCents, f.maxCents];
  if (others.some((x) => x !== undefined)) return null;
  const parsed = parseQuery(f.q);
  return parsed.numbered.length === 0 && parsed.prefixes.length > 0 ? parsed.prefixes : null;
}

/**
 * A name-sorted prefix search from the index of terms (term, name sort key, card, kind): the page's
 * card ids are picked and sorted among index entries, and only their card rows are read — where
 * sorting the matching card rows would read every one of them (a thousand for a two-letter
 * prefix). The same rows, in the same order, as the general query.
 */
function listByTerms(db: Kysely<Tables>, prefixes: string[], f: CardFilters, page: CardPage) {
  const [first, ...rest] = prefixes as [string, ...string[]];
  const cmp = page.order === 'asc' ? '>' : '<';
  return db
    .selectFrom('card_summary')
    .select(['card_summary.card_id', 'card_summary.item', 'card_summary.k_name as sort_key'])
    .where('card_summary.card_id', 'in', (eb) => {
      let ids = eb
        .selectFrom('card_terms as t')
        .select('t.card_id')
        .where('t.term', '>=', first)
        .where('t.term', '<', prefixUpperBound(first));
      if (f.kind !== undefined && f.kind !== 'all') ids = ids.where('t.kind', '=', f.kind);
      for (const prefix of rest)
        ids = ids.where('t.card_id', 'in', (sub) =>
          sub
            .selectFrom('card_terms')
            .select('card_terms.card_id')
            .where('card_terms.term', '>=', prefix)
            .where('card_terms.term', '<', prefixUpperBound(prefix)),
        );
      if (page.after) {
        const after = page.after;
        ids = ids.where((w) => w(w.refTuple('t.k_name', 't.card_id'), cmp, w.tuple(String(after.key), after.id)));
      }
      // A card with two words starting with the prefix has two entries: one row per card.
      return ids
        .groupBy(['t.k_name', 't.card_id'])
        .orderBy('t.k_name', page.order)
        .orderBy('t.card_id', page.order)
        .limit(page.limit + 1);
    })
    .orderBy('card_summary.k_name', page.order)
    .orderBy('card_summary.card_id', page.order)
    .execute();
}

/**
 * One page of cards — each row its id, stored list item and sort key — `limit + 1` rows so the
 * caller knows whether another page exists.
 */
export async function listCards(db: Kysely<Tables>, filters: CardFilters, page: CardPage) {
  const prefixes = termOnlyPrefixes(filters, page);
  return prefixes === null ? listCardsScan(db, filters, page) : listByTerms(db, prefixes, filters, page);
}

/** `listCards` by filtering and sorting the card summary: every list the terms alone cannot answer. */
export async function listCardsScan(db: Kysely<Tables>, filters: CardFilters, page: CardPage) {
  const column = sortColumn(page.sort, page.order) as 'k_name';
  const cmp = page.order === 'asc' ? '>' : '<';
  return db
    .selectFrom('card_summary')
    .select(['card_summary.card_id', 'card_summary.item', `card_summary.${column} as sort_key`])
    .where((eb) => {
      const conditions = filterConditions(eb, filters);
      if (page.after)
        conditions.push(
          eb(eb.refTuple(column, 'card_summary.card_id'), cmp, eb.tuple(page.after.key as string, page.after.id)),
        );
      return eb.and(conditions);
    })
    .orderBy(column, page.order)
    .orderBy('card_summary.card_id', page.order)
    .limit(page.limit + 1)
    .execute();
}

/**
 * A card with its set, printings and every latest-price series of each printing: one row per
 * (printing, series), card columns repeated; no rows for an unknown card.
 */
export async function cardDetailRows(db: Kysely<Tables>, cardId: string) {
  return (
    db
      .selectFrom('cards as c')
      .innerJoin('sets as s', 's.id', 'c.set_id')
      .leftJoin('card_summary as cs', 'cs.card_id', 'c.id')
      .leftJoin('printings as p', 'p.card_id', 'c.id')
      .leftJoin('latest_prices as lp', 'lp.printing_key', 'p.key')
      .select([
        'c.id',
        'c.name',
        'c.set_id',
        'c.number',
        'c.kind',
        'c.supertype',
        'c.subtypes',
        'c.types',
        'c.rarity',
        'c.hp',
        'c.artist',
        'c.language',
        'c.images',
        'c.pokemontcg_id',
        'c.tcgdex_id',
        's.name as set_name',
        's.era as set_era',
        's.printed_total',
        's.release_date',
        'cs.printing_key as headline_key',
        'cs.score',
        'p.key as printing_key',
        'p.id as printing_id',
        'p.finish',
        'p.language as printing_language',
        'p.tcgplayer_product_id',
        'p.tcgplayer_sub_type',
        'p.tcgplayer_group_id',
        'p.product_line',
        'p.cardmarket_product_id',
        'lp.market',
        'lp.condition',
        'lp.currency',
        'lp.as_of',
        'lp.last_date',
        'lp.last_cents',
        'lp.stale',
        'lp.headline',
        ...LATEST_CHANGE_COLUMNS,
      ])
      // The series' newest stored print when it is newer than its latest price: every print after the
      // latest price is flagged, so it is shown marked (docs/METHODS.md, "Flagged prints"). Primary-key seeks.
      .select((eb) => {
        const newest = () =>
          eb
            .selectFrom('price_flags as f')
            .innerJoin('prices as x', (j) =>
              j
                .onRef('x.printing_key', '=', 'f.printing_key')
                .onRef('x.market', '=', 'f.market')
                .onRef('x.condition', '=', 'f.condition')
                .onRef('x.currency', '=', 'f.currency')
                .onRef('x.date', '=', 'f.date'),
            )
            .whereRef('f.printing_key', '=', 'lp.printing_key')
            .whereRef('f.market', '=', 'lp.market')
            .whereRef('f.condition', '=', 'lp.condition')
            .whereRef('f.currency', '=', 'lp.currency')
            .whereRef('f.date', '>', 'lp.last_date')
            .where('x.market_cents', 'is not', null)
            .orderBy('f.date', 'desc')
            .limit(1);
        return [
          newest().select('f.date').as('flagged_date'),
          newest().select('x.market_cents').as('flagged_cents'),
          newest().select('f.reason').as('flagged_reason'),
        ];
      })
      .where('c.id', '=', cardId)
      .orderBy('p.key')
      .orderBy(sql`lp.headline`, 'desc')
      .orderBy('lp.market')
      .orderBy('lp.currency')
      .orderBy('lp.condition')
      .execute()
  );
}

export type CardDetailRow = Awaited<ReturnType<typeof cardDetailRows>>[number];
