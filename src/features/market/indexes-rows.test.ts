import { describe, expect, it } from 'vitest';
import { indexTableRows } from './indexes.ts';

// Index rows from computed points: no database.

describe('indexTableRows', () => {
  it('a set index and the market index: names, bases, last values and one value row per point', () => {
    const point = (date: string, value: number) => ({
      date,
      value,
      constituents: 2,
      fromValueCents: 100,
      toValueCents: 110,
    });
    const { indexRows, valueRows } = indexTableRows(
      new Map([
        ['market', [point('2026-01-01', 100), point('2026-01-02', 101.5)]],
        ['set-base1', [point('2026-01-02', 100)]],
      ]),
      new Map([['base1', 'Base']]),
    );
    expect(indexRows).toEqual([
      expect.objectContaining({
        id: 'market',
        kind: 'market',
        set_id: null,
        name: 'Market index (TCGplayer, USD)',
        base_date: '2026-01-01',
        last_date: '2026-01-02',
        last_value: 101.5,
        points: 2,
      }),
      expect.objectContaining({ id: 'set-base1', kind: 'set', set_id: 'base1', name: 'Base index', points: 1 }),
    ]);
    expect(valueRows).toHaveLength(3);
    expect(valueRows[1]).toEqual({
      index_id: 'market',
      date: '2026-01-02',
      value: 101.5,
      constituents: 2,
      from_value_cents: 100,
      to_value_cents: 110,
    });
  });
});
