import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { AppError, Conflict, NotFound } from '../../platform/errors.ts';
import type { PortfolioSession } from '../../platform/http/context.ts';
import type { DialectName } from '../../platform/db/database.ts';
import { addItemWithinCap, addRefusal, listItems, removeItem } from './watchlist.repo.ts';
import { toWatchlistItems, type WatchlistItem } from './watchlist.wire.ts';

/** Items a watchlist may hold: enough for a collector, small enough to fingerprint per request. */
export const WATCHLIST_CAP = 500;

export interface AddOutcome {
  /** False when the printing was already on the list (nothing changed). */
  added: boolean;
  added_at: string;
}

/**
 * A portfolio's watchlist: printings to follow, each with its live price. One statement per call
 * on SQLite; an add on PostgreSQL first locks the portfolio row, so concurrent adds cannot pass
 * the cap together.
 */
export class WatchlistService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Adds a printing. `list` is what authentication read of the list; the new item's added_at is
   * later than every item on it, so the stored added_at tells a new row from one already there.
   */
  async add(portfolioId: string, printingId: string, list: PortfolioSession['watchlist']): Promise<AddOutcome> {
    const latest = list.lastAddedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(list.lastAddedAt) + 1;
    const addedAt = isoInstant(Math.max(this.clock.now(), latest));
    const item = { portfolioId, printingId, addedAt, cap: WATCHLIST_CAP };
    const row = await addItemWithinCap(this.db, this.dialect, item);
    if (row) return { added: row.added_at === addedAt, added_at: row.added_at };
    // Nothing stored: a full list is refused before the printing is looked at. What
    // authentication read may be stale when other adds ran meanwhile, so it is read again.
    const now =
      list.count >= WATCHLIST_CAP
        ? { items: list.count, printingExists: true }
        : await addRefusal(this.db, portfolioId, printingId);
    if (now.items >= WATCHLIST_CAP)
      throw new Conflict('watchlist_full', `A watchlist holds at most ${WATCHLIST_CAP} printings; remove one first.`);
    throw new NotFound('printing', printingId);
  }

  async remove(portfolioId: string, printingId: string): Promise<void> {
    if (!(await removeItem(this.db, portfolioId, printingId))) {
      throw new AppError(404, 'watchlist_item_not_found', `Printing ${printingId} is not on this watchlist.`);
    }
  }

  /** Up to `limit` items after the cursor position, by added_at then printing id. */
  async list(
    portfolioId: string,
    opts: { limit: number; after?: { addedAt: string; printingId: string } },
  ): Promise<WatchlistItem[]> {
    return toWatchlistItems(await listItems(this.db, portfolioId, opts));
  }
}
