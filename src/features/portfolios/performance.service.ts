/**
 * Performance history of a portfolio: its daily NAV (stored snapshots, or reconstructed from the
 * ledger and the price history) and the returns computed from it (docs/METHODS.md, "Portfolio
 * performance", "Portfolio NAV"), and the pipeline's snapshotting of every portfolio.
 */
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError, NotFound, ValidationFailed } from '../../platform/errors.ts';
import { portfolioPerformance, type NavDay, type Performance } from '../../quant/performance.ts';
import { FALLBACK_DAYS } from '../prices/fx.ts';
import { loadFxRates } from '../prices/fx.repo.ts';
import { allLots, allSales, findSettings, lockPortfolio } from './ledger.repo.ts';
import { dayBefore, MissingRate, PRICE_CARRY_DAYS, reconstructNav, shiftDays, type NavPoint } from './nav.ts';
import {
  deleteNavBefore,
  marketIndexLevels,
  navPortfolio,
  navStates,
  priceHistory,
  readNav,
  upsertNav,
  type NavPortfolioRow,
  type NavRow,
} from './nav.repo.ts';
import { AnswerCache } from './answer-cache.ts';

/** The index a portfolio is compared with (docs/METHODS.md, "Indexes"). */
export const COMPARISON_INDEX_ID = 'market';
/** Index levels are read from this many days before the range, so its first date has one on or before it. */
const INDEX_LOOKBACK_DAYS = 7;
/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 3_660;
/** Before any real date: the first snapshot's flow window holds everything up to its date. */
const BEGINNING = '0000-01-01';

export type NavSource = 'snapshots' | 'reconstructed';

export interface SeriesPoint extends NavPoint {
  source: 'snapshot' | 'reconstructed';
}

export interface PerformanceReport {
  currency: string;
  from: string;
  to: string;
  /** Which the caller asked for; null: snapshots where present and valid, reconstruction for the rest. */
  requested: NavSource | null;
  points: SeriesPoint[];
  performance: Performance;
}

export interface SnapshotCounts {
  portfolios: number;
  snapshotted: number;
  rows: number;
  recomputed: number;
  failed: { portfolio_id: string; reason: string }[];
}

const MARKET_CALENDAR_MISSING = 'no market index yet';

