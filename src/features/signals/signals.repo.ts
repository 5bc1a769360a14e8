/**
 * Storage side of signals: streaming the primary price series in (printing, date) order, reading
 * search interest, listing market dates, and replacing a block of dates' signal rows. Hot paths
 * bypass the query builder (a streaming prepared statement on SQLite, printing-key chunks and one
 * `unnest` insert per chunk on PostgreSQL), like the price writer.
 */
import { sql, type Kysely } from 'kysely';
import { epochDay } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { dateText } from '../../platform/db/dialect.ts';
import type { SignalsTable, Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { flaggedPrints, printKey, unflagged } from '../prices/price-flags.repo.ts';

/** Printings per statement when reading prices on PostgreSQL. */
const PG_CHUNK_PRINTINGS = 2_000;
/** Rows per insert statement on PostgreSQL. */
const PG_INSERT_ROWS = 5_000;

/** One printing's primary series in a date range, in reused buffers valid until the next callback. */
export interface SeriesBuffer {
  printingKey: number;
  length: number;
  days: Int32Array;
  market: Float64Array;
  low: Float64Array;
  mid: Float64Array;
}

type Row = [number, string, number, number | null, number | null];

/** A date column as `YYYY-MM-DD` text on both dialects (PostgreSQL's `date` type reads back as text through `to_char`). */
export function textDate(database: Database, column: string): string {
  return dateText(database.dialect, column);
}

function seriesSql(database: Database, extra: string): string {
  return `select printing_key, ${textDate(database, 'date')} as date, market_cents, low_cents, mid_cents from prices
    where market = '${PRIMARY_SERIES.market}' and condition = '${PRIMARY_SERIES.condition}' and currency = '${PRIMARY_SERIES.currency}'
      and market_cents is not null and market_cents > 0 and date >= $1 and date <= $2 ${extra}
    order by printing_key, date`;
}

/**
 * Calls `each` once per printing with its primary-series market prices in [from, to], oldest
 * first; printings come in key order. Flagged prints (docs/METHODS.md, "Flagged prints") are left
 * out: signals and factor statistics never see them.
 */
export async function forEachSeries(
  database: Database,
  from: string,
  to: string,
  each: (s: SeriesBuffer) => void,
): Promise<number> {
  let capacity = 512;
  const buffer: SeriesBuffer = {
    printingKey: -1,
    length: 0,
    days: new Int32Array(capacity),
    market: new Float64Array(capacity),
    low: new Float64Array(capacity),
    mid: new Float64Array(capacity),
  };
  let rows = 0;
  const flagged = await flaggedPrints(database, from, to);
  const push = (r: Row) => {
    const day = epochDay(r[1]);
    if (flagged.size > 0 && flagged.has(printKey(r[0], day))) return;
    if (r[0] !== buffer.printingKey) {
      if (buffer.length > 0) each(buffer);
      buffer.printingKey = r[0];
      buffer.length = 0;
    }
    if (buffer.length === capacity) {
      capacity *= 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(capacity);
        b.set(a);
        return b;
      };
      buffer.days = grow(buffer.days, (n) => new Int32Array(n));
      buffer.market = grow(buffer.market, (n) => new Float64Array(n));
      buffer.low = grow(buffer.low, (n) => new Float64Array(n));
      buffer.mid = grow(buffer.mid, (n) => new Float64Array(n));
    }
    const i = buffer.length++;
    buffer.days[i] = day;
    buffer.market[i] = r[2];
    buffer.low[i] = r[3] ?? Number.NaN;
    buffer.mid[i] = r[4] ?? Number.NaN;
    rows++;
  };
  const native = database.native;
  if (native.kind === 'sqlite') {
    const statement = native.db.prepare(seriesSql(database, '').replace('$1', '?').replace('$2', '?')).raw(true);
    for (const r of statement.iterate(from, to)) push(r as Row);
  } else {
    const bounds = await native.pool.query<{ lo: number | null; hi: number | null }>(
      'select min(key) as lo, max(key) as hi from printings',
    );
    const lo = Number(bounds.rows[0]?.lo ?? 0);
    const hi = Number(bounds.rows[0]?.hi ?? -1);
    for (let start = lo; start <= hi; start += PG_CHUNK_PRINTINGS) {
      const result = await native.pool.query({
        text: seriesSql(database, 'and printing_key >= $3 and printing_key < $4'),
        values: [from, to, start, start + PG_CHUNK_PRINTINGS],
        rowMode: 'array',
      });
      for (const r of result.rows as unknown[][])
        push([
          Number(r[0]),
          r[1] as string,
          Number(r[2]),
          r[3] === null ? null : Number(r[3]),
          r[4] === null ? null : Number(r[4]),
        ]);
    }
  }
  if (buffer.length > 0) each(buffer);
  return rows;
}

