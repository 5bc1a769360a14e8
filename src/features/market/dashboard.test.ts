import { describe, expect, it } from 'vitest';
import { dashboardDocument, DASHBOARD_INDEX_POINTS, type DashboardInputs } from './dashboard.ts';
import { withRobustZ } from './dashboard.routes.ts';

// The dashboard document as a calculation: its inputs in, the stored body out, no database.

const indexHead = {
  id: 'market',
  kind: 'market' as const,
  set_id: null,
  name: 'Market index (TCGplayer, USD)',
  market: 'tcgplayer',
  currency: 'USD',
  base_date: '2026-01-01',
  last_date: '2026-01-03',
  last_value: 110,
  constituents: 3,
  points: 3,
  base_1d: 100,
  base_7d: null,
  base_30d: null,
};

function inputs(over: Partial<DashboardInputs> = {}): DashboardInputs {
  return {
    kind: 'demo',
    markets: [],
    index: [],
    up: [],
    down: [],
    counts: { sets: 2, cards: 10, priced_cards: 7 },
    topItems: [],
    ...over,
  };
}

describe('dashboardDocument', () => {
  it('an empty database: no index, no movers, no signals, the counts as given', () => {
    const body = dashboardDocument(inputs({ kind: 'empty', counts: { sets: 0, cards: 0, priced_cards: 0 } }));
    expect(body.dataset).toEqual({ kind: 'empty', demo: false });
    expect(body.market_index).toBeNull();
    expect(body.movers.up).toEqual([]);
    expect(body.top_signals).toBeNull();
    expect(body.counts).toEqual({ sets: 0, cards: 0, priced_cards: 0 });
  });

  it('the market index carries its change and its history, values rounded to 4 decimals', () => {
    const index = [
      { ...indexHead, h_date: '2026-01-01', h_value: 100, h_constituents: 3 },
      { ...indexHead, h_date: '2026-01-03', h_value: 110.123456, h_constituents: 3 },
    ];
    const body = dashboardDocument(inputs({ index }));
    expect(body.market_index).toMatchObject({ id: 'market', value: 110, change_1d: 10 });
    expect(body.market_index!.history).toEqual([
      { date: '2026-01-01', value: 100 },
      { date: '2026-01-03', value: 110.1235 },
    ]);
  });

  it(`history keeps the last ${DASHBOARD_INDEX_POINTS} points`, () => {
    const index = Array.from({ length: DASHBOARD_INDEX_POINTS + 5 }, (_, i) => ({
      ...indexHead,
      h_date: `2026-01-${String(i).padStart(3, '0')}`,
      h_value: i,
      h_constituents: 1,
    }));
    const history = dashboardDocument(inputs({ index })).market_index!.history;
    expect(history).toHaveLength(DASHBOARD_INDEX_POINTS);
    expect(history[0]!.value).toBe(5);
  });

  it('top signals are the stored card items, in the order given', () => {
    const body = dashboardDocument(inputs({ topItems: ['{"id":"b","score":2}', '{"id":"a","score":1}'] }));
    expect(body.top_signals).toEqual([
      { id: 'b', score: 2 },
      { id: 'a', score: 1 },
    ]);
    expect(body.dataset).toEqual({ kind: 'demo', demo: true });
  });
});

describe('withRobustZ (a dashboard stored before 0.3.0)', () => {
  const mover = { card_id: 'base1-4', zscore: 2.5 } as unknown as Parameters<typeof withRobustZ>[0]['up'][number];
  const movers = { window: '7d', min_price: 1, currency: 'USD', up: [mover], down: [] };

  it('answers robust_z from the stored zscore when the document has none', () => {
    expect(withRobustZ(movers).up[0]).toMatchObject({ robust_z: 2.5, zscore: 2.5 });
  });

  it('keeps a stored robust_z as it is', () => {
    const current = { ...movers, down: [{ ...mover, robust_z: 1.25 }] };
    expect(withRobustZ(current).down[0]).toMatchObject({ robust_z: 1.25 });
  });
});
