/**
 * Turns upstream price observations into stored prices: resolves the printing (through the
 * product map for TCGplayer rows), applies the acceptance rules, writes in chunks, and counts
 * every row in the run — accepted, updated, unchanged, or rejected with its reason.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { finishOf } from '../catalog/finishes.ts';
import { PrintingResolver, type GroupConflict, type PendingPrinting } from '../catalog/printing-resolver.ts';
import { assignProductLines } from '../catalog/printings.repo.ts';
import type { ProductLine } from '../catalog/product-lines.ts';
import { ProductMap } from '../catalog/product-map.ts';
import type { IngestionRun } from '../ingest/ingestion-run.ts';
import type { Logger } from '../../platform/log.ts';
import { checkPrices, isPlausibleDate, type RawPrices } from './price-rules.ts';
import { priceWriter, type PriceRow, type PriceWriter } from './price-writer.ts';

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

/** A row waiting for its printing: a known key, or a printing to create at flush. */
type BufferedRow = Omit<PriceRow, 'printingKey'> & { printing: number | PendingPrinting };
// Rows per write: one transaction (SQLite) or one upsert statement (PostgreSQL) each.
const CHUNK = 20_000;

export class PriceImporter {
  private buffer: BufferedRow[] = [];
  private readonly dates = new Map<string, boolean>();
  private readonly knownAt: string;
  droppedPlaceholderFields = 0;
  private log: Logger | undefined;
  /** Product lines a cross-walk names for products (editions such as Shadowless), used where a group's name says none. */
  productLineHints: ReadonlyMap<number, ProductLine> = new Map();
  private conflictsLogged = 0;

  private constructor(
    private readonly run: IngestionRun,
    private readonly feed: string,
    private readonly today: string,
    private readonly writer: PriceWriter,
    private readonly resolver: PrintingResolver,
    private readonly products: ProductMap,
    private readonly cardIds: Set<string>,
    nowIso: string,
  ) {
    this.knownAt = nowIso;
  }

  static async create(database: Database, run: IngestionRun, opts: { feed: string; today: string; nowIso: string; log?: Logger }): Promise<PriceImporter> {
    const db: Kysely<Tables> = database.db;
    const resolver = await PrintingResolver.load(db, () => opts.nowIso);
    const products = await ProductMap.load(db);
    const cardIds = new Set((await db.selectFrom('cards').select('id').execute()).map((r) => r.id));
    const importer = new PriceImporter(run, opts.feed, opts.today, priceWriter(database), resolver, products, cardIds, opts.nowIso);
    importer.log = opts.log;
    return importer;
  }

  /** Adds observations; writes whenever a chunk is full. */
  async add(observations: Iterable<PriceObservation>): Promise<void> {
    for (const o of observations) {
      const row = this.toRow(o);
      if (row) this.buffer.push(row);
      if (this.buffer.length >= CHUNK) await this.flush();
    }
  }

  /** Tells the importer about cards catalogued after it was made (by a prices run that catalogues as it goes). */
  knowCards(ids: Iterable<string>): void {
    for (const id of ids) this.cardIds.add(id);
  }

  /** Counts rows that could not even be parsed into an observation. */
  reject(reason: string, count = 1): void {
    this.run.reject(reason, count);
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
    await this.flushRows();
    const touched = await this.resolver.saveGroups();
    if (touched.length > 0) await assignProductLines(this.resolver.db, touched, this.productLineHints);
    // A printing keeps the group recorded first; a row from another group is named in the log.
    for (const c of this.resolver.conflicts.slice(this.conflictsLogged)) {
      this.log?.warn({ runId: this.run.id, printing: c.printingId, recordedGroup: c.recorded, arrivingGroup: c.arriving }, 'price rows of a printing arrive from another TCGplayer group than the one recorded');
    }
    this.conflictsLogged = this.resolver.conflicts.length;
  }

  private async flushRows(): Promise<void> {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
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
      pendingAt.forEach((rowIndex, k) => (rows[rowIndex]!.printing = keys[k]!));
    }
    const outcome = await this.writer.write(rows.map(({ printing, ...rest }) => ({ ...rest, printingKey: printing as number })));
    this.run.add(outcome);
    this.run.reject('duplicate_row', outcome.duplicates);
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
      if (!found.ok) return this.rejected(found.reason);
      cardId = found.cardId;
      finishLabel = o.ref.subType;
    } else {
      cardId = o.ref.cardId;
      finishLabel = o.ref.finishLabel;
    }
    if (!this.cardIds.has(cardId)) return this.rejected('card_not_in_catalog');
    const finish = finishOf(finishLabel);
    if (!finish) return this.rejected('unknown_finish');
    const checked = checkPrices(o.prices);
    if (!checked.ok) return this.rejected(checked.reason);
    this.droppedPlaceholderFields += checked.droppedPlaceholders;

    const product = o.ref.kind === 'tcgplayer' ? { productId: o.ref.productId, subType: o.ref.subType, groupId: o.ref.groupId ?? null } : null;
    return {
      printing: this.resolver.find(cardId, finish, product),
      market: o.market,
      condition: o.condition ?? 'NM',
      currency: o.currency,
      date: o.date,
      feed: this.feed,
      cents: checked.cents,
      sourceAsOf: o.sourceAsOf ?? null,
      knownAt: this.knownAt,
      runId: this.run.id,
    };
  }

  private rejected(reason: string): null {
    this.run.reject(reason);
    return null;
  }
}
