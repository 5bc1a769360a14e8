/**
 * API key format: `cqk_` + 32 base32 characters of randomness (160 bits) + 6 characters of
 * checksum (the first 30 bits of SHA-256 over prefix and body). The prefix makes keys easy to
 * recognise (and to find with secret scanners); the checksum lets a typo or a truncated paste
 * be refused before any database lookup.
 */
import { base32, randomToken, sha256Hex } from '../../platform/crypto.ts';

export const KEY_PREFIX = 'cqk_';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(`^${KEY_PREFIX}[0-9a-hjkmnp-tv-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

async function checksum(body: string): Promise<string> {
  const hex = await sha256Hex(KEY_PREFIX + body);
  const bytes = Uint8Array.from(hex.slice(0, 8).match(/../g)!, (h) => parseInt(h, 16));
  return base32(bytes).slice(0, CHECKSUM_LENGTH);
}

/**
 * Makes a new key. Shown to its owner once; only `sha256Hex(key)` is stored.
 *
 * @example
 * const key = await generateApiKey(); // 'cqk_…' (42 characters)
 */
export async function generateApiKey(): Promise<string> {
  const body = randomToken(BODY_LENGTH * 5);
  return KEY_PREFIX + body + (await checksum(body));
}

/**
 * Whether `token` has the shape and checksum of a cardquant API key (not whether it exists).
 *
 * @example
 * await isWellFormedApiKey('cqk_x'); // false
 */
export async function isWellFormedApiKey(token: string): Promise<boolean> {
  if (!SHAPE.test(token)) return false;
  const body = token.slice(KEY_PREFIX.length, KEY_PREFIX.length + BODY_LENGTH);
  return (await checksum(body)) === token.slice(KEY_PREFIX.length + BODY_LENGTH);
}

/** The part of a key safe to display in lists: prefix and the first 6 body characters. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}
