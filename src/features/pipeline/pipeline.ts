/**
 * The daily pipeline (DESIGN §8) as named, idempotent steps. Each step run is recorded in
 * `pipeline_runs` with timings and counts, refuses to overlap itself (a lease in `step_locks`,
 * so this holds across processes), and can be run alone. A failed or skipped step never stops
 * the steps after it: derive steps work on the data that is there.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/log.ts';

export interface StepOptions {
  from?: string;
  to?: string;
  trigger: 'schedule' | 'cli' | 'api';
  /** Aborted when the process is told to stop: no further step starts, the running one is recorded as interrupted. */
  signal?: AbortSignal;
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
  started_at: string;
  finished_at: string;
  duration_ms: number;
  counts: Record<string, unknown> | null;
  error: string | null;
}

export class UnknownStep extends Error {
  constructor(readonly step: string, readonly known: string[]) {
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
    const onAbort = () => reject(new Error(`interrupted: ${String(signal.reason instanceof Error ? signal.reason.message : signal.reason)}; work committed before it is kept, run the step again`));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class Pipeline {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly newId: (prefix: 'run') => string,
    private readonly instance: string,
    readonly steps: PipelineStep[],
    private readonly leaseMs: number = 6 * 3_600_000,
  ) {}

  names(): string[] {
    return this.steps.map((s) => s.name);
  }

  /** Runs the named steps in pipeline order (all when `names` is empty). */
  async run(names: string[], options: StepOptions): Promise<StepRunRecord[]> {
    for (const n of names) if (!this.steps.some((s) => s.name === n)) throw new UnknownStep(n, this.names());
    const chosen = names.length === 0 ? this.steps : this.steps.filter((s) => names.includes(s.name));
    const out: StepRunRecord[] = [];
    for (const step of chosen) {
      if (options.signal?.aborted) break;
      out.push(await this.runStep(step, options));
    }
    return out;
  }

  private async acquire(step: string): Promise<boolean> {
    const now = this.clock.now();
    const res = await this.db
      .insertInto('step_locks')
      .values({ step, holder: this.instance, lease_until: isoInstant(now + this.leaseMs) })
      .onConflict((oc) =>
        oc
          .column('step')
          .doUpdateSet({ holder: this.instance, lease_until: isoInstant(now + this.leaseMs) })
          .where('step_locks.lease_until', '<', isoInstant(now)),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  private async release(step: string): Promise<void> {
    await this.db.deleteFrom('step_locks').where('step', '=', step).where('holder', '=', this.instance).execute();
  }

  private async runStep(step: PipelineStep, options: StepOptions): Promise<StepRunRecord> {
    const id = this.newId('run');
    const started = this.clock.now();
    const startedAt = isoInstant(started);
    await this.db
      .insertInto('pipeline_runs')
      .values({ id, step: step.name, trigger: options.trigger, status: 'running', range_from: options.from ?? null, range_to: options.to ?? null, started_at: startedAt, finished_at: null, duration_ms: null, counts: null, error: null })
      .execute();

    let status: StepRunRecord['status'];
    let counts: Record<string, unknown> | null = null;
    let error: string | null = null;
    if (!(await this.acquire(step.name))) {
      status = 'skipped';
      counts = { reason: 'another run of this step is in progress' };
    } else {
      try {
        const result = await untilAborted(step.run(options), options.signal);
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
        await this.release(step.name);
      }
    }
    const finished = this.clock.now();
    const record: StepRunRecord = {
      id,
      step: step.name,
      trigger: options.trigger,
      status,
      started_at: startedAt,
      finished_at: isoInstant(finished),
      duration_ms: Math.max(0, Math.round(finished - started)),
      counts,
      error,
    };
    await this.db
      .updateTable('pipeline_runs')
      .set({ status, finished_at: record.finished_at, duration_ms: record.duration_ms, counts: counts ? JSON.stringify(counts) : null, error })
      .where('id', '=', id)
      .execute();
    const line = { step: step.name, runId: id, status, durationMs: record.duration_ms, ...(counts ?? {}) };
    if (status === 'failed') this.log.error({ ...line, error }, 'pipeline step failed');
    else this.log.info(line, 'pipeline step done');
    return record;
  }

  async list(filter: { step?: string; beforeId?: string; limit: number }) {
    let q = this.db.selectFrom('pipeline_runs').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.step) q = q.where('step', '=', filter.step);
    if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
    return (await q.execute()).map((r) => ({ ...r, counts: r.counts ? (JSON.parse(r.counts) as Record<string, unknown>) : null }));
  }
}
