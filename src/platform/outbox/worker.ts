/**
 * The delivery worker: claims due deliveries with a lease, sends each through its channel, and
 * settles it — delivered, retried after a backoff with jitter, deferred without spending an
 * attempt (open circuit), suppressed, or moved to the dead letters once its attempts are spent.
 * Any number of workers may run against one database (docs/DELIVERY.md).
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../clock.ts';
import type { DialectName } from '../db/database.ts';
import type { ChannelKind, Tables } from '../db/schema.ts';
import type { IdPrefix } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { claimDue, settleAttempt, type AttemptRecord, type Settlement } from './outbox.repo.ts';
import { retryDelayMs, type Channel, type Delivery, type RetrySchedule, type SendResult } from './outbox.ts';

export interface WorkerOptions {
  /** Names this worker in leases (unique per process). */
  owner: string;
  /** Deliveries sent at a time. */
  concurrency: number;
  leaseMs: number;
  /** Idle wait between polls. */
  pollMs: number;
  schedule: RetrySchedule;
  /** Jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/** What one pass did: how many deliveries were claimed and how each settled. */
export interface PassReport {
  claimed: number;
  outcomes: Record<string, number>;
}

/** Bounds what a channel may hand back for the attempt log. */
export function excerpt(text: string | undefined, maxBytes = 4096): string | null {
  if (text === undefined) return null;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= maxBytes
    ? text
    : bytes
        .subarray(0, maxBytes)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

export class DeliveryWorker {
  private readonly channels: Map<ChannelKind, Channel>;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly log: Logger,
    channels: Channel[],
    private readonly options: WorkerOptions,
    private readonly metrics?: Metrics,
  ) {
    this.channels = new Map(channels.map((c) => [c.kind, c]));
  }

  /** The channel kinds this worker sends (a delivery of another kind waits for a worker that has it). */
  get kinds(): ChannelKind[] {
    return [...this.channels.keys()];
  }

  /** Claims one batch of due deliveries and sends them; resolves when every one is settled. */
  async runOnce(): Promise<PassReport> {
    const now = this.clock.now();
    const claimed = await claimDue(this.db, this.dialect, {
      nowIso: isoInstant(now),
      leaseUntil: isoInstant(now + this.options.leaseMs),
      owner: this.options.owner,
      limit: this.options.concurrency,
      channels: this.kinds,
    });
    const outcomes: Record<string, number> = {};
    await Promise.all(
      claimed.map(async (delivery) => {
        const outcome = await this.deliver(delivery);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
    );
    return { claimed: claimed.length, outcomes };
  }

  /** Sends one claimed delivery and settles it; returns how it settled (or `lost` when its lease was taken). */
  private async deliver(delivery: Delivery): Promise<string> {
    const channel = this.channels.get(delivery.channel)!;
    const attempt = delivery.attempts + 1;
    const startedMs = this.clock.now();
    const started = performance.now();
    // The lease is the attempt's upper bound: past it another worker may claim the row.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error('lease ran out')), Math.max(1, this.options.leaseMs - 1000));
    let result: SendResult;
    try {
      result = await channel.send(delivery, attempt, abort.signal);
    } catch (err) {
      this.log.error(
        { deliveryId: delivery.id, channel: delivery.channel, err: { message: (err as Error).message } },
        'delivery channel threw; the attempt is retried',
      );
      result = { outcome: 'retry', errorClass: 'network', error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round(performance.now() - started);
    const now = this.clock.now();
    const { settlement, label } = this.settle(delivery, attempt, result, now);
    const record: AttemptRecord | null =
      result.outcome === 'deferred'
        ? null
        : {
            id: this.newId('dla'),
            attempt,
            startedAt: isoInstant(startedMs),
            durationMs,
            outcome: result.outcome,
            statusCode: 'statusCode' in result ? (result.statusCode ?? null) : null,
            errorClass: 'errorClass' in result ? result.errorClass : null,
            error: 'error' in result ? result.error.slice(0, 1000) : null,
            responseExcerpt: excerpt('responseExcerpt' in result ? result.responseExcerpt : undefined),
          };
    const kept = await settleAttempt(this.db, {
      deliveryId: delivery.id,
      owner: this.options.owner,
      nowIso: isoInstant(now),
      attempt: record,
      settlement,
    });
    if (!kept) {
      this.log.warn({ deliveryId: delivery.id }, 'delivery lease was lost before the attempt was recorded');
      return 'lost';
    }
    this.metrics?.deliveryAttempts.inc({ channel: delivery.channel, outcome: label });
    if (label === 'delivered') {
      const latency = (now - Date.parse(delivery.triggered_at)) / 1000;
      this.metrics?.deliveryLatency.observe({ channel: delivery.channel }, Math.max(0, latency));
    }
    return label;
  }

  private settle(
    delivery: Delivery,
    attempt: number,
    result: SendResult,
    now: number,
  ): { settlement: Settlement; label: string } {
    switch (result.outcome) {
      case 'delivered':
        return {
          settlement: {
            status: 'delivered',
            deliveredAt: isoInstant(now),
            providerMessageId: result.providerMessageId ?? null,
          },
          label: 'delivered',
        };
      case 'suppressed':
        return { settlement: { status: 'suppressed' }, label: 'suppressed' };
      case 'failed':
        return { settlement: { status: 'dead' }, label: 'dead' };
      case 'deferred':
        return {
          settlement: {
            status: 'pending',
            nextAttemptAt: isoInstant(now + result.retryAfterMs),
            countsAsAttempt: false,
          },
          label: 'deferred',
        };
      case 'retry': {
        if (attempt >= this.options.schedule.maxAttempts) return { settlement: { status: 'dead' }, label: 'dead' };
        const backoff = retryDelayMs(attempt, this.options.schedule, this.options.random);
        const wait = Math.max(backoff, result.retryAfterMs ?? 0);
        return {
          settlement: { status: 'pending', nextAttemptAt: isoInstant(now + wait), countsAsAttempt: true },
          label: 'retry',
        };
      }
    }
  }

  /** Polls until stopped: a pass that found work is followed at once by another. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let claimed = 0;
        try {
          claimed = (await this.runOnce()).claimed;
        } catch (err) {
          this.log.error({ err: { message: (err as Error).message } }, 'delivery pass failed');
        }
        if (claimed === 0 && this.running) await this.idle();
      }
    })();
  }

  /** Wakes an idle worker (an enqueue in this process). */
  notify(): void {
    this.wake?.();
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Stops polling and waits for the pass in progress to settle what it claimed. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }
}
