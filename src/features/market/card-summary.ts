/**
 * Rebuilds `card_summary` (one row per card: the card, its headline series' latest price and
 * changes, sort keys), `card_terms` (search terms), `set_summary` and `facet_counts`. Lists of
 * cards, sets and facets read these tables only, with one indexed statement per request.
 * Derived data: rebuilt whole, in one transaction (the derive step's publication when called from
 * it), idempotently.
 */
import type { Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { ComputedLatestPrices } from '../prices/derive-latest.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import type {
  CardSummaryTable,
  FacetCountsTable,
  LatestPricesTable,
  SetSummaryTable,
  SetsTable,
} from '../../platform/db/schema.ts';
import { printingLabel } from '../catalog/product-lines.ts';
import { printingLabels } from '../catalog/printings.repo.ts';
import {
  allSets,
  cardFacts,
  latestScores,
  clearCardSummary,
  insertCardSummary,
  printingCounts,
  replaceSetSummary,
  sparkPrices,
  storedHeadlinePrintings,
  storedHeadlines,
  summaryScores,
  updateScores,
  type CardFacts,
  type ScoreChange,
  type SparkSeries,
} from './card-summary.repo.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { cardTerms, fold, numberTerm, slug } from '../prices/search-terms.ts';
import { change, jsonList, thumbnailOf, toMajor } from '../prices/wire.ts';
import { epochDay } from '../../platform/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

export const CARD_SORT_FIELDS = ['price', 'change_1d', 'change_7d', 'change_30d', 'score'] as const;
export type CardSortField = (typeof CARD_SORT_FIELDS)[number];

/** Stands in for a missing value in a sort key, so that it sorts last in either direction. */
export const NULL_SORTS_LAST = 1e18;

/** `k_number`: set release date, set id, the number's numeric part zero-padded, then the number. */
export function numberSortKey(releaseDate: string | null, setId: string, number: string): string {
  const n = numberTerm(number);
  const digits = /^\d+/.exec(n)?.[0] ?? '';
  return `${releaseDate ?? '9999-12-31'}|${setId}|${digits.padStart(8, '0')}|${n}`;
}

function sortKeys(
  values: Record<CardSortField, number | null>,
): Pick<CardSummaryTable, `k_${CardSortField}_${'asc' | 'desc'}`> {
  const keys = {} as Record<string, number>;
  for (const f of CARD_SORT_FIELDS) {
    const v = values[f];
    keys[`k_${f}_asc`] = v ?? NULL_SORTS_LAST;
    keys[`k_${f}_desc`] = v ?? -NULL_SORTS_LAST;
  }
  return keys as Pick<CardSummaryTable, `k_${CardSortField}_${'asc' | 'desc'}`>;
}

function typesKey(types: string | null): string {
  const list = jsonList(types);
  return list.length ? `|${list.map(slug).join('|')}|` : '|';
}

/** `k_release`: newest release first in ascending order; sets without a date last. */
export function releaseSortKey(releaseDate: string | null): string {
  if (!releaseDate) return '99999999';
  return String(99_999_999 - Number(releaseDate.replaceAll('-', ''))).padStart(8, '0');
}

/**
 * A card as GET /v1/cards lists it: stored serialised in `card_summary.item`, so a page is sent
 * without building objects per request.
 */
