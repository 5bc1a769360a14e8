import { describe, expect, it } from 'vitest';
import {
  generatePortfolioSecret,
  isWellFormedPortfolioId,
  isWellFormedPortfolioSecret,
  SECRET_PREFIX,
} from './portfolio-secret.ts';

describe('portfolio secrets', () => {
  it('carry the cqp_ prefix and 160 bits in 32 base32 characters, different every time', () => {
    const secrets = Array.from({ length: 50 }, generatePortfolioSecret);
    for (const s of secrets) {
      expect(s.startsWith(SECRET_PREFIX)).toBe(true);
      expect(s).toHaveLength(36);
      expect(isWellFormedPortfolioSecret(s)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(50);
  });

  it('refuse other shapes before any lookup', () => {
    const good = generatePortfolioSecret();
    expect(isWellFormedPortfolioSecret(good.slice(0, -1))).toBe(false);
    expect(isWellFormedPortfolioSecret(`${good}0`)).toBe(false);
    expect(isWellFormedPortfolioSecret(good.replace(SECRET_PREFIX, 'cqk_'))).toBe(false);
    expect(isWellFormedPortfolioSecret(good.toUpperCase())).toBe(false);
    expect(isWellFormedPortfolioSecret(`${SECRET_PREFIX}${'u'.repeat(32)}`)).toBe(false);
  });
});

describe('portfolio ids', () => {
  it('are pf_ and a ULID', () => {
    expect(isWellFormedPortfolioId('pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C')).toBe(true);
    expect(isWellFormedPortfolioId('pf_01jdx8m3q5w7zk2n4r6t8v0b1c')).toBe(false);
    expect(isWellFormedPortfolioId('key_01JDX8M3Q5W7ZK2N4R6T8V0B1C')).toBe(false);
    expect(isWellFormedPortfolioId('pf_01JDX8M3Q5W7ZK2N4R6T8V0B1')).toBe(false);
  });
});
