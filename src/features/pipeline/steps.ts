/**
 * The daily pipeline's steps in order (DESIGN §8): catalogue, price and FX ingestion from the
 * configured sources, data-quality checks, deriving latest prices and changes, signals, factor
 * statistics, and retention. Later capabilities (NAV, alerts, backup) add theirs here.
 */
import { isoInstant } from '../../platform/clock.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { idFactory } from '../../platform/ids.ts';
import type { IngestContext } from '../ingest/context.ts';
import { prepareForRealData } from '../ingest/dataset.ts';
import type { RunSummary } from '../../shared/run-accounting.ts';
import type { CatalogImport, PriceImport, StepSources } from '../ingest/sources/registry.ts';
import { deriveAnomalies } from '../quality/anomalies.ts';
import type { AnomalyRules } from '../quality/anomalies.checks.ts';
import { deriveFactorStats } from '../factors/factors.ts';
import { PerformanceService } from '../portfolios/performance.service.ts';
import { flagPrices, printRules } from '../quality/price-flags.ts';
import { deriveReadModels, deriveScores } from '../market/derive.ts';
import type { MoverRules } from '../market/movers.repo.ts';
import type { EngineRegistry } from '../signals/engine.ts';
import { backfillSignals } from '../signals/backfill.ts';
import { deriveSignals } from '../signals/derive-signals.ts';
import { resolveSignalSettings, type SignalConfig } from '../signals/settings.ts';
import { latestMarketDate, marketDates } from '../signals/signals.repo.ts';
import type { PipelineStep, StepOptions, StepResult } from './pipeline.ts';
import { evaluateAlerts, type AlertTuning } from '../alerts/evaluation.ts';
import { anyActiveRule } from '../alerts/alerts.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import { purge, type RetentionSettings } from '../retention/retention.ts';
import type { BackupService } from '../backups/backup.service.ts';

/** An ingestion step's counts: one entry per run; all runs failed is the step's failure. */
export function summarise(runs: RunSummary[]): StepResult {
  const failed = runs.filter((r) => r.status === 'failed');
  const counts = {
    runs: runs.map((r) => ({
      id: r.id,
      importer: r.importer,
      /** Deprecated alias of `importer` (removed in 0.4.0). */
      source: r.importer,
      status: r.status,
      rows_read: r.rows_read,
      accepted: r.accepted,
      updated: r.updated,
      rejected: r.rejected,
    })),
  };
  if (failed.length === runs.length && runs.length > 0)
    throw new Error(`every importer failed: ${failed.map((f) => `${f.importer}: ${f.error}`).join('; ')}`);
  return { counts };
}

export interface StepSettings {
  /** The retention policies (docs/RUNBOOK.md, "Retention"). */
  retention: RetentionSettings;
  anomalies: AnomalyRules;
  movers: MoverRules;
  signals: SignalConfig;
  engines: EngineRegistry;
  /** Hysteresis and cooldown of alert rules (ALERT_HYSTERESIS_PCT, ALERT_COOLDOWN_HOURS). */
  alerts: AlertTuning;
  /** The data key: seals the link tokens of alert e-mails. */
  box: SecretBox;
  /** Where backfill workers connect (the process's DATABASE_URL) and their SQLite busy timeout. */
  database: { url: string; busyTimeoutMs: number };
  /** Backups and restore drills (skipped when no BACKUP_DIR or BACKUP_S3_BUCKET is set). */
  backups?: BackupService;
}

/**
 * The steps' names and descriptions in pipeline order: what `cardquant pipeline steps` lists
 * without opening a database.
 */
