/**
 * Per-run records of the TCGplayer products whose price rows were rejected for want of a mapping
 * (`ingestion_unmatched`): one row per (run, product) with the reason and the row count, so the
 * operator can list them (`cardquant mapping unmatched`, GET /v1/admin/ingestion/runs/{id}/unmatched)
 * and fix them with `mapping add`. Bounded by the distinct products of one run. The price importer
 * writes them (prices/unmatched-rows.repo.ts); this module reads and purges them.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export interface UnmatchedQuery {
  runId: string;
  reason?: string;
  /** Only products whose group is this set's TCGplayer group. */
  groupIds?: number[];
  /** Products after this one (cursor), ordered by product id. */
  afterProductId?: number;
  limit: number;
}

/** A page of a run's unmatched products with what their listing says, ordered by product id. */
export function listUnmatched(db: Kysely<Tables>, q: UnmatchedQuery) {
  let query = db
    .selectFrom('ingestion_unmatched as u')
    .leftJoin('tcgplayer_products as p', 'p.product_id', 'u.product_id')
    .leftJoin('tcgplayer_groups as g', 'g.group_id', 'u.group_id')
    .select(['u.product_id', 'u.group_id', 'g.name as group_name', 'u.reason', 'u.rows', 'p.name', 'p.number'])
    .where('u.run_id', '=', q.runId)
    .orderBy('u.product_id')
    .limit(q.limit);
  if (q.reason !== undefined) query = query.where('u.reason', '=', q.reason);
  if (q.groupIds !== undefined) query = query.where('u.group_id', 'in', q.groupIds.length > 0 ? q.groupIds : [-1]);
  if (q.afterProductId !== undefined) query = query.where('u.product_id', '>', q.afterProductId);
  return query.execute();
}

export type UnmatchedListRow = Awaited<ReturnType<typeof listUnmatched>>[number];

/** The newest price run that recorded unmatched products (the default of `mapping unmatched`). */
export async function latestRunWithUnmatched(db: Kysely<Tables>): Promise<string | null> {
  const row = await db
    .selectFrom('ingestion_runs as r')
    .select('r.id')
    .where((eb) =>
      eb.exists(eb.selectFrom('ingestion_unmatched as u').select('u.run_id').whereRef('u.run_id', '=', 'r.id')),
    )
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Deletes the unmatched records of runs started before `beforeIso` (they go with the runs' payloads); returns how many. */
export async function purgeUnmatched(db: Kysely<Tables>, beforeIso: string): Promise<number> {
  const res = await db
    .deleteFrom('ingestion_unmatched')
    .where('run_id', 'in', (eb) => eb.selectFrom('ingestion_runs').select('id').where('started_at', '<', beforeIso))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Whether an ingestion run exists. */
export async function runExists(db: Kysely<Tables>, runId: string): Promise<boolean> {
  return (await db.selectFrom('ingestion_runs').select('id').where('id', '=', runId).executeTakeFirst()) !== undefined;
}

/** A set's recorded TCGplayer group and PTCGO code, or undefined when the catalogue lacks it. */
export function setGroupFacts(
  db: Kysely<Tables>,
  setId: string,
): Promise<{ id: string; tcgplayer_group_id: number | null; ptcgo_code: string | null } | undefined> {
  return db
    .selectFrom('sets')
    .select(['id', 'tcgplayer_group_id', 'ptcgo_code'])
    .where('id', '=', setId)
    .executeTakeFirst();
}