/**
 * Every primary-series price of a span, packed in typed arrays (16 bytes per observation), so a
 * backfill reads the prices once and replays printings from memory for each block of dates.
 */
export class SeriesStore {
  private constructor(
    private readonly keys: Int32Array,
    private readonly offsets: Int32Array,
    private readonly days: Int32Array,
    private readonly market: Int32Array,
    private readonly low: Int32Array,
    private readonly mid: Int32Array,
    readonly rows: number,
  ) {}

  static async load(database: Database, from: string, to: string): Promise<SeriesStore> {
    let capacity = 1 << 16;
    let days = new Int32Array(capacity);
    let market = new Int32Array(capacity);
    let low = new Int32Array(capacity);
    let mid = new Int32Array(capacity);
    const keys: number[] = [];
    const offsets: number[] = [0];
    let n = 0;
    const rows = await forEachSeries(database, from, to, (s) => {
      while (n + s.length > capacity) {
        capacity *= 2;
        const grow = (a: Int32Array) => {
          const b = new Int32Array(capacity);
          b.set(a.subarray(0, n));
          return b;
        };
        days = grow(days);
        market = grow(market);
        low = grow(low);
        mid = grow(mid);
      }
      for (let i = 0; i < s.length; i++) {
        days[n + i] = s.days[i]!;
        market[n + i] = s.market[i]!;
        low[n + i] = Number.isNaN(s.low[i]!) ? -1 : s.low[i]!;
        mid[n + i] = Number.isNaN(s.mid[i]!) ? -1 : s.mid[i]!;
      }
      n += s.length;
      keys.push(s.printingKey);
      offsets.push(n);
    });
    return new SeriesStore(Int32Array.from(keys), Int32Array.from(offsets), days, market, low, mid, rows);
  }

  /** Calls `each` per printing in key order, like `forEachSeries`, from memory. */
  each(fn: (s: SeriesBuffer) => void): void {
    let longest = 0;
    for (let k = 0; k < this.keys.length; k++) longest = Math.max(longest, this.offsets[k + 1]! - this.offsets[k]!);
    const buffer: SeriesBuffer = {
      printingKey: -1,
      length: 0,
      days: new Int32Array(longest),
      market: new Float64Array(longest),
      low: new Float64Array(longest),
      mid: new Float64Array(longest),
    };
    for (let k = 0; k < this.keys.length; k++) {
      const start = this.offsets[k]!;
      const length = this.offsets[k + 1]! - start;
      buffer.printingKey = this.keys[k]!;
      buffer.length = length;
      buffer.days.set(this.days.subarray(start, start + length));
      for (let i = 0; i < length; i++) {
        buffer.market[i] = this.market[start + i]!;
        const l = this.low[start + i]!;
        const m = this.mid[start + i]!;
        buffer.low[i] = l < 0 ? Number.NaN : l;
        buffer.mid[i] = m < 0 ? Number.NaN : m;
      }
      fn(buffer);
    }
  }
}

/**
 * Per printing: observations and highest market price of the primary series in [from, to], flagged
 * prints left out. Flags are rare: one aggregate over every row, then the printings that have a
 * flag in the range aggregated again without their flagged rows (a seek per such printing).
 */
