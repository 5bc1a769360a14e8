/**
 * An e-mail subscriber authenticates with a manage token (`Authorization: Bearer cqm_…`), the
 * capability its confirmation e-mail and every alert e-mail link to. Only the token's SHA-256
 * digest is stored (`owner_tokens`), compared by lookup of the digest, so timing says nothing
 * about the token; a token of an address that is not confirmed, or expired, is refused.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { MANAGE_TOKEN_PREFIX } from '../../platform/http/auth.ts';
import type { AuthOutcome, SubscriberAuthenticator } from '../../platform/http/context.ts';
import { findTokenPrincipal } from './owner-tokens.repo.ts';

const MANAGE_TOKEN = /^cqm_[0-9a-hjkmnp-tv-z]{32}$/;

/** A new manage token (160 bits of entropy). */
export function newManageToken(): string {
  return `${MANAGE_TOKEN_PREFIX}${randomToken(160)}`;
}

export function isWellFormedManageToken(token: string): boolean {
  return MANAGE_TOKEN.test(token);
}

export class ManageTokens implements SubscriberAuthenticator {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
  ) {}

  async verifyManageToken(token: string): Promise<AuthOutcome> {
    if (!isWellFormedManageToken(token)) return { ok: false, reason: 'malformed_manage_token' };
    const found = await findTokenPrincipal(this.db, await sha256Hex(token), 'manage', isoInstant(this.clock.now()));
    if (!found) return { ok: false, reason: 'unknown_manage_token' };
    if (found.status !== 'confirmed') return { ok: false, reason: 'subscriber_not_confirmed' };
    return {
      ok: true,
      principal: { actor: found.principal_id, kind: 'subscriber', role: null, ownerId: found.principal_id },
    };
  }
}
