/**
 * Price history from CSV files (RFC 4180, header row, UTF-8 with or without BOM). The layout is
 * told apart by the header; every data row is counted in the run.
 *
 * Generic layout (feed `history-csv`), one observation per row:
 *
 *   card_id    catalogue card id (`base1-4`)                                     required
 *   finish     finish label in any source's spelling (`Holofoil`, `reverse`)     required
 *   market     `tcgplayer` | `cardmarket`                                        required
 *   currency   `USD` | `EUR`                                                     required
 *   date       `YYYY-MM-DD`, the calendar date the prices are for               required
 *   market_price, low_price, mid_price, high_price
 *              decimal major units (`350.25`); empty = no value; at least one column present
 *   condition  optional column; empty or absent = `NM`
 *
 * Unknown columns fail the file (a misspelt price column would otherwise load as nulls).
 * Rows are rejected with the price rules' reasons, plus `missing_date`, `unknown_market` and
 * `malformed_row` (wrong number of fields, or no card id).
 *
 * TCGplayer history layout (feed `tcgplayer-history`): scraped 3-day buckets of one item's
 * price chart, `set,type,period,name,period_start_date,period_end_date,timestamp,holofoil_price,volume`.
 * - The row's date is `period_end_date`; `holofoil_price` is stored as the market price (USD);
 *   `volume` is not stored. `timestamp` (the scrape, taken as UTC) becomes the source's as-of.
 * - Empty period dates → `missing_date`; 0.0 or empty price → `all_prices_null` (a bucket
 *   without sales). Date checks come before price checks.
 * - Wrong year: some scrapes of early January 2026 wrote 2026-10…2027-01 for 2025-10…2026-01.
 *   A bucket ending after its scrape date is repaired by subtracting one year when the result
 *   ends on or before the scrape date AND lies within one bucket (3 days) of a bucket of the
 *   same item whose date needed no repair; otherwise → `impossible_date`. Where a repaired and
 *   an unrepaired bucket share a date, the unrepaired one is kept; among equals the latest scrape
 *   wins; the others are counted as `duplicate_row`.
 * - `set` is a TCGdex set id in upper case (`SV03.5`). It resolves to the catalogue set whose
 *   `tcgdex_set_id` is the code in lower case, else whose id is, else whose `ptcgo_code` is the
 *   code (when only one set has it), else whose id is the code in pokemontcg.io spelling
 *   (`sv03.5` → `sv3pt5`, `swsh06` → `swsh6`). None → `unknown_set`.
 * - Items of type `Card` are single cards named `<name> <number>`: they map to the catalogue card
 *   of that set and number with finish `holofoil` (the column the scraper read). No such card →
 *   `card_not_in_catalog`; a card whose name differs (letters and digits compared) →
 *   `card_name_mismatch`.
 * - Every other type is a sealed product, which the catalogue does not list. Decision: each
 *   becomes a catalogue entry of kind `sealed`, id `sealed-<set id>-<slug of type>` (e.g.
 *   `sealed-sv3pt5-elite-trainer-box`), named `<set name> <type>`, in the resolved set, priced
 *   under finish `normal`, market `tcgplayer`, currency USD. The set id (not the raw code) keeps
 *   the id a slug and stable whichever spelling of the code resolved it. Two differently named
 *   items of one set and type would share that id, so both are rejected as
 *   `ambiguous_sealed_product` rather than merged into one price series.
 */
import { once } from 'node:events';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { finishOf } from '../../catalog/finishes.ts';
import { setCodes, singleCardsOfSets } from '../../catalog/catalog.repo.ts';
import type { CardInput } from '../../catalog/catalog-writer.ts';
import type { PriceObservation } from '../../prices/price-importer.ts';
import type { RawPrices } from '../../prices/price-rules.ts';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../context.ts';
import { openCsv } from '../csv-file.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';

export interface HistoryImportResult extends RunSummary {
  format: 'generic' | 'tcgplayer-history';
  /** Rows whose wrong year was repaired (they may still be rejected later, e.g. as duplicates). */
  repaired_dates: number;
  /** Sealed-product catalogue entries created by this import. */
  sealed_created: number;
}

