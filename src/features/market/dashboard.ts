/**
 * The dashboard document, rebuilt by the derive step after the other read models: dataset kind,
 * per-market coverage, the market index with its recent history, the top movers both ways, top
 * signals once signals exist, and counts. GET /v1/dashboard serves it with one statement and adds
 * what depends on the wall clock (freshness in days).
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { datasetKind, type DatasetKind } from '../ingest/dataset.ts';
import { marketCoverage } from '../ops/meta.routes.ts';
import { catalogueCounts, saveDashboard, topScoredItems, type CatalogueCounts } from './dashboard.repo.ts';
import { readIndex, type IndexHistoryRow } from './indexes.repo.ts';
import { toWire } from './indexes.routes.ts';
import { MARKET_INDEX_ID } from './indexes.ts';
import { queryMovers, type MoverRow, type MoverRules } from './movers.repo.ts';
import { moverJson } from './movers.routes.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { toMinor, type Window } from '../prices/wire.ts';

/** Dashboard movers: the 7-day window, priced at least 1 USD (penny cards' tick-size moves would fill the list otherwise). */
export const DASHBOARD_MOVERS = { window: '7d' as Window, count: 5, minPrice: 1 };
/** Cards with the highest signal scores on the dashboard. */
export const DASHBOARD_SIGNALS = 5;
/** Points of index history on the dashboard. */
export const DASHBOARD_INDEX_POINTS = 90;

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

export interface DashboardInputs {
  kind: DatasetKind;
  markets: unknown[];
  /** The market index head rows joined to its history (readIndex). */
  index: IndexHistoryRow[];
  up: MoverRow[];
  down: MoverRow[];
  counts: CatalogueCounts;
  /** Card-summary items (JSON) of the top signal scores. */
  topItems: string[];
}

/**
 * The dashboard document from its inputs: no database, no clock.
 *
 * @example
 * dashboardDocument({ kind: 'empty', markets: [], index: [], up: [], down: [], counts, topItems: [] }).market_index; // null
 */
export function dashboardDocument(i: DashboardInputs) {
  const head = i.index[0];
  const history = i.index.filter((r) => r.h_date !== null).slice(-DASHBOARD_INDEX_POINTS);
  const movers = (rows: MoverRow[]) =>
    rows
      .slice(0, DASHBOARD_MOVERS.count)
      .map((r, n) => JSON.parse(moverJson(r, n + 1, DASHBOARD_MOVERS.window)) as unknown);
  return {
    dataset: { kind: i.kind, demo: i.kind === 'demo' },
    markets: i.markets,
    market_index: head
      ? { ...toWire(head), history: history.map((r) => ({ date: r.h_date!, value: round4(r.h_value!) })) }
      : null,
    movers: {
      window: DASHBOARD_MOVERS.window,
      min_price: DASHBOARD_MOVERS.minPrice,
      currency: PRIMARY_SERIES.currency,
      up: movers(i.up),
      down: movers(i.down),
    },
    top_signals: i.topItems.length === 0 ? null : i.topItems.map((item) => JSON.parse(item) as unknown),
    counts: i.counts,
  };
}

/** Reads the dashboard's inputs, builds the document and replaces the snapshot. */
export async function deriveDashboard(database: Database, clock: Clock, rules: MoverRules): Promise<void> {
  const db = database.db;
  const movers = (direction: 'up' | 'down') =>
    queryMovers(
      db,
      {
        window: DASHBOARD_MOVERS.window,
        direction,
        rank: 'change',
        kind: 'card',
        limit: DASHBOARD_MOVERS.count,
        minCents: toMinor(DASHBOARD_MOVERS.minPrice, PRIMARY_SERIES.currency),
      },
      rules,
    );
  const [kind, markets, index, up, down, counts, topItems] = await Promise.all([
    datasetKind(db),
    marketCoverage(db),
    readIndex(database, MARKET_INDEX_ID, undefined, undefined),
    movers('up'),
    movers('down'),
    catalogueCounts(db),
    topScoredItems(db, DASHBOARD_SIGNALS),
  ]);
  const body = dashboardDocument({ kind, markets, index, up, down, counts, topItems });
  await saveDashboard(db, body, isoInstant(clock.now()));
}
