/**
 * Resolves bearer tokens: the bootstrap admin tokens from configuration (current and next, for
 * rotation) or API keys. Tokens are hashed first and digests compared in constant time; a token
 * without a valid key shape or checksum is refused before any database lookup.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { sha256Hex, timingSafeEqual } from '../../platform/crypto.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { Authenticator, AuthOutcome } from '../../platform/http/context.ts';
import { isWellFormedApiKey } from './api-key.ts';
import { findKeyByHash, touchKeys } from './keys.repo.ts';

export interface AdminTokenHashes {
  current?: string;
  next?: string;
}

/** Collects `last_used_at` per key in memory and writes them in one batch. */
export class KeyUsageTracker {
  private pending = new Map<string, string>();

  constructor(private readonly db: Kysely<Tables>) {}

  touch(keyId: string, atIso: string): void {
    this.pending.set(keyId, atIso);
  }

  get size(): number {
    return this.pending.size;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await touchKeys(this.db, batch);
  }
}

export class BearerAuthenticator implements Authenticator {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly adminHashes: AdminTokenHashes,
    private readonly usage: KeyUsageTracker,
  ) {}

  static async hashAdminTokens(current?: string, next?: string): Promise<AdminTokenHashes> {
    return {
      current: current ? await sha256Hex(current) : undefined,
      next: next ? await sha256Hex(next) : undefined,
    };
  }

  async verifyBearer(token: string): Promise<AuthOutcome> {
    const digest = await sha256Hex(token);
    // Both comparisons always run, so timing does not tell which token matched.
    const isCurrent = this.adminHashes.current !== undefined && timingSafeEqual(digest, this.adminHashes.current);
    const isNext = this.adminHashes.next !== undefined && timingSafeEqual(digest, this.adminHashes.next);
    if (isCurrent || isNext) {
      return {
        ok: true,
        principal: {
          actor: isCurrent ? 'admin-token' : 'admin-token-next',
          kind: 'admin_token',
          role: 'admin',
          ownerId: 'prn_system',
        },
      };
    }
    if (!(await isWellFormedApiKey(token))) return { ok: false, reason: 'malformed_token' };
    const row = await findKeyByHash(this.db, digest);
    if (!row || !timingSafeEqual(row.key_hash, digest)) return { ok: false, reason: 'unknown_key' };
    if (row.revoked_at) return { ok: false, reason: 'revoked_key' };
    const now = this.clock.now();
    if (row.expires_at && Date.parse(row.expires_at) <= now) return { ok: false, reason: 'expired_key' };
    this.usage.touch(row.id, isoInstant(now));
    return { ok: true, principal: { actor: row.id, kind: 'api_key', role: row.role, ownerId: row.owner_id } };
  }
}