export function cardListItem(
  r: Omit<CardSummaryTable, 'item'>,
  productLine: string | null = null,
  spark: (number | null)[] | null = null,
) {
  const cur = r.currency;
  const changes = Object.fromEntries(
    (['1d', '7d', '30d'] as const).map((w) => [
      w,
      change(r[`change_pct_${w}`], r[`from_date_${w}`], r[`from_cents_${w}`], r.last_date, r.price_cents, cur),
    ]),
  );
  return {
    id: r.card_id,
    kind: r.kind,
    name: r.name,
    set_id: r.set_id,
    number: r.number,
    rarity: r.rarity,
    supertype: r.supertype,
    types: jsonList(r.types),
    thumbnail: r.thumbnail,
    printings: r.printings,
    headline:
      r.printing_id !== null && r.market !== null && r.condition !== null && r.finish !== null
        ? {
            printing_id: r.printing_id,
            finish: r.finish,
            product_line: productLine,
            label: printingLabel(r.finish, productLine),
            market: r.market,
            condition: r.condition,
          }
        : null,
    price: r.price_cents === null || cur === null ? null : toMajor(r.price_cents, cur),
    currency: cur,
    price_date: r.last_date,
    as_of: r.as_of,
    stale: r.stale === null ? null : r.stale === 1,
    change_1d: r.change_pct_1d,
    change_7d: r.change_pct_7d,
    change_30d: r.change_pct_30d,
    changes,
    spark,
    score: r.score,
  };
}

/** Days of the list's sparkline: the headline series' last 30 days up to its market's latest date. */
export const SPARK_DAYS = 30;
/** Headline series per statement when reading the sparkline prices (5 bound parameters each: well under every limit). */
const SPARK_CHUNK = 1_000;

/**
 * Each card's sparkline: its headline series' market prices (major units) on the `SPARK_DAYS`
 * days ending on the series' `as_of`, oldest first, null on a day without an unflagged price.
 * Reads only those days of those series (`sparkPrices`: a bounded primary-key range per series,
 * flags left out in the same statement), `SPARK_CHUNK` series per statement.
 *
 * @example
 * (await sparklines(database, headlines)).get('base1-4'); // [380, 381.5, null, …] (30 values)
 */
export async function sparklines(
  database: Database,
  headlines: Pick<LatestPricesTable, 'card_id' | 'printing_key' | 'market' | 'condition' | 'currency' | 'as_of'>[],
): Promise<Map<string, (number | null)[]>> {
  const out = new Map<string, (number | null)[]>();
  const bySeries = new Map<string, { first: number; values: (number | null)[]; currency: string }>();
  const series: SparkSeries[] = [];
  for (const h of headlines) {
    const first = epochDay(h.as_of) - SPARK_DAYS + 1;
    const values = new Array<number | null>(SPARK_DAYS).fill(null);
    out.set(h.card_id, values);
    const printingKey = Number(h.printing_key);
    bySeries.set(`${printingKey}|${h.market}|${h.condition}|${h.currency}`, { first, values, currency: h.currency });
    series.push({
      printing_key: printingKey,
      market: h.market,
      condition: h.condition,
      currency: h.currency,
      as_of: h.as_of,
    });
  }
  for (let i = 0; i < series.length; i += SPARK_CHUNK) {
    for (const p of await sparkPrices(database, series.slice(i, i + SPARK_CHUNK), SPARK_DAYS)) {
      const s = bySeries.get(`${Number(p.printing_key)}|${p.market}|${p.condition}|${p.currency}`);
      if (!s || p.market_cents === null) continue;
      const at = epochDay(String(p.date)) - s.first;
      if (at >= 0 && at < SPARK_DAYS) s.values[at] = toMajor(Number(p.market_cents), s.currency);
    }
  }
  return out;
}

/** Counts per facet value; the displayed name is the first spelling seen. */
class FacetCounter {
  readonly rows = new Map<string, FacetCountsTable>();
  add(facet: FacetCountsTable['facet'], name: string | null, priced: boolean): void {
    if (!name) return;
    const id = slug(name);
    if (!id) return;
    const key = `${facet}|${id}`;
    const row = this.rows.get(key) ?? { facet, id, name, cards: 0, priced_cards: 0 };
    row.cards++;
    if (priced) row.priced_cards++;
    this.rows.set(key, row);
  }
}

/**
 * After new signals: only the score, its sort keys and the serialised list item change, so update
 * those in place for the cards whose headline score moved, instead of rebuilding the summary.
 *
 * @example
 * await rescoreCardSummary(database, key); // 19876 (cards whose score changed)
 */