export async function windowAggregates(
  database: Database,
  from: string,
  to: string,
): Promise<Map<number, { count: number; maxCents: number }>> {
  const primary = `market = '${PRIMARY_SERIES.market}' and condition = '${PRIMARY_SERIES.condition}' and currency = '${PRIMARY_SERIES.currency}'`;
  const text = (extra: string) => `select printing_key, count(*) as n, max(market_cents) as hi from prices
    where ${primary} and market_cents is not null and market_cents > 0 and date >= $1 and date <= $2 ${extra}
    group by printing_key`;
  const native = database.native;
  const read = async (sqlText: string) => {
    if (native.kind === 'postgres')
      return (await native.pool.query({ text: sqlText, values: [from, to], rowMode: 'array' })).rows as unknown[][];
    const values = [...sqlText.matchAll(/\$([12])/g)].map((m) => (m[1] === '1' ? from : to));
    return native.db
      .prepare(sqlText.replace(/\$[12]/g, '?'))
      .raw(true)
      .all(...values) as unknown[][];
  };
  const out = new Map<number, { count: number; maxCents: number }>();
  for (const r of await read(text(''))) out.set(Number(r[0]), { count: Number(r[1]), maxCents: Number(r[2]) });
  const withFlags = `select distinct printing_key from price_flags where ${primary} and date >= $1 and date <= $2`;
  const corrected = new Map<number, { count: number; maxCents: number }>();
  for (const r of await read(text(`and printing_key in (${withFlags}) and ${unflagged('prices')}`)))
    corrected.set(Number(r[0]), { count: Number(r[1]), maxCents: Number(r[2]) });
  for (const r of await read(withFlags)) {
    const key = Number(r[0]);
    const c = corrected.get(key);
    if (c) out.set(key, c);
    else out.delete(key);
  }
  return out;
}

/** Dates in [from, to] that have primary-series market prices, ascending. */
export async function marketDates(database: Database, range: { from?: string; to?: string }): Promise<string[]> {
  let q = database.db
    .selectFrom('prices')
    .select(sql<string>`${sql.raw(textDate(database, 'date'))}`.as('date'))
    .distinct()
    .where('market', '=', PRIMARY_SERIES.market)
    .where('condition', '=', PRIMARY_SERIES.condition)
    .where('currency', '=', PRIMARY_SERIES.currency)
    .where('market_cents', '>', 0);
  if (range.from) q = q.where('date', '>=', range.from);
  if (range.to) q = q.where('date', '<=', range.to);
  const rows = await q.orderBy('date').execute();
  return rows.map((r) => r.date);
}

/**
 * The latest date with primary-series market prices, or null for an empty database: one
 * primary-key seek per printing instead of a scan of every price.
 */
export async function latestMarketDate(database: Database): Promise<string | null> {
  const row = await sql<{ d: string | null }>`
    select max(${sql.raw(textDate(database, 'x.d'))}) as d from (
      select (select max(p.date) from prices p
              where p.printing_key = pr.key and p.market = ${PRIMARY_SERIES.market} and p.condition = ${PRIMARY_SERIES.condition}
                and p.currency = ${PRIMARY_SERIES.currency} and p.market_cents > 0) as d
      from printings pr
    ) x`.execute(database.db);
  return row.rows[0]?.d ?? null;
}

/** Printing key → card id, for joining card-level search interest. */
export async function printingCards(database: Database): Promise<Map<number, string>> {
  const rows = await database.db.selectFrom('printings').select(['key', 'card_id']).execute();
  return new Map(rows.map((r) => [Number(r.key), r.card_id]));
}

export interface SearchSeries {
  days: Float64Array;
  values: Float64Array;
}

/**
 * Search interest per card in [from, to], one value per date (the most recently learned when
 * several batches cover a date), oldest first.
 */
export async function readSearchInterest(
  database: Database,
  from: string,
  to: string,
): Promise<Map<string, SearchSeries>> {
  const rows = await database.db
    .selectFrom('search_interest')
    .select(['card_id', sql<string>`${sql.raw(textDate(database, 'date'))}`.as('date'), 'value', 'known_at'])
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('card_id')
    .orderBy('date')
    .orderBy('known_at')
    .execute();
  const grouped = new Map<string, { days: number[]; values: number[] }>();
  for (const r of rows) {
    let g = grouped.get(r.card_id);
    if (!g) grouped.set(r.card_id, (g = { days: [], values: [] }));
    const day = epochDay(r.date);
    if (g.days.length > 0 && g.days[g.days.length - 1] === day) g.values[g.values.length - 1] = Number(r.value);
    else {
      g.days.push(day);
      g.values.push(Number(r.value));
    }
  }
  const out = new Map<string, SearchSeries>();
  for (const [card, g] of grouped)
    out.set(card, { days: Float64Array.from(g.days), values: Float64Array.from(g.values) });
  return out;
}

