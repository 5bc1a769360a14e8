/**
 * Encryption of data at rest that must be read back (stored `Idempotency-Key` answers, which may
 * carry a secret shown once): AES-256-GCM from node:crypto, a fresh 96-bit nonce per message and
 * associated data that binds a ciphertext to its row, so it cannot be moved to another one.
 *
 * A sealed value is `cqe1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url parts). The key id
 * (8 hex characters of a SHA-256 of the key) says which key sealed it, so a key being rotated out
 * still opens what it sealed while the new key seals everything new (docs/RUNBOOK.md).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'cqe1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface DataKey {
  /** Public fingerprint of the key, written into every value it seals. */
  id: string;
  bytes: Buffer;
}

/** Builds a key from 32 raw bytes. */
export function dataKey(bytes: Buffer): DataKey {
  if (bytes.length !== 32) throw new Error('a data encryption key is 32 bytes');
  return { id: createHash('sha256').update('cardquant data key\n').update(bytes).digest('hex').slice(0, 8), bytes };
}

/** Why a sealed value could not be opened (never the value itself). */
export class UnsealError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown_key' | 'tampered') {
    super(`sealed value cannot be opened: ${reason}`);
    this.name = 'UnsealError';
  }
}

/**
 * Seals with the current key; opens with the current key or any previous one.
 *
 * @example
 * const box = new SecretBox(dataKey(randomBytes(32)));
 * box.open(box.seal('secret', 'row-1'), 'row-1'); // 'secret'
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly current: DataKey,
    previous: DataKey[] = [],
  ) {
    this.keys = new Map([...previous, current].map((k) => [k.id, k.bytes]));
  }

  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, associatedData: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      FORMAT,
      this.current.id,
      nonce.toString('base64url'),
      body.toString('base64url'),
      tag.toString('base64url'),
    ].join('.');
  }

  /** The plaintext, or an UnsealError (wrong format, a key no longer configured, altered data). */
  open(sealed: string, associatedData: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new UnsealError('malformed');
    const [, id, nonce, body, tag] = parts as [string, string, string, string, string];
    const key = this.keys.get(id);
    if (!key) throw new UnsealError('unknown_key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new UnsealError('tampered');
    }
  }
}
