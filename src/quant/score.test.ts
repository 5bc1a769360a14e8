import { describe, expect, it } from 'vitest';
import { action, DEFAULT_ACTION_THRESHOLDS, normalCdf, scoreFromZ } from './score.ts';

describe('normal CDF', () => {
  it('hits textbook quantiles', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-1.6448536269514722)).toBeCloseTo(0.05, 15);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 15);
  });

  it('keeps relative accuracy in the lower tail and saturates at the ends', () => {
    // Φ(−10) = 7.61985302416047e-24 (scipy.stats.norm.cdf).
    expect(normalCdf(-10) / 7.61985302416047e-24).toBeCloseTo(1, 12);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it('is symmetric: Φ(−z) = 1 − Φ(z)', () => {
    for (const z of [0.3, 1.2, 2.2, 3.7]) expect(normalCdf(-z) + normalCdf(z)).toBeCloseTo(1, 15);
  });
});

describe('score from z', () => {
  it('is 100·Φ(z) to one decimal', () => {
    expect(scoreFromZ(0)).toBe(50);
    expect(scoreFromZ(1)).toBe(84.1);
    expect(scoreFromZ(-1)).toBe(15.9);
    expect(scoreFromZ(1.96)).toBe(97.5);
    expect(scoreFromZ(0.6745)).toBe(75);
  });

  it('ends at 0 and 100; NaN stays NaN', () => {
    expect(scoreFromZ(-12)).toBe(0);
    expect(scoreFromZ(12)).toBe(100);
    expect(scoreFromZ(-Infinity)).toBe(0);
    expect(scoreFromZ(Infinity)).toBe(100);
    expect(scoreFromZ(Number.NaN)).toBeNaN();
  });
});

describe('action', () => {
  it('defaults: BUY at z ≥ 1, SELL at z ≤ −1, each with confidence ≥ 0.4', () => {
    expect(DEFAULT_ACTION_THRESHOLDS).toEqual({ buyZ: 1, sellZ: -1, minConfidence: 0.4 });
    expect(action(1, 0.4)).toBe('BUY');
    expect(action(0.99, 0.9)).toBe('HOLD');
    expect(action(2.5, 0.39)).toBe('HOLD');
    expect(action(-1, 0.4)).toBe('SELL');
    expect(action(-0.99, 0.9)).toBe('HOLD');
    expect(action(-3, 0.1)).toBe('HOLD');
  });

  it('holds on NaN and honours custom thresholds', () => {
    expect(action(Number.NaN, 1)).toBe('HOLD');
    expect(action(3, Number.NaN)).toBe('HOLD');
    const strict = { buyZ: 2, sellZ: -0.5, minConfidence: 0.8 };
    expect(action(1.5, 0.9, strict)).toBe('HOLD');
    expect(action(2, 0.8, strict)).toBe('BUY');
    expect(action(-0.5, 0.8, strict)).toBe('SELL');
  });
});
