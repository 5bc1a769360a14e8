/**
 * Turns upstream price observations into stored prices: resolves the printing (through the
 * product map for TCGplayer rows), applies the acceptance rules, writes in chunks, and counts
 * every row in the run — accepted, updated, unchanged, or rejected with its reason.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { FINISH_LABELS, finishOf } from '../catalog/finishes.ts';
import { PrintingResolver, type GroupConflict, type PendingPrinting } from '../catalog/printing-resolver.ts';
import { assignProductLines } from '../catalog/printings.repo.ts';
import type { ProductLine } from '../catalog/product-lines.ts';
import { ProductMap } from '../catalog/product-map.ts';
import type { RunTally } from '../../shared/run-accounting.ts';
import { addUnmatched, type UnmatchedRow } from './unmatched-rows.repo.ts';
import { allCardIds } from '../catalog/catalog-writer.repo.ts';
import type { Logger } from '../../platform/log.ts';
import { checkCentsInPlace, checkPricesInto, isPlausibleDate, type RawPrices } from './price-rules.ts';
import { AT, FEED_RANK, priceWriter, type PriceValues, type PriceWriter } from './price-writer.repo.ts';
import { deleteRunRow, restoreRow, storedRowsOf, type StoredGrainRow } from './prices.repo.ts';

export type PrintingRef =
  /** A TCGplayer product and sub-type (TCGCSV, JustTCG): the card comes from the product map. */
  | { kind: 'tcgplayer'; productId: number; subType: string; groupId?: number | null }
  /** A card id and the source's finish label (pokemontcg.io, TCGdex, CSV history). */
  | { kind: 'card'; cardId: string; finishLabel: string; tcgplayerProductId?: number | null };

export interface PriceObservation {
  ref: PrintingRef;
  market: 'tcgplayer' | 'cardmarket';
  currency: 'USD' | 'EUR';
  /** Condition or grade; TCGplayer market prices are for near-mint raw cards. */
  condition?: string;
  /** The calendar date the prices are for. */
  date: string;
  prices: RawPrices;
  /** The source's own as-of stamp (e.g. pokemontcg.io `updatedAt`). */
  sourceAsOf?: string | null;
}

const CURRENCIES = new Set(['USD', 'EUR']);

/**
 * A row waiting for its printing: a known key, or a printing to create at flush. `grain` names
 * the row's grain by card, finish and product (stable before and after the printing exists);
 * it is kept only when the importer checks repeats across chunks. `values` are the writer's
 * parameters, their printing key `printing` once the printing exists (0 until then), so the row
 * goes to the writer as it is.
 */
interface BufferedRow {
  values: PriceValues;
  printing: number | PendingPrinting;
  grain?: string;
}

/**
 * How a run treats a grain it meets twice. `last-wins` (the default): the later row replaces the
 * earlier one within a chunk and counts as `duplicate_row`. `ambiguous` (files that may list two
 * products of one card and finish without saying which): a repeat with the same values is a
 * `duplicate_row`; with different values every row of that grain is rejected as
 * `ambiguous_product` — across chunks too, where the row stored earlier in the run is removed
 * again — so one product's price never silently overwrites another's.
 */
export type RepeatPolicy = 'last-wins' | 'ambiguous';

export interface PriceImporterOptions {
  feed: string;
  today: string;
  nowIso: string;
  /** Rows buffered before a write (default `PRICE_CHUNK_ROWS`). */
  chunkRows?: number;
  repeats?: RepeatPolicy;
  log?: Logger;
  /** The product map as stored now, when the caller has just loaded it (else the importer loads it). */
  products?: ProductMap;
}

const STORED_KEYS = [
  'market_cents',
  'low_cents',
  'mid_cents',
  'high_cents',
  'direct_low_cents',
  'trend_cents',
  'avg1_cents',
  'avg7_cents',
  'avg30_cents',
] as const;

