import type { Kysely } from 'kysely';
import type { DialectName } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { LATEST_CHANGE_COLUMNS } from '../prices/series.ts';

type Executor = Kysely<Tables>;

/**
 * Adds a printing to a watchlist in one statement and returns the stored row. A printing already
 * on the list comes back unchanged (its `added_at` is kept, so the list's fingerprint does not
 * move). Nothing comes back when the printing does not exist, or when the list holds `cap` items
 * and this printing is not one of them.
 */
export async function addItem(
  db: Executor,
  item: { portfolioId: string; printingId: string; addedAt: string; cap: number },
): Promise<{ printing_key: number; added_at: string } | undefined> {
  return db
    .insertInto('watchlist_items')
    .columns(['portfolio_id', 'printing_key', 'added_at'])
    .expression((eb) =>
      eb
        .selectFrom('printings as p')
        .select([
          eb.cast<string>(eb.val(item.portfolioId), 'text').as('portfolio_id'),
          'p.key',
          eb.cast<string>(eb.val(item.addedAt), 'text').as('added_at'),
        ])
        .where('p.id', '=', item.printingId)
        .where((w) =>
          w.or([
            w(
              w
                .selectFrom('watchlist_items')
                .select((s) => s.fn.countAll().as('n'))
                .where('portfolio_id', '=', item.portfolioId),
              '<',
              item.cap,
            ),
            w.exists(
              w
                .selectFrom('watchlist_items as x')
                .select('x.printing_key')
                .where('x.portfolio_id', '=', item.portfolioId)
                .whereRef('x.printing_key', '=', 'p.key'),
            ),
          ]),
        ),
    )
    .onConflict((oc) =>
      oc
        .columns(['portfolio_id', 'printing_key'])
        .doUpdateSet((eb) => ({ added_at: eb.ref('watchlist_items.added_at') })),
    )
    .returning(['printing_key', 'added_at'])
    .executeTakeFirst();
}

/**
 * Takes the portfolio's row lock until the transaction ends (PostgreSQL), so adds to one list run
 * one after another: under READ COMMITTED each statement sees the rows committed before it, and
 * the cap check of `addItem` counts them. SQLite needs none: one writer at a time.
 */
export async function lockWatchlistOwner(db: Executor, portfolioId: string): Promise<void> {
  await db.selectFrom('portfolios').select('id').where('id', '=', portfolioId).forUpdate().execute();
}

/** Why `addItem` stored nothing: how many items the list holds now, and whether the printing exists. */
export async function addRefusal(
  db: Executor,
  portfolioId: string,
  printingId: string,
): Promise<{ items: number; printingExists: boolean }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('watchlist_items')
        .select((s) => s.fn.countAll<number>().as('n'))
        .where('portfolio_id', '=', portfolioId)
        .as('items'),
      eb
        .selectFrom('printings')
        .select((s) => s.fn.countAll<number>().as('n'))
        .where('id', '=', printingId)
        .as('printings'),
    ])
    .executeTakeFirstOrThrow();
  return { items: Number(row.items), printingExists: Number(row.printings) > 0 };
}

/** Removes a printing (by its public id) from a watchlist; whether it was there. One statement. */
export async function removeItem(db: Executor, portfolioId: string, printingId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('watchlist_items')
    .where('portfolio_id', '=', portfolioId)
    .where('printing_key', '=', (eb) => eb.selectFrom('printings').select('key').where('id', '=', printingId))
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export interface WatchlistRow {
  added_at: string;
  printing_key: number;
  printing_id: string;
  card_id: string;
  finish: string;
  tcgplayer_product_id: number | null;
  tcgplayer_sub_type: string | null;
  tcgplayer_group_id: number | null;
  product_line: string | null;
  cardmarket_product_id: number | null;
  card_name: string;
  set_id: string;
  number: string;
  market: string | null;
  condition: string | null;
  currency: string | null;
  last_date: string | null;
  last_cents: number | null;
  stale: number | null;
  from_date_1d: string | null;
  from_cents_1d: number | null;
  change_pct_1d: number | null;
  from_date_7d: string | null;
  from_cents_7d: number | null;
  change_pct_7d: number | null;
  from_date_30d: string | null;
  from_cents_30d: number | null;
  change_pct_30d: number | null;
  from_date_90d: string | null;
  from_cents_90d: number | null;
  change_pct_90d: number | null;
}

/**
 * One page of a watchlist, by `added_at` then printing id, after `after` when given: `limit`
 * items, each with one row per latest-price series it has (or one row of nulls). One statement.
 */
export async function listItems(
  db: Executor,
  portfolioId: string,
  opts: { limit: number; after?: { addedAt: string; printingId: string } },
): Promise<WatchlistRow[]> {
  const after = opts.after;
  const items = db
    .selectFrom('watchlist_items as w')
    .innerJoin('printings as p', 'p.key', 'w.printing_key')
    .select(['w.printing_key', 'w.added_at', 'p.id'])
    .where('w.portfolio_id', '=', portfolioId)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('w.added_at', '>', after!.addedAt),
          eb.and([eb('w.added_at', '=', after!.addedAt), eb('p.id', '>', after!.printingId)]),
        ]),
      ),
    )
    .orderBy('w.added_at')
    .orderBy('p.id')
    .limit(opts.limit);
  return db
    .selectFrom(items.as('i'))
    .innerJoin('printings as p', 'p.key', 'i.printing_key')
    .innerJoin('cards as c', 'c.id', 'p.card_id')
    .leftJoin('latest_prices as lp', 'lp.printing_key', 'i.printing_key')
    .select([
      'i.added_at',
      'i.printing_key',
      'p.id as printing_id',
      'p.card_id',
      'p.finish',
      'p.tcgplayer_product_id',
      'p.tcgplayer_sub_type',
      'p.tcgplayer_group_id',
      'p.product_line',
      'p.cardmarket_product_id',
      'c.name as card_name',
      'c.set_id',
      'c.number',
      'lp.market',
      'lp.condition',
      'lp.currency',
      'lp.last_date',
      'lp.last_cents',
      'lp.stale',
      ...LATEST_CHANGE_COLUMNS,
    ])
    .orderBy('i.added_at')
    .orderBy('p.id')
    .execute();
}

/**
 * `addItem` so that concurrent adds cannot pass the cap together: on PostgreSQL inside a
 * transaction that first locks the portfolio row (`lockWatchlistOwner`); on SQLite one statement (one
 * writer at a time).
 */
export async function addItemWithinCap(
  db: Executor,
  dialect: DialectName,
  item: { portfolioId: string; printingId: string; addedAt: string; cap: number },
): Promise<{ printing_key: number; added_at: string } | undefined> {
  if (dialect === 'sqlite') return addItem(db, item);
  return db.transaction().execute(async (trx) => {
    await lockWatchlistOwner(trx, item.portfolioId);
    return addItem(trx, item);
  });
}
