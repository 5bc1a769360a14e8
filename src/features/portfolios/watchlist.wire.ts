/**
 * A watchlist item as the API sends it: the printing, its card, when it was added, and the live
 * price and changes of its preferred series (DESIGN §10 money and change conventions).
 */
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { change, printingProduct, toMajor, WINDOWS, type Change, type Window } from '../prices/wire.ts';
import type { WatchlistRow } from './watchlist.repo.ts';

export interface WatchlistItem {
  printing: {
    id: string;
    card_id: string;
    finish: string;
    tcgplayer_product_id: number | null;
    tcgplayer_sub_type: string | null;
    tcgplayer_group_id: number | null;
    product_line: string | null;
    product_line_label: string | null;
    label: string;
    cardmarket_product_id: number | null;
  };
  card: { id: string; name: string; set_id: string; number: string };
  added_at: string;
  price: { price: number; currency: string; date: string; market: string; condition: string; stale: boolean } | null;
  changes: Record<Window, Change | null>;
}

type Series = WatchlistRow & {
  market: string;
  condition: string;
  currency: string;
  last_date: string;
  last_cents: number;
};

const hasSeries = (row: WatchlistRow): row is Series =>
  row.market !== null &&
  row.condition !== null &&
  row.currency !== null &&
  row.last_date !== null &&
  row.last_cents !== null;

const isPrimary = (s: Series) =>
  s.market === PRIMARY_SERIES.market &&
  s.currency === PRIMARY_SERIES.currency &&
  s.condition === PRIMARY_SERIES.condition;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The series a watchlist shows for a printing: TCGplayer USD near mint when it has one, else the
 * first by market, currency and condition; null when it has no price at all.
 *
 * @example
 * preferredSeries([eurRow, usdNmRow]); // usdNmRow
 */
export function preferredSeries(rows: WatchlistRow[]): Series | null {
  const series = rows.filter(hasSeries);
  const primary = series.find(isPrimary);
  if (primary) return primary;
  series.sort(
    (a, b) =>
      byCodeUnits(a.market, b.market) || byCodeUnits(a.currency, b.currency) || byCodeUnits(a.condition, b.condition),
  );
  return series[0] ?? null;
}

const noChanges = (): Record<Window, Change | null> => ({ '1d': null, '7d': null, '30d': null, '90d': null });

/** One item from its rows (one per price series, or one without a series); all rows are of the same printing. */
export function toWatchlistItem(rows: [WatchlistRow, ...WatchlistRow[]]): WatchlistItem {
  const first = rows[0];
  const s = preferredSeries(rows);
  const changes = noChanges();
  if (s) {
    for (const w of WINDOWS) {
      changes[w] = change(
        s[`change_pct_${w}`],
        s[`from_date_${w}`],
        s[`from_cents_${w}`],
        s.last_date,
        s.last_cents,
        s.currency,
      );
    }
  }
  return {
    printing: {
      id: first.printing_id,
      card_id: first.card_id,
      finish: first.finish,
      tcgplayer_product_id: first.tcgplayer_product_id,
      tcgplayer_sub_type: first.tcgplayer_sub_type,
      ...printingProduct(first),
      cardmarket_product_id: first.cardmarket_product_id,
    },
    card: { id: first.card_id, name: first.card_name, set_id: first.set_id, number: first.number },
    added_at: first.added_at,
    price: s
      ? {
          price: toMajor(s.last_cents, s.currency),
          currency: s.currency,
          date: s.last_date,
          market: s.market,
          condition: s.condition,
          stale: Boolean(Number(s.stale)),
        }
      : null,
    changes,
  };
}

/** Groups rows (ordered by item) into items, keeping the order. */
export function toWatchlistItems(rows: WatchlistRow[]): WatchlistItem[] {
  const groups = new Map<number, [WatchlistRow, ...WatchlistRow[]]>();
  for (const row of rows) {
    const group = groups.get(row.printing_key);
    if (group) group.push(row);
    else groups.set(row.printing_key, [row]);
  }
  return [...groups.values()].map(toWatchlistItem);
}