function sameValues(a: BufferedRow, b: BufferedRow): boolean {
  return (
    a.values[AT.sourceAsOf] === b.values[AT.sourceAsOf] &&
    STORED_KEYS.every((_, i) => a.values[AT.cents + i] === b.values[AT.cents + i])
  );
}

function sameAsStored(r: BufferedRow, s: StoredGrainRow): boolean {
  return (
    r.values[AT.sourceAsOf] === s.source_as_of &&
    r.values[AT.feed] === s.feed &&
    STORED_KEYS.every((k, i) => r.values[AT.cents + i] === s[k])
  );
}

/** The grain of a row by printing: key, market, condition, currency, date. */
function printingGrain(key: number, v: PriceValues): string {
  return `${key}|${v[AT.market]}|${v[AT.condition]}|${v[AT.currency]}|${v[AT.date]}`;
}

const rank = (feed: string) => FEED_RANK[feed] ?? 1;
// Rows per write: one transaction (SQLite) or one upsert statement (PostgreSQL) each.
export const PRICE_CHUNK_ROWS = 20_000;

export class PriceImporter {
  private buffer: BufferedRow[] = [];
  /** Products rejected for want of a mapping since the last flush: productId → group, reason, rows. */
  private unmatched = new Map<number, UnmatchedRow>();
  private readonly dates = new Map<string, boolean>();
  private readonly knownAt: string;
  private readonly chunkRows: number;
  private readonly repeats: RepeatPolicy;
  /** Grains found ambiguous in this run: later rows of them are rejected too. */
  private readonly ambiguousGrains = new Set<string>();
  /**
   * Stored rows of earlier runs that this run replaced, by printing grain: a later collision puts
   * them back (and takes the row out of `updated`) instead of losing them.
   */
  private readonly overwritten = new Map<string, StoredGrainRow>();
  private log: Logger | undefined;
  /** Product lines a cross-walk names for products (editions such as Shadowless), used where a group's name says none. */
  productLineHints: ReadonlyMap<number, ProductLine> = new Map();
  private conflictsLogged = 0;

  private constructor(
    private readonly run: RunTally,
    private readonly feed: string,
    private readonly today: string,
    private readonly writer: PriceWriter,
    private readonly resolver: PrintingResolver,
    private readonly products: ProductMap,
    private readonly cardIds: Set<string>,
    private readonly db: Kysely<Tables>,
    opts: PriceImporterOptions,
  ) {
    this.knownAt = opts.nowIso;
    this.chunkRows = opts.chunkRows ?? PRICE_CHUNK_ROWS;
    this.repeats = opts.repeats ?? 'last-wins';
  }

  static async create(database: Database, run: RunTally, opts: PriceImporterOptions): Promise<PriceImporter> {
    const db: Kysely<Tables> = database.db;
    const resolver = await PrintingResolver.load(db, () => opts.nowIso);
    const products = opts.products ?? (await ProductMap.load(db));
    const cardIds = await allCardIds(db);
    const importer = new PriceImporter(
      run,
      opts.feed,
      opts.today,
      priceWriter(database),
      resolver,
      products,
      cardIds,
      db,
      opts,
    );
    importer.log = opts.log;
    return importer;
  }

  /** Rows added and not written yet. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Adds observations; writes whenever a chunk is full. */
  async add(observations: Iterable<PriceObservation>): Promise<void> {
    for (const o of observations) {
      const row = this.toRow(o);
      if (row) this.buffer.push(row);
      if (this.buffer.length >= this.chunkRows) await this.flush();
    }
  }

  /**
   * Adds one row of a TCGplayer prices body (`marketPrice`, `lowPrice`, `midPrice`, `highPrice`,
   * `directLowPrice`) as `add` adds its observation (market `tcgplayer`, USD, near mint, no as-of
   * stamp), without making one. Returns whether a chunk is full: the caller then awaits `flush`.
   */
  addTcgplayerRow(
    r: Record<string, unknown>,
    productId: number,
    subType: string,
    groupId: number | null,
    date: string,
  ): boolean {
    const row = this.tcgplayerRow(r, productId, subType, groupId, date);
    if (row) this.buffer.push(row);
    return this.buffer.length >= this.chunkRows;
  }

