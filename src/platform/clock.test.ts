import { describe, expect, it } from 'vitest';
import { epochDate, epochDay } from './clock.ts';

describe('calendar days since the epoch', () => {
  it('counts UTC days and maps them back, across month, leap-year and century boundaries', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1970-01-02')).toBe(1);
    expect(epochDay('2024-03-01') - epochDay('2024-02-28')).toBe(2);
    expect(epochDay('2100-03-01') - epochDay('2100-02-28')).toBe(1);
    for (const date of ['1999-12-31', '2000-02-29', '2026-11-20', '2038-01-19'])
      expect(epochDate(epochDay(date))).toBe(date);
    // Memoised answers stay right when asked again.
    expect(epochDay('2026-11-20')).toBe(Date.parse('2026-11-20T00:00:00Z') / 86_400_000);
  });
});
