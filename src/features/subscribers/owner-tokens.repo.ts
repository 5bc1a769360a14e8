/** Statements on `owner_tokens`: capability tokens of principals, stored as SHA-256 digests. */
import type { Kysely } from 'kysely';
import type { OwnerTokenPurpose, Tables } from '../../platform/db/schema.ts';

/** The subscriber a live token of `purpose` belongs to, or undefined. */
export async function findTokenPrincipal(
  db: Kysely<Tables>,
  tokenHash: string,
  purpose: OwnerTokenPurpose,
  nowIso: string,
): Promise<{ principal_id: string; status: 'pending' | 'confirmed' | 'unsubscribed'; address: string } | undefined> {
  return db
    .selectFrom('owner_tokens as t')
    .innerJoin('email_subscribers as s', 's.principal_id', 't.principal_id')
    .select(['t.principal_id', 's.status', 's.address'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.purpose', '=', purpose)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', nowIso)]))
    .executeTakeFirst();
}

/** Stores a token's digest for a principal. */
export async function insertToken(
  db: Kysely<Tables>,
  row: {
    tokenHash: string;
    principalId: string;
    purpose: OwnerTokenPurpose;
    createdAt: string;
    expiresAt: string | null;
  },
): Promise<void> {
  await db
    .insertInto('owner_tokens')
    .values({
      token_hash: row.tokenHash,
      principal_id: row.principalId,
      purpose: row.purpose,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
      used_at: null,
    })
    .execute();
}
