/** Roll-up rows are written in key order, so replicas upserting the same keys lock them in one order. */
import { describe, expect, it } from 'vitest';
import { inKeyOrder, LATENCY_COLUMNS, type RollupRow } from './rollups.repo.ts';

function row(minute: string, route: string, method: string, status_class: string, code: string): RollupRow {
  const r = { minute, route, method, status_class, code, requests: 1, duration_seconds_sum: 0 } as RollupRow;
  for (const column of LATENCY_COLUMNS) r[column] = 0;
  return r;
}

describe('inKeyOrder', () => {
  it('sorts by minute, route, method, status class and code, whatever the insertion order', () => {
    const m1 = '2026-01-01T00:01:00.000Z';
    const m0 = '2026-01-01T00:00:00.000Z';
    const rows = [
      row(m1, '/a', 'GET', '2xx', ''),
      row(m0, '/b', 'GET', '5xx', 'internal'),
      row(m0, '/b', 'GET', '4xx', 'not_found'),
      row(m0, '/b', 'GET', '4xx', 'bad'),
      row(m0, '/b', 'DELETE', '2xx', ''),
      row(m0, '/a', 'GET', '2xx', ''),
    ];
    const keys = (rs: RollupRow[]) =>
      rs.map((r) => [r.minute.slice(14, 16), r.route, r.method, r.status_class, r.code].join(' '));
    expect(keys(inKeyOrder(rows))).toEqual([
      '00 /a GET 2xx ',
      '00 /b DELETE 2xx ',
      '00 /b GET 4xx bad',
      '00 /b GET 4xx not_found',
      '00 /b GET 5xx internal',
      '01 /a GET 2xx ',
    ]);
    expect(keys(inKeyOrder([...rows].reverse()))).toEqual(keys(inKeyOrder(rows)));
  });
});
