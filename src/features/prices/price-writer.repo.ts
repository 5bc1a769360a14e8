/**
 * Bulk, idempotent upsert of prices at their grain (printing, market, condition, currency, date),
 * telling apart rows that were new (accepted), changed by the upstream (updated) and identical
 * (unchanged). This is the hot path of every import, so it bypasses the query builder:
 * prepared statements on SQLite, one `unnest` statement per chunk on PostgreSQL.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../../platform/db/database.ts';
import type { WriteOutcome } from '../../shared/run-accounting.ts';

/**
 * A price row as the writer binds it, in the order of the prices columns: the grain (printing key,
 * market, condition, currency, date), the feed, the nine cent values (market, low, mid, high,
 * direct low, trend, avg1, avg7, avg30), the source's as-of stamp, known-at and the run. Importers
 * fill it straight from upstream rows (no object per row in between).
 */
export type PriceValues = [
  printingKey: number,
  market: string,
  condition: string,
  currency: string,
  date: string,
  feed: string,
  marketCents: number | null,
  lowCents: number | null,
  midCents: number | null,
  highCents: number | null,
  directLowCents: number | null,
  trendCents: number | null,
  avg1Cents: number | null,
  avg7Cents: number | null,
  avg30Cents: number | null,
  sourceAsOf: string | null,
  knownAt: string,
  runId: string,
];

/** Where each part of a row sits in `PriceValues`. */
export const AT = {
  printingKey: 0,
  market: 1,
  condition: 2,
  currency: 3,
  date: 4,
  feed: 5,
  /** The first of the nine cent values. */
  cents: 6,
  sourceAsOf: 15,
  knownAt: 16,
  runId: 17,
} as const;

export interface PriceWriteOutcome extends WriteOutcome {
  /** Rows whose grain appeared again later in the same batch; the last one wins. */
  duplicates: number;
}

/**
 * When two feeds report the same grain (TCGCSV and pokemontcg.io both carry TCGplayer's market
 * price), the more direct one wins: a lower-ranked feed never overwrites a higher-ranked row and
 * such a row counts as unchanged (nothing stored changes). See ADR 0009.
 */
export const FEED_RANK: Record<string, number> = { tcgcsv: 5, justtcg: 4, pokemontcg: 3, tcgdex: 2 };

function rankSql(column: string): string {
  return `(case ${column} ${Object.entries(FEED_RANK)
    .map(([f, r]) => `when '${f}' then ${r}`)
    .join(' ')} else 1 end)`;
}

const KEY_COLUMNS = ['printing_key', 'market', 'condition', 'currency', 'date'] as const;
const VALUE_COLUMNS = [
  'feed',
  'market_cents',
  'low_cents',
  'mid_cents',
  'high_cents',
  'direct_low_cents',
  'trend_cents',
  'avg1_cents',
  'avg7_cents',
  'avg30_cents',
  'source_as_of',
] as const;
const META_COLUMNS = ['known_at', 'run_id'] as const;
const ALL_COLUMNS = [...KEY_COLUMNS, ...VALUE_COLUMNS, ...META_COLUMNS];

const N_KEY = KEY_COLUMNS.length;
const N_VALUE = VALUE_COLUMNS.length;
const N_META = META_COLUMNS.length;

/** The update's parameters from a row's insert values: values and meta to set, the key, the values to compare, the feed. */
function updateParams(v: PriceValues): (string | number | null)[] {
  const out = new Array<string | number | null>(N_VALUE + N_META + N_KEY + N_VALUE + 1);
  let j = 0;
  for (let i = N_KEY; i < N_KEY + N_VALUE + N_META; i++) out[j++] = v[i]!;
  for (let i = 0; i < N_KEY; i++) out[j++] = v[i]!;
  for (let i = N_KEY; i < N_KEY + N_VALUE; i++) out[j++] = v[i]!;
  out[j] = v[N_KEY]!; // the feed
  return out;
}

/**
 * Keeps the last row of each grain, so both dialects count alike (PostgreSQL could not upsert one
 * row twice in a statement anyway). Rows are grouped by (market, condition, currency, date), which
 * consecutive rows mostly share, and within a group by printing key (a 32-bit serial): no key
 * string is built per row. A chunk rarely repeats a grain, so the first pass only looks for a
 * repeat (small-integer sets); the second, which keeps the last row of each, runs when one is found.
 */
function dedupe(rows: PriceValues[]): { rows: PriceValues[]; duplicates: number } {
  const slots = new Map<string, Set<number>>();
  let previous: PriceValues | undefined;
  let keys: Set<number> | undefined;
  for (const r of rows) {
    if (
      keys === undefined ||
      r[AT.date] !== previous![AT.date] ||
      r[AT.market] !== previous![AT.market] ||
      r[AT.condition] !== previous![AT.condition] ||
      r[AT.currency] !== previous![AT.currency]
    ) {
      const key = `${r[AT.market]}|${r[AT.condition]}|${r[AT.currency]}|${r[AT.date]}`;
      keys = slots.get(key);
      if (keys === undefined) slots.set(key, (keys = new Set()));
    }
    previous = r;
    const before = keys.size;
    if (keys.add(r[AT.printingKey]).size === before) return lastOfEachGrain(rows);
  }
  return { rows, duplicates: 0 };
}

