/**
 * The delivery worker: claims due deliveries with a lease, sends each through its channel, and
 * settles it — delivered, retried after a backoff with jitter, deferred without spending an
 * attempt (open circuit), suppressed, or moved to the dead letters once its attempts are spent.
 * Any number of workers may run against one database (docs/DELIVERY.md).
 *
 * `start()` keeps up to `concurrency` sends in flight: a slot that frees is refilled by the next
 * claim, so one slow destination does not hold back the others. Each send is aborted one second
 * before its lease runs out (the lease is the attempt's upper bound, and DELIVERY_LEASE_SECONDS
 * is longer than WEBHOOK_TIMEOUT_MS), so leases need no renewal. A database that is briefly
 * unavailable makes the worker log and back off, never stop.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../clock.ts';
import type { DialectName } from '../db/database.ts';
import type { ChannelKind, Tables } from '../db/schema.ts';
import type { IdPrefix } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { claimDue, settleAttempt, type AttemptRecord, type Settlement } from './outbox.repo.ts';
import {
  boundedWaitMs,
  retryDelayMs,
  type Channel,
  type Delivery,
  type RetrySchedule,
  type SendResult,
} from './outbox.ts';

export interface WorkerOptions {
  /** Names this worker in leases (unique per process); each claim adds a random claim token to it. */
  owner: string;
  /** Deliveries sent at a time. */
  concurrency: number;
  leaseMs: number;
  /** Idle wait between polls. */
  pollMs: number;
  schedule: RetrySchedule;
  /** Jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
  /** Longest wait between two claims while the database keeps failing (default 30 s). */
  maxErrorBackoffMs?: number;
}

/** What one pass did: how many deliveries were claimed and how each settled. */
export interface PassReport {
  claimed: number;
  outcomes: Record<string, number>;
}

/** Text every database stores: PostgreSQL refuses NUL in text, so it is dropped. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '');
}

/** Bounds what a channel may hand back for the attempt log. */
export function excerpt(text: string | undefined, maxBytes = 4096): string | null {
  if (typeof text !== 'string') return null;
  const bytes = Buffer.from(text, 'utf8');
  return storable(
    bytes.length <= maxBytes
      ? text
      : bytes
          .subarray(0, maxBytes)
          .toString('utf8')
          .replace(/\uFFFD$/, ''),
  );
}

export class DeliveryWorker {
  private readonly channels: Map<ChannelKind, Channel>;
  /** Sends in flight, by delivery id: their end and how to abort them. */
  private readonly inFlight = new Map<string, { done: Promise<string>; abort: AbortController }>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private slotFreed: (() => void) | null = null;

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

  /** Sends in flight now. */
  get active(): number {
    return this.inFlight.size;
  }

  /**
   * Claims due deliveries under a claim token of its own (`<owner>:<random>`, the fence of every
   * later write), never one of this process's sends still in flight even when its lease ran out.
   */
  private async claim(limit: number): Promise<Delivery[]> {
    if (limit <= 0 || this.channels.size === 0) return [];
    const now = this.clock.now();
    return claimDue(this.db, this.dialect, {
      nowIso: isoInstant(now),
      leaseUntil: isoInstant(now + this.options.leaseMs),
      owner: `${this.options.owner}:${randomBytes(8).toString('hex')}`,
      limit,
      channels: this.kinds,
      exclude: [...this.inFlight.keys()],
    });
  }

  /** Claims one batch of due deliveries and sends them; resolves when every one is settled. */
  async runOnce(): Promise<PassReport> {
    const claimed = await this.claim(this.options.concurrency);
    const outcomes: Record<string, number> = {};
    await Promise.all(
      claimed.map(async (delivery) => {
        const outcome = await this.track(delivery);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
    );
    return { claimed: claimed.length, outcomes };
  }

  /** Starts sending a claimed delivery as one of the in-flight sends; resolves with how it settled. */
  private track(delivery: Delivery): Promise<string> {
    const abort = new AbortController();
    // Started on the next tick, so the send is in `inFlight` (kept out of every claim) before it begins.
    const done = Promise.resolve()
      .then(() => this.deliver(delivery, abort))
      .catch((err: Error) => {
        // Only the settle can throw (the database went away): the lease runs out and the row is sent again.
        this.log.error(
          { deliveryId: delivery.id, err: { message: err.message } },
          'delivery attempt could not be recorded; it is sent again once its lease runs out',
        );
        return 'unsettled';
      })
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.slotFreed?.();
      });
    this.inFlight.set(delivery.id, { done, abort });
    return done;
  }

