/**
 * The daily pipeline (DESIGN §8) as named, idempotent steps. Each step run is recorded in
 * `pipeline_runs` with timings and counts, refuses to overlap itself (a lock in `step_locks`,
 * so this holds across processes), and can be run alone. A failed or skipped step never stops
 * the steps after it: derive steps work on the data that is there.
 *
 * Crash recovery (docs/RUNBOOK.md): a running step heartbeats every `RUN_HEARTBEAT_SECONDS`,
 * moving its lock's deadline 3 intervals ahead. A step whose holder missed that deadline is
 * taken over by the next run of it, and the dead holder's run is marked `abandoned`. Every
 * acquisition raises the lock's fencing token; a step checks its token (`fence`) before it
 * publishes, so a slow-but-alive old run that lost the lock fails instead of overwriting the new
 * run's work.
 */
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/log.ts';
import { abandonStaleIngestionRuns } from '../ingest/runs.repo.ts';
import { inSpan } from '../../platform/tracing.ts';
import { canonicalStep } from './step-names.ts';
import { finishPipelineRun, insertPipelineRun, listPipelineRuns } from './pipeline-runs.repo.ts';
import * as locks from './step-locks.repo.ts';

export interface StepOptions {
  from?: string;
  to?: string;
  trigger: 'schedule' | 'cli' | 'api';
  /** Aborted when the process is told to stop: no further step starts, the running one is recorded as interrupted. */
  signal?: AbortSignal;
  /**
   * Throws `FencedOut` when this run no longer holds its step (another process took it over):
   * call it right before publishing. Set by the pipeline while a step runs.
   */
  fence?: (db?: Kysely<Tables>) => Promise<void>;
}

/** What a step returns: counts for the run record, or why it did nothing. */
export type StepResult = { counts: Record<string, unknown> } | { skipped: string };

export interface PipelineStep {
  name: string;
  description: string;
  run(options: StepOptions): Promise<StepResult>;
}

export interface StepRunRecord {
  id: string;
  step: string;
  trigger: string;
  status: 'succeeded' | 'failed' | 'skipped';
  /** Set when the step was skipped because another live process holds it. */
  held_by?: { holder: string; since: string | null; run_id: string | null };
  started_at: string;
  finished_at: string;
  duration_ms: number;
  counts: Record<string, unknown> | null;
  error: string | null;
}

export class UnknownStep extends Error {
  constructor(
    readonly step: string,
    readonly known: string[],
  ) {
    super(`Unknown pipeline step "${step}"; known steps: ${known.join(', ')}.`);
  }
}

/**
 * `work`, or a rejection as soon as `signal` aborts: the step's record and lock are then written
 * at once while its committed work stays (the process exits without waiting for the rest).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        new Error(
          `interrupted: ${String(signal.reason instanceof Error ? signal.reason.message : signal.reason)}; work committed before it is kept, run the step again`,
        ),
      );
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A step run that lost its lock to another process; it must not publish. */
export class FencedOut extends Error {
  constructor(
    readonly step: string,
    readonly token: number,
  ) {
    super(
      `step ${step} was taken over by another process (fencing token ${token} is no longer current); this run publishes nothing`,
    );
  }
}

/** A heartbeat is overdue after this many missed intervals. */
export const MISSED_HEARTBEATS = 3;

/**
 * How a running step's heartbeat is scheduled: `beat` every `ms` until the returned function is
 * called. Injected so tests beat by hand and await each beat's writes.
 */
export type HeartbeatTimer = (ms: number, beat: () => Promise<void>) => () => void;

/** Real intervals that never keep the process alive. */
export const intervalHeartbeat: HeartbeatTimer = (ms, beat) => {
  const timer = setInterval(() => void beat(), ms);
  timer.unref();
  return () => clearInterval(timer);
};