const GENERIC_REQUIRED = ['card_id', 'finish', 'market', 'currency', 'date'] as const;
const GENERIC_OPTIONAL = ['condition', 'product_id'] as const;
const GENERIC_PRICES = { market_price: 'market', low_price: 'low', mid_price: 'mid', high_price: 'high' } as const;
const HISTORY_COLUMNS = [
  'set',
  'type',
  'period',
  'name',
  'period_start_date',
  'period_end_date',
  'timestamp',
  'holofoil_price',
  'volume',
] as const;
const MARKETS = new Set(['tcgplayer', 'cardmarket']);
/** Bucket length of the TCGplayer history layout, in days; also the neighbour distance of a repair. */
export const BUCKET_DAYS = 3;
const DAY_MS = 86_400_000;

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Lower-case ASCII slug: `Elite Trainer Box` → `elite-trainer-box`. */
export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The repaired date of a bucket that ends after its scrape date, or null when no repair holds.
 *
 * @example
 * repairYear('2027-01-01', '2026-01-02', new Set(['2025-12-31'])); // '2026-01-01'
 * repairYear('2026-06-03', '2026-01-02', new Set(['2025-12-31'])); // null: no neighbour bucket
 */
export function repairYear(endDate: string, scrapeDate: string, trustedDates: ReadonlySet<string>): string | null {
  const shifted = `${String(Number(endDate.slice(0, 4)) - 1).padStart(4, '0')}${endDate.slice(4)}`;
  if (!isCalendarDate(shifted) || shifted > scrapeDate) return null;
  for (let d = -BUCKET_DAYS; d <= BUCKET_DAYS; d++) if (trustedDates.has(addDays(shifted, d))) return shifted;
  return null;
}

/** One parsed CSV record and the line it ends on (for messages). */
interface Rec {
  record: string[];
  line: number;
}

/**
 * Raw bytes of the file, archived with the run in parts of about `PART_BYTES` (uncompressed) as
 * they are read. Each part is gzip-compressed while it is read, so only its compressed bytes are
 * held (a few MB), never the raw part.
 */
const PART_BYTES = 8 * 1024 * 1024;

class PayloadParts {
  private gzip: Gzip | null = null;
  private compressed: Buffer[] = [];
  private size = 0;
  private part = 0;
  private run: IngestionRun | null = null;
  /** Chunks read before the run exists (the header), compressed once it says it keeps payloads. */
  private early: Buffer[] | null = [];
  constructor(
    private readonly name: string,
    private readonly partBytes = PART_BYTES,
  ) {}
  bind(run: IngestionRun): void {
    this.run = run;
    const early = this.early ?? [];
    this.early = null;
    for (const chunk of early) this.push(chunk);
  }
  push(chunk: Buffer): void {
    if (this.early) {
      this.early.push(chunk);
      return;
    }
    if (!this.run?.keepsPayloads) return;
    if (!this.gzip) {
      const gzip = createGzip({ level: 1 });
      const out: Buffer[] = (this.compressed = []);
      gzip.on('data', (b: Buffer) => out.push(b));
      this.gzip = gzip;
    }
    this.gzip.write(chunk);
    this.size += chunk.byteLength;
  }
  async drain(all: boolean): Promise<void> {
    if (!this.gzip || this.size === 0 || (!all && this.size < this.partBytes)) return;
    const [gzip, out, bytes] = [this.gzip, this.compressed, this.size];
    this.gzip = null;
    this.compressed = [];
    this.size = 0;
    this.part++;
    const ended = once(gzip, 'end');
    gzip.end();
    await ended;
    await this.run!.saveGzippedPayload(
      this.part === 1 && all ? this.name : `${this.name}#${this.part}`,
      Buffer.concat(out),
      bytes,
    );
  }
}

/** Default rows per chunk: parsed, checked and written before more of the file is read. */
export const CSV_CHUNK_ROWS = 5_000;

export interface HistoryCsvOptions {
  /** The file; a `.gz` (gzip) file is decompressed as it is read. */
  path: string;
  /** Read this stream instead of opening `path` (which still names the file in the run). */
  input?: Readable;
  /** Rows per chunk (default `CSV_CHUNK_ROWS`). */
  chunkRows?: number;
  /** Uncompressed bytes per archived part of the file (default 8 MiB). */
  payloadPartBytes?: number;
}