  /** Sends one claimed delivery and settles it; returns how it settled (or `lost` when its lease was taken). */
  private async deliver(delivery: Delivery, abort: AbortController): Promise<string> {
    const channel = this.channels.get(delivery.channel)!;
    const attempt = delivery.attempts + 1;
    const startedMs = this.clock.now();
    const started = performance.now();
    // The lease is the attempt's upper bound: past it another worker may claim the row.
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
    let settled: { settlement: Settlement; label: string; record: AttemptRecord | null };
    try {
      settled = this.settled(delivery, attempt, result, now, startedMs, durationMs);
    } catch (err) {
      // A malformed result (a channel's bug, an answer no one foresaw) must still settle the row.
      this.log.error(
        { deliveryId: delivery.id, channel: delivery.channel, err: { message: (err as Error).message } },
        'delivery outcome could not be settled as reported; the attempt is recorded as a retry',
      );
      settled = this.fallback(delivery, attempt, now, startedMs, durationMs, err as Error);
    }
    const write = (s: typeof settled) =>
      settleAttempt(this.db, {
        deliveryId: delivery.id,
        // The claim token this send was claimed with: a later claim of the row (by anyone) fences it out.
        owner: delivery.lease_owner ?? this.options.owner,
        nowIso: isoInstant(now),
        attempt: s.record,
        settlement: s.settlement,
      });
    let kept: boolean;
    try {
      kept = await write(settled);
    } catch (err) {
      // The database refused what the answer carried (or went away): record a plain retry instead.
      // If that fails too, the caller logs it and the row is sent again once its lease runs out.
      this.log.warn(
        { deliveryId: delivery.id, err: { message: (err as Error).message } },
        'delivery attempt could not be recorded as reported; recording a retry',
      );
      settled = this.fallback(delivery, attempt, now, startedMs, durationMs, err as Error);
      kept = await write(settled);
    }
    const { label } = settled;
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

  /** The settlement and attempt record of a result; throws on a result it cannot make sense of. */
  private settled(
    delivery: Delivery,
    attempt: number,
    result: SendResult,
    now: number,
    startedMs: number,
    durationMs: number,
  ): { settlement: Settlement; label: string; record: AttemptRecord | null } {
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
            error: 'error' in result ? storable(result.error.slice(0, 1000)) : null,
            responseExcerpt: excerpt('responseExcerpt' in result ? result.responseExcerpt : undefined),
          };
    return { settlement, label, record };
  }

  /** A retry after the backoff (or dead when the budget is spent), recorded with what went wrong. */
  private fallback(
    delivery: Delivery,
    attempt: number,
    now: number,
    startedMs: number,
    durationMs: number,
    err: Error,
  ): { settlement: Settlement; label: string; record: AttemptRecord } {
    const inBudget = attempt - delivery.budget_start;
    const { schedule } = this.options;
    const settlement: Settlement =
      inBudget >= schedule.maxAttempts
        ? { status: 'dead' }
        : {
            status: 'pending',
            nextAttemptAt: isoInstant(now + retryDelayMs(inBudget, schedule, this.options.random)),
            countsAsAttempt: true,
          };
    return {
      settlement,
      label: settlement.status === 'dead' ? 'dead' : 'retry',
      record: {
        id: this.newId('dla'),
        attempt,
        startedAt: isoInstant(startedMs),
        durationMs,
        outcome: 'retry',
        statusCode: null,
        errorClass: 'network',
        error: storable(`the outcome could not be recorded: ${String(err.message)}`.slice(0, 1000)),
        responseExcerpt: null,
      },
    };
  }

