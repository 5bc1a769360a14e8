/**
 * The life of a stored backtest: created `queued`, claimed `running` by one executor (the request
 * itself for small runs, a `cardquant backtest run` process for large ones), then `succeeded` with
 * metrics and equity curve or `failed` with a message. An executor never leaves a run `running`
 * behind on an error it can catch; a launcher that sees its process die marks the run failed.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { Conflict, NotFound } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import {
  BacktestDataError,
  BacktestInterrupted,
  BacktestParamsSchema,
  calendarDays,
  loadAndRun,
  resolveParams,
  type BacktestMetricsView,
  type BacktestOutcome,
  type BacktestParams,
  type EquityPoint,
  type TradeView,
} from './backtests.ts';
import {
  claimRun,
  countSignalPrintings,
  findRun,
  finishRun,
  insertRun,
  listRuns,
  runsVersion,
  type BacktestRow,
  type BacktestStatus,
} from './backtests.repo.ts';

/** A run as the API sends it; `equity` and `trade_log` only in the detail. */
export interface BacktestRunView {
  id: string;
  status: BacktestStatus;
  engine: string;
  engine_version: string;
  weights_version: string;
  params: BacktestParams;
  currency: string;
  metrics: BacktestMetricsView | null;
  trades: number | null;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  url: string;
  equity?: EquityPoint[];
  trade_log?: TradeView[];
}

/** What the `metrics` column holds: the metrics and, beside them, the first trades. */
type StoredMetrics = BacktestMetricsView & { trade_log?: TradeView[] };

export const backtestUrl = (id: string) => `/v1/analytics/backtests/${id}`;

/** Estimated work of a run: market dates (estimated by calendar days) × printings with signals in its range. */
export interface WorkEstimate {
  dates: number;
  printings: number;
  cells: number;
}

function toView(row: Omit<BacktestRow, 'equity'> & { equity?: string | null }, detail: boolean): BacktestRunView {
  const stored = row.metrics === null ? null : (JSON.parse(row.metrics) as StoredMetrics);
  const { trade_log: tradeLog, ...metrics } = stored ?? {};
  const view: BacktestRunView = {
    id: row.id,
    status: row.status,
    engine: row.engine,
    engine_version: row.engine_version,
    weights_version: row.weights_version,
    params: JSON.parse(row.params) as BacktestParams,
    currency: PRIMARY_SERIES.currency,
    // Runs stored before ruin was tracked have no ruin fields: none of them was stopped by one.
    metrics: stored === null ? null : ({ ruin_date: null, ruin_deficit: null, ...metrics } as BacktestMetricsView),
    trades: row.trades === null ? null : Number(row.trades),
    error: row.error,
    created_by: row.created_by,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    url: backtestUrl(row.id),
  };
  if (detail) {
    view.equity = row.equity ? (JSON.parse(row.equity) as EquityPoint[]) : [];
    view.trade_log = tradeLog ?? [];
  }
  return view;
}

/** Message stored on a failed run: input problems verbatim, anything else by name only (details go to the log). */
function failureMessage(err: unknown): string {
  if (err instanceof BacktestDataError || err instanceof BacktestInterrupted || err instanceof RangeError)
    return err.message.slice(0, 1000);
  const name = err instanceof Error ? err.name : typeof err;
  return `unexpected ${name} while running the backtest; the server log has the details`;
}

export class BacktestRuns {
  private readonly db: Kysely<Tables>;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly newId: (prefix: 'bt') => string,
    private readonly log: Logger,
  ) {
    this.db = database.db;
  }

  /**
   * Calendar days × printings with `ok` signals of `key` in the range: the cells the loader holds
   * (one statement, an index seek per printing; market dates would need a scan of the prices table).
   */
  async estimate(key: SignalKey, params: Pick<BacktestParams, 'from' | 'to'>): Promise<WorkEstimate> {
    const dates = calendarDays(params.from, params.to);
    const printings = await countSignalPrintings(this.database, key, { from: params.from, to: params.to });
    return { dates, printings, cells: dates * printings };
  }

  /** Records a queued run of `params` over the signals of `key`. */
  async createRun(key: SignalKey, params: BacktestParams, createdBy: string | null): Promise<BacktestRunView> {
    const row: BacktestRow = {
      id: this.newId('bt'),
      status: 'queued',
      engine: key.engine,
      engine_version: key.engineVersion,
      weights_version: key.weightsVersion,
      params: JSON.stringify(params),
      metrics: null,
      equity: null,
      trades: null,
      error: null,
      created_by: createdBy,
      created_at: isoInstant(this.clock.now()),
      started_at: null,
      finished_at: null,
    };
    await insertRun(this.db, row);
    return toView(row, true);
  }

  /**
   * Runs a queued run to its end and returns it. A run that is not queued (running elsewhere,
   * finished) is a conflict; an unknown id is not found. Failures of the run itself are stored,
   * not thrown. `compute` does the reading and simulating (default: here, with this connection;
   * the API passes a worker thread's).
   */
  async executeRun(
    id: string,
    compute: (key: SignalKey, params: BacktestParams) => Promise<BacktestOutcome> = (key, params) =>
      loadAndRun(this.database, key, params),
  ): Promise<BacktestRunView> {
    if (!(await claimRun(this.db, id, isoInstant(this.clock.now())))) {
      const row = await findRun(this.db, id);
      if (!row) throw new NotFound('backtest', id);
      throw new Conflict('backtest_not_queued', `Backtest ${id} is ${row.status}; only a queued run can be executed.`);
    }
    try {
      const row = (await findRun(this.db, id))!;
      const params = resolveParams(BacktestParamsSchema.parse(JSON.parse(row.params)));
      const outcome: BacktestOutcome = await compute(
        { engine: row.engine, engineVersion: row.engine_version, weightsVersion: row.weights_version },
        params,
      );
      const stored: StoredMetrics = { ...outcome.metrics, trade_log: outcome.tradeLog };
      await finishRun(this.db, id, {
        status: 'succeeded',
        metrics: JSON.stringify(stored),
        equity: JSON.stringify(outcome.equity),
        trades: outcome.trades,
        finished_at: isoInstant(this.clock.now()),
      });
    } catch (err) {
      if (err instanceof BacktestInterrupted) this.log.warn({ backtest: id }, 'backtest stopped by shutdown');
      else if (!(err instanceof BacktestDataError))
        this.log.error(
          {
            backtest: id,
            err: { name: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack },
          },
          'backtest failed',
        );
      await this.fail(id, failureMessage(err));
    }
    return (await this.get(id, true))!;
  }

  /** Marks a run failed unless it has already ended; whether it changed anything. */
  async fail(id: string, error: string): Promise<boolean> {
    return finishRun(this.db, id, { status: 'failed', error, finished_at: isoInstant(this.clock.now()) });
  }

  async get(id: string, detail: boolean): Promise<BacktestRunView | null> {
    const row = await findRun(this.db, id);
    return row ? toView(row, detail) : null;
  }

  async list(filter: { status?: BacktestStatus; beforeId?: string; limit: number }): Promise<BacktestRunView[]> {
    return (await listRuns(this.db, filter)).map((r) => toView(r, false));
  }

  /** Changes whenever the list could (see runsVersion). */
  version(): Promise<string> {
    return runsVersion(this.db);
  }
}
