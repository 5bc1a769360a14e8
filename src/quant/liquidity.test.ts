import { describe, expect, it } from 'vitest';
import { SPREAD_HALF, UNKNOWN_SPREAD_FACTOR, confidence } from './liquidity.ts';

describe('confidence', () => {
  it('half the days traded, listings 20 % apart: 0.5 / (1 + 0.2 / 0.5)', () => {
    expect(confidence({ observations: 15, windowDays: 30, low: 8, mid: 10, market: 10 })).toEqual({
      value: 0.5 / 1.4,
      density: 0.5,
      spread: 0.2,
    });
  });

  it('a 50 % listing spread halves the confidence of a card traded every day', () => {
    expect(SPREAD_HALF).toBe(0.5);
    expect(confidence({ observations: 30, windowDays: 30, low: 5, mid: 10, market: 10 })).toEqual({
      value: 0.5,
      density: 1,
      spread: 0.5,
    });
  });

  it('an unknown spread costs a quarter', () => {
    expect(UNKNOWN_SPREAD_FACTOR).toBe(0.75);
    expect(confidence({ observations: 20, windowDays: 40 })).toEqual({ value: 0.375, density: 0.5, spread: null });
    expect(confidence({ observations: 20, windowDays: 40, low: 8, mid: 10, market: null }).spread).toBeNull();
    expect(confidence({ observations: 20, windowDays: 40, low: 0, mid: 10, market: 10 }).spread).toBeNull();
    expect(confidence({ observations: 20, windowDays: 40, low: 8, mid: Number.NaN, market: 10 }).spread).toBeNull();
  });

  it('more observations than days counts as full density; no observations as none', () => {
    expect(confidence({ observations: 45, windowDays: 30, low: 10, mid: 10, market: 10 })).toEqual({
      value: 1,
      density: 1,
      spread: 0,
    });
    expect(confidence({ observations: 0, windowDays: 30 }).value).toBe(0);
  });

  it('a mid below the low listing is inconsistent and counts as no spread, never as a bonus', () => {
    expect(confidence({ observations: 10, windowDays: 10, low: 12, mid: 10, market: 11 })).toEqual({
      value: 1,
      density: 1,
      spread: 0,
    });
  });

  it('rejects a window that is not a positive number of days and negative counts', () => {
    expect(() => confidence({ observations: 1, windowDays: 0 })).toThrow(RangeError);
    expect(() => confidence({ observations: 1, windowDays: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => confidence({ observations: -1, windowDays: 30 })).toThrow(RangeError);
    expect(() => confidence({ observations: Number.NaN, windowDays: 30 })).toThrow(RangeError);
  });
});