  private settle(
    delivery: Delivery,
    attempt: number,
    result: SendResult,
    now: number,
  ): { settlement: Settlement; label: string } {
    const { schedule } = this.options;
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
            // The last line of defence: no wait beyond the schedule's longest delay.
            nextAttemptAt: isoInstant(now + boundedWaitMs(result.retryAfterMs, schedule.maxDelayMs, schedule.baseMs)),
            countsAsAttempt: false,
          },
          label: 'deferred',
        };
      case 'retry': {
        // The budget restarts at a redelivery; attempt numbers do not.
        const inBudget = attempt - delivery.budget_start;
        if (inBudget >= schedule.maxAttempts) return { settlement: { status: 'dead' }, label: 'dead' };
        const backoff = retryDelayMs(inBudget, schedule, this.options.random);
        const asked = result.retryAfterMs === undefined ? 0 : boundedWaitMs(result.retryAfterMs, schedule.maxDelayMs);
        const wait = Math.max(backoff, asked);
        return {
          settlement: { status: 'pending', nextAttemptAt: isoInstant(now + wait), countsAsAttempt: true },
          label: 'retry',
        };
      }
      default:
        throw new Error(`unknown outcome ${JSON.stringify((result as { outcome: unknown }).outcome)}`);
    }
  }

  /**
   * Sends until stopped, keeping up to `concurrency` sends in flight. After a claim that filled
   * every free slot the worker claims again as soon as a slot frees; otherwise it waits `pollMs`
   * (or a `notify`). A failing claim (database unavailable) is logged and retried after a wait
   * that doubles with each failure in a row, up to `maxErrorBackoffMs`.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const maxBackoff = this.options.maxErrorBackoffMs ?? 30_000;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        const free = this.options.concurrency - this.inFlight.size;
        let saturated = false;
        if (free > 0) {
          try {
            const claimed = await this.claim(free);
            if (failures > 0) this.log.info({ failures }, 'delivery worker reaches the database again');
            failures = 0;
            for (const delivery of claimed) void this.track(delivery);
            saturated = claimed.length === free;
          } catch (err) {
            failures++;
            const waitMs = Math.min(maxBackoff, this.options.pollMs * 2 ** (failures - 1));
            this.log.error(
              { err: { message: (err as Error).message }, failures, retryInMs: waitMs },
              'delivery claim failed; retrying',
            );
            if (this.running) await this.idle(waitMs, false);
            continue;
          }
        }
        if (!this.running) break;
        // Full: wait for a slot. More work was due: claim again at once. Otherwise: poll.
        if (this.inFlight.size >= this.options.concurrency) await this.idle(this.options.pollMs, true);
        else if (!saturated) await this.idle(this.options.pollMs, false);
      }
    })();
  }

  /** Wakes an idle worker (an enqueue in this process). */
  notify(): void {
    this.wake?.();
  }

  /** Waits `ms`, or until notified; `onSlot` also wakes when an in-flight send ends. */
  private idle(ms: number, onSlot: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.slotFreed = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (onSlot) this.slotFreed = done;
    });
  }

  /**
   * Stops claiming and waits for the sends in flight to settle, at most `graceMs`; sends still
   * running then are aborted (their channel returns at once and the attempt is recorded, or the
   * row is sent again once its lease runs out).
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<{ inFlight: number; aborted: number }> {
    try {
      return await this.drain(graceMs);
    } finally {
      for (const channel of this.channels.values()) channel.close?.();
    }
  }

  private async drain(graceMs: number): Promise<{ inFlight: number; aborted: number }> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const pending = [...this.inFlight.values()];
    if (pending.length === 0) return { inFlight: 0, aborted: 0 };
    const all = Promise.allSettled(pending.map((p) => p.done));
    let timer: NodeJS.Timeout | undefined;
    const deadline = Number.isFinite(graceMs)
      ? new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))
      : new Promise<boolean>(() => undefined);
    const late = await Promise.race([all.then(() => false), deadline]);
    clearTimeout(timer);
    if (!late) return { inFlight: pending.length, aborted: 0 };
    const left = [...this.inFlight.values()];
    for (const p of left) p.abort.abort(new Error('shutting down'));
    // An aborted send settles at once; a channel that ignores the signal is not waited for long.
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    return { inFlight: pending.length, aborted: left.length };
  }
}
