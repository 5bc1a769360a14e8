/**
 * The second statement behind a card's history (the first, which series it reads, is
 * `resolveSeries` in prices/series.repo.ts): the series' price rows and the card's
 * search-interest rows in the window, told apart by `part`.
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { PriceFlagReason } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';

/** The default window: 365 days ending on the series' latest date. */
export const DEFAULT_DAYS = 365;

export interface SeriesRow {
  /** `flag`: a flagged print of the series (date and `flag` only). */
  part: 'price' | 'flag' | 'interest';
  date: string;
  market_cents: number | null;
  low_cents: number | null;
  mid_cents: number | null;
  high_cents: number | null;
  value: number | null;
  granularity: 'day' | 'week' | null;
  batch: string | null;
  known_at: string | null;
  /** Why analytics leave this print out (docs/METHODS.md, "Flagged prints"); null when it is used. */
  flag: PriceFlagReason | null;
}

/**
 * The series' price rows (one range of the prices primary key), its flags in the window (one
 * range of the flags' primary key: a few rows, matched to prices by date by the caller, instead
 * of a seek per price row) and the card's search-interest rows in [from, to], by part then date:
 * one statement.
 */
export async function readSeries(
  database: Database,
  s: { cardId: string; printingKey: number | null; market: string; currency: string; from: string; to: string },
): Promise<SeriesRow[]> {
  const pg = database.dialect === 'postgres';
  const realType = sql.raw(pg ? 'double precision' : 'real');
  const { rows } = await sql<SeriesRow>`
    select 'price' as part, r.date, r.market_cents, r.low_cents, r.mid_cents, r.high_cents,
      cast(null as ${realType}) as value, cast(null as text) as granularity, cast(null as text) as batch, cast(null as text) as known_at,
      cast(null as text) as flag
    from prices r
    where r.printing_key = ${s.printingKey} and r.market = ${s.market} and r.condition = ${PRIMARY_SERIES.condition}
      and r.currency = ${s.currency} and r.date >= ${s.from} and r.date <= ${s.to}
    union all
    select 'flag', f.date, null, null, null, null, null, null, null, null, f.reason
    from price_flags f
    where f.printing_key = ${s.printingKey} and f.market = ${s.market} and f.condition = ${PRIMARY_SERIES.condition}
      and f.currency = ${s.currency} and f.date >= ${s.from} and f.date <= ${s.to}
    union all
    select 'interest', i.date, null, null, null, null, i.value, i.granularity, i.batch, i.known_at, null
    from search_interest i
    where i.card_id = ${s.cardId} and i.date >= ${s.from} and i.date <= ${s.to}
    order by 1, 2, 8, 10`.execute(database.db);
  if (!pg) return rows;
  return rows.map((r) => ({ ...r, date: String(r.date) }));
}
