// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/** Sort columns of `card_summary`: each numeric sort has an ascending and a descending key whose nulls sort last. */
const CARD_SORT_FIELDS = ['price', 'change_1d', 'change_7d', 'change_30d', 'score'] as const;

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const date = dialect === 'postgres' ? 'date' : 'text';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  // One row: the version of everything public reads return. Writers bump it; ETags carry it.
  await db.schema
    .createTable('data_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('data_version')
    .values({ id: 1, version: 'initial', changed_at: new Date(0).toISOString() })
    .execute();

  // Movers inputs per window: observations and the largest step inside [from_date, to_date], and
  // the change in units of the series' own volatility.
  for (const w of [1, 7, 30, 90]) {
    await db.schema.alterTable('latest_prices').addColumn(`obs_${w}d`, 'integer').execute();
    await db.schema.alterTable('latest_prices').addColumn(`jump_${w}d`, real).execute();
    await db.schema.alterTable('latest_prices').addColumn(`z_${w}d`, real).execute();
  }
  await db.schema.alterTable('latest_prices').addColumn('vol_daily', real).execute();
  await db.schema.alterTable('latest_prices').addColumn('vol_obs', 'integer').execute();
  await db.schema
    .alterTable('latest_prices')
    .addColumn('headline', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const w of [1, 7, 30, 90]) {
    await db.schema
      .createIndex(`latest_prices_change_${w}d_idx`)
      .on('latest_prices')
      .columns([`change_pct_${w}d`, 'printing_key'])
      .execute();
    await db.schema
      .createIndex(`latest_prices_z_${w}d_idx`)
      .on('latest_prices')
      .columns([`z_${w}d`, 'printing_key'])
      .execute();
  }

  // One row per card: the card, its headline printing's latest price and changes, sort keys.
  await db.schema
    .createTable('card_summary')
    .addColumn('card_id', 'text', (c) => c.primaryKey())
    .addColumn('set_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('printed_total', 'integer')
    .addColumn('rarity', 'text')
    .addColumn('rarity_key', 'text')
    .addColumn('supertype', 'text')
    .addColumn('supertype_key', 'text')
    .addColumn('types', 'text')
    .addColumn('types_key', 'text', (c) => c.notNull())
    .addColumn('thumbnail', 'text')
    .addColumn('printings', 'integer', (c) => c.notNull())
    .addColumn('printing_key', 'integer')
    .addColumn('printing_id', 'text')
    .addColumn('finish', 'text')
    .addColumn('market', 'text')
    .addColumn('condition', 'text')
    .addColumn('currency', 'text')
    .addColumn('as_of', date)
    .addColumn('last_date', date)
    .addColumn('stale', 'integer')
    .addColumn('price_cents', 'integer')
    .$call((b) => {
      let t = b;
      for (const w of [1, 7, 30]) {
        t = t
          .addColumn(`from_date_${w}d`, date)
          .addColumn(`from_cents_${w}d`, 'integer')
          .addColumn(`change_pct_${w}d`, real);
      }
      return t.addColumn('score', real);
    })
    .addColumn('k_name', 'text', (c) => c.notNull())
    .addColumn('k_number', 'text', (c) => c.notNull())
    .$call((b) => {
      let t = b;
      for (const f of CARD_SORT_FIELDS) {
        t = t.addColumn(`k_${f}_asc`, real, (c) => c.notNull()).addColumn(`k_${f}_desc`, real, (c) => c.notNull());
      }
      return t;
    })
    .execute();
  await db.schema.createIndex('card_summary_name_idx').on('card_summary').columns(['k_name', 'card_id']).execute();
  await db.schema.createIndex('card_summary_number_idx').on('card_summary').columns(['k_number', 'card_id']).execute();
  await db.schema.createIndex('card_summary_set_idx').on('card_summary').columns(['set_id', 'k_number']).execute();
  await db.schema.createIndex('card_summary_rarity_idx').on('card_summary').columns(['rarity_key']).execute();
  for (const f of CARD_SORT_FIELDS) {
    for (const dir of ['asc', 'desc']) {
      await db.schema
        .createIndex(`card_summary_${f}_${dir}_idx`)
        .on('card_summary')
        .columns([`k_${f}_${dir}`, 'card_id'])
        .execute();
    }
  }

  // One row per set: catalogue facts and counts over card_summary.
  await db.schema
    .createTable('set_summary')
    .addColumn('set_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('series', 'text')
    .addColumn('release_date', date)
    .addColumn('printed_total', 'integer')
    .addColumn('total', 'integer')
    .addColumn('images', 'text')
    .addColumn('cards', 'integer', (c) => c.notNull())
    .addColumn('priced_cards', 'integer', (c) => c.notNull())
    .addColumn('printings', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text')
    .addColumn('value_cents', bigint)
    .addColumn('k_release', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('set_summary_release_idx').on('set_summary').columns(['k_release', 'set_id']).execute();

  // Facet values with card counts: rarities, supertypes, energy types.
  await db.schema
    .createTable('facet_counts')
    .addColumn('facet', 'text', (c) => c.notNull().check(sql`facet in ('rarity', 'supertype', 'type')`))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cards', 'integer', (c) => c.notNull())
    .addColumn('priced_cards', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('facet_counts_pk', ['facet', 'id'])
    .execute();

  // Search terms: each word of a card's name (folded) and its number, for prefix search.
  await db.schema
    .createTable('card_terms')
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_terms_pk', ['term', 'card_id'])
    .execute();

  await db.schema
    .createTable('market_indexes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('market', 'set')`))
    .addColumn('set_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('base_date', date, (c) => c.notNull())
    .addColumn('last_date', date, (c) => c.notNull())
    .addColumn('last_value', real, (c) => c.notNull())
    .addColumn('constituents', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('index_values')
    .addColumn('index_id', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('value', real, (c) => c.notNull())
    .addColumn('constituents', 'integer', (c) => c.notNull())
    .addColumn('from_value_cents', bigint, (c) => c.notNull())
    .addColumn('to_value_cents', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('index_values_pk', ['index_id', 'date'])
    .execute();

  // Portfolios: a capability (id + hashed secret) with an owner principal behind it.
  await db.schema
    .createTable('portfolios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('principals.id'))
    .addColumn('name', 'text')
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('watchlist_items')
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('printing_key', 'integer', (c) => c.notNull().references('printings.key'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('watchlist_items_pk', ['portfolio_id', 'printing_key'])
    .execute();
}
