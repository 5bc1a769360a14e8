/**
 * Re-seals every value stored sealed at rest with the current data key (docs/RUNBOOK.md, "Data
 * encryption key"): webhook endpoints' URLs, secrets and previous secrets, e-mail deliveries'
 * sealed link tokens, and stored Idempotency-Key answers. A value is opened with whichever
 * configured key sealed it (DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_PREVIOUS) and sealed again
 * with the current one, bound to the same row and column. Batched and idempotent: a value already
 * sealed with the current key is left alone, so the command can be run again after an
 * interruption; a value no configured key opens is counted and left untouched.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { associatedData as idempotencyContext } from '../../platform/http/idempotency.ts';
import { UnsealError, type SecretBox } from '../../platform/secret-box.ts';
import { sealedLinksContext } from '../subscribers/link-tokens.ts';
import { endpointContext, type SealedColumn } from './endpoint-secrets.ts';
import { countSealed, replaceSealed, staleSealed, type SealedTarget } from './reencrypt.repo.ts';

interface Target extends SealedTarget {
  name: string;
  context(ref: Record<string, string>): string;
}

const endpointColumn = (column: SealedColumn): Target => ({
  name: `webhook_endpoints.${column}`,
  table: 'webhook_endpoints',
  column,
  keys: ['id'],
  context: (ref) => endpointContext(ref.id!, column),
});

export const SEALED_TARGETS: readonly Target[] = [
  endpointColumn('url_sealed'),
  endpointColumn('secret_sealed'),
  endpointColumn('previous_secret_sealed'),
  {
    name: 'deliveries.sealed',
    table: 'deliveries',
    column: 'sealed',
    keys: ['id'],
    context: (ref) => sealedLinksContext(ref.id!),
  },
  {
    name: 'idempotency_keys.response_body',
    table: 'idempotency_keys',
    column: 'response_body',
    keys: ['scope', 'route', 'key'],
    context: (ref) => idempotencyContext(ref.scope!, ref.route!, ref.key!),
  },
];

export interface ReencryptCount {
  target: string;
  /** Sealed again with the current key by this run. */
  resealed: number;
  /** Already sealed with the current key. */
  current: number;
  /** Sealed with a key that is not configured (or altered): left as they are. */
  unreadable: number;
}

/**
 * @example
 * const counts = await reencrypt(db, runtime.dataKeys.box, { batchSize: 500 });
 */
export async function reencrypt(
  db: Kysely<Tables>,
  box: SecretBox,
  options: { batchSize: number },
): Promise<ReencryptCount[]> {
  const currentPrefix = `cqe1.${box.keyId}.`;
  const counts: ReencryptCount[] = [];
  for (const target of SEALED_TARGETS) {
    let resealed = 0;
    let unreadable = 0;
    for (;;) {
      // Values that could not be opened stay ahead in key order: skip them.
      const batch = await staleSealed(db, target, { currentPrefix, limit: options.batchSize, offset: unreadable });
      if (batch.length === 0) break;
      for (const value of batch) {
        const context = target.context(value.ref);
        let plaintext: string;
        try {
          plaintext = box.open(value.sealed, context);
        } catch (err) {
          if (!(err instanceof UnsealError)) throw err;
          unreadable++;
          continue;
        }
        // A value changed meanwhile was written by the current key's owner: nothing to do.
        if (await replaceSealed(db, target, value, box.seal(plaintext, context))) resealed++;
      }
    }
    const total = await countSealed(db, target);
    counts.push({ target: target.name, resealed, current: total - resealed - unreadable, unreadable });
  }
  return counts;
}