export async function rescoreCardSummary(database: Database, key: SignalKey): Promise<number> {
  const [scores, rows] = await Promise.all([latestScores(database.db, key), summaryScores(database.db)]);
  const changes = scoreChanges(rows, scores);
  await updateScores(database, changes);
  return changes.length;
}

/**
 * The summary rows whose headline score differs from `scores`, with their new sort keys and item.
 *
 * @example
 * scoreChanges([{ card_id: 'a', printing_key: 1, score: null, item: '{}' }], new Map([[1, 0.5]])); // [[0.5, 0.5, 0.5, '{"score":0.5}', 'a']]
 */
export function scoreChanges(
  rows: { card_id: string; printing_key: number | null; score: number | null; item: string | null }[],
  scores: ReadonlyMap<number, number>,
): ScoreChange[] {
  const changes: ScoreChange[] = [];
  for (const r of rows) {
    const score = r.printing_key === null ? null : (scores.get(Number(r.printing_key)) ?? null);
    if (score === (r.score === null ? null : Number(r.score))) continue;
    const item = r.item === null ? null : JSON.stringify({ ...(JSON.parse(r.item) as Record<string, unknown>), score });
    const keys = sortKeys({ price: null, change_1d: null, change_7d: null, change_30d: null, score });
    changes.push([score, keys.k_score_asc, keys.k_score_desc, item, r.card_id]);
  }
  return changes;
}

/**
 * Scores come from the latest signal date of `signals` (the configured engine and weights), for
 * each card's headline printing.
 *
 * @example
 * await deriveCardSummary(database); // { cards: 20000, priced: 19800, terms: 52000, sets: 134 }
 */
export async function deriveCardSummary(
  database: Database,
  signals?: SignalKey,
): Promise<{ cards: number; priced: number; terms: number; sets: number }> {
  return writeCardSummary(database, await computeCardSummary(database, signals));
}

/** The rows of `card_summary` and `card_terms` of some cards. */
export interface CardSummaryChunk {
  rows: CardSummaryTable[];
  terms: { term: string; card_id: string; k_name: string; kind: string }[];
}

/** Every row of `card_summary`, `card_terms`, `set_summary` and `facet_counts`. */
export interface ComputedCardSummary extends CardSummaryChunk {
  setRows: SetSummaryTable[];
  facetRows: FacetCountsTable[];
}

/**
 * Reads only. The headlines come from `latest` (the series a derive is about to publish, with its
 * product lines and sparklines) or, without it, from the stored `latest_prices`.
 *
 * @example
 * const computed = await computeCardSummary(database, key, latest); // then writeCardSummary(tx, computed)
 */
export async function computeCardSummary(
  database: Database,
  signals?: SignalKey,
  latest?: Pick<ComputedLatestPrices, 'rows' | 'lineOf' | 'sparkline'>,
): Promise<CardSummaryInputs> {
  const db = database.db;
  const headlinePrintings = async () => {
    if (!latest) return storedHeadlinePrintings(db);
    const keys = new Set(latest.rows.filter((r) => r.headline === 1).map((r) => r.printing_key));
    const all = await printingLabels(db);
    return all
      .filter((p) => keys.has(Number(p.key)))
      .map((p) => (latest.lineOf.has(Number(p.key)) ? { ...p, product_line: latest.lineOf.get(Number(p.key))! } : p));
  };
  const headlineRows = latest ? Promise.resolve(latest.rows.filter((r) => r.headline === 1)) : storedHeadlines(db);
  const [sets, cards, counts, headlines, printings, scores, spark] = await Promise.all([
    allSets(db),
    cardFacts(db),
    printingCounts(db),
    headlineRows,
    headlinePrintings(),
    signals ? latestScores(db, signals) : new Map<number, number>(),
    // The derive's scan kept the headline series' last days (each card's built as its row is);
    // without it they are read here.
    headlineRows.then((rows) => {
      const sparkline = latest?.sparkline;
      if (!sparkline) return sparklines(database, rows);
      const headlineOf = new Map(rows.map((r) => [r.card_id, r]));
      return { get: (cardId: string) => mapDefined(headlineOf.get(cardId), sparkline) };
    }),
  ]);
  return { sets, cards, counts, headlines, printings, scores, spark };
}

