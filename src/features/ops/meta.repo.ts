/** What `/v1/meta` reads: per market and currency, the latest price date and how many series are current. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export function coverageByMarket(db: Kysely<Tables>) {
  return db
    .selectFrom('latest_prices')
    .select((eb) => [
      'market',
      'currency',
      eb.fn.max('as_of').as('latest_date'),
      eb.fn.countAll<number>().as('series'),
      eb.fn.sum<number>(eb.case().when('last_date', '=', eb.ref('as_of')).then(1).else(0).end()).as('current'),
    ])
    .groupBy(['market', 'currency'])
    .orderBy('market')
    .orderBy('currency')
    .execute();
}
