/**
 * The dashboard document, rebuilt by the derive step after the other read models: dataset kind,
 * per-market coverage, the market index with its recent history, the top movers both ways, top
 * signals once signals exist, and counts. GET /v1/dashboard serves it with one statement and adds
 * what depends on the wall clock (freshness in days).
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { datasetKind } from '../ingest/dataset.ts';
import { marketCoverage } from '../ops/meta.routes.ts';
import { readIndex } from './indexes.repo.ts';
import { toWire } from './indexes.routes.ts';
import { MARKET_INDEX_ID } from './indexes.ts';
import { queryMovers, type MoverRules } from './movers.repo.ts';
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

export async function buildDashboard(database: Database, clock: Clock, rules: MoverRules): Promise<void> {
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
  const [kind, markets, index, up, down, counts, top] = await Promise.all([
    datasetKind(db),
    marketCoverage(db),
    readIndex(database, MARKET_INDEX_ID, undefined, undefined),
    movers('up'),
    movers('down'),
    db
      .selectFrom('set_summary')
      .select((eb) => [
        eb.fn.countAll<number>().as('sets'),
        eb.fn.sum<number>('cards').as('cards'),
        eb.fn.sum<number>('priced_cards').as('priced_cards'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('card_summary')
      .select('item')
      .where('score', 'is not', null)
      .orderBy('score', 'desc')
      .orderBy('card_id')
      .limit(DASHBOARD_SIGNALS)
      .execute(),
  ]);
  const head = index[0];
  const history = index.filter((r) => r.h_date !== null).slice(-DASHBOARD_INDEX_POINTS);
  const body = {
    dataset: { kind, demo: kind === 'demo' },
    markets,
    market_index: head
      ? { ...toWire(head), history: history.map((r) => ({ date: r.h_date!, value: round4(r.h_value!) })) }
      : null,
    movers: {
      window: DASHBOARD_MOVERS.window,
      min_price: DASHBOARD_MOVERS.minPrice,
      currency: PRIMARY_SERIES.currency,
      up: up
        .slice(0, DASHBOARD_MOVERS.count)
        .map((r, i) => JSON.parse(moverJson(r, i + 1, DASHBOARD_MOVERS.window)) as unknown),
      down: down
        .slice(0, DASHBOARD_MOVERS.count)
        .map((r, i) => JSON.parse(moverJson(r, i + 1, DASHBOARD_MOVERS.window)) as unknown),
    },
    top_signals: top.length === 0 ? null : top.map((r) => JSON.parse(r.item!) as unknown),
    counts: {
      sets: Number(counts.sets),
      cards: Number(counts.cards ?? 0),
      priced_cards: Number(counts.priced_cards ?? 0),
    },
  };
  const builtAt = isoInstant(clock.now());
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('dashboard_snapshot').execute();
    await trx
      .insertInto('dashboard_snapshot')
      .values({ id: 1, body: JSON.stringify(body), built_at: builtAt })
      .execute();
  });
}