  /** Tells the importer about cards catalogued after it was made (by a prices run that catalogues as it goes). */
  knowCards(ids: Iterable<string>): void {
    for (const id of ids) this.cardIds.add(id);
  }

  /** Counts rows that could not even be parsed into an observation (`example` names where and why). */
  reject(reason: string, count = 1, example?: { at: string; detail: string }): void {
    this.run.reject(reason, count, example);
  }

  /**
   * Counts a row of a TCGplayer product that could not be linked, and remembers the product for
   * the run's unmatched list (`mapping unmatched`).
   */
  rejectProduct(productId: number, groupId: number | null, reason: string): void {
    this.run.reject(reason);
    const seen = this.unmatched.get(productId);
    if (seen) seen.rows++;
    else
      this.unmatched.set(productId, {
        productId,
        groupId: groupId ?? this.products.groupOf(productId),
        reason,
        rows: 1,
      });
  }

  /** Printings whose recorded TCGplayer group differs from the group a price row arrived from. */
  get groupConflicts(): readonly GroupConflict[] {
    return this.resolver.conflicts;
  }

  /**
   * Creates the printings the buffered rows need (one batch), then writes the rows; printings
   * new or given their TCGplayer group get their product line.
   */
  async flush(): Promise<void> {
    if (this.unmatched.size > 0) {
      const rows = [...this.unmatched.values()];
      this.unmatched = new Map();
      await addUnmatched(this.db, this.run.id, rows);
    }
    await this.flushRows();
    const touched = await this.resolver.saveGroups();
    if (touched.length > 0) await assignProductLines(this.resolver.db, touched, this.productLineHints);
    // A printing keeps the group recorded first; a row from another group is named in the log.
    for (const c of this.resolver.conflicts.slice(this.conflictsLogged)) {
      this.log?.warn(
        { runId: this.run.id, printing: c.printingId, recordedGroup: c.recorded, arrivingGroup: c.arriving },
        'price rows of a printing arrive from another TCGplayer group than the one recorded',
      );
    }
    this.conflictsLogged = this.resolver.conflicts.length;
  }

  private async flushRows(): Promise<void> {
    if (this.buffer.length === 0) return;
    let rows = this.buffer;
    this.buffer = [];
    if (this.repeats === 'ambiguous') rows = this.withinChunk(rows);
    const pendingAt: number[] = [];
    const pending: PendingPrinting[] = [];
    rows.forEach((r, i) => {
      if (typeof r.printing !== 'number') {
        pendingAt.push(i);
        pending.push(r.printing);
      }
    });
    if (pending.length > 0) {
      const keys = await this.resolver.createAll(pending);
      pendingAt.forEach((rowIndex, k) => {
        const row = rows[rowIndex]!;
        row.printing = keys[k]!;
        row.values[AT.printingKey] = keys[k]!;
      });
    }
    // Rows with and without a product id can still land on one printing: group by it too.
    if (this.repeats === 'ambiguous')
      rows = await this.acrossChunks(this.withinChunk(rows, (r) => printingGrain(r.printing as number, r.values)));
    const outcome = await this.writer.write(rows.map((r) => r.values));
    this.run.add(outcome);
    this.run.reject('duplicate_row', outcome.duplicates);
  }

