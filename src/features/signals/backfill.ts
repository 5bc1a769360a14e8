/**
 * Backfills in parallel: the dates are split into contiguous shares, one per worker thread, each
 * computing and storing its share with its own connection (the engine is CPU-bound; SQLite
 * serialises the writes, each a transaction per block of dates). A share is exactly what
 * `deriveSignals` would compute for those dates, so the rows are the same as a sequential
 * run's (test/signals.test.ts compares them).
 */
import type { Database } from '../../platform/db/database.ts';
import { startWorker } from '../../platform/entrypoints.ts';
import type { DeriveSignalsCounts, SignalSettings } from './derive-signals.ts';
import { deriveSignals } from './derive-signals.ts';
import { defaultEngines } from './settings.ts';

/** Fewer dates than this per worker are not worth a thread (each reloads its window of prices). */
export const MIN_DATES_PER_WORKER = 20;
/** Least busy timeout of a worker's SQLite connection. */
export const WORKER_BUSY_TIMEOUT_MS = 600_000;

export interface BackfillJob {
  databaseUrl: string;
  busyTimeoutMs: number;
  engine: string;
  weightsVersion: string;
  weights: Readonly<Record<string, number>>;
  minHistory: number;
  windowDays: number;
  dates: string[];
}

function runWorker(job: BackfillJob): Promise<DeriveSignalsCounts> {
  return new Promise((resolve, reject) => {
    const worker = startWorker('./backfill-worker.ts', import.meta.url, 'runBackfillWorker', { workerData: job });
    let settled = false;
    worker.once('message', (m: { ok: true; counts: DeriveSignalsCounts } | { ok: false; error: string }) => {
      settled = true;
      if (m.ok) resolve(m.counts);
      else reject(new Error(m.error));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`signal backfill worker exited with code ${code}`));
    });
  });
}

/**
 * Materialises `dates` with up to `workers` threads when the engine is a built-in one and there
 * are enough dates; otherwise in this thread.
 */
export async function backfillSignals(
  database: Database,
  settings: SignalSettings,
  dates: readonly string[],
  options: { databaseUrl: string; workers: number; busyTimeoutMs: number },
): Promise<DeriveSignalsCounts & { workers: number }> {
  const sorted = [...new Set(dates)].sort();
  const builtIn =
    defaultEngines().names().includes(settings.engine.name) &&
    defaultEngines().get(settings.engine.name) === settings.engine;
  // An in-memory SQLite database exists only in this thread's connection.
  const shared = !/^sqlite:(:memory:)?$/.test(options.databaseUrl);
  const workers = Math.min(options.workers, Math.floor(sorted.length / MIN_DATES_PER_WORKER));
  if (!builtIn || !shared || workers < 2) return { ...(await deriveSignals(database, settings, sorted)), workers: 1 };
  const share = Math.ceil(sorted.length / workers);
  const jobs: BackfillJob[] = [];
  for (let i = 0; i < sorted.length; i += share) {
    jobs.push({
      databaseUrl: options.databaseUrl,
      // Workers take turns at SQLite's single writer; a block's transaction may take seconds.
      busyTimeoutMs: Math.max(options.busyTimeoutMs, WORKER_BUSY_TIMEOUT_MS),
      engine: settings.engine.name,
      weightsVersion: settings.weightsVersion,
      weights: { ...settings.weights },
      minHistory: settings.minHistory,
      windowDays: settings.windowDays,
      dates: sorted.slice(i, i + share),
    });
  }
  const results = await Promise.all(jobs.map(runWorker));
  const total: DeriveSignalsCounts & { workers: number } = {
    dates: 0,
    signals: 0,
    insufficient: 0,
    price_rows_read: 0,
    read_ms: 0,
    engine_ms: 0,
    write_ms: 0,
    workers: jobs.length,
  };
  for (const r of results) for (const k of Object.keys(r) as (keyof DeriveSignalsCounts)[]) total[k] += r[k];
  return total;
}
