import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataKey, SecretBox, UnsealError } from './secret-box.ts';

describe('SecretBox', () => {
  const key = dataKey(randomBytes(32));
  const box = new SecretBox(key);

  it('round-trips and never writes the plaintext; two seals of one text differ (fresh nonce)', () => {
    const a = box.seal('cqk_secret-value', 'row-1');
    const b = box.seal('cqk_secret-value', 'row-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(a.startsWith(`cqe1.${key.id}.`)).toBe(true);
    expect(box.open(a, 'row-1')).toBe('cqk_secret-value');
  });

  it('refuses a value moved to another row, altered, malformed or sealed with an unknown key', () => {
    const sealed = box.seal('x', 'row-1');
    const reason = (f: () => unknown) => {
      try {
        f();
        return 'opened';
      } catch (err) {
        return (err as UnsealError).reason;
      }
    };
    expect(reason(() => box.open(sealed, 'row-2'))).toBe('tampered');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(reason(() => box.open(parts.join('.'), 'row-1'))).toBe('tampered');
    expect(reason(() => box.open('{"plain":"text"}', 'row-1'))).toBe('malformed');
    expect(reason(() => new SecretBox(dataKey(randomBytes(32))).open(sealed, 'row-1'))).toBe('unknown_key');
    expect(new SecretBox(dataKey(randomBytes(32)), [key]).open(sealed, 'row-1')).toBe('x');
  });
});
