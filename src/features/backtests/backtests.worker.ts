/**
 * A backtest worker thread: the loader and the simulator of a request-sized run, off the HTTP
 * thread. SQLite reads block the thread that makes them (better-sqlite3 is synchronous) and the
 * simulator is CPU-bound, so a run inside the request held every other request up for seconds;
 * here it holds only this thread, with its own database connection. The run's record is kept by
 * the HTTP thread (backtests.service.ts); the thread only computes and hands back the outcome.
 */
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import { openDatabase } from '../../platform/db/database.ts';
import { startWorker } from '../../platform/entrypoints.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import {
  BacktestDataError,
  BacktestInterrupted,
  loadAndRun,
  type BacktestOutcome,
  type BacktestParams,
} from './backtests.ts';

interface BacktestJob {
  databaseUrl: string;
  busyTimeoutMs: number;
  key: SignalKey;
  params: BacktestParams;
}

type Reply = { ok: true; outcome: BacktestOutcome } | { ok: false; name: string; message: string };

export async function runBacktestWorker(): Promise<void> {
  const job = workerData as BacktestJob;
  const database = openDatabase(job.databaseUrl, { sqliteBusyTimeoutMs: job.busyTimeoutMs });
  let reply: Reply;
  try {
    reply = { ok: true, outcome: await loadAndRun(database, job.key, job.params) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { ok: false, name: e instanceof BacktestDataError ? 'BacktestDataError' : e.name, message: e.message };
  } finally {
    await database.close();
  }
  parentPort!.postMessage(reply);
}

/** Whether another thread can open the database at `url` (an in-memory SQLite database exists only in its own connection). */
export function shareableDatabase(url: string): boolean {
  return !/^sqlite:(:memory:)?$/.test(url);
}

/**
 * One run's worker thread, started by `compute` and ended early by `stop` (before or while it
 * runs); `compute` then rejects with BacktestInterrupted.
 */
export class BacktestThread {
  private worker: Worker | null = null;
  private stopped = false;

  constructor(private readonly database: { url: string; busyTimeoutMs: number }) {}

  readonly compute = (key: SignalKey, params: BacktestParams): Promise<BacktestOutcome> => {
    if (this.stopped) return Promise.reject(new BacktestInterrupted());
    const job: BacktestJob = {
      databaseUrl: this.database.url,
      busyTimeoutMs: this.database.busyTimeoutMs,
      key,
      params,
    };
    return new Promise((resolve, reject) => {
      const worker = startWorker('./backtests.worker.ts', import.meta.url, 'runBacktestWorker', { workerData: job });
      this.worker = worker;
      let settled = false;
      worker.once('message', (m: Reply) => {
        settled = true;
        if (m.ok) resolve(m.outcome);
        else if (m.name === 'BacktestDataError') reject(new BacktestDataError(m.message));
        else if (m.name === 'RangeError') reject(new RangeError(m.message));
        else reject(Object.assign(new Error(m.message), { name: m.name }));
      });
      worker.once('error', (err) => {
        settled = true;
        reject(this.stopped ? new BacktestInterrupted() : err);
      });
      worker.once('exit', (code) => {
        this.worker = null;
        if (!settled)
          reject(this.stopped ? new BacktestInterrupted() : new Error(`the backtest worker exited with code ${code}`));
      });
    });
  };

  /** Ends the thread (its open reads are dropped; nothing was written). */
  stop(): void {
    this.stopped = true;
    void this.worker?.terminate();
  }
}