const mapDefined = <T, U>(value: T | undefined, f: (value: T) => U): U | undefined =>
  value === undefined ? undefined : f(value);

/** What the card, set and facet rows are computed from (plain rows; see `cardSummaryRows`). */
export interface CardSummaryInputs {
  sets: Selectable<SetsTable>[];
  cards: CardFacts[];
  /** Printings per card. */
  counts: { card_id: string; n: number }[];
  /** Each card's headline series. */
  headlines: LatestPricesTable[];
  /** The headline series' printings. */
  printings: { key: number; id: string; finish: string; product_line: string | null }[];
  /** Latest signal score per printing key. */
  scores: ReadonlyMap<number, number>;
  /** Sparkline per card id (see `sparklines`); a card without one lists `spark: null`. */
  spark?: Pick<ReadonlyMap<string, (number | null)[]>, 'get'>;
}

/**
 * The card summary, search terms, set summary and facet counts from plain rows: no database.
 *
 * @example
 * cardSummaryRows({ sets: [], cards: [], counts: [], headlines: [], printings: [], scores: new Map() }).rows; // []
 */
export function cardSummaryRows(inputs: CardSummaryInputs): ComputedCardSummary {
  const builder = new CardSummaryBuilder(inputs);
  return { ...builder.add(inputs.cards), ...builder.totals() };
}

/**
 * Builds the card summary a chunk of cards at a time (so the publication writes each chunk and
 * keeps none), counting the set totals and facets as the cards go by: no database.
 */
export class CardSummaryBuilder {
  private readonly printingIds: Map<number, CardSummaryInputs['printings'][number]>;
  private readonly printingsOf: Map<string, number>;
  private readonly headlineOf: Map<string, LatestPricesTable>;
  private readonly facets = new FacetCounter();
  private readonly setRows: SetSummaryTable[];
  private readonly setOf: Map<string, SetSummaryTable>;

  constructor(private readonly inputs: CardSummaryInputs) {
    this.printingIds = new Map(inputs.printings.map((p) => [Number(p.key), p]));
    this.printingsOf = new Map(inputs.counts.map((r) => [r.card_id, Number(r.n)]));
    this.headlineOf = new Map(inputs.headlines.map((h) => [h.card_id, h]));
    this.setRows = inputs.sets.map((set) => ({
      set_id: set.id,
      name: set.name,
      era: set.era,
      release_date: set.release_date,
      printed_total: set.printed_total,
      total: set.total,
      images: set.images,
      cards: 0,
      priced_cards: 0,
      printings: 0,
      currency: PRIMARY_SERIES.currency,
      value_cents: 0,
      k_release: releaseSortKey(set.release_date),
    }));
    this.setOf = new Map(this.setRows.map((r) => [r.set_id, r]));
  }