export class Pipeline {
  /** This process as recorded in locks and runs: host, pid and instance name. */
  readonly holder: string;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly newId: (prefix: 'run') => string,
    instance: string,
    readonly steps: PipelineStep[],
    private readonly heartbeatMs: number = 30_000,
    private readonly heartbeatTimer: HeartbeatTimer = intervalHeartbeat,
  ) {
    this.holder = `${hostname()}:${process.pid}/${instance}`;
  }

  private get staleMs(): number {
    return this.heartbeatMs * MISSED_HEARTBEATS;
  }

  names(): string[] {
    return this.steps.map((s) => s.name);
  }

  /** Runs the named steps in pipeline order (all when `names` is empty). */
  async run(requested: string[], options: StepOptions): Promise<StepRunRecord[]> {
    // A deprecated step name runs the step under its current name (docs/GLOSSARY.md).
    const names = requested.map(canonicalStep);
    for (const n of names) if (!this.steps.some((s) => s.name === n)) throw new UnknownStep(n, this.names());
    const chosen = names.length === 0 ? this.steps : this.steps.filter((s) => names.includes(s.name));
    await this.abandonDeadRuns();
    const out: StepRunRecord[] = [];
    for (const step of chosen) {
      if (options.signal?.aborted) break;
      out.push(
        await inSpan(`pipeline.step ${step.name}`, { 'cardquant.pipeline.step': step.name }, async (span) => {
          const record = await this.runStep(step, options);
          span?.setAttribute('cardquant.pipeline.status', record.status);
          return record;
        }),
      );
    }
    return out;
  }

  /**
   * Closes the runs of processes that are gone (no heartbeat for `MISSED_HEARTBEATS` intervals):
   * pipeline runs and ingestion runs become `abandoned`, the latter with counts from their rows.
   */
  async abandonDeadRuns(): Promise<void> {
    const now = this.clock.now();
    const pipelineRuns = await locks.abandonStalePipelineRuns(this.db, isoInstant(now - this.staleMs), isoInstant(now));
    const ingestionRuns = await abandonStaleIngestionRuns(this.db, isoInstant(now - this.staleMs), isoInstant(now));
    if (pipelineRuns.length + ingestionRuns.length > 0)
      this.log.warn({ pipelineRuns, ingestionRuns }, 'runs of processes that are gone marked abandoned');
  }

  private async runStep(step: PipelineStep, options: StepOptions): Promise<StepRunRecord> {
    const id = this.newId('run');
    const started = this.clock.now();
    const startedAt = isoInstant(started);
    await insertPipelineRun(this.db, {
      id,
      step: step.name,
      trigger: options.trigger,
      status: 'running',
      range_from: options.from ?? null,
      range_to: options.to ?? null,
      started_at: startedAt,
      finished_at: null,
      duration_ms: null,
      counts: null,
      error: null,
      holder: this.holder,
      heartbeat_at: startedAt,
    });

    let status: StepRunRecord['status'];
    let counts: Record<string, unknown> | null = null;
    let error: string | null = null;
    let heldBy: StepRunRecord['held_by'];
    const acquired = await locks.acquire(this.db, {
      step: step.name,
      holder: this.holder,
      runId: id,
      nowIso: startedAt,
      untilIso: isoInstant(started + this.staleMs),
    });
    if (acquired.kind === 'held') {
      status = 'skipped';
      heldBy = { holder: acquired.holder, since: acquired.since, run_id: acquired.runId };
      counts = {
        reason: `another live process holds this step: ${acquired.holder} since ${acquired.since ?? 'unknown'} (run ${acquired.runId ?? 'unknown'})`,
        held_by: heldBy,
      };
    } else {
      const token = acquired.token;
      if (acquired.tookOver) {
        const previous = acquired.tookOver.runId;
        const abandoned = previous
          ? await locks.abandonPipelineRun(
              this.db,
              previous,
              startedAt,
              `process gone: heartbeat overdue since ${acquired.tookOver.heartbeat ?? 'unknown'} (${acquired.tookOver.holder}); taken over by run ${id}`,
            )
          : 0;
        this.log.warn(
          {
            step: step.name,
            runId: id,
            previousHolder: acquired.tookOver.holder,
            previousRun: acquired.tookOver.runId,
            abandoned,
          },
          'pipeline step taken over from a process whose heartbeat was overdue',
        );
      }
      // Checked by a write on the lock row: inside a publication's transaction (`db`) the row stays
      // locked until the commit, so a takeover cannot slip in between the check and the publish.
      const fence = async (db: Kysely<Tables> = this.db) => {
        if (!(await locks.holdsToken(db, step.name, token))) throw new FencedOut(step.name, token);
      };
      const stopBeating = this.heartbeatTimer(this.heartbeatMs, async () => {
        const now = this.clock.now();
        await locks
          .heartbeat(this.db, {
            step: step.name,
            token,
            runId: id,
            nowIso: isoInstant(now),
            untilIso: isoInstant(now + this.staleMs),
          })
          .catch((err: Error) => {
            this.log.warn({ step: step.name, runId: id, err: { message: err.message } }, 'pipeline heartbeat failed');
          });
      });
      try {
        const result = await untilAborted(step.run({ ...options, fence }), options.signal);
        // The run's own record is published too: a run that lost its lock reports failure.
        await fence();
        if ('skipped' in result) {
          status = 'skipped';
          counts = { reason: result.skipped };
        } else {
          status = 'succeeded';
          counts = result.counts;
        }
      } catch (err) {
        status = 'failed';
        error = (err as Error).message;
      } finally {
        stopBeating();
        await locks.release(this.db, step.name, token);
      }
    }
    const finished = this.clock.now();
    const record: StepRunRecord = {
      id,
      step: step.name,
      trigger: options.trigger,
      status,
      ...(heldBy ? { held_by: heldBy } : {}),
      started_at: startedAt,
      finished_at: isoInstant(finished),
      duration_ms: Math.max(0, Math.round(finished - started)),
      counts,
      error,
    };
    await finishPipelineRun(this.db, id, {
      status,
      finished_at: record.finished_at,
      duration_ms: record.duration_ms,
      counts: counts ? JSON.stringify(counts) : null,
      error,
    });
    const line = { step: step.name, runId: id, status, durationMs: record.duration_ms, ...(counts ?? {}) };
    if (status === 'failed') this.log.error({ ...line, error }, 'pipeline step failed');
    else if (heldBy) this.log.warn(line, 'pipeline step skipped: another live process holds it');
    else this.log.info(line, 'pipeline step done');
    return record;
  }

  async list(filter: { step?: string; beforeId?: string; limit: number }) {
    return (
      await listPipelineRuns(this.db, {
        ...filter,
        step: filter.step === undefined ? undefined : canonicalStep(filter.step),
      })
    ).map((r) => ({
      ...r,
      counts: r.counts ? (JSON.parse(r.counts) as Record<string, unknown>) : null,
    }));
  }
}
