/**
 * The statements behind anomalies: what detection reads of the primary price series (index
 * seeks per printing, never a scan of the whole prices table), the de-duplicating insert, and
 * the list and resolve statements of the admin API.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { AnomaliesTable, AnomalyKind, Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';

export type AnomalyStatus = AnomaliesTable['status'];
export type AnomalyRow = Selectable<AnomaliesTable> & { printing_id: string | null; card_id: string | null };

/** Printings per window statement, and anomaly rows per insert (12 parameters each, under SQLite's limit). */
const KEYS_PER_READ = 500;
const ROWS_PER_INSERT = 500;

/**
 * Every printing with the date of its latest primary-series observation (before `before`, when
 * given); null when it has none. One statement: each printing's date is a backward seek on the
 * prices primary key.
 */
export async function latestObservations(
  database: Database,
  before?: string,
): Promise<{ key: number; id: string; last_date: string | null }[]> {
  const rows = await database.db
    .selectFrom('printings as pr')
    .select((eb) => [
      'pr.key',
      'pr.id',
      eb
        .selectFrom('prices as p')
        .select('p.date')
        .whereRef('p.printing_key', '=', 'pr.key')
        .where('p.market', '=', PRIMARY_SERIES.market)
        .where('p.condition', '=', PRIMARY_SERIES.condition)
        .where('p.currency', '=', PRIMARY_SERIES.currency)
        .where('p.market_cents', '>', 0)
        .$if(before !== undefined, (q) => q.where('p.date', '<', before!))
        .orderBy('p.date', 'desc')
        .limit(1)
        .as('last_date'),
    ])
    .orderBy('pr.key')
    .execute();
  return rows.map((r) => ({
    key: Number(r.key),
    id: r.id,
    last_date: r.last_date === null ? null : String(r.last_date),
  }));
}

/**
 * The primary-series market prices of the given printings in [since, to], ordered by printing
 * then date, a block of printings per statement.
 */
export async function* readPrimaryWindow(
  database: Database,
  keys: readonly number[],
  since: string,
  to: string,
): AsyncGenerator<{ printing_key: number; date: string; market_cents: number }[]> {
  for (let i = 0; i < keys.length; i += KEYS_PER_READ) {
    // Both drivers already give integers as numbers and dates as YYYY-MM-DD strings here, so rows pass through unconverted.
    yield await database.db
      .selectFrom('prices')
      .select(['printing_key', 'date', 'market_cents'])
      .where('printing_key', 'in', keys.slice(i, i + KEYS_PER_READ))
      .where('market', '=', PRIMARY_SERIES.market)
      .where('condition', '=', PRIMARY_SERIES.condition)
      .where('currency', '=', PRIMARY_SERIES.currency)
      .where('date', '>=', since)
      .where('date', '<=', to)
      .where('market_cents', '>', 0)
      .orderBy('printing_key')
      .orderBy('date')
      .$narrowType<{ market_cents: number }>()
      .execute();
  }
}

/** Inserts new anomalies in one transaction; one already stored for (subject, kind, date) is left as it is. Returns how many were new. */
export async function insertAnomalies(db: Kysely<Tables>, rows: Insertable<AnomaliesTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const result = await trx
        .insertInto('anomalies')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) => oc.columns(['subject', 'kind', 'date']).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  });
}

export interface AnomalyFilter {
  status?: AnomalyStatus;
  kind?: AnomalyKind;
  subject?: string;
  from?: string;
  to?: string;
  /** Position of the last item of the previous page (newest date first, then newest id). */
  after?: { date: string; id: string };
  limit: number;
}

function withPrinting(db: Kysely<Tables>) {
  return db
    .selectFrom('anomalies as a')
    .leftJoin('printings as p', 'p.key', 'a.printing_key')
    .selectAll('a')
    .select(['p.id as printing_id', 'p.card_id']);
}

const normalise = (r: AnomalyRow): AnomalyRow => ({
  ...r,
  date: String(r.date),
  printing_key: r.printing_key === null ? null : Number(r.printing_key),
  severity: Number(r.severity),
});

/** Newest date first, then newest id. */
export async function listAnomalies(db: Kysely<Tables>, f: AnomalyFilter): Promise<AnomalyRow[]> {
  let q = withPrinting(db).orderBy('a.date', 'desc').orderBy('a.id', 'desc').limit(f.limit);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.kind) q = q.where('a.kind', '=', f.kind);
  if (f.subject) q = q.where('a.subject', '=', f.subject);
  if (f.from) q = q.where('a.date', '>=', f.from);
  if (f.to) q = q.where('a.date', '<=', f.to);
  if (f.after) {
    const { date, id } = f.after;
    q = q.where((eb) => eb.or([eb('a.date', '<', date), eb.and([eb('a.date', '=', date), eb('a.id', '<', id)])]));
  }
  return (await q.execute()).map(normalise);
}

export async function findAnomaly(db: Kysely<Tables>, id: string): Promise<AnomalyRow | undefined> {
  const row = await withPrinting(db).where('a.id', '=', id).executeTakeFirst();
  return row && normalise(row);
}

/**
 * Moves an anomaly to `status` if it is currently in one of `from`; false when it is not (gone,
 * or in another status), so concurrent resolutions cannot both win.
 */
export async function setStatus(
  db: Kysely<Tables>,
  id: string,
  from: readonly AnomalyStatus[],
  change: { status: AnomalyStatus; note: string | null; resolved_by: string; resolved_at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('anomalies')
    .set(change)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
