import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, PrincipalKind, Tables } from '../../platform/db/schema.ts';

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type Executor = Kysely<Tables>;

export async function findKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function findKeyById(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertKey(db: Executor, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function insertPrincipal(
  db: Executor,
  row: { id: string; kind: PrincipalKind; name: string; created_at: string },
): Promise<void> {
  await db.insertInto('principals').values(row).execute();
}

export async function principalExists(db: Executor, id: string): Promise<boolean> {
  const row = await db.selectFrom('principals').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Keys newest first, paged by id (ids are time-ordered). */
export async function listKeys(
  db: Executor,
  opts: { beforeId?: string; limit: number; includeRevoked: boolean },
): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null);
  return q.execute();
}

export async function markRevoked(db: Executor, id: string, at: string, by: string): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function countActiveAdminKeys(db: Executor, nowIso: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Writes batched `last_used_at` values; a later time never gets overwritten by an earlier one. */
export async function touchKeys(db: Executor, usage: Map<string, string>): Promise<void> {
  if (usage.size === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const [id, at] of usage) {
      await trx
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  });
}