  /**
   * Repeats inside one chunk, grouped by `key` (the grain by card, finish and product; after the
   * printings exist, by printing): equal values are duplicates, different values make the grain
   * ambiguous.
   */
  private withinChunk(rows: BufferedRow[], key: (r: BufferedRow) => string = (r) => r.grain!): BufferedRow[] {
    const groups = new Map<string, BufferedRow[]>();
    for (const r of rows) {
      const k = key(r);
      const list = groups.get(k);
      if (list) list.push(r);
      else groups.set(k, [r]);
    }
    const kept: BufferedRow[] = [];
    for (const list of groups.values()) {
      if (list.some((r) => this.ambiguousGrains.has(r.grain!)) || list.some((r) => !sameValues(r, list[0]!))) {
        for (const r of list) this.ambiguousGrains.add(r.grain!);
        this.run.reject('ambiguous_product', list.length, {
          at: list[0]!.grain!,
          detail: `${list.length} rows name this card, finish, market, condition, currency and date with different prices; add a product_id column`,
        });
        continue;
      }
      this.run.reject('duplicate_row', list.length - 1);
      kept.push(list[list.length - 1]!);
    }
    return kept;
  }

  /**
   * Repeats of grains an earlier chunk of this run stored: equal values are duplicates; different
   * values reject the row and take the stored one back out (restoring the earlier run's value it
   * had replaced, if any). Also remembers the earlier runs' rows this run replaces.
   */
  private async acrossChunks(rows: BufferedRow[]): Promise<BufferedRow[]> {
    const known = rows.filter((r) => typeof r.printing === 'number');
    if (known.length === 0) return rows;
    const stored = new Map<string, StoredGrainRow>();
    const storedKey = (s: StoredGrainRow) => `${s.printing_key}|${s.market}|${s.condition}|${s.currency}|${s.date}`;
    for (const s of await storedRowsOf(
      this.db,
      known.map((r) => r.printing as number),
      known.map((r) => r.values[AT.date]),
    ))
      stored.set(storedKey(s), s);
    const kept: BufferedRow[] = [];
    for (const r of rows) {
      const s = typeof r.printing === 'number' ? stored.get(printingGrain(r.printing, r.values)) : undefined;
      if (!s) {
        kept.push(r);
        continue;
      }
      const key = storedKey(s);
      if (s.run_id !== this.run.id) {
        if (!sameAsStored(r, s) && rank(s.feed) <= rank(r.values[AT.feed])) this.overwritten.set(key, s);
        kept.push(r);
      } else if (sameAsStored(r, s)) {
        this.run.reject('duplicate_row');
      } else {
        this.ambiguousGrains.add(r.grain!);
        this.run.reject('ambiguous_product', 1, {
          at: r.grain!,
          detail:
            'a later row names this card, finish, market, condition, currency and date with different prices; add a product_id column',
        });
        // The row this run stored goes: an earlier run's value it had replaced comes back.
        const prev = this.overwritten.get(key);
        if (prev) {
          this.overwritten.delete(key);
          if ((await restoreRow(this.db, this.run.id, prev)) === 1) this.run.retract('updated', 'ambiguous_product');
        } else if (
          (await deleteRunRow(this.db, this.run.id, {
            printingKey: s.printing_key,
            market: s.market,
            condition: s.condition,
            currency: s.currency,
            date: s.date,
          })) === 1
        ) {
          this.run.retract('accepted', 'ambiguous_product');
        }
      }
    }
    return kept;
  }

  private plausible(date: string): boolean {
    let ok = this.dates.get(date);
    if (ok === undefined) {
      ok = isPlausibleDate(date, this.today);
      this.dates.set(date, ok);
    }
    return ok;
  }