/**
 * Imports one price-history CSV file in either layout, as one ingestion run. The file is
 * streamed: the generic layout is parsed and written `chunkRows` rows at a time, so memory does
 * not grow with the file; the TCGplayer history layout keeps its parsed buckets (the wrong-year
 * repair compares neighbouring buckets of the whole file).
 *
 * @example
 * const summary = await importHistoryCsv(ctx, { path: 'history.csv' });
 */
export async function importHistoryCsv(ctx: IngestContext, opts: HistoryCsvOptions): Promise<HistoryImportResult> {
  const name = basename(opts.path);
  const input = opts.input ?? (await openCsv(opts.path)).stream;
  const payload = new PayloadParts(name, opts.payloadPartBytes);
  input.on('data', (chunk: Buffer) => payload.push(chunk));
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // Errors of the file (unreadable, corrupt gzip) end the parse with that error.
  pipeline(input, parser, (err) => (err ? parser.destroy(err) : undefined));
  const iterator = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  const first = await iterator.next().catch((err: Error) => {
    throw new Error(`cannot read ${name}: ${err.message}`, { cause: err });
  });
  const header = first.done ? [] : first.value.record.map((h) => h.trim().toLowerCase());
  const format = HISTORY_COLUMNS.every((c) => header.includes(c)) ? 'tcgplayer-history' : 'generic';
  const feed = format === 'generic' ? 'history-csv' : 'tcgplayer-history';
  const rest: AsyncIterable<Rec> = {
    async *[Symbol.asyncIterator]() {
      for (let n = await iterator.next(); !n.done; n = await iterator.next())
        yield { record: n.value.record, line: n.value.info.lines };
    },
  };
  const extra = { repaired_dates: 0, sealed_created: 0 };
  const summary = await withRun(
    ctx,
    { importer: 'csv', feed, kind: 'prices', params: { file: name, format } },
    async (run) => {
      run.explainEmpty(`${name} holds no data rows`);
      payload.bind(run);
      try {
        if (format === 'generic')
          await importGeneric(ctx, run, header, rest, payload, opts.chunkRows ?? CSV_CHUNK_ROWS);
        else Object.assign(extra, await importTcgplayerHistory(ctx, run, header, rest));
        await payload.drain(true);
      } finally {
        // A run that stops early (a bad header) leaves the rest of the file unread.
        input.destroy();
      }
    },
  );
  if (format === 'tcgplayer-history') ctx.log.info({ runId: summary.id, ...extra }, 'tcgplayer history dates repaired');
  return { ...summary, format, ...extra };
}

type Parsed = { ok: true; observation: PriceObservation } | { ok: false; reason: string; detail: string };

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;
const CURRENCIES = new Set(['USD', 'EUR']);

/** Where each generic column sits in a record (undefined: the header lacks it), resolved once per file. */
interface GenericColumns {
  cardId: number | undefined;
  date: number | undefined;
  market: number | undefined;
  currency: number | undefined;
  finish: number | undefined;
  productId: number | undefined;
  condition: number | undefined;
  prices: { column: string; field: (typeof GENERIC_PRICES)[keyof typeof GENERIC_PRICES]; at: number | undefined }[];
}

function genericColumns(header: string[]): GenericColumns {
  const at = (c: string) => {
    const i = header.lastIndexOf(c);
    return i < 0 ? undefined : i;
  };
  return {
    cardId: at('card_id'),
    date: at('date'),
    market: at('market'),
    currency: at('currency'),
    finish: at('finish'),
    productId: at('product_id'),
    condition: at('condition'),
    prices: Object.entries(GENERIC_PRICES).map(([column, field]) => ({ column, field, at: at(column) })),
  };
}

