import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kysely, Selectable } from 'kysely';
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
  source?: string;
  status?: string;
  beforeId?: string;
  limit: number;
}

export async function listRuns(db: Kysely<Tables>, f: RunFilter): Promise<IngestionRunRow[]> {
  let q = db.selectFrom('ingestion_runs').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.status) q = q.where('status', '=', f.status as IngestionRunRow['status']);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.execute();
}

/** Stores one raw upstream payload, gzip-compressed (level 1: payloads are many and rarely read back). */
export async function insertPayload(db: Kysely<Tables>, runId: string, name: string, body: string | Uint8Array, createdAt: string): Promise<void> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  await db
    .insertInto('ingestion_payloads')
    .values({ run_id: runId, name, encoding: 'gzip', bytes: bytes.byteLength, body: gzipSync(bytes, { level: 1 }), created_at: createdAt })
    .execute();
}

/** Stores one raw upstream payload that is already gzip-compressed; `bytes` is its decompressed size. */
export async function insertGzippedPayload(db: Kysely<Tables>, runId: string, name: string, gzipped: Uint8Array, bytes: number, createdAt: string): Promise<void> {
  await db.insertInto('ingestion_payloads').values({ run_id: runId, name, encoding: 'gzip', bytes, body: gzipped, created_at: createdAt }).execute();
}

/** Streams a run's payloads back, decompressed, in the order they were stored. */
export async function* readPayloads(db: Kysely<Tables>, runId: string): AsyncGenerator<{ name: string; body: Buffer }> {
  const ids = await db.selectFrom('ingestion_payloads').select('id').where('run_id', '=', runId).orderBy('id').execute();
  for (const { id } of ids) {
    const row = await db.selectFrom('ingestion_payloads').select(['name', 'body']).where('id', '=', id).executeTakeFirstOrThrow();
    yield { name: row.name, body: gunzipSync(row.body) };
  }
}

/** Deletes payloads stored before `beforeIso`; returns how many. */
export async function purgePayloads(db: Kysely<Tables>, beforeIso: string): Promise<number> {
  const res = await db.deleteFrom('ingestion_payloads').where('created_at', '<', beforeIso).executeTakeFirst();
  return Number(res.numDeletedRows);
}
