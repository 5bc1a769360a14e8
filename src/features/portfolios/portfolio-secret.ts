/**
 * Portfolio capabilities: an id (`pf_` + ULID) and a secret (`cqp_` + 32 base32 characters, 160
 * bits of Web Crypto randomness). The prefix makes a leaked secret easy to recognise and to find
 * with secret scanners; only its SHA-256 digest is stored. Shapes are checked before any lookup,
 * so garbage costs no database statement.
 */
import { randomToken } from '../../platform/crypto.ts';

export const SECRET_PREFIX = 'cqp_';
const SECRET_BITS = 160;
const SECRET_SHAPE = new RegExp(`^${SECRET_PREFIX}[0-9a-hjkmnp-tv-z]{${SECRET_BITS / 5}}$`);
const ID_SHAPE = /^pf_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Makes a new portfolio secret. Shown to its owner once.
 *
 * @example
 * generatePortfolioSecret(); // 'cqp_…' (36 characters)
 */
export function generatePortfolioSecret(): string {
  return SECRET_PREFIX + randomToken(SECRET_BITS);
}

/** Whether `secret` has the shape of a portfolio secret (not whether it is right). */
export function isWellFormedPortfolioSecret(secret: string): boolean {
  return SECRET_SHAPE.test(secret);
}

/** Whether `id` has the shape of a portfolio id. */
export function isWellFormedPortfolioId(id: string): boolean {
  return ID_SHAPE.test(id);
}
