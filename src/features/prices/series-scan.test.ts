import { describe, expect, it } from 'vitest';
import { epochDay } from '../../platform/clock.ts';
import { ScannedSeries, Unpacker } from './series-scan.ts';

const kept = (s: ScannedSeries) => ({
  days: [...s.days.subarray(0, s.n)],
  cents: [...s.cents.subarray(0, s.n)],
  lastDay: s.lastDay,
});

describe('Unpacker', () => {
  const d = epochDay;

  it('reads packed prices into date order, sorting only when they arrive out of order', () => {
    const unpacker = new Unpacker();
    const s = new ScannedSeries();
    unpacker.unpack('2025-01-01 100,2025-01-02 12345', s, null);
    expect(kept(s)).toEqual({
      days: [d('2025-01-01'), d('2025-01-02')],
      cents: [100, 12345],
      lastDay: d('2025-01-02'),
    });
    unpacker.unpack('2025-01-03 3,2024-12-31 0,2025-01-02 2', s, null);
    expect(kept(s)).toEqual({
      days: [d('2024-12-31'), d('2025-01-02'), d('2025-01-03')],
      cents: [0, 2, 3],
      lastDay: d('2025-01-03'),
    });
    unpacker.unpack('', s, null);
    expect(kept(s)).toEqual({ days: [], cents: [], lastDay: Number.NaN });
  });

  it('leaves flagged prints out, while the last day still counts the flagged latest print', () => {
    const s = new ScannedSeries();
    new Unpacker().unpack('2024-02-28 5,2024-02-29 900,2024-03-01 7', s, (day) => day === d('2024-02-29'));
    expect(kept(s)).toEqual({ days: [d('2024-02-28'), d('2024-03-01')], cents: [5, 7], lastDay: d('2024-03-01') });
    new Unpacker().unpack('2024-02-28 5,2024-02-29 900', s, (day) => day === d('2024-02-29'));
    expect(kept(s)).toEqual({ days: [d('2024-02-28')], cents: [5], lastDay: d('2024-02-29') });
  });

  it('grows past its first arrays (a long series) and keeps every price', () => {
    const s = new ScannedSeries();
    const first = d('2020-01-01');
    const packed = Array.from({ length: 1500 }, (_, k) => {
      const date = new Date((first + k) * 86_400_000).toISOString().slice(0, 10);
      return `${date} ${k + 1}`;
    }).join(',');
    new Unpacker().unpack(packed, s, null);
    expect(s.n).toBe(1500);
    expect(s.days[1499]).toBe(first + 1499);
    expect(s.cents[1499]).toBe(1500);
    expect(s.cents[0]).toBe(1);
  });
});