/** One generic row as an observation, or the reason it is rejected naming the field and value. */
function genericRow(record: string[], col: GenericColumns): Parsed {
  const get = (i: number | undefined) => (i === undefined ? undefined : record[i]);
  const no = (reason: string, detail: string): Parsed => ({ ok: false, reason, detail });
  const cardId = get(col.cardId)?.trim() ?? '';
  if (cardId === '') return no('malformed_row', 'card_id is empty');
  const date = get(col.date)?.trim() ?? '';
  if (date === '') return no('missing_date', 'date is empty');
  if (!isCalendarDate(date)) return no('impossible_date', `date "${date}" is not a calendar date (YYYY-MM-DD)`);
  const market = get(col.market)?.trim().toLowerCase() ?? '';
  if (!MARKETS.has(market))
    return no('unknown_market', `market "${get(col.market) ?? ''}" is not tcgplayer or cardmarket`);
  const currency = get(col.currency)?.trim().toUpperCase() ?? '';
  if (!CURRENCIES.has(currency))
    return no('unknown_currency', `currency "${get(col.currency) ?? ''}" is not USD or EUR`);
  const finishLabel = get(col.finish) ?? '';
  if (!finishOf(finishLabel)) return no('unknown_finish', `finish "${finishLabel}" is not a known finish`);
  const productRaw = get(col.productId)?.trim() ?? '';
  if (productRaw !== '' && !/^[1-9]\d{0,15}$/.test(productRaw))
    return no('malformed_row', `product_id "${productRaw}" is not a TCGplayer product id`);
  const prices: RawPrices = {};
  for (const { column, field, at } of col.prices) {
    const raw = get(at)?.trim() ?? '';
    if (raw !== '' && !DECIMAL.test(raw)) return no('not_a_number', `${column} "${raw}" is not a decimal number`);
    prices[field] = raw === '' ? null : Number(raw);
  }
  return {
    ok: true,
    observation: {
      ref: { kind: 'card', cardId, finishLabel, tcgplayerProductId: productRaw === '' ? null : Number(productRaw) },
      market: market as PriceObservation['market'],
      currency: currency as PriceObservation['currency'],
      condition: get(col.condition)?.trim().toUpperCase() || 'NM',
      date,
      prices,
    },
  };
}

async function importGeneric(
  ctx: IngestContext,
  run: IngestionRun,
  header: string[],
  rows: AsyncIterable<Rec>,
  payload: PayloadParts,
  chunkRows: number,
): Promise<void> {
  const missing = GENERIC_REQUIRED.filter((c) => !header.includes(c));
  const known = new Set<string>([...GENERIC_REQUIRED, ...Object.keys(GENERIC_PRICES), ...GENERIC_OPTIONAL]);
  const unknown = header.filter((c) => !known.has(c));
  if (missing.length > 0 || unknown.length > 0 || !Object.keys(GENERIC_PRICES).some((c) => header.includes(c))) {
    throw new Error(
      `not a recognised history CSV header: missing [${missing.join(', ')}], unknown [${unknown.join(', ')}]; ` +
        `expected ${[...GENERIC_REQUIRED, ...Object.keys(GENERIC_PRICES)].join(',')}[,${GENERIC_OPTIONAL.join('][,')}] or ${HISTORY_COLUMNS.join(',')}`,
    );
  }
  const columns = genericColumns(header);
  // Two products of one card and finish may share a grain when the file has no product ids.
  const importer = await priceImporter(ctx, run, 'history-csv', { chunkRows: chunkRows + 1, repeats: 'ambiguous' });
  let done = 0;
  let chunk: PriceObservation[] = [];
  const write = async () => {
    await importer.add(chunk);
    await importer.flush();
    chunk = [];
    await payload.drain(false);
    ctx.progress?.(done, null, 'history-csv');
  };
  for await (const { record, line } of rows) {
    done++;
    if (record.length !== header.length) {
      importer.reject('malformed_row', 1, {
        at: `line ${line}`,
        detail: `${record.length} fields where the header has ${header.length}`,
      });
    } else {
      const parsed = genericRow(record, columns);
      if (parsed.ok) chunk.push(parsed.observation);
      else importer.reject(parsed.reason, 1, { at: `line ${line}`, detail: parsed.detail });
    }
    if (done % chunkRows === 0) await write();
  }
  await write();
}

/** One dated bucket of the TCGplayer history layout; `item` is `set|type|name`. */
interface Bucket {
  item: string;
  set: string;
  type: string;
  name: string;
  end: string;
  scrapeDate: string;
  scrapedAt: string;
  price: string;
  line: number;
}
type Priced = Bucket & { date: string; repaired: boolean; priceUsd: number };
type Target = { ok: true; cardId: string; finish: string; sealed: CardInput | null } | { ok: false; reason: string };

