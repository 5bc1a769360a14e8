/**
 * Cron schedules that run exactly once per slot however many processes run them: each process
 * fires on the cron, and the first to insert (job, slot) into `scheduled_runs` runs it; the
 * others see the row and skip. Within one process a run never overlaps its previous run.
 */
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from './clock.ts';
import type { Tables } from './db/schema.ts';
import type { Logger } from './log.ts';
import { claimSlot, finishSlot } from './scheduled-runs.repo.ts';
import { inSpan } from './tracing.ts';

export interface Job {
  name: string;
  /** Cron expression, evaluated in UTC. */
  cron: string;
  description: string;
  run(): Promise<Record<string, unknown> | void>;
}

export type SlotOutcome = 'ran' | 'failed' | 'taken';

export class Scheduler {
  private crons: Cron[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly instance: string,
    readonly jobs: Job[],
  ) {}

  start(): void {
    for (const job of this.jobs) {
      const cron = new Cron(job.cron, { timezone: 'UTC', protect: true }, async () => {
        // Slots are whole minutes: every process that fires for the same tick names the same slot.
        const slot = isoInstant(Math.floor(this.clock.now() / 60_000) * 60_000);
        const p = this.runSlot(job, slot);
        this.running.add(p);
        await p.finally(() => this.running.delete(p));
      });
      this.crons.push(cron);
    }
    this.log.info({ jobs: this.jobs.map((j) => ({ name: j.name, cron: j.cron })) }, 'scheduler started');
  }

  /** Runs `job` for `slot` unless another process (or an earlier call) already claimed it. */
  async runSlot(job: Job, slot: string): Promise<SlotOutcome> {
    const claimed = await claimSlot(this.db, {
      job: job.name,
      slot,
      instance: this.instance,
      startedAt: isoInstant(this.clock.now()),
    });
    if (!claimed) {
      this.log.debug({ job: job.name, slot }, 'scheduled slot taken by another process');
      return 'taken';
    }
    const finish = (status: 'succeeded' | 'failed', error: string | null) =>
      finishSlot(this.db, { job: job.name, slot, status, error, finishedAt: isoInstant(this.clock.now()) });
    try {
      // A span per run (with tracing on): a pipeline child started by the job continues its trace.
      const counts = await inSpan(`job ${job.name}`, { 'cardquant.job': job.name }, () => job.run());
      await finish('succeeded', null);
      this.log.info({ job: job.name, slot, ...(counts ?? {}) }, 'scheduled job done');
      return 'ran';
    } catch (err) {
      await finish('failed', (err as Error).message);
      this.log.error({ job: job.name, slot, err: { message: (err as Error).message } }, 'scheduled job failed');
      return 'failed';
    }
  }

  /** Stops firing and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const cron of this.crons) cron.stop();
    this.crons = [];
    await Promise.allSettled([...this.running]);
  }
}