export type SignalRow = SignalsTable;

const COLUMNS = [
  'engine',
  'engine_version',
  'weights_version',
  'date',
  'printing_key',
  'status',
  'observations',
  'last_cents',
  'z',
  'score',
  'action',
  'confidence',
  'used_search_interest',
  'raw',
  'standardised',
  'model',
  'reasons',
] as const satisfies readonly (keyof SignalRow)[];
const PG_TYPES: Record<(typeof COLUMNS)[number], string> = {
  engine: 'text',
  engine_version: 'text',
  weights_version: 'text',
  date: 'date',
  printing_key: 'bigint',
  status: 'text',
  observations: 'integer',
  last_cents: 'bigint',
  z: 'float8',
  score: 'float8',
  action: 'text',
  confidence: 'float8',
  used_search_interest: 'integer',
  raw: 'text',
  standardised: 'text',
  model: 'text',
  reasons: 'text',
};

export interface SignalKey {
  engine: string;
  engineVersion: string;
  weightsVersion: string;
}

/** Replaces the signal rows of `dates` for one engine, engine version and weights version, in one transaction. */
export async function replaceSignals(
  database: Database,
  key: SignalKey,
  dates: string[],
  rows: SignalRow[],
): Promise<void> {
  const native = database.native;
  if (native.kind === 'sqlite') {
    const del = native.db.prepare(
      'delete from signals where engine = ? and engine_version = ? and weights_version = ? and date = ?',
    );
    const insert = native.db.prepare(
      `insert into signals (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    );
    native.db.transaction(() => {
      for (const d of dates) del.run(key.engine, key.engineVersion, key.weightsVersion, d);
      for (const r of rows) insert.run(...COLUMNS.map((c) => r[c]));
    })();
    return;
  }
  const client = await native.pool.connect();
  try {
    await client.query('begin');
    await client.query(
      'delete from signals where engine = $1 and engine_version = $2 and weights_version = $3 and date = any($4::date[])',
      [key.engine, key.engineVersion, key.weightsVersion, dates],
    );
    const text = `insert into signals (${COLUMNS.join(', ')}) select * from unnest(${COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c]}[]`).join(', ')})`;
    for (let i = 0; i < rows.length; i += PG_INSERT_ROWS) {
      const chunk = rows.slice(i, i + PG_INSERT_ROWS);
      await client.query(
        text,
        COLUMNS.map((c) => chunk.map((r) => r[c])),
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

/** The columns that name whose signal a row is; a signal point is the rest. */
const KEY_COLUMNS = ['engine', 'engine_version', 'weights_version', 'printing_key'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];
const POINT_COLUMNS = COLUMNS.filter(
  (c): c is Exclude<(typeof COLUMNS)[number], KeyColumn> => !(KEY_COLUMNS as readonly string[]).includes(c),
);

/** A stored signal row as the API reads it (without the key columns). */
export type SignalPoint = Omit<SignalsTable, KeyColumn>;

function signalPoints(db: Kysely<Tables>, key: SignalKey, printingKey: number) {
  return db
    .selectFrom('signals')
    .select(POINT_COLUMNS)
    .where('printing_key', '=', printingKey)
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion);
}

/** The latest `limit` signals of one printing dated `from`..`to`, newest first. */
export async function signalHistory(
  db: Kysely<Tables>,
  key: SignalKey,
  printingKey: number,
  range: { from?: string; to?: string; limit: number },
): Promise<SignalPoint[]> {
  let query = signalPoints(db, key, printingKey);
  if (range.from) query = query.where('date', '>=', range.from);
  if (range.to) query = query.where('date', '<=', range.to);
  return (await query.orderBy('date', 'desc').limit(range.limit).execute()) as SignalPoint[];
}

/** The signal of one printing on `date`, or its latest when no date is given. */
export async function signalOn(
  db: Kysely<Tables>,
  key: SignalKey,
  printingKey: number,
  date: string | undefined,
): Promise<SignalPoint | undefined> {
  let query = signalPoints(db, key, printingKey);
  if (date) query = query.where('date', '=', date);
  return (await query.orderBy('date', 'desc').limit(1).executeTakeFirst()) as SignalPoint | undefined;
}
