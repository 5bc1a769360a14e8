// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Signals, factor statistics, factor weights, backtests and anomalies (docs/METHODS.md,
 * "Signals" onwards). Signals are keyed by engine, engine version and weights version, so a new
 * engine or weight set adds rows beside the old ones instead of overwriting them.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const date = dialect === 'postgres' ? 'date' : 'text';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const withoutRowid = dialect === 'sqlite' ? sql`without rowid` : sql``;

  await db.schema
    .createTable('factor_weights')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('engine_version', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('builtin', 'manual', 'suggested')`))
    .addColumn('weights', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('signals')
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('engine_version', 'text', (c) => c.notNull())
    .addColumn('weights_version', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('printing_key', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'insufficient_data')`))
    .addColumn('observations', 'integer', (c) => c.notNull())
    .addColumn('last_cents', 'integer')
    .addColumn('z', real)
    .addColumn('score', real)
    .addColumn('action', 'text')
    .addColumn('confidence', real)
    .addColumn('used_search_interest', 'integer', (c) => c.notNull())
    /** JSON array of raw component values in the engine's component order (null = unavailable). */
    .addColumn('raw', 'text')
    /** JSON array of standardised component values, same order. */
    .addColumn('standardised', 'text')
    /** JSON array: the engine's model state (level, slope, forecast …) in its model-field order. */
    .addColumn('model', 'text')
    /** JSON array of reason codes, rendered to sentences by the API. */
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('signals_pk', ['engine', 'engine_version', 'weights_version', 'date', 'printing_key'])
    .modifyEnd(withoutRowid)
    .execute();
  await db.schema
    .createIndex('signals_printing_idx')
    .on('signals')
    .columns(['printing_key', 'engine', 'engine_version', 'weights_version', 'date'])
    .execute();

  await db.schema
    .createTable('factor_stats')
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('engine_version', 'text', (c) => c.notNull())
    .addColumn('weights_version', 'text', (c) => c.notNull())
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('factor', 'text', (c) => c.notNull())
    /** 'horizon' = forward return over `days`; 'lag' = the one-day return ending `days` after the date. */
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('horizon', 'lag')`))
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('ic', real)
    .addColumn('top', real)
    .addColumn('bottom', real)
    .addColumn('spread', real)
    .addColumn('beta', real)
    .addColumn('beta_t', real)
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('factor_stats_pk', [
      'engine',
      'engine_version',
      'weights_version',
      'date',
      'factor',
      'kind',
      'days',
    ])
    .modifyEnd(withoutRowid)
    .execute();

  await db.schema
    .createTable('backtests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`))
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('engine_version', 'text', (c) => c.notNull())
    .addColumn('weights_version', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text')
    .addColumn('equity', 'text')
    .addColumn('trades', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('anomalies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('return_outlier', 'stale_series', 'placeholder_price', 'coverage_drop')`),
    )
    /** What the anomaly is about: a printing id, or `market:<name>` for coverage drops. */
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('printing_key', 'integer')
    .addColumn('date', date, (c) => c.notNull())
    .addColumn('severity', real, (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'acknowledged', 'dismissed')`))
    .addColumn('note', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('anomalies_subject_kind_date_key', ['subject', 'kind', 'date'])
    .execute();
  await db.schema.createIndex('anomalies_status_idx').on('anomalies').columns(['status', 'date']).execute();
}
