/**
 * Tokens an e-mail carries in its links (manage, one-click unsubscribe, confirm). Each is minted
 * when the e-mail is enqueued, in the same transaction: only its SHA-256 digest is stored in
 * `owner_tokens`, and the token itself travels sealed in the delivery row (`deliveries.sealed`,
 * AES-GCM with the data key, bound to the delivery id), so every attempt renders the same links
 * and nothing in the database opens them without the key.
 */
import type { Kysely } from 'kysely';
import { isoInstant } from '../../platform/clock.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { OwnerTokenPurpose, Tables } from '../../platform/db/schema.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { SealedLinks } from '../../shared/delivery-events.ts';
import { insertToken } from './owner-tokens.repo.ts';
import { newManageToken } from './subscriber-auth.ts';

/** How long a link in an e-mail works (manage and unsubscribe links: 90 days; confirm: 2 days). */
export const LINK_TTL_MS: Record<OwnerTokenPurpose, number> = {
  manage: 90 * 86_400_000,
  unsubscribe: 90 * 86_400_000,
  confirm: 2 * 86_400_000,
};

const PREFIX: Record<OwnerTokenPurpose, string> = { manage: 'cqm_', unsubscribe: 'cqu_', confirm: 'cqc_' };

function newToken(purpose: OwnerTokenPurpose): string {
  return purpose === 'manage' ? newManageToken() : `${PREFIX[purpose]}${randomToken(160)}`;
}

/**
 * Mints one token per purpose for `principalId`, stores their digests, and returns them sealed
 * for the delivery `deliveryId` (put the result in `deliveries.sealed`).
 *
 * @example
 * const sealed = await mintLinkTokens(trx, box, { principalId, deliveryId, nowMs, purposes: ['manage', 'unsubscribe'] });
 */
export async function mintLinkTokens(
  trx: Kysely<Tables>,
  box: SecretBox,
  args: { principalId: string; deliveryId: string; nowMs: number; purposes: OwnerTokenPurpose[] },
): Promise<string> {
  const links: SealedLinks = {};
  for (const purpose of args.purposes) {
    const token = newToken(purpose);
    await insertToken(trx, {
      tokenHash: await sha256Hex(token),
      principalId: args.principalId,
      purpose,
      createdAt: isoInstant(args.nowMs),
      expiresAt: isoInstant(args.nowMs + LINK_TTL_MS[purpose]),
    });
    links[`${purpose}_token`] = token;
  }
  return box.seal(JSON.stringify(links), sealedLinksContext(args.deliveryId));
}

/** The associated data a delivery's sealed links are bound to. */
export function sealedLinksContext(deliveryId: string): string {
  return `deliveries.sealed:${deliveryId}`;
}

/** Opens a delivery's sealed links (throws UnsealError when they cannot be opened). */
export function openLinks(box: SecretBox, deliveryId: string, sealed: string): SealedLinks {
  return JSON.parse(box.open(sealed, sealedLinksContext(deliveryId))) as SealedLinks;
}
