/**
 * What a valuation reads besides the ledger: the latest unflagged price rows of the portfolio's
 * printings on or before the valuation date (every market, condition and currency the pricing
 * rules may choose), and each market's latest date. A few statements per valuation, never one per
 * printing.
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { dateText } from '../../platform/db/dialect.ts';
import { unflagged } from '../prices/price-flags.repo.ts';
import type { PriceCandidate } from './pricing.ts';

/** Printings per price statement (bound parameters stay far under both dialects' limits). */
const KEYS_PER_READ = 1_000;

/**
 * Per printing, the latest unflagged row of each of its price series (market, condition,
 * currency) dated on or before `date` that has a market or a low price, in the given conditions.
 *
 * With the latest-prices read model (`seriesFrom: 'read-model'`, when it has rows) the series of the printings are
 * its rows, and each series' row is one backward seek on the prices primary key from `date` (a
 * few seeks per printing, whatever the history's length). Before the first derive there is no
 * read model: the series are then aggregated from the printings' price rows themselves (the
 * default: always right, slower on long histories). One
 * statement per KEYS_PER_READ printings either way.
 *
 * @example
 * (await latestPriceRows(database, [17], ['NM', 'LP'], '2026-11-21', 'read-model')).get(17); // [{ market: 'tcgplayer', … }]
 */
export async function latestPriceRows(
  database: Database,
  printingKeys: readonly number[],
  conditions: readonly string[],
  date: string,
  seriesFrom: 'read-model' | 'prices' = 'prices',
): Promise<Map<number, PriceCandidate[]>> {
  const out = new Map<number, PriceCandidate[]>();
  if (conditions.length === 0) return out;
  const text = (column: string) => dateText(database.dialect, column);
  const priced = (alias: string) =>
    `(${alias}.market_cents is not null or ${alias}.low_cents is not null) and ${unflagged(alias)}`;
  for (let i = 0; i < printingKeys.length; i += KEYS_PER_READ) {
    const keys = printingKeys.slice(i, i + KEYS_PER_READ);
    const series =
      seriesFrom === 'read-model'
        ? sql`
          select s.printing_key, s.market, s.condition, s.currency,
            (select q.date from prices q
             where q.printing_key = s.printing_key and q.market = s.market and q.condition = s.condition
               and q.currency = s.currency and q.date <= ${date} and ${sql.raw(priced('q'))}
             order by q.date desc limit 1) as d
          from latest_prices s
          where s.printing_key in (${sql.join(keys)}) and s.condition in (${sql.join([...conditions])})`
        : sql`
          select q.printing_key, q.market, q.condition, q.currency, max(q.date) as d from prices q
          where q.printing_key in (${sql.join(keys)}) and q.condition in (${sql.join([...conditions])})
            and q.date <= ${date} and ${sql.raw(priced('q'))}
          group by q.printing_key, q.market, q.condition, q.currency`;
    const { rows } = await sql<{
      printing_key: number;
      market: string;
      condition: string;
      currency: string;
      date: string;
      market_cents: number | null;
      low_cents: number | null;
    }>`
      with m as materialized (${series})
      select p.printing_key, p.market, p.condition, p.currency, ${sql.raw(text('p.date'))} as date,
        p.market_cents, p.low_cents
      from m
      join prices p on p.printing_key = m.printing_key and p.market = m.market and p.condition = m.condition
        and p.currency = m.currency and p.date = m.d`.execute(database.db);
    for (const r of rows) {
      const key = Number(r.printing_key);
      const list = out.get(key) ?? [];
      list.push({
        market: r.market,
        condition: r.condition,
        currency: r.currency,
        date: String(r.date),
        market_minor: r.market_cents === null ? null : Number(r.market_cents),
        low_minor: r.low_cents === null ? null : Number(r.low_cents),
      });
      out.set(key, list);
    }
  }
  return out;
}

/**
 * Per market, the latest date with market prices as the latest-prices read model states it (the
 * as-of date of derived data, as `/v1/meta` shows it). Empty before the first derive.
 */
export async function marketLatestDates(database: Database): Promise<Map<string, string>> {
  const rows = await database.db
    .selectFrom('latest_prices')
    .select(['market', sql<string>`max(${sql.raw(dateText(database.dialect, 'as_of'))})`.as('latest')])
    .groupBy('market')
    .execute();
  return new Map(rows.filter((r) => r.latest !== null).map((r) => [r.market, String(r.latest)]));
}
