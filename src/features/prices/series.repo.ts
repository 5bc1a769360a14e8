/**
 * Which series a card's history reads: the card, its chosen printing, the series' currency and
 * latest date, with the data version (one statement).
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';

/** The currency a market's prices are usually in, for a series with no prices to read it from. */
export const MARKET_CURRENCY = { tcgplayer: 'USD', cardmarket: 'EUR' } as const;
export interface SeriesQuery {
  /** A printing id; absent: the card's headline printing. */
  printing?: string;
  market: keyof typeof MARKET_CURRENCY;
  from?: string;
  to?: string;
}

/** What the history of a card resolves to, read together with the data version (one statement). */
export interface SeriesHead {
  version: string;
  card_name: string;
  printing_key: number | null;
  printing_id: string | null;
  finish: string | null;
  tcgplayer_product_id: number | null;
  tcgplayer_sub_type: string | null;
  tcgplayer_group_id: number | null;
  product_line: string | null;
  /** Currency of the series' latest price row in the market (NM); null without prices. */
  currency: string | null;
  last_date: string | null;
}

/**
 * The card, its chosen printing (the one named; else the card summary's headline, docs/METHODS.md
 * "Headline printing"; before the first derive, the printing with the most NM rows in the market,
 * then the lowest key), the series' currency and latest date, and the data version — one
 * statement, so a conditional request is answered after it. Undefined when the card does not exist.
 * Currency and latest date come from the derived latest prices (primary-key lookups); only a
 * series they lack (no market price yet, or before the first derive) is read from the prices.
 */
export async function resolveSeries(
  database: Database,
  cardId: string,
  q: SeriesQuery,
): Promise<SeriesHead | undefined> {
  const nm = PRIMARY_SERIES.condition;
  const chosen =
    q.printing !== undefined
      ? sql`p.id = ${q.printing}`
      : sql`p.key = coalesce(
          (select s.printing_key from card_summary s where s.card_id = c.id),
          (select p2.key from printings p2 where p2.card_id = c.id
            order by (select count(*) from prices r where r.printing_key = p2.key and r.market = ${q.market} and r.condition = ${nm}) desc, p2.key
            limit 1))`;
  const { rows } = await sql<SeriesHead>`
    select (select v.version from data_version v where v.id = 1) as version, c.name as card_name,
      p.key as printing_key, p.id as printing_id, p.finish, p.tcgplayer_product_id, p.tcgplayer_sub_type, p.tcgplayer_group_id, p.product_line,
      coalesce(
        (select min(lp.currency) from latest_prices lp where lp.printing_key = p.key and lp.market = ${q.market} and lp.condition = ${nm}),
        (select r.currency from prices r where r.printing_key = p.key and r.market = ${q.market} and r.condition = ${nm}
          order by r.date desc, r.currency limit 1)) as currency,
      coalesce(
        (select max(lp.last_date) from latest_prices lp where lp.printing_key = p.key and lp.market = ${q.market} and lp.condition = ${nm}),
        (select max(r.date) from prices r where r.printing_key = p.key and r.market = ${q.market} and r.condition = ${nm})) as last_date
    from cards c left join printings p on p.card_id = c.id and ${chosen}
    where c.id = ${cardId}`.execute(database.db);
  const head = rows[0];
  return (
    head && {
      ...head,
      printing_key: head.printing_key === null ? null : Number(head.printing_key),
      last_date: head.last_date === null ? null : String(head.last_date),
    }
  );
}
