/**
 * Retention (docs/RUNBOOK.md, "Retention"): one retention policy per growing table — how many days
 * a row is kept past its age instant, 0 keeping it for ever — and the purge that applies them in
 * bounded batches, each its own short transaction, so readers and writers wait at most one batch.
 */
import type { Config } from '../../config.ts';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { childTables, deleteBatch, type RetentionTable } from './retention.repo.ts';

export { RETENTION_TABLES, type RetentionTable } from './retention.repo.ts';

const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** Days each table's rows are kept past their age instant; 0 keeps them for ever (idempotency keys: days past expiry). */
  days: Record<RetentionTable, number>;
  /** Rows one batch deletes at most (RETENTION_BATCH_ROWS). */
  batchRows: number;
  /** A purge stops starting batches after this many seconds (RETENTION_MAX_SECONDS); the next run goes on. */
  maxSeconds: number;
  /**
   * Pause between two batches (RETENTION_PAUSE_MS): a SQLite writer waiting for the lock polls at
   * growing intervals (up to 100 ms), so back-to-back batches could keep it out for several.
   */
  pauseMs: number;
}

/** The policies the settings define (docs/RUNBOOK.md lists every default). */
export function retentionSettings(config: Config): RetentionSettings {
  const runs = config.RUN_RETENTION_DAYS;
  return {
    days: {
      audit_log: config.AUDIT_RETENTION_DAYS,
      // Days past expiry: an expired key answers nothing, so it goes at once.
      idempotency_keys: 0,
      request_rollups: config.ROLLUP_RETENTION_DAYS,
      // Samples of the SLIs that are states (pipeline deadline, freshness): the roll-ups' window.
      slo_samples: config.ROLLUP_RETENTION_DAYS,
      pipeline_runs: runs,
      scheduled_runs: config.SCHEDULED_RUN_RETENTION_DAYS,
      ingestion_runs: runs,
      ingestion_payloads: config.RAW_PAYLOAD_RETENTION_DAYS,
      ingestion_unmatched: config.RAW_PAYLOAD_RETENTION_DAYS,
      anomalies: config.ANOMALY_RETENTION_DAYS,
      deliveries: config.DELIVERY_RETENTION_DAYS,
      alert_firings: config.ALERT_FIRING_RETENTION_DAYS,
      email_events: config.EMAIL_EVENT_RETENTION_DAYS,
      owner_tokens: config.OWNER_TOKEN_RETENTION_DAYS,
      backtests: config.BACKTEST_RETENTION_DAYS,
      restore_drills: runs,
    },
    batchRows: config.RETENTION_BATCH_ROWS,
    maxSeconds: config.RETENTION_MAX_SECONDS,
    pauseMs: config.RETENTION_PAUSE_MS,
  };
}

/** The order of the purge: deliveries before the firings they name, payloads before their runs. */
const PURGE_ORDER: readonly RetentionTable[] = [
  'audit_log',
  'idempotency_keys',
  'request_rollups',
  'slo_samples',
  'deliveries',
  'alert_firings',
  'email_events',
  'owner_tokens',
  'anomalies',
  'ingestion_payloads',
  'ingestion_unmatched',
  'ingestion_runs',
  'pipeline_runs',
  'scheduled_runs',
  'backtests',
  'restore_drills',
];

/** Whether a table's policy deletes anything (idempotency keys always go once expired). */
export function enabled(settings: RetentionSettings, table: RetentionTable): boolean {
  return table === 'idempotency_keys' || settings.days[table] > 0;
}

export interface PurgeResult {
  /** Rows deleted per table (child tables included: `delivery_attempts` with `deliveries`). */
  deleted: Record<string, number>;
  /** Batches run (each its own transaction). */
  batches: number;
  /** The longest single batch, in milliseconds: the longest any table was held for writing. */
  longest_batch_ms: number;
  /** True when the time cap stopped the purge before every policy was done. */
  capped: boolean;
}

/**
 * Applies every policy with a limit (or those in `only`): deletes the expired rows of each table,
 * oldest first, `batchRows` at a time until a batch comes back short or `maxSeconds` have passed.
 * `onBatch` is called after each batch (the step's heartbeat, a benchmark's probe).
 */
export async function purge(
  database: Database,
  clock: Clock,
  settings: RetentionSettings,
  options: { only?: readonly RetentionTable[]; onBatch?: () => Promise<void> | void } = {},
): Promise<PurgeResult> {
  const started = performance.now();
  const result: PurgeResult = { deleted: {}, batches: 0, longest_batch_ms: 0, capped: false };
  for (const table of PURGE_ORDER) {
    if (options.only && !options.only.includes(table)) continue;
    const days = settings.days[table];
    if (!enabled(settings, table)) continue;
    result.deleted[table] = 0;
    for (const child of childTables(table)) result.deleted[child] ??= 0;
    const before = isoInstant(clock.now() - Math.round(days * DAY_MS));
    for (;;) {
      if ((performance.now() - started) / 1000 >= settings.maxSeconds) {
        result.capped = true;
        return result;
      }
      const t0 = performance.now();
      const counts = await deleteBatch(database.db, database.dialect, table, before, settings.batchRows);
      result.longest_batch_ms = Math.max(result.longest_batch_ms, Math.round(performance.now() - t0));
      result.batches += 1;
      for (const [t, n] of Object.entries(counts)) result.deleted[t] = (result.deleted[t] ?? 0) + n;
      await options.onBatch?.();
      if (counts[table]! < settings.batchRows) break;
      if (settings.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.pauseMs));
    }
  }
  return result;
}