  private toRow(o: PriceObservation): BufferedRow | null {
    if (!this.plausible(o.date)) return this.rejected('impossible_date');
    if (!CURRENCIES.has(o.currency)) return this.rejected('unknown_currency');
    let cardId: string;
    let finishLabel: string;
    if (o.ref.kind === 'tcgplayer') {
      const found = this.products.lookup(o.ref.productId);
      if (!found.ok) {
        this.rejectProduct(o.ref.productId, o.ref.groupId ?? null, found.reason);
        return null;
      }
      cardId = found.cardId;
      finishLabel = o.ref.subType;
    } else {
      cardId = o.ref.cardId;
      finishLabel = o.ref.finishLabel;
    }
    if (!this.cardIds.has(cardId)) {
      if (o.ref.kind !== 'tcgplayer') return this.rejected('card_not_in_catalog');
      this.rejectProduct(o.ref.productId, o.ref.groupId ?? null, 'card_not_in_catalog');
      return null;
    }
    const finish = finishOf(finishLabel);
    if (!finish) return this.rejected('unknown_finish');
    const condition = o.condition ?? 'NM';
    // prettier-ignore
    const values: PriceValues = [
      0, o.market, condition, o.currency, o.date, this.feed,
      null, null, null, null, null, null, null, null, null,
      o.sourceAsOf ?? null, this.knownAt, this.run.id,
    ];
    const checked = checkPricesInto(o.prices, values, AT.cents);
    if (typeof checked !== 'number') return this.rejected(checked);
    this.run.dropPlaceholders(checked);

    // A TCGplayer reference is the product as `find` takes it (no copy per row).
    const product =
      o.ref.kind === 'tcgplayer'
        ? o.ref
        : o.ref.tcgplayerProductId
          ? { productId: o.ref.tcgplayerProductId, subType: FINISH_LABELS[finish], groupId: null }
          : null;
    const printing = this.resolver.find(cardId, finish, product);
    // A product already stored as another card's printing is not this card's.
    // (Price CSV rows only: TCGplayer rows take their card from the product map.)
    if (o.ref.kind === 'card' && product && typeof printing === 'number' && this.resolver.cardOf(printing) !== cardId)
      return this.rejected('product_card_mismatch');
    return this.placed(values, printing, cardId, finish, product?.productId);
  }

  /** `toRow` for a TCGplayer row (`addTcgplayerRow`): the same checks in the same order. */
  private tcgplayerRow(
    r: Record<string, unknown>,
    productId: number,
    subType: string,
    groupId: number | null,
    date: string,
  ): BufferedRow | null {
    if (!this.plausible(date)) return this.rejected('impossible_date');
    const found = this.products.lookup(productId);
    if (!found.ok) {
      this.rejectProduct(productId, groupId, found.reason);
      return null;
    }
    const cardId = found.cardId;
    if (!this.cardIds.has(cardId)) {
      this.rejectProduct(productId, groupId, 'card_not_in_catalog');
      return null;
    }
    const finish = finishOf(subType);
    if (!finish) return this.rejected('unknown_finish');
    // The upstream values go in unchecked; `checkCentsInPlace` judges and converts them.
    type Raw = number | null;
    // prettier-ignore
    const values: PriceValues = [
      0, 'tcgplayer', 'NM', 'USD', date, this.feed,
      (r.marketPrice ?? null) as Raw, (r.lowPrice ?? null) as Raw, (r.midPrice ?? null) as Raw,
      (r.highPrice ?? null) as Raw, (r.directLowPrice ?? null) as Raw, null, null, null, null,
      null, this.knownAt, this.run.id,
    ];
    const checked = checkCentsInPlace(values, AT.cents);
    if (typeof checked !== 'number') return this.rejected(checked);
    this.run.dropPlaceholders(checked);
    const printing = this.resolver.find(cardId, finish, { productId, subType, groupId });
    return this.placed(values, printing, cardId, finish, productId);
  }

  /** A checked row and its printing, as buffered (`grain` only when repeats are judged across products). */
  private placed(
    values: PriceValues,
    printing: number | PendingPrinting,
    cardId: string,
    finish: string,
    productId: number | undefined,
  ): BufferedRow {
    if (typeof printing === 'number') values[AT.printingKey] = printing;
    return {
      values,
      printing,
      grain:
        this.repeats === 'ambiguous'
          ? `${cardId}|${finish}|${productId ?? ''}|${values[AT.market]}|${values[AT.condition]}|${values[AT.currency]}|${values[AT.date]}`
          : undefined,
    };
  }

  private rejected(reason: string): null {
    this.run.reject(reason);
    return null;
  }
}
