/**
 * Which price series a card or printing shows when it has several (markets, currencies,
 * conditions, printings). docs/METHODS.md, "Headline printing", states the rule.
 */
import { PRIMARY_SERIES } from '../../shared/series.ts';
import type { Finish } from '../catalog/finishes.ts';

/** The change columns of a `latest_prices` row joined as `lp`: from date, from price and percent per window. */
export const LATEST_CHANGE_COLUMNS = (['1d', '7d', '30d', '90d'] as const).flatMap(
  (w) => [`lp.from_date_${w}`, `lp.from_cents_${w}`, `lp.change_pct_${w}`] as const,
);

/** Standard finishes first: the variant most collectors mean by "the card". */
export const FINISH_RANK: Record<Finish, number> = {
  normal: 0,
  holofoil: 1,
  unlimited: 2,
  'unlimited-holofoil': 3,
  'reverse-holofoil': 4,
  '1st-edition': 5,
  '1st-edition-holofoil': 6,
};

/**
 * Whose product a printing is: its set's own TCGplayer group (0), unknown (1: no group recorded,
 * e.g. prices from a source without TCGplayer groups), another group — a reprint product line (2).
 */
export type ProductRank = 0 | 1 | 2;

/**
 * @example
 * productRank(604, 604); // 0
 * productRank(null, 604); // 1
 * productRank(1663, 604); // 2 (Base Set Shadowless)
 */
export function productRank(groupId: number | null, ownGroupId: number | null): ProductRank {
  if (groupId === null) return 1;
  if (ownGroupId === null || groupId === ownGroupId) return 0;
  return 2;
}

export interface SeriesCandidate {
  printingKey: number;
  /** See `productRank`. */
  product: ProductRank;
  /** Observations (market prices) of the series: liquidity. */
  observations: number;
  finish: string;
  market: string;
  currency: string;
  condition: string;
  stale: boolean;
}

/**
 * Rank of a series: primary series before others, the set's own product before an unknown one
 * before a reprint product, fresh before stale, standard finishes first, more observations first,
 * then names and the oldest printing. Independent of import order except for that last tie-break.
 */
export function seriesOrder(a: SeriesCandidate, b: SeriesCandidate): number {
  const primary = (s: SeriesCandidate) =>
    s.market === PRIMARY_SERIES.market &&
    s.currency === PRIMARY_SERIES.currency &&
    s.condition === PRIMARY_SERIES.condition
      ? 0
      : 1;
  return (
    primary(a) - primary(b) ||
    a.product - b.product ||
    Number(a.stale) - Number(b.stale) ||
    (FINISH_RANK[a.finish as Finish] ?? 99) - (FINISH_RANK[b.finish as Finish] ?? 99) ||
    b.observations - a.observations ||
    a.market.localeCompare(b.market) ||
    a.currency.localeCompare(b.currency) ||
    a.condition.localeCompare(b.condition) ||
    a.printingKey - b.printingKey
  );
}