/** `dedupe` once a repeat is found: the last row of each grain, in the order of their first rows. */
function lastOfEachGrain(rows: PriceValues[]): { rows: PriceValues[]; duplicates: number } {
  const slots = new Map<string, number>();
  const byGrain = new Map<number, PriceValues>();
  for (const r of rows) {
    const key = `${r[AT.market]}|${r[AT.condition]}|${r[AT.currency]}|${r[AT.date]}`;
    let slot = slots.get(key);
    if (slot === undefined) slots.set(key, (slot = slots.size));
    byGrain.set(slot * 2 ** 32 + r[AT.printingKey], r);
  }
  return { rows: [...byGrain.values()], duplicates: rows.length - byGrain.size };
}

export interface PriceWriter {
  write(rows: PriceValues[]): Promise<PriceWriteOutcome>;
}

class SqlitePriceWriter implements PriceWriter {
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly writeChunk: (rows: PriceValues[]) => WriteOutcome;

  constructor(native: import('better-sqlite3').Database) {
    this.insert = native.prepare(
      `insert or ignore into prices (${ALL_COLUMNS.join(', ')}) values (${ALL_COLUMNS.map(() => '?').join(', ')})`,
    );
    // `is not` is SQLite's null-safe inequality.
    this.update = native.prepare(
      `update prices set ${[...VALUE_COLUMNS, ...META_COLUMNS].map((c) => `${c} = ?`).join(', ')}
       where ${KEY_COLUMNS.map((c) => `${c} = ?`).join(' and ')}
         and (${VALUE_COLUMNS.map((c) => `${c} is not ?`).join(' or ')})
         and ${rankSql('feed')} <= ${rankSql('?')}`,
    );
    this.writeChunk = native.transaction((rows: PriceValues[]) => {
      const out: WriteOutcome = { accepted: 0, updated: 0, unchanged: 0 };
      for (const v of rows) {
        if (this.insert.run(v).changes === 1) {
          out.accepted++;
          continue;
        }
        if (this.update.run(updateParams(v)).changes === 1) out.updated++;
        else out.unchanged++;
      }
      return out;
    });
  }

  async write(input: PriceValues[]): Promise<PriceWriteOutcome> {
    const { rows, duplicates } = dedupe(input);
    return { ...this.writeChunk(rows), duplicates };
  }
}

const PG_TYPES: Record<(typeof ALL_COLUMNS)[number], string> = {
  printing_key: 'int4',
  market: 'text',
  condition: 'text',
  currency: 'text',
  date: 'date',
  feed: 'text',
  market_cents: 'int4',
  low_cents: 'int4',
  mid_cents: 'int4',
  high_cents: 'int4',
  direct_low_cents: 'int4',
  trend_cents: 'int4',
  avg1_cents: 'int4',
  avg7_cents: 'int4',
  avg30_cents: 'int4',
  source_as_of: 'text',
  known_at: 'text',
  run_id: 'text',
};

class PostgresPriceWriter implements PriceWriter {
  private readonly sqlText: string;

  constructor(private readonly pool: import('pg').Pool) {
    const params = ALL_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c]}[]`).join(', ');
    this.sqlText = `insert into prices (${ALL_COLUMNS.join(', ')})
      select * from unnest(${params})
      on conflict (${KEY_COLUMNS.join(', ')}) do update set
        ${[...VALUE_COLUMNS, ...META_COLUMNS].map((c) => `${c} = excluded.${c}`).join(', ')}
      where (${VALUE_COLUMNS.map((c) => `prices.${c}`).join(', ')}) is distinct from (${VALUE_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
        and ${rankSql('prices.feed')} <= ${rankSql('excluded.feed')}
      returning (xmax = 0) as inserted`;
  }

  async write(input: PriceValues[]): Promise<PriceWriteOutcome> {
    const { rows, duplicates } = dedupe(input);
    if (rows.length === 0) return { accepted: 0, updated: 0, unchanged: 0, duplicates };
    const columns: (string | number | null)[][] = ALL_COLUMNS.map(() => new Array(rows.length));
    rows.forEach((r, i) => r.forEach((v, j) => (columns[j]![i] = v)));
    const res = await this.pool.query<{ inserted: boolean }>(this.sqlText, columns);
    const accepted = res.rows.filter((r) => r.inserted).length;
    const updated = res.rows.length - accepted;
    return { accepted, updated, unchanged: rows.length - res.rows.length, duplicates };
  }
}

/**
 * @example
 * const writer = priceWriter(database);
 * const outcome = await writer.write(rows); // { accepted, updated, unchanged, duplicates }
 */
export function priceWriter(database: Database): PriceWriter {
  return database.native.kind === 'sqlite'
    ? new SqlitePriceWriter(database.native.db)
    : new PostgresPriceWriter(database.native.pool);
}
