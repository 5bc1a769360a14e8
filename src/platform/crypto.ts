/**
 * Secrets helpers on Web Crypto, so that the HTTP core stays portable to non-Node runtimes.
 * Secrets are never stored: only their SHA-256 digests are, and digests are compared in constant time.
 */

const encoder = new TextEncoder();
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Lower-case Crockford base32 of the given bytes (5 bits per character).
 *
 * @example
 * base32(new Uint8Array([255])); // 'zw'
 */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * A random string with the given number of bits of entropy (rounded up to whole bytes).
 *
 * @example
 * randomToken(160).length; // 32
 */
export function randomToken(bits: number): string {
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  crypto.getRandomValues(bytes);
  return base32(bytes);
}

/**
 * Hex SHA-256 of a UTF-8 string.
 *
 * @example
 * await sha256Hex('abc'); // 'ba7816bf…'
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Compares two strings in time that depends only on their lengths. Compare digests (equal
 * length) rather than raw secrets so that not even the length leaks.
 *
 * @example
 * timingSafeEqual(await sha256Hex(given), storedHash);
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