/** Parses rows, rejects undated or malformed ones, and collects per item the dates that need no repair. */
async function readBuckets(run: IngestionRun, header: string[], rows: AsyncIterable<Rec>) {
  const at = (rec: string[], c: (typeof HISTORY_COLUMNS)[number]) => (rec[header.indexOf(c)] ?? '').trim();
  const buckets: Bucket[] = [];
  const trusted = new Map<string, Set<string>>();
  for await (const { record: rec, line } of rows) {
    if (rec.length !== header.length) {
      run.reject('malformed_row', 1, {
        at: `line ${line}`,
        detail: `${rec.length} fields where the header has ${header.length}`,
      });
      continue;
    }
    const [start, end, timestamp] = [at(rec, 'period_start_date'), at(rec, 'period_end_date'), at(rec, 'timestamp')];
    const scrapeDate = timestamp.slice(0, 10);
    const time = /^\d{4}-\d{2}-\d{2}[ T](\d{2}:\d{2}:\d{2})/.exec(timestamp)?.[1];
    if (start === '' || end === '') run.reject('missing_date');
    else if (!time || !isCalendarDate(scrapeDate))
      run.reject('malformed_row', 1, {
        at: `line ${line}`,
        detail: `timestamp "${timestamp}" is not YYYY-MM-DD hh:mm:ss`,
      });
    else if (!isCalendarDate(start) || !isCalendarDate(end) || start > end) run.reject('impossible_date');
    else {
      const [set, type, name] = [at(rec, 'set'), at(rec, 'type'), at(rec, 'name')];
      const item = `${set}|${type}|${name}`;
      if (end <= scrapeDate) trusted.set(item, (trusted.get(item) ?? new Set()).add(end));
      buckets.push({
        item,
        set,
        type,
        name,
        end,
        scrapeDate,
        scrapedAt: `${scrapeDate}T${time}Z`,
        price: at(rec, 'holofoil_price'),
        line,
      });
    }
  }
  return { buckets, trusted };
}

/** Repairs wrong years (or rejects), then drops buckets without a price. */
function repairAndPrice(run: IngestionRun, buckets: Bucket[], trusted: Map<string, Set<string>>) {
  let repaired = 0;
  const priced: Priced[] = [];
  for (const b of buckets) {
    const date = b.end > b.scrapeDate ? repairYear(b.end, b.scrapeDate, trusted.get(b.item) ?? new Set()) : b.end;
    if (date === null) {
      run.reject('impossible_date');
      continue;
    }
    if (date !== b.end) repaired++;
    const priceUsd = b.price === '' ? 0 : Number(b.price);
    if (!Number.isFinite(priceUsd)) run.reject('not_a_number');
    else if (priceUsd === 0) run.reject('all_prices_null');
    else priced.push({ ...b, date, repaired: date !== b.end, priceUsd });
  }
  return { priced, repaired };
}

/** Unrepaired before repaired, then the latest scrape, then the later line. */
const better = (a: Priced, b: Priced) =>
  a.repaired !== b.repaired ? !a.repaired : a.scrapedAt !== b.scrapedAt ? a.scrapedAt > b.scrapedAt : a.line > b.line;

async function importTcgplayerHistory(
  ctx: IngestContext,
  run: IngestionRun,
  header: string[],
  rows: AsyncIterable<Rec>,
) {
  const { buckets, trusted } = await readBuckets(run, header, rows);
  const { priced, repaired } = repairAndPrice(run, buckets, trusted);
  const targets = await resolveItems(ctx, priced);
  const kept = new Map<string, Priced & { cardId: string; finish: string }>();
  const sealed = new Map<string, CardInput>();
  for (const b of priced) {
    const target = targets.get(b.item)!;
    if (!target.ok) {
      run.reject(target.reason);
      continue;
    }
    const key = `${target.cardId}|${target.finish}|${b.date}`;
    const held = kept.get(key);
    run.reject('duplicate_row', held ? 1 : 0);
    if (!held || better(b, held)) kept.set(key, { ...b, cardId: target.cardId, finish: target.finish });
    if (target.sealed) sealed.set(target.sealed.id, target.sealed);
  }
  // Sealed entries first: the price importer only accepts cards it finds in the catalogue.
  const created = await catalogWriter(ctx).upsertCards([...sealed.values()], ctx.runs.nowIso());
  const importer = await priceImporter(ctx, run, 'tcgplayer-history');
  await importer.add(
    [...kept.values()].map((b) => ({
      ref: { kind: 'card', cardId: b.cardId, finishLabel: b.finish },
      market: 'tcgplayer',
      currency: 'USD',
      date: b.date,
      prices: { market: b.priceUsd },
      sourceAsOf: b.scrapedAt,
    })),
  );
  await importer.flush();
  return { repaired_dates: repaired, sealed_created: created.accepted };
}

