/**
 * Which price series a card or printing shows when it has several (markets, currencies,
 * conditions, printings). docs/METHODS.md, "Headline printing", states the rule.
 */
import type { Finish } from '../catalog/finishes.ts';

/** The series lists, movers and indexes read: TCGplayer market prices in USD, near mint. */
export const PRIMARY_SERIES = { market: 'tcgplayer', currency: 'USD', condition: 'NM' } as const;

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

export interface SeriesCandidate {
  printingKey: number;
  finish: string;
  market: string;
  currency: string;
  condition: string;
  stale: boolean;
}

/** Rank of a series: primary series before others, fresh before stale, standard finishes first, then the oldest printing. */
export function seriesOrder(a: SeriesCandidate, b: SeriesCandidate): number {
  const primary = (s: SeriesCandidate) =>
    s.market === PRIMARY_SERIES.market && s.currency === PRIMARY_SERIES.currency && s.condition === PRIMARY_SERIES.condition ? 0 : 1;
  return (
    primary(a) - primary(b) ||
    Number(a.stale) - Number(b.stale) ||
    (FINISH_RANK[a.finish as Finish] ?? 99) - (FINISH_RANK[b.finish as Finish] ?? 99) ||
    a.market.localeCompare(b.market) ||
    a.currency.localeCompare(b.currency) ||
    a.condition.localeCompare(b.condition) ||
    a.printingKey - b.printingKey
  );
}