export const STEP_CATALOGUE: readonly { name: string; description: string }[] = [
  { name: 'ingest-catalog', description: 'Import the card catalogue from CATALOG_SOURCES.' },
  { name: 'ingest-prices', description: 'Import daily prices from PRICE_SOURCES.' },
  { name: 'ingest-fx', description: 'Import ECB euro reference rates (FX_CURRENCIES) for the last days.' },
  {
    name: 'quality',
    description:
      'Data-quality checks (return outliers, stale series, placeholder-like prices, coverage drops) for the latest market date, or each date of --from/--to; new findings become anomalies, and the prints analytics leave out are flagged.',
  },
  {
    name: 'read-models',
    description:
      "Derive the read models: latest prices, 1/7/30/90-day changes and movers statistics per printing (as of each market's latest date), card summaries and indexes.",
  },
  {
    name: 'signals',
    description:
      'Derive signals (SIGNALS_ENGINE) for the latest market date, or for every market date in --from/--to (backfill); re-derive card scores.',
  },
  {
    name: 'factors',
    description:
      'Derive factor statistics (rank IC, quintile spread, cross-sectional regression) for the signal dates whose forward returns have ended; --from/--to re-derives a range.',
  },
  {
    name: 'portfolio-nav',
    description:
      "Snapshot every portfolio's NAV (value, open cost, net flow, priced and unpriced holdings) for each market date since its last snapshot; a portfolio whose ledger changed since is recomputed from its first lot.",
  },
  {
    name: 'alerts',
    description:
      'Evaluate every active alert rule against the latest prices and signals (edge-triggered, with hysteresis and cooldown); each firing is recorded with its delivery in the outbox.',
  },
  {
    name: 'retention',
    description:
      'Apply every retention policy: delete, oldest first and in bounded batches (RETENTION_BATCH_ROWS, each its own transaction), the rows past their limit in the audit log, expired idempotency keys, request roll-ups and SLI samples, finished runs, raw payloads and unmatched lists, resolved anomalies, finished deliveries and their attempts, alert firings, e-mail events, used or expired link tokens, finished backtests and restore drills (never the latest); live and referenced rows stay.',
  },
  {
    name: 'backup',
    description:
      'Back up the database to BACKUP_DIR and/or BACKUP_S3_BUCKET with its manifest, then expire backups past BACKUP_KEEP_LAST and BACKUP_RETENTION_DAYS; skipped when neither is set.',
  },
  {
    name: 'restore-drill',
    description:
      'Restore the latest backup into scratch, check integrity, row counts and checksums against its manifest, and record the drill; fails the step when the drill fails.',
  },
];

function step(name: string): { name: string; description: string } {
  const found = STEP_CATALOGUE.find((s) => s.name === name);
  if (!found) throw new Error(`step ${name} is not in the step catalogue`);
  return found;
}

