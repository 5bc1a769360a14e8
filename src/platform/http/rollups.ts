/**
 * Per-minute request roll-ups (docs/OBSERVABILITY.md "Request roll-ups"): every answered request
 * is added to an in-memory aggregate per minute, route template, method, status class and problem
 * code; the aggregate is written in batches (one upsert that adds to the stored rows) every
 * ROLLUP_FLUSH_SECONDS and on close, never once per request.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../clock.ts';
import type { Tables } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { SLO_LATENCY_BUCKETS_SECONDS } from '../metrics.ts';
import { addRollups, LATENCY_COLUMNS, type RollupRow } from './rollups.repo.ts';

export interface RollupOptions {
  /** Distinct keys kept per minute; further keys are counted under route `unmatched`. */
  maxKeysPerMinute: number;
  /** Minutes of unwritten counts kept while the database refuses them; older ones are dropped (logged). */
  maxPendingMinutes: number;
}

/** The status class label of an HTTP status (`2xx` … `5xx`). */
export function statusClass(status: number): string {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
}

export class RequestRollups {
  private pending = new Map<string, RollupRow>();
  private keysPerMinute = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();
  /** Requests whose counts were dropped because the database refused them for too long. */
  dropped = 0;
  private minuteMs = Number.NaN;
  private minute = '';

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: RollupOptions,
  ) {}

  /** Distinct keys waiting to be written. */
  get size(): number {
    return this.pending.size;
  }

  record(route: string, method: string, status: number, code: string, seconds: number): void {
    const minuteMs = Math.floor(this.clock.now() / 60_000) * 60_000;
    // Formatted once per minute, not per request.
    if (minuteMs !== this.minuteMs) {
      this.minuteMs = minuteMs;
      this.minute = isoInstant(minuteMs);
    }
    const minute = this.minute;
    const status_class = statusClass(status);
    let key = `${minute}\u0000${route}\u0000${method}\u0000${status_class}\u0000${code}`;
    let row = this.pending.get(key);
    if (!row) {
      const used = this.keysPerMinute.get(minute) ?? 0;
      if (used >= this.options.maxKeysPerMinute && route !== 'unmatched') {
        route = 'unmatched';
        key = `${minute}\u0000${route}\u0000${method}\u0000${status_class}\u0000${code}`;
        row = this.pending.get(key);
      }
      if (!row) {
        row = emptyRow(minute, route, method, status_class, code);
        this.pending.set(key, row);
        this.keysPerMinute.set(minute, used + 1);
      }
    }
    addObservation(row, seconds);
  }

  /** Writes the counts gathered so far; on failure they are kept for the next flush (bounded) and the error is logged. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  /** Requests counted but not yet written. */
  get pendingRequests(): number {
    let n = 0;
    for (const row of this.pending.values()) n += row.requests;
    return n;
  }

  /**
   * The final flush at shutdown: what it cannot write is lost, and one line says how many
   * requests' counts that is.
   */
  async close(): Promise<void> {
    await this.flush();
    const lost = this.pendingRequests;
    if (lost > 0)
      this.log.error(
        { lostRequests: lost, pendingKeys: this.pending.size },
        `request roll-up counts of ${lost} requests lost at shutdown: the final flush failed`,
      );
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.keysPerMinute = new Map();
    try {
      await addRollups(this.db, [...batch.values()]);
    } catch (err) {
      this.restore(batch);
      this.log.error(
        { err: { message: (err as Error).message }, pendingKeys: this.pending.size, dropped: this.dropped },
        'request roll-up flush failed; the counts are kept for the next flush',
      );
    }
  }

  /** Puts a failed batch back (added to what arrived meanwhile), dropping the oldest minutes beyond the bound. */
  private restore(batch: Map<string, RollupRow>): void {
    for (const [key, row] of batch) {
      const current = this.pending.get(key);
      if (current) mergeInto(current, row);
      else {
        this.pending.set(key, row);
        this.keysPerMinute.set(row.minute, (this.keysPerMinute.get(row.minute) ?? 0) + 1);
      }
    }
    const minutes = [...this.keysPerMinute.keys()].sort();
    const excess = minutes.slice(0, Math.max(0, minutes.length - this.options.maxPendingMinutes));
    if (excess.length === 0) return;
    const gone = new Set(excess);
    for (const [key, row] of this.pending) {
      if (!gone.has(row.minute)) continue;
      this.dropped += row.requests;
      this.pending.delete(key);
    }
    for (const minute of excess) this.keysPerMinute.delete(minute);
  }
}

function emptyRow(minute: string, route: string, method: string, status_class: string, code: string): RollupRow {
  const row = { minute, route, method, status_class, code, requests: 0, duration_seconds_sum: 0 } as RollupRow;
  for (const column of LATENCY_COLUMNS) row[column] = 0;
  return row;
}

function addObservation(row: RollupRow, seconds: number): void {
  row.requests += 1;
  row.duration_seconds_sum += seconds;
  for (let i = SLO_LATENCY_BUCKETS_SECONDS.length - 1; i >= 0; i--) {
    if (seconds > SLO_LATENCY_BUCKETS_SECONDS[i]!) break;
    row[LATENCY_COLUMNS[i]!] += 1;
  }
}

function mergeInto(target: RollupRow, source: RollupRow): void {
  target.requests += source.requests;
  target.duration_seconds_sum += source.duration_seconds_sum;
  for (const column of LATENCY_COLUMNS) target[column] += source[column];
}
