// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // Calendar dates: `date` on PostgreSQL (read back as 'YYYY-MM-DD'), text on SQLite.
  const date = dialect === 'postgres' ? 'date' : 'text';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const withoutRowid = dialect === 'sqlite' ? sql`without rowid` : sql``;

  await db.schema
    .createTable('dataset_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('game', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('series', 'text')
    .addColumn('printed_total', 'integer')
    .addColumn('total', 'integer')
    .addColumn('ptcgo_code', 'text')
    .addColumn('release_date', date)
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('images', 'text')
    .addColumn('tcgplayer_group_id', 'integer')
    .addColumn('tcgdex_set_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sets_tcgplayer_group_idx').on('sets').column('tcgplayer_group_id').execute();

  await db.schema
    .createTable('cards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('set_id', 'text', (c) => c.notNull().references('sets.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('card', 'sealed')`))
    .addColumn('supertype', 'text')
    .addColumn('subtypes', 'text')
    .addColumn('types', 'text')
    .addColumn('rarity', 'text')
    .addColumn('hp', 'text')
    .addColumn('artist', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('images', 'text')
    .addColumn('pokemontcg_id', 'text')
    .addColumn('tcgdex_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cards_set_number_idx').on('cards').columns(['set_id', 'number']).execute();
  await db.schema.createIndex('cards_tcgdex_idx').on('cards').column('tcgdex_id').execute();

  await db.schema
    .createTable('printings')
    .addColumn('key', serial, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('finish', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('tcgplayer_product_id', 'integer')
    .addColumn('tcgplayer_sub_type', 'text')
    .addColumn('cardmarket_product_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('printings_card_idx').on('printings').columns(['card_id', 'finish']).execute();
  await db.schema
    .createIndex('printings_tcgplayer_idx')
    .on('printings')
    .columns(['tcgplayer_product_id', 'tcgplayer_sub_type'])
    .unique()
    .where(sql.ref('tcgplayer_product_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('prices')
    .addColumn('printing_key', 'integer', (c) => c.notNull().references('printings.key'))
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('feed', 'text', (c) => c.notNull())
    .addColumn('market_cents', 'integer')
    .addColumn('low_cents', 'integer')
    .addColumn('mid_cents', 'integer')
    .addColumn('high_cents', 'integer')
    .addColumn('direct_low_cents', 'integer')
    .addColumn('trend_cents', 'integer')
    .addColumn('avg1_cents', 'integer')
    .addColumn('avg7_cents', 'integer')
    .addColumn('avg30_cents', 'integer')
    .addColumn('source_as_of', 'text')
    .addColumn('known_at', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prices_pk', ['printing_key', 'market', 'condition', 'currency', 'date'])
    .modifyEnd(withoutRowid)
    .execute();

  await db.schema
    .createTable('search_interest')
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('granularity', 'text', (c) => c.notNull().check(sql`granularity in ('day', 'week')`))
    .addColumn('batch', 'text', (c) => c.notNull())
    .addColumn('anchor', 'text')
    .addColumn('value', real, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('known_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_interest_pk', ['card_id', 'date', 'granularity', 'batch'])
    .execute();

  await db.schema
    .createTable('fx_rates')
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('quote', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('rate', real, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('known_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fx_rates_pk', ['base', 'quote', 'date'])
    .execute();

  await db.schema
    .createTable('tcgplayer_products')
    .addColumn('product_id', 'integer', (c) => c.primaryKey())
    .addColumn('group_id', 'integer')
    .addColumn('name', 'text')
    .addColumn('number', 'text')
    .addColumn('card_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('card', 'sealed', 'code_card', 'unknown')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mapping_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('mapping_overrides_source_external_uq', ['source', 'external_id'])
    .execute();

  await db.schema
    .createTable('ingestion_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('feed', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('range_from', 'text')
    .addColumn('range_to', 'text')
    .addColumn('params', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'partial', 'failed')`))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_by_reason', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('failures', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('checkpoint', 'text')
    .addColumn('resumes', 'text')
    .addColumn('error', 'text')
    .addCheckConstraint('ingestion_runs_accounting', sql`rows_read = accepted + updated + unchanged + rejected`)
    .execute();
  await db.schema.createIndex('ingestion_runs_started_idx').on('ingestion_runs').column('started_at').execute();

  await db.schema
    .createTable('ingestion_payloads')
    .addColumn('id', serial, (c) => c.primaryKey().$call((b) => (dialect === 'sqlite' ? b.autoIncrement() : b)))
    .addColumn('run_id', 'text', (c) => c.notNull().references('ingestion_runs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('body', blob, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ingestion_payloads_run_idx').on('ingestion_payloads').column('run_id').execute();

  await db.schema
    .createTable('pipeline_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed', 'skipped')`))
    .addColumn('range_from', 'text')
    .addColumn('range_to', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('counts', 'text')
    .addColumn('error', 'text')
    .execute();
  // One row per pipeline step while it runs: a lease, so a step never overlaps itself across processes.
  await db.schema
    .createTable('step_locks')
    .addColumn('step', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipeline_runs_step_idx').on('pipeline_runs').columns(['step', 'started_at']).execute();

  await db.schema
    .createTable('latest_prices')
    .addColumn('printing_key', 'integer', (c) => c.notNull())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text', (c) => c.notNull())
    .addColumn('set_id', 'text', (c) => c.notNull())
    .addColumn('as_of', date, (c) => c.notNull())
    .addColumn('last_date', date, (c) => c.notNull())
    .addColumn('last_cents', 'integer', (c) => c.notNull())
    .addColumn('stale', 'integer', (c) => c.notNull())
    .$call((b) => {
      let t = b;
      for (const w of [1, 7, 30, 90]) {
        t = t
          .addColumn(`from_date_${w}d`, date)
          .addColumn(`from_cents_${w}d`, 'integer')
          .addColumn(`change_pct_${w}d`, real);
      }
      return t;
    })
    .addPrimaryKeyConstraint('latest_prices_pk', ['printing_key', 'market', 'condition', 'currency'])
    .execute();
  await db.schema.createIndex('latest_prices_card_idx').on('latest_prices').column('card_id').execute();
}
