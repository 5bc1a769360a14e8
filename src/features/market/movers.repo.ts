/**
 * Movers (DESIGN §10, docs/METHODS.md "Movers"): printings of the primary series ranked by their
 * market-price change over a window, from `latest_prices` alone (each series carries its card and
 * printing as stored JSON) in one indexed statement. Stale series,
 * series without a base in the window, series with too few observations and series whose price
 * jumps by more than the jump factor inside the window are left out.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { slug } from '../prices/search-terms.ts';
import type { Window } from '../prices/wire.ts';

export interface MoversQuery {
  window: Window;
  direction: 'up' | 'down';
  rank: 'change' | 'robust_z';
  limit: number;
  /** Least latest price, minor units of the primary currency. */
  minCents?: number;
  set?: string;
  rarity?: string;
  /** `card` or `sealed`; `all` or absent: both. */
  kind?: 'card' | 'sealed' | 'all';
  /** Rank value and printing key of the last item of the previous page. */
  after?: { value: number; key: number };
}

export interface MoverRules {
  minObservations: number;
  maxJump: number;
}

/** The movers settings (MOVERS_MIN_OBSERVATIONS, MOVERS_MAX_JUMP) at their defaults. */
export const DEFAULT_MOVER_RULES: MoverRules = { minObservations: 2, maxJump: 10 };

export function moverRules(config: { MOVERS_MIN_OBSERVATIONS: number; MOVERS_MAX_JUMP: number }): MoverRules {
  return { minObservations: config.MOVERS_MIN_OBSERVATIONS, maxJump: config.MOVERS_MAX_JUMP };
}

export async function queryMovers(db: Kysely<Tables>, q: MoversQuery, rules: MoverRules) {
  const w = q.window;
  const column = q.rank === 'robust_z' ? (`lp.robust_z_${w}` as const) : (`lp.change_pct_${w}` as const);
  const order = q.direction === 'up' ? 'desc' : 'asc';
  let query = db
    .selectFrom('latest_prices as lp')
    .select([
      'lp.printing_key',
      'lp.ref',
      'lp.market',
      'lp.condition',
      'lp.currency',
      'lp.last_date',
      'lp.last_cents',
      `lp.from_date_${w} as from_date`,
      `lp.from_cents_${w} as from_cents`,
      `lp.change_pct_${w} as change_pct`,
      `lp.robust_z_${w} as robust_z`,
      `lp.obs_${w} as observations`,
    ])
    .where('lp.market', '=', PRIMARY_SERIES.market)
    .where('lp.currency', '=', PRIMARY_SERIES.currency)
    .where('lp.condition', '=', PRIMARY_SERIES.condition)
    .where('lp.stale', '=', 0)
    .where(`lp.obs_${w}`, '>=', rules.minObservations)
    .where(`lp.jump_${w}`, '<=', rules.maxJump)
    .where(`lp.change_pct_${w}`, q.direction === 'up' ? '>' : '<', 0)
    .where(column, 'is not', null);
  if (q.minCents !== undefined) query = query.where('lp.last_cents', '>=', q.minCents);
  if (q.set !== undefined) query = query.where('lp.set_id', '=', q.set);
  if (q.kind !== undefined && q.kind !== 'all') query = query.where('lp.kind', '=', q.kind);
  if (q.rarity !== undefined) query = query.where('lp.rarity_key', '=', slug(q.rarity));
  if (q.after) {
    const after = q.after;
    query = query.where((eb) =>
      eb(eb.refTuple(column, 'lp.printing_key'), q.direction === 'up' ? '<' : '>', eb.tuple(after.value, after.key)),
    );
  }
  return query
    .orderBy(column, order)
    .orderBy('lp.printing_key', order)
    .limit(q.limit + 1)
    .execute();
}

export type MoverRow = Awaited<ReturnType<typeof queryMovers>>[number];
