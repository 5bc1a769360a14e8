/**
 * A backfill worker thread: computes and stores the signals of its share of the dates with its
 * own database connection (see `parallelBackfill` in backfill.ts). Only engines of the built-in
 * registry run here; the weights arrive resolved, so the worker writes nothing but signal rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../platform/db/database.ts';
import type { BackfillJob } from './backfill.ts';
import { deriveSignals } from './derive-signals.ts';
import { defaultEngines } from './settings.ts';

export async function runBackfillWorker(): Promise<void> {
  const job = workerData as BackfillJob;
  const database = openDatabase(job.databaseUrl, { sqliteBusyTimeoutMs: job.busyTimeoutMs });
  try {
    const engine = defaultEngines().get(job.engine);
    const counts = await deriveSignals(
      database,
      {
        engine,
        weightsVersion: job.weightsVersion,
        weights: job.weights,
        minHistory: job.minHistory,
        windowDays: job.windowDays,
      },
      job.dates,
    );
    parentPort!.postMessage({ ok: true, counts });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: (err as Error).message });
  } finally {
    await database.close();
  }
}
