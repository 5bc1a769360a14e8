// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

const PRODUCT_KINDS = sql`kind in ('card', 'sealed', 'code_card', 'accessory', 'unknown', 'unmapped')`;
const INDEX_KINDS = sql`kind in ('market', 'sealed', 'set')`;

/**
 * Product listings for every TCGCSV path, per-run unmatched products, and sealed products as
 * priced items (docs/adr/0011-sealed-products-as-items.md):
 *
 * - (`tcgplayer_groups`, TCGplayer groups as TCGCSV lists them, is created by 20261204_01; stored
 *   product listings are matched again through it after a catalogue import);
 * - `tcgplayer_products.kind` gains `accessory` and `unmapped` (see product-map.ts);
 * - `ingestion_unmatched`: one row per (run, product) whose price rows were rejected for want of a
 *   mapping, with the reason and the row count (bounded by the products of one run);
 * - `latest_prices.kind` and `card_summary.kind` (`card` | `sealed`) for the kind filters;
 * - `market_indexes.kind` gains `sealed` (the sealed index beside the card index).
 *
 * SQLite cannot change a CHECK constraint, so its two tables are rebuilt with their rows.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('ingestion_unmatched')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingestion_unmatched_pk', ['run_id', 'product_id'])
    .execute();

  await db.schema
    .alterTable('latest_prices')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('card'))
    .execute();
  await db.schema
    .alterTable('card_summary')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('card'))
    .execute();

  if (dialect === 'postgres') {
    await sql`alter table tcgplayer_products drop constraint if exists tcgplayer_products_kind_check`.execute(db);
    await sql`alter table tcgplayer_products add constraint tcgplayer_products_kind_check check (${PRODUCT_KINDS})`.execute(
      db,
    );
    await sql`alter table market_indexes drop constraint if exists market_indexes_kind_check`.execute(db);
    await sql`alter table market_indexes add constraint market_indexes_kind_check check (${INDEX_KINDS})`.execute(db);
    return;
  }

  await sql`alter table tcgplayer_products rename to tcgplayer_products_old`.execute(db);
  await db.schema
    .createTable('tcgplayer_products')
    .addColumn('product_id', 'integer', (c) => c.primaryKey())
    .addColumn('group_id', 'integer')
    .addColumn('name', 'text')
    .addColumn('number', 'text')
    .addColumn('card_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(PRODUCT_KINDS))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into tcgplayer_products select product_id, group_id, name, number, card_id, kind, source, updated_at from tcgplayer_products_old`.execute(
    db,
  );
  await sql`drop table tcgplayer_products_old`.execute(db);

  await sql`alter table market_indexes rename to market_indexes_old`.execute(db);
  await db.schema
    .createTable('market_indexes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(INDEX_KINDS))
    .addColumn('set_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('base_date', 'text', (c) => c.notNull())
    .addColumn('last_date', 'text', (c) => c.notNull())
    .addColumn('last_value', 'real', (c) => c.notNull())
    .addColumn('constituents', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into market_indexes select id, kind, set_id, name, market, currency, base_date, last_date, last_value, constituents, points from market_indexes_old`.execute(
    db,
  );
  await sql`drop table market_indexes_old`.execute(db);
}