/** `sv03.5` → `sv3pt5`, `swsh06` → `swsh6`: TCGdex main-series ids in pokemontcg.io spelling. */
function pokemontcgSpelling(code: string): string | null {
  const m = /^([a-z]+)0*(\d+)(\.5)?$/.exec(code);
  return m ? `${m[1]}${m[2]}${m[3] ? 'pt5' : ''}` : null;
}

const letters = (s: string) => slug(s).replace(/-/g, '');

/** Where each item's prices go: a catalogue card, a sealed entry (created), or a rejection reason. */
async function resolveItems(ctx: IngestContext, buckets: Bucket[]): Promise<Map<string, Target>> {
  const db = ctx.database.db;
  const sets = await setCodes(db);
  const resolveSet = (code: string) => {
    const lower = code.toLowerCase();
    const byPtcgo = sets.filter((s) => s.ptcgo_code === code.toUpperCase());
    return (
      sets.find((s) => s.tcgdex_set_id === lower) ??
      sets.find((s) => s.id === lower) ??
      (byPtcgo.length === 1 ? byPtcgo[0] : undefined) ??
      sets.find((s) => s.id === pokemontcgSpelling(lower))
    );
  };
  const items = new Map(buckets.map((b) => [b.item, b]));
  const setOf = new Map([...items].map(([item, b]) => [item, resolveSet(b.set)]));
  const cardSetIds = [
    ...new Set(
      [...items]
        .filter(([, b]) => b.type.toLowerCase() === 'card')
        .map(([item]) => setOf.get(item)?.id)
        .filter((id) => id !== undefined),
    ),
  ];
  const cards = await singleCardsOfSets(db, cardSetIds);
  const byNumber = new Map(cards.map((c) => [`${c.set_id}|${c.number.replace(/^0+(?=\d)/, '')}`, c]));

  // Two different items of one set and type would share a sealed id: refuse both, never merge them.
  const sealedKey = (item: string, b: Bucket) => `${setOf.get(item)?.id}|${slug(b.type)}`;
  const sealedItems = new Map<string, number>();
  for (const [item, b] of items)
    if (b.type.toLowerCase() !== 'card')
      sealedItems.set(sealedKey(item, b), (sealedItems.get(sealedKey(item, b)) ?? 0) + 1);
  const targets = new Map<string, Target>();
  for (const [item, b] of items) {
    const set = setOf.get(item);
    if (!set) {
      targets.set(item, { ok: false, reason: 'unknown_set' });
    } else if (b.type.toLowerCase() === 'card') {
      const m = /^(.*\S)\s+0*(\d+[a-z]?)$/i.exec(b.name);
      const card = m ? byNumber.get(`${set.id}|${m[2]}`) : undefined;
      if (!m || !card) targets.set(item, { ok: false, reason: 'card_not_in_catalog' });
      else if (letters(card.name) !== letters(m[1]!)) targets.set(item, { ok: false, reason: 'card_name_mismatch' });
      else targets.set(item, { ok: true, cardId: card.id, finish: 'holofoil', sealed: null });
    } else if (sealedItems.get(sealedKey(item, b))! > 1) {
      targets.set(item, { ok: false, reason: 'ambiguous_sealed_product' });
    } else {
      const id = `sealed-${set.id}-${slug(b.type)}`;
      const sealed: CardInput = {
        id,
        setId: set.id,
        number: slug(b.type),
        name: `${set.name} ${b.type}`,
        kind: 'sealed',
      };
      targets.set(item, { ok: true, cardId: id, finish: 'normal', sealed });
    }
  }
  return targets;
}