export class PerformanceService {
  /**
   * Recent answers by what they depend on: the portfolio's revision and last change, the market
   * data's version (bumped by every import, derive and snapshot run), the range asked and today. A
   * hit costs the one statement that reads those stamps.
   */
  private readonly cache: AnswerCache<PerformanceReport>;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    cacheEntries = 32,
  ) {
    this.cache = new AnswerCache(cacheEntries);
  }

  private today(): string {
    return isoInstant(this.clock.now()).slice(0, 10);
  }

  /**
   * The NAV series and its performance over [from, to] (defaults: the first lot's date, today).
   * Statements: the portfolio (1), the market index levels (1), the snapshots (1, not with
   * `source=reconstructed`), and, when a date has no valid snapshot, lots, sales, price history and
   * FX rates (4).
   */
  async report(portfolioId: string, q: { from?: string; to?: string; source?: NavSource }): Promise<PerformanceReport> {
    const portfolio = await navPortfolio(this.database.db, portfolioId);
    if (!portfolio) throw new NotFound('portfolio', portfolioId);
    const today = this.today();
    const key = [
      portfolioId,
      portfolio.revision,
      portfolio.updated_at,
      portfolio.data_version,
      q.from,
      q.to,
      q.source,
      today,
    ].join('|');
    return this.cache.getOrCompute(key, () => this.compute(portfolioId, portfolio, q));
  }

  private async compute(
    portfolioId: string,
    portfolio: NavPortfolioRow,
    q: { from?: string; to?: string; source?: NavSource },
  ): Promise<PerformanceReport> {
    const to = q.to ?? this.today();
    const from = q.from ?? portfolio.first_date ?? to;
    if (from > to) throw rangeProblem('query.from', 'must not be after `to`');
    if (shiftDays(from, MAX_RANGE_DAYS) < to)
      throw rangeProblem('query.to', `at most ${MAX_RANGE_DAYS} days after \`from\``);
    const levels = await marketIndexLevels(
      this.database,
      COMPARISON_INDEX_ID,
      shiftDays(from, -INDEX_LOOKBACK_DAYS),
      to,
    );
    const calendar = levels.map((l) => l.date).filter((d) => d >= from);
    const points = await this.series(portfolioId, portfolio, calendar, from, q.source ?? null);
    const days: NavDay[] = points.map((p) => ({ date: p.date, value: p.value_minor, flow: p.flow_minor }));
    return {
      currency: portfolio.base_currency,
      from,
      to,
      requested: q.source ?? null,
      points,
      // A range from the first lot on covers the portfolio's whole life: it opened with nothing.
      performance: portfolioPerformance(
        days,
        levels,
        portfolio.first_date !== null && from <= portfolio.first_date ? { openingValue: 0 } : {},
      ),
    };
  }

  private async series(
    portfolioId: string,
    portfolio: NavPortfolioRow,
    calendar: readonly string[],
    from: string,
    source: NavSource | null,
  ): Promise<SeriesPoint[]> {
    if (calendar.length === 0) return [];
    // Before the first lot the portfolio held nothing: those dates are 0 without any reading.
    const empty = (date: string): SeriesPoint => ({
      date,
      value_minor: 0,
      cost_minor: 0,
      flow_minor: 0,
      priced: 0,
      unpriced: 0,
      source: 'reconstructed',
    });
    const opened = portfolio.first_date;
    if (opened === null) return calendar.map(empty);
    const before = calendar.filter((d) => d < opened).map(empty);
    const held = calendar.filter((d) => d >= opened);
    if (held.length === 0) return before;
    return [...before, ...(await this.heldSeries(portfolioId, portfolio, held, from, source))];
  }

  private async heldSeries(
    portfolioId: string,
    portfolio: NavPortfolioRow,
    calendar: readonly string[],
    from: string,
    source: NavSource | null,
  ): Promise<SeriesPoint[]> {
    const snapshots = new Map<string, NavRow>();
    if (source !== 'reconstructed') {
      for (const row of await readNav(this.database.db, portfolioId, calendar[0]!, calendar.at(-1)!))
        if (isCurrent(row, portfolio)) snapshots.set(row.date, row);
    }
    if (source === 'snapshots' || calendar.every((d) => snapshots.has(d)))
      return calendar.flatMap((d) => {
        const row = snapshots.get(d);
        return row ? [{ ...pointOf(row), source: 'snapshot' as const }] : [];
      });
    const rebuilt = await this.reconstruct(portfolioId, portfolio, calendar, dayBefore(from));
    return rebuilt.map((p) => {
      const row = snapshots.get(p.date);
      return row ? { ...pointOf(row), source: 'snapshot' as const } : { ...p, source: 'reconstructed' as const };
    });
  }

  /** Lots, sales, the price history and FX rates of the range, then the NAV of every calendar date. */
  private async reconstruct(
    portfolioId: string,
    portfolio: NavPortfolioRow,
    calendar: readonly string[],
    flowsAfter: string,
  ): Promise<NavPoint[]> {
    const db = this.database.db;
    const first = calendar[0]!;
    const last = calendar.at(-1)!;
    const lots = await allLots(db, portfolioId);
    if (lots.length === 0)
      return calendar.map((date) => ({ date, value_minor: 0, cost_minor: 0, flow_minor: 0, priced: 0, unpriced: 0 }));
    const sales = await allSales(db, portfolioId);
    const prices = await priceHistory(db, portfolioId, shiftDays(first, -PRICE_CARRY_DAYS), last);
    const currencies = new Set([
      portfolio.base_currency,
      ...lots.map((l) => l.currency),
      ...sales.map((s) => s.currency),
      ...prices.map((p) => p.currency),
    ]);
    currencies.delete('EUR');
    const earliest = [first, ...lots.map((l) => l.acquired_on), ...sales.map((s) => s.sold_on)].sort()[0]!;
    const rates = await loadFxRates(db, {
      from: earliest,
      to: last,
      quotes: [...currencies].sort(),
      lookbackDays: FALLBACK_DAYS,
    });
    try {
      return reconstructNav({
        settings: {
          baseCurrency: portfolio.base_currency,
          costMethod: portfolio.cost_method,
          preferredMarket: portfolio.preferred_market,
          priceField: portfolio.price_field,
        },
        lots,
        sales,
        prices,
        rates,
        calendar,
        flowsAfter,
      });
    } catch (err) {
      if (err instanceof MissingRate)
        throw new AppError(
          409,
          'fx_rate_missing',
          `An amount in ${err.currency} on ${err.date} has no ECB rate into ${portfolio.base_currency} on or up to ${FALLBACK_DAYS} days before that date.`,
        );
      throw err;
    }
  }

  /**
   * The pipeline step: for every portfolio with lots, a snapshot for each market date after its
   * last one up to the latest; a portfolio whose ledger or settings changed after its snapshots
   * were computed is recomputed from its first lot. Upserts on (portfolio, date), so a rerun
   * changes nothing. A portfolio that cannot be valued (a missing FX rate) is reported in `failed`.
   */
  async snapshotAll(): Promise<SnapshotCounts | { skipped: string }> {
    const db = this.database.db;
    const states = await navStates(db);
    const counts: SnapshotCounts = { portfolios: states.length, snapshotted: 0, rows: 0, recomputed: 0, failed: [] };
    if (states.length === 0) return { skipped: 'no portfolios' };
    const levels = await marketIndexLevels(this.database, COMPARISON_INDEX_ID, undefined, undefined);
    if (levels.length === 0) return { skipped: MARKET_CALENDAR_MISSING };
    const computedAt = isoInstant(this.clock.now());
    for (const state of states) {
      const portfolio = await navPortfolio(db, state.id);
      if (!portfolio) continue;
      if (portfolio.first_date === null) {
        if (state.last_date !== null) await deleteNavBefore(db, state.id, '9999-12-31');
        continue;
      }
      // Snapshots of an earlier revision miss a ledger write: recompute from the first lot.
      const stale = state.last_date !== null && Number(state.oldest_revision) !== portfolio.revision;
      const continues = state.last_date !== null && !stale;
      const after = continues ? state.last_date! : dayBefore(portfolio.first_date);
      if (!levels.some((l) => l.date > after)) continue;
      // Continuing, the last snapshot's date is valued again (and not stored) so the first new
      // date knows which holdings were priced the day before.
      const calendar = levels.map((l) => l.date).filter((d) => (continues ? d >= after : d > after));
      let points: NavPoint[];
      try {
        points = (await this.reconstruct(state.id, portfolio, calendar, continues ? after : BEGINNING)).filter(
          (p) => p.date > after,
        );
      } catch (err) {
        counts.failed.push({ portfolio_id: state.id, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const rows: NavRow[] = points.map((p) => ({
        portfolio_id: state.id,
        ...p,
        currency: portfolio.base_currency,
        computed_at: computedAt,
        revision: portfolio.revision,
      }));
      try {
        const written = await inTransaction(db, async (trx) => {
          // Under the portfolio's lock: a write that committed while the NAV was computed changed
          // the revision, and these rows would miss it — the next run computes them again.
          if (!(await lockPortfolio(trx, state.id, computedAt, 'other'))) throw new Error('the portfolio was deleted');
          if ((await findSettings(trx, state.id))?.revision !== portfolio.revision) return false;
          if (stale) await deleteNavBefore(trx, state.id, '9999-12-31');
          await upsertNav(trx, rows);
          return true;
        });
        if (!written) {
          counts.failed.push({
            portfolio_id: state.id,
            reason: 'its ledger changed while its NAV was computed; the next run computes it again',
          });
          continue;
        }
      } catch (err) {
        // A portfolio deleted meanwhile (its rows refused by the foreign key) stops only itself.
        counts.failed.push({ portfolio_id: state.id, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      counts.snapshotted++;
      counts.rows += rows.length;
      if (stale) counts.recomputed++;
    }
    return counts;
  }
}

/** A snapshot still describes the ledger when it was computed from the portfolio's current revision. */
function isCurrent(row: NavRow, portfolio: NavPortfolioRow): boolean {
  return row.currency === portfolio.base_currency && row.revision === portfolio.revision;
}

function pointOf(row: NavRow): NavPoint {
  return {
    date: row.date,
    value_minor: Number(row.value_minor),
    cost_minor: Number(row.cost_minor),
    flow_minor: Number(row.flow_minor),
    priced: Number(row.priced),
    unpriced: Number(row.unpriced),
  };
}

function rangeProblem(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}
