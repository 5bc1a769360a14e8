import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { IngestionRunsTable, Tables } from '../../platform/db/schema.ts';

export type IngestionRunRow = Selectable<IngestionRunsTable>;

export async function insertRun(db: Kysely<Tables>, row: IngestionRunRow): Promise<void> {
  await db.insertInto('ingestion_runs').values(row).execute();
}

export async function updateRun(db: Kysely<Tables>, id: string, patch: Partial<IngestionRunRow>): Promise<void> {
  await db.updateTable('ingestion_runs').set(patch).where('id', '=', id).execute();
}

export async function findRun(db: Kysely<Tables>, id: string): Promise<IngestionRunRow | undefined> {
  return db.selectFrom('ingestion_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RunFilter {
  importer?: string;
  status?: string;
  beforeId?: string;
  limit: number;
}

export async function listRuns(db: Kysely<Tables>, f: RunFilter): Promise<IngestionRunRow[]> {
  let q = db.selectFrom('ingestion_runs').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.importer) q = q.where('importer', '=', f.importer);
  if (f.status) q = q.where('status', '=', f.status as IngestionRunRow['status']);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.execute();
}

/** Stores one raw upstream payload, gzip-compressed (level 1: payloads are many and rarely read back). */
export function insertPayload(
  db: Kysely<Tables>,
  runId: string,
  name: string,
  body: string | Uint8Array,
  createdAt: string,
): Promise<void> {
  return insertPayloads(db, runId, [{ name, body }], createdAt);
}

/** Rows per insert of payloads (7 parameters each, well under either dialect's limit). */
const PAYLOAD_ROWS = 200;

/** Stores raw upstream payloads gzip-compressed (level 1), in order, a few hundred per statement. */
export async function insertPayloads(
  db: Kysely<Tables>,
  runId: string,
  payloads: readonly { name: string; body: string | Uint8Array }[],
  createdAt: string,
): Promise<void> {
  for (let i = 0; i < payloads.length; i += PAYLOAD_ROWS) {
    const rows = payloads.slice(i, i + PAYLOAD_ROWS).map(({ name, body }) => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      return {
        run_id: runId,
        name,
        encoding: 'gzip',
        bytes: bytes.byteLength,
        body: gzipSync(bytes, { level: 1 }),
        created_at: createdAt,
      };
    });
    await db.insertInto('ingestion_payloads').values(rows).execute();
  }
}

/** Stores one raw upstream payload that is already gzip-compressed; `bytes` is its decompressed size. */
export async function insertGzippedPayload(
  db: Kysely<Tables>,
  runId: string,
  name: string,
  gzipped: Uint8Array,
  bytes: number,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto('ingestion_payloads')
    .values({ run_id: runId, name, encoding: 'gzip', bytes, body: gzipped, created_at: createdAt })
    .execute();
}

/** Streams a run's payloads back, decompressed, in the order they were stored. */
export async function* readPayloads(db: Kysely<Tables>, runId: string): AsyncGenerator<{ name: string; body: Buffer }> {
  const ids = await db
    .selectFrom('ingestion_payloads')
    .select('id')
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
  for (const { id } of ids) {
    const row = await db
      .selectFrom('ingestion_payloads')
      .select(['name', 'body'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    yield { name: row.name, body: gunzipSync(row.body) };
  }
}

/** Deletes payloads stored before `beforeIso`; returns how many. */
export async function purgePayloads(db: Kysely<Tables>, beforeIso: string): Promise<number> {
  const res = await db.deleteFrom('ingestion_payloads').where('created_at', '<', beforeIso).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Run kinds whose stored rows are prices carrying the run's `run_id`. */
const PRICE_KINDS: IngestionRunRow['kind'][] = ['prices', 'rematch'];

/**
 * Closes every running ingestion run whose last heartbeat is before `staleIso` (its process is
 * gone) as `abandoned`. A price run's counts are reconciled with the rows it wrote: the prices
 * that carry its `run_id` are what it stored (new or changed), so `accepted` becomes that number
 * less the changed rows it had checkpointed (never less than it had checkpointed: rows a later
 * run rewrote carry that run's id), and `rows_read` is summed again. Other kinds keep their last
 * checkpointed counts. Returns the runs' ids.
 */
export async function abandonStaleIngestionRuns(
  db: Kysely<Tables>,
  staleIso: string,
  nowIso: string,
): Promise<string[]> {
  const stale = await db
    .selectFrom('ingestion_runs')
    .select(['id', 'kind', 'holder', 'heartbeat_at', 'started_at', 'accepted', 'updated', 'unchanged', 'rejected'])
    .where('status', '=', 'running')
    .where(sql<string>`coalesce(heartbeat_at, started_at)`, '<', staleIso)
    .execute();
  for (const r of stale) {
    const updated = Number(r.updated);
    let accepted = Number(r.accepted);
    if (PRICE_KINDS.includes(r.kind)) {
      const written = await db
        .selectFrom('prices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', r.id)
        .executeTakeFirstOrThrow();
      accepted = Math.max(accepted, Number(written.n) - updated);
    }
    const counted = PRICE_KINDS.includes(r.kind)
      ? 'counts reconciled with the prices it wrote'
      : 'counts as last checkpointed';
    await db
      .updateTable('ingestion_runs')
      .set({
        status: 'abandoned',
        finished_at: nowIso,
        accepted,
        rows_read: accepted + updated + Number(r.unchanged) + Number(r.rejected),
        error: `process gone: no heartbeat since ${r.heartbeat_at ?? r.started_at}${r.holder ? ` (${r.holder})` : ''}; ${counted}`,
      })
      .where('id', '=', r.id)
      .where('status', '=', 'running')
      .execute();
  }
  return stale.map((r) => r.id);
}