  /** The summary rows and search terms of `cards` (in their order), counted into the totals. */
  add(cards: readonly CardFacts[]): CardSummaryChunk {
    const { scores, spark } = this.inputs;
    const { printingIds, printingsOf, headlineOf, facets } = this;
    const rows: CardSummaryTable[] = [];
    const terms: CardSummaryChunk['terms'] = [];
    for (const c of cards) {
      const h = headlineOf.get(c.id);
      const values = {
        price: h ? Number(h.last_cents) : null,
        change_1d: h?.change_pct_1d ?? null,
        change_7d: h?.change_pct_7d ?? null,
        change_30d: h?.change_pct_30d ?? null,
        score: h ? (scores.get(Number(h.printing_key)) ?? null) : null,
      };
      const row: Omit<CardSummaryTable, 'item'> = {
        card_id: c.id,
        kind: c.kind,
        set_id: c.set_id,
        name: c.name,
        number: c.number,
        printed_total: c.printed_total,
        rarity: c.rarity,
        rarity_key: c.rarity ? slug(c.rarity) : null,
        supertype: c.supertype,
        supertype_key: c.supertype ? slug(c.supertype) : null,
        types: c.types,
        types_key: typesKey(c.types),
        thumbnail: thumbnailOf(c.images),
        printings: printingsOf.get(c.id) ?? 0,
        printing_key: h ? Number(h.printing_key) : null,
        printing_id: h ? (printingIds.get(Number(h.printing_key))?.id ?? null) : null,
        finish: h ? (printingIds.get(Number(h.printing_key))?.finish ?? null) : null,
        market: h?.market ?? null,
        condition: h?.condition ?? null,
        currency: h?.currency ?? null,
        as_of: h?.as_of ?? null,
        last_date: h?.last_date ?? null,
        stale: h ? Number(h.stale) : null,
        price_cents: values.price,
        from_date_1d: h?.from_date_1d ?? null,
        from_cents_1d: h?.from_cents_1d ?? null,
        change_pct_1d: values.change_1d,
        from_date_7d: h?.from_date_7d ?? null,
        from_cents_7d: h?.from_cents_7d ?? null,
        change_pct_7d: values.change_7d,
        from_date_30d: h?.from_date_30d ?? null,
        from_cents_30d: h?.from_cents_30d ?? null,
        change_pct_30d: values.change_30d,
        score: values.score,
        k_name: fold(c.name),
        k_number: numberSortKey(c.release_date, c.set_id, c.number),
        ...sortKeys(values),
      };
      rows.push({
        ...row,
        item: JSON.stringify(
          cardListItem(
            row,
            h ? (printingIds.get(Number(h.printing_key))?.product_line ?? null) : null,
            (h && spark?.get(c.id)) ?? null,
          ),
        ),
      });
      for (const term of cardTerms(c.name, c.number))
        terms.push({ term, card_id: c.id, k_name: row.k_name, kind: row.kind });
      // Facets and set totals describe cards; sealed items are listed with kind=sealed.
      if (c.kind !== 'card') continue;
      facets.add('rarity', c.rarity, values.price !== null);
      facets.add('supertype', c.supertype, values.price !== null);
      for (const type of jsonList(c.types)) facets.add('type', type, values.price !== null);
    }
    for (const r of rows) {
      const set = this.setOf.get(r.set_id);
      if (!set || r.kind !== 'card') continue;
      set.cards++;
      set.printings += r.printings;
      if (r.price_cents !== null) set.priced_cards++;
      if (r.price_cents !== null && r.currency === set.currency)
        set.value_cents = (set.value_cents ?? 0) + r.price_cents;
    }
    return { rows, terms };
  }

  /** The set summary and facet counts of every card added so far. */
  totals(): Pick<ComputedCardSummary, 'setRows' | 'facetRows'> {
    return { setRows: this.setRows, facetRows: [...this.facets.rows.values()] };
  }
}

/** Cards built and written per step of `writeCardSummary`. */
const CARDS_PER_WRITE = 300;

/**
 * Replaces the card, term, set and facet read models through `database.db` (a publication's
 * transaction, or a new one), building the rows a chunk of cards at a time as they are written.
 */
export async function writeCardSummary(
  database: Database,
  inputs: CardSummaryInputs,
): Promise<{ cards: number; priced: number; terms: number; sets: number }> {
  const builder = new CardSummaryBuilder(inputs);
  const counts = { cards: 0, priced: 0, terms: 0, sets: 0 };
  await inTransaction(database.db, async (trx) => {
    await clearCardSummary(trx);
    for (let i = 0; i < inputs.cards.length; i += CARDS_PER_WRITE) {
      const { rows, terms } = builder.add(inputs.cards.slice(i, i + CARDS_PER_WRITE));
      await insertCardSummary(trx, rows, terms);
      counts.cards += rows.length;
      counts.priced += rows.filter((r) => r.price_cents !== null).length;
      counts.terms += terms.length;
    }
    const { setRows, facetRows } = builder.totals();
    await replaceSetSummary(trx, setRows, facetRows);
    counts.sets = setRows.length;
  });
  return counts;
}
