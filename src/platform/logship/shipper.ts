/**
 * One log destination's queue: lines are gathered into batches (by count, bytes or age), batches
 * wait in a bounded buffer, and the oldest batch is sent until the receiver answers 2xx; only
 * then is it removed (at-least-once). A receiver that is down never blocks the caller: `offer`
 * only appends, and when the buffer is full the OLDEST batch is dropped and counted.
 *
 * Retry is not a loop that waits: one batch is in flight at a time and, after a failure, the
 * next attempt is scheduled after cockatiel's exponential backoff with decorrelated jitter. A
 * retry budget (cockatiel's `retry` policy) would give up on a batch, but a batch must outlive
 * an outage of any length; only the memory bound may drop it.
 */
import { ExponentialBackoff, type IBackoff } from 'cockatiel';

/** A line as it leaves the process: JSON text (no newline) and who wrote it. */
export interface ShippedLine {
  text: string;
  /** Process role that wrote the line (start, serve, worker, pipeline, backtest). */
  role: string;
}

/** A receiver. `send` resolves after a 2xx and rejects otherwise. */
export interface LogSink {
  readonly destination: 's3' | 'loki' | 'otlp';
  send(lines: readonly ShippedLine[]): Promise<void>;
  /** Releases connections (after the last send). */
  close?(): void;
}

/** Thrown by a sink for an answer that a retry cannot change (a 4xx other than 408/429). */
export class PermanentSendError extends Error {}

/** Timers are injected so tests move time by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Real timers that never keep the process alive. */
export const systemTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ShipperLimits {
  batchLines: number;
  batchBytes: number;
  flushMs: number;
  bufferBytes: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export type DropReason = 'buffer_full' | 'rejected';

interface Batch {
  lines: ShippedLine[];
  bytes: number;
}

/** What a shipper has done so far; read at scrape time. */
export interface ShipperCounts {
  shippedLines: number;
  failedAttempts: number;
  dropped: Record<DropReason, number>;
}

/** Notices for the operator (written to stdout only, never shipped, so a failing receiver cannot feed itself). */
export interface ShipperNotices {
  failing(destination: string, error: string): void;
  recovered(destination: string, shippedAfterMs: number): void;
  dropped(destination: string, reason: DropReason, lines: number): void;
}

/**
 * @example
 * const shipper = new LogShipper(sink, limits);
 * shipper.offer({ text: '{"level":"info"}', role: 'serve' });
 * await shipper.close(10_000);
 */
export class LogShipper {
  private pending: ShippedLine[] = [];
  private pendingBytes = 0;
  private readonly queue: Batch[] = [];
  private queuedBytes = 0;
  private inFlight: Batch | null = null;
  private sending: Promise<void> | null = null;
  private flushTimer: unknown = null;
  private retryTimer: unknown = null;
  private backoff: IBackoff<unknown> | null = null;
  private failingSince: number | null = null;
  private readonly idle: (() => void)[] = [];
  readonly counts: ShipperCounts = { shippedLines: 0, failedAttempts: 0, dropped: { buffer_full: 0, rejected: 0 } };

  constructor(
    readonly sink: LogSink,
    private readonly limits: ShipperLimits,
    private readonly timers: Timers = systemTimers,
    private readonly notices?: ShipperNotices,
    private readonly now: () => number = Date.now,
  ) {}

  get destination(): string {
    return this.sink.destination;
  }

  /** Bytes held: the open batch, the queued batches and the one in flight. */
  get bufferedBytes(): number {
    return this.pendingBytes + this.queuedBytes;
  }

  /** Adds a line; never waits and never throws. */
  offer(line: ShippedLine): void {
    const bytes = Buffer.byteLength(line.text) + 1;
    this.pending.push(line);
    this.pendingBytes += bytes;
    if (this.pending.length >= this.limits.batchLines || this.pendingBytes >= this.limits.batchBytes) this.seal();
    else if (this.flushTimer === null) this.flushTimer = this.timers.set(() => this.flush(), this.limits.flushMs);
    this.enforceBound();
  }

  /** Resolves once no send is in flight (a batch waiting out a backoff is not in flight). */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Closes the open batch and starts sending (the interval timer calls it; tests may too). */
  flush(): void {
    this.seal();
    this.pump();
  }

  /**
   * Sends what is buffered, waiting at most `graceMs`; resolves early once everything is
   * acknowledged. What is still unacknowledged then is given up and reported as `unsentLines`.
   */
  async close(graceMs: number): Promise<{ unsentLines: number }> {
    this.seal();
    if (this.retryTimer !== null) {
      // A shutdown does not wait out a backoff: one more attempt now.
      this.timers.clear(this.retryTimer);
      this.retryTimer = null;
    }
    this.pump();
    if (this.inFlight || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.timers.set(resolve, graceMs);
        this.idle.push(() => {
          this.timers.clear(timer);
          resolve();
        });
      });
    }
    this.sink.close?.();
    return { unsentLines: this.queue.reduce((n, b) => n + b.lines.length, 0) };
  }

  private seal(): void {
    if (this.flushTimer !== null) {
      this.timers.clear(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.pending.length === 0) return;
    this.queue.push({ lines: this.pending, bytes: this.pendingBytes });
    this.queuedBytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.pump();
  }

  /** Drops the oldest batch not in flight until the buffer fits; the open batch goes last. */
  private enforceBound(): void {
    while (this.bufferedBytes > this.limits.bufferBytes) {
      const index = this.queue.findIndex((b) => b !== this.inFlight);
      if (index >= 0) {
        const [batch] = this.queue.splice(index, 1);
        this.queuedBytes -= batch!.bytes;
        this.drop('buffer_full', batch!.lines.length);
      } else if (this.pending.length > 0) {
        this.drop('buffer_full', this.pending.length);
        this.pending = [];
        this.pendingBytes = 0;
      } else return;
    }
  }

  private drop(reason: DropReason, lines: number): void {
    this.counts.dropped[reason] += lines;
    this.notices?.dropped(this.destination, reason, lines);
  }

  private pump(): void {
    if (this.inFlight !== null || this.retryTimer !== null) return;
    const batch = this.queue[0];
    if (!batch) {
      for (const done of this.idle.splice(0)) done();
      return;
    }
    this.inFlight = batch;
    let sent: Promise<void>;
    try {
      sent = this.sink.send(batch.lines);
    } catch (err) {
      sent = Promise.reject(err as Error);
    }
    this.sending = sent.then(
      () => this.settle(batch, null),
      (err: unknown) => this.settle(batch, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private settle(batch: Batch, error: Error | null): void {
    this.inFlight = null;
    this.sending = null;
    if (error === null || error instanceof PermanentSendError) {
      this.remove(batch);
      if (error) {
        this.counts.failedAttempts += 1;
        this.drop('rejected', batch.lines.length);
      } else this.counts.shippedLines += batch.lines.length;
      if (this.failingSince !== null) this.notices?.recovered(this.destination, this.now() - this.failingSince);
      this.failingSince = null;
      this.backoff = null;
      this.pump();
      return;
    }
    this.counts.failedAttempts += 1;
    if (this.failingSince === null) {
      this.failingSince = this.now();
      this.notices?.failing(this.destination, error.message);
    }
    this.backoff = this.backoff
      ? this.backoff.next(undefined)
      : new ExponentialBackoff({
          initialDelay: this.limits.backoffInitialMs,
          maxDelay: this.limits.backoffMaxMs,
        }).next();
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.pump();
    }, this.backoff.duration);
  }

  private remove(batch: Batch): void {
    const index = this.queue.indexOf(batch);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.queuedBytes -= batch.bytes;
  }
}
