import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32, sha256Hex, timingSafeEqual } from '../../platform/crypto.ts';
import { displayPrefix, generateApiKey, isWellFormedApiKey } from './api-key.ts';

describe('API key format', () => {
  it('generates distinct, well-formed keys with at least 128 bits of randomness', async () => {
    const keys = await Promise.all(Array.from({ length: 50 }, generateApiKey));
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^cqk_[0-9a-hjkmnp-tv-z]{38}$/);
      expect(await isWellFormedApiKey(key)).toBe(true);
    }
    expect(displayPrefix(keys[0]!)).toHaveLength(10);
  });

  it('detects any single-character change through the checksum', async () => {
    const key = await generateApiKey();
    const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4, max: key.length - 1 }),
        fc.integer({ min: 1, max: 31 }),
        async (pos, shift) => {
          const ch = alphabet[(alphabet.indexOf(key[pos]!) + shift) % 32]!;
          const mutated = key.slice(0, pos) + ch + key.slice(pos + 1);
          expect(await isWellFormedApiKey(mutated)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses wrong shapes', async () => {
    for (const bad of [
      '',
      'cqk_',
      'Bearer x',
      `cqk_${'a'.repeat(37)}`,
      `cqk_${'u'.repeat(38)}`,
      `xyz_${'a'.repeat(38)}`,
    ]) {
      expect(await isWellFormedApiKey(bad)).toBe(false);
    }
  });
});

describe('crypto helpers', () => {
  it('hashes with SHA-256 (FIPS 180-2 test vector)', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('encodes base32 in the Crockford alphabet', () => {
    expect(base32(new Uint8Array([0xff]))).toBe('zw');
    expect(base32(new Uint8Array([0, 0, 0, 0, 0]))).toBe('00000000');
  });

  it('compares equal and unequal strings correctly, whatever their lengths', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
    );
  });
});