export function pipelineSteps(ctx: IngestContext, sources: StepSources, settings: StepSettings): PipelineStep[] {
  const newId = idFactory(ctx.clock);
  const signalSettings = () => resolveSignalSettings(ctx.database.db, ctx.clock, settings.engines, settings.signals);
  const ingest = async <T extends CatalogImport | PriceImport>(
    list: { name: string; run: T }[],
    call: (run: T) => Promise<RunSummary>,
  ): Promise<StepResult> => {
    if (list.length === 0) return { skipped: 'no source configured' };
    await prepareForRealData(ctx.database.db, { replaceDemo: false, nowIso: isoInstant(ctx.clock.now()) });
    const runs: RunSummary[] = [];
    for (const source of list) runs.push(await call(source.run));
    return summarise(runs);
  };
  return [
    {
      ...step('ingest-catalog'),
      run: () => ingest(sources.catalog, (run) => run(ctx)),
    },
    {
      ...step('ingest-prices'),
      run: (o: StepOptions) => ingest(sources.prices, (run) => run(ctx, { from: o.from, to: o.to })),
    },
    {
      ...step('ingest-fx'),
      run: async (o: StepOptions) =>
        sources.fx
          ? summarise([await sources.fx(ctx, { from: o.from, to: o.to })])
          : { skipped: 'no price source configured' },
    },
    {
      ...step('quality'),
      run: async (o: StepOptions) => {
        const range = { from: o.from, to: o.to };
        const anomalies = await deriveAnomalies(ctx.database, ctx.clock, newId, settings.anomalies, range);
        const flags = await flagPrices(ctx.database, printRules(settings.anomalies, settings.movers), range);
        // Flagged prints leave valuations (and their caches, keyed by the data version) at once,
        // even when the step runs alone.
        await bumpDataVersion(ctx.database.db, ctx.clock);
        return { counts: { ...anomalies, ...flags } };
      },
    },
    {
      ...step('read-models'),
      run: async (o: StepOptions) => {
        // Scores come from the configured signals; a bad signal setting must not stop the derive.
        const scores = await signalSettings().then(
          (s) => s.key,
          (err: Error) => {
            ctx.log.warn(
              { err: { message: err.message } },
              'derive without signal scores: the signal settings do not resolve',
            );
            return undefined;
          },
        );
        // Fencing: a run that lost this step to a takeover must not publish read models (checked
        // early, and again inside the publication's transaction).
        await o.fence?.();
        return {
          counts: { ...(await deriveReadModels(ctx.database, ctx.clock, settings.movers, scores, ctx.log, o.fence)) },
        };
      },
    },
    {
      ...step('signals'),
      run: async (o: StepOptions) => {
        const signal = await signalSettings();
        const latest = await latestMarketDate(ctx.database);
        if (latest === null) return { skipped: 'no prices' };
        const dates = o.from || o.to ? await marketDates(ctx.database, { from: o.from, to: o.to }) : [latest];
        const counts =
          dates.length > 1
            ? await backfillSignals(ctx.database, signal, dates, {
                databaseUrl: settings.database.url,
                workers: settings.signals.workers ?? 1,
                busyTimeoutMs: settings.database.busyTimeoutMs,
              })
            : await deriveSignals(ctx.database, signal, dates);
        await o.fence?.();
        const started = performance.now();
        const refreshed = dates.includes(latest)
          ? await deriveScores(ctx.database, ctx.clock, settings.movers, signal.key, o.fence)
          : null;
        return {
          counts: {
            ...counts,
            rescore_ms: Math.round(performance.now() - started),
            engine: signal.engine.name,
            engine_version: signal.engine.version,
            weights_version: signal.weightsVersion,
            cards_rescored: refreshed?.cards ?? 0,
          },
        };
      },
    },
    {
      ...step('factors'),
      run: async (o: StepOptions) => {
        const signal = await signalSettings();
        const counts = await deriveFactorStats(ctx.database, ctx.clock, signal.engine, signal.key, {
          from: o.from,
          to: o.to,
        });
        if (counts.latest === null) return { skipped: 'no prices' };
        await o.fence?.();
        if (counts.rows > 0) await bumpDataVersion(ctx.database.db, ctx.clock);
        return { counts: { ...counts } };
      },
    },
    {
      ...step('portfolio-nav'),
      run: async () => {
        const counts = await new PerformanceService(ctx.database, ctx.clock).snapshotAll();
        if ('skipped' in counts) return counts;
        // New snapshots: cached performance answers built without them are set aside.
        if (counts.rows > 0) await bumpDataVersion(ctx.database.db, ctx.clock);
        return { counts: { ...counts } };
      },
    },
    {
      ...step('alerts'),
      run: async (o: StepOptions) => {
        if (!(await anyActiveRule(ctx.database.db))) return { skipped: 'no active alert rules' };
        // Signal-change rules need the configured signals; without them the price rules still run.
        const signal = await signalSettings().then(
          (s) => s.key,
          (err: Error) => {
            ctx.log.warn(
              { err: { message: err.message } },
              'alerts without signals: the signal settings do not resolve',
            );
            return null;
          },
        );
        const counts = await evaluateAlerts(
          { database: ctx.database, clock: ctx.clock, newId, box: settings.box },
          settings.alerts,
          signal,
          // A run that lost this step to a takeover writes no transition, firing or delivery.
          o.fence,
        );
        return { counts: { ...counts } };
      },
    },
    {
      ...step('retention'),
      run: async () => {
        const result = await purge(ctx.database, ctx.clock, settings.retention);
        return {
          counts: {
            deleted: result.deleted,
            rows_deleted: Object.values(result.deleted).reduce((a, b) => a + b, 0),
            batches: result.batches,
            longest_batch_ms: result.longest_batch_ms,
            capped: result.capped,
            /** Deprecated aliases of `deleted.ingestion_payloads` and `deleted.ingestion_unmatched` (removed in 0.4.0). */
            payloads_deleted: result.deleted.ingestion_payloads ?? 0,
            unmatched_deleted: result.deleted.ingestion_unmatched ?? 0,
          },
        };
      },
    },
    {
      ...step('backup'),
      run: async () => {
        const backups = settings.backups;
        if (!backups?.configured) return { skipped: 'no BACKUP_DIR or BACKUP_S3_BUCKET configured' };
        const row = await backups.backup();
        const expired = await backups.applyRetention();
        return { counts: { backup_id: row.id, bytes: row.bytes, duration_ms: row.duration_ms, expired } };
      },
    },
    {
      ...step('restore-drill'),
      run: async () => {
        const backups = settings.backups;
        if (!backups?.configured) return { skipped: 'no BACKUP_DIR or BACKUP_S3_BUCKET configured' };
        const drill = await backups.drill();
        if (drill.result !== 'passed')
          throw new Error(`restore drill ${drill.id} failed: ${drill.error ?? drill.mismatches}`);
        return { counts: { drill_id: drill.id, backup_id: drill.backup_id, duration_ms: drill.duration_ms } };
      },
    },
  ];
}
