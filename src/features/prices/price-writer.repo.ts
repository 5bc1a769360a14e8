/**
 * Bulk, idempotent upsert of prices at their grain (printing, market, condition, currency, date),
 * telling apart rows that were new (accepted), changed by the upstream (updated) and identical
 * (unchanged). This is the hot path of every import, so it bypasses the query builder:
 * prepared statements on SQLite, one `unnest` statement per chunk on PostgreSQL.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../../platform/db/database.ts';
import type { WriteOutcome } from '../../shared/run-accounting.ts';
import type { CentPrices } from './price-rules.ts';

export interface PriceRow {
  printingKey: number;
  market: string;
  condition: string;
  currency: string;
  date: string;
  feed: string;
  cents: CentPrices;
  sourceAsOf: string | null;
  knownAt: string;
  runId: string;
}

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

function values(r: PriceRow): (string | number | null)[] {
  const c = r.cents;
  return [
    r.printingKey,
    r.market,
    r.condition,
    r.currency,
    r.date,
    r.feed,
    c.market,
    c.low,
    c.mid,
    c.high,
    c.directLow,
    c.trend,
    c.avg1,
    c.avg7,
    c.avg30,
    r.sourceAsOf,
    r.knownAt,
    r.runId,
  ];
}

const N_KEY = KEY_COLUMNS.length;
const N_VALUE = VALUE_COLUMNS.length;
const N_META = META_COLUMNS.length;

/** The update's parameters from a row's insert values: values and meta to set, the key, the values to compare, the feed. */
function updateParams(v: (string | number | null)[]): (string | number | null)[] {
  const out = new Array<string | number | null>(N_VALUE + N_META + N_KEY + N_VALUE + 1);
  let j = 0;
  for (let i = N_KEY; i < N_KEY + N_VALUE + N_META; i++) out[j++] = v[i]!;
  for (let i = 0; i < N_KEY; i++) out[j++] = v[i]!;
  for (let i = N_KEY; i < N_KEY + N_VALUE; i++) out[j++] = v[i]!;
  out[j] = v[N_KEY]!; // the feed
  return out;
}

function grain(r: PriceRow): string {
  return `${r.printingKey}|${r.market}|${r.condition}|${r.currency}|${r.date}`;
}

/**
 * Keeps the last row of each grain, so both dialects count alike (PostgreSQL could not upsert one
 * row twice in a statement anyway).
 */
function dedupe(rows: PriceRow[]): { rows: PriceRow[]; duplicates: number } {
  const byGrain = new Map<string, PriceRow>();
  for (const r of rows) byGrain.set(grain(r), r);
  return { rows: [...byGrain.values()], duplicates: rows.length - byGrain.size };
}

export interface PriceWriter {
  write(rows: PriceRow[]): Promise<PriceWriteOutcome>;
}

class SqlitePriceWriter implements PriceWriter {
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly writeChunk: (rows: PriceRow[]) => WriteOutcome;

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
    this.writeChunk = native.transaction((rows: PriceRow[]) => {
      const out: WriteOutcome = { accepted: 0, updated: 0, unchanged: 0 };
      for (const r of rows) {
        const v = values(r);
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

  async write(input: PriceRow[]): Promise<PriceWriteOutcome> {
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

  async write(input: PriceRow[]): Promise<PriceWriteOutcome> {
    const { rows, duplicates } = dedupe(input);
    if (rows.length === 0) return { accepted: 0, updated: 0, unchanged: 0, duplicates };
    const columns: (string | number | null)[][] = ALL_COLUMNS.map(() => new Array(rows.length));
    rows.forEach((r, i) => values(r).forEach((v, j) => (columns[j]![i] = v)));
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
