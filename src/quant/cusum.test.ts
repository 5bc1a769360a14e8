import { describe, expect, it } from 'vitest';
import { cusum } from './cusum.ts';

describe('cusum', () => {
  it('three 3σ days in a row raise an up alarm on the third (S⁺ = 2.5, 5, 7.5 > 5)', () => {
    expect(cusum([0, 3, 3, 3])).toEqual({
      upper: 0,
      lower: 0,
      alarms: [{ index: 3, direction: 'up' }],
      lastAlarm: { index: 3, direction: 'up' },
    });
  });

  it('a sustained slide raises a down alarm (S⁻ = 1.5, 3, 4.5, 6)', () => {
    expect(cusum([-2, -2, -2, -2]).alarms).toEqual([{ index: 3, direction: 'down' }]);
  });

  it('reaching h exactly is not an alarm; the statistics carry over', () => {
    expect(cusum([5.5])).toEqual({ upper: 5, lower: 0, alarms: [], lastAlarm: null });
    const carried = cusum([1.5, -0.2]);
    expect(carried.upper).toBeCloseTo(1.5 - 0.5 + (-0.2 - 0.5), 15);
    expect(carried.alarms).toEqual([]);
  });

  it('an alarm restarts both sums, so a second shift is counted from zero', () => {
    // S⁺: 2.5, 5, 7.5 → alarm, reset; then S⁻: 5.5 → alarm at index 4; then S⁺ 2.5.
    const r = cusum([0, 3, 3, 3, -6, 3]);
    expect(r.alarms).toEqual([
      { index: 3, direction: 'up' },
      { index: 4, direction: 'down' },
    ]);
    expect(r.lastAlarm).toEqual({ index: 4, direction: 'down' });
    expect(r.upper).toBe(2.5);
    expect(r.lower).toBe(0);
  });

  it('days without a return are skipped but keep their index', () => {
    expect(cusum([3, Number.NaN, 3, 3]).alarms).toEqual([{ index: 3, direction: 'up' }]);
    expect(cusum([Number.NaN, Number.NaN])).toEqual({ upper: 0, lower: 0, alarms: [], lastAlarm: null });
  });

  it('k and h can be set: with no allowance a drift of 0.6 a day crosses h = 1 on the second day', () => {
    expect(cusum([0.6, 0.6], { k: 0, h: 1 }).alarms).toEqual([{ index: 1, direction: 'up' }]);
    expect(cusum([0.6, 0.6]).alarms).toEqual([]);
  });

  it('rejects a negative allowance or a non-positive interval', () => {
    expect(() => cusum([1], { k: -0.1 })).toThrow(RangeError);
    expect(() => cusum([1], { h: 0 })).toThrow(RangeError);
    expect(() => cusum([1], { h: Number.NaN })).toThrow(RangeError);
  });
});
