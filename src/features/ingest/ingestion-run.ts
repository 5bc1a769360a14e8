/**
 * One ingestion run: one per command or request. It keeps the accounting pinned in DESIGN §10 —
 * `rows_read = accepted + updated + unchanged + rejected`, rejections by reason — collects
 * per-part failures without stopping the run, archives raw payloads for `import rematch`, and
 * checkpoints progress so a failed run can be resumed.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import type { Tables } from '../../platform/db/schema.ts';
import * as repo from './runs.repo.ts';

export interface WriteOutcome {
  accepted: number;
  updated: number;
  unchanged: number;
}

export interface RunStart {
  source: string;
  feed: string;
  kind: 'catalog' | 'prices' | 'products' | 'search_interest' | 'fx' | 'rematch';
  from?: string | null;
  to?: string | null;
  params?: Record<string, unknown>;
  resumes?: string | null;
}

export interface RunSummary {
  id: string;
  source: string;
  status: repo.IngestionRunRow['status'];
  rows_read: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejected_by_reason: Record<string, number>;
  failures: { item: string; error: string }[];
  error: string | null;
}

export class IngestionRun {
  accepted = 0;
  updated = 0;
  unchanged = 0;
  readonly rejectedByReason: Record<string, number> = {};
  readonly failures: { item: string; error: string }[] = [];
  private checkpointValue: unknown = null;

  constructor(
    readonly id: string,
    readonly start: RunStart,
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly keepPayloads: boolean,
  ) {}

  get rejected(): number {
    return Object.values(this.rejectedByReason).reduce((a, b) => a + b, 0);
  }

  get rowsRead(): number {
    return this.accepted + this.updated + this.unchanged + this.rejected;
  }

  /** Counts rows that were not stored, by stable reason. */
  reject(reason: string, count = 1): void {
    if (count > 0) this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + count;
  }

  /** Adds what a write stored. */
  add(outcome: WriteOutcome): void {
    this.accepted += outcome.accepted;
    this.updated += outcome.updated;
    this.unchanged += outcome.unchanged;
  }

  /** Records a part (a set, a page, a file) that failed while the run goes on. */
  fail(item: string, error: unknown): void {
    this.failures.push({ item, error: error instanceof Error ? error.message : String(error) });
  }

  /** Keeps a raw upstream payload (compressed) so rejected rows can be re-matched later. */
  async savePayload(name: string, body: string | Uint8Array): Promise<void> {
    if (this.keepPayloads) await repo.insertPayload(this.db, this.id, name, body, isoInstant(this.clock.now()));
  }

  /** Persists counts and a resume point (source-specific, JSON-serialisable). */
  async checkpoint(value: unknown): Promise<void> {
    this.checkpointValue = value;
    await repo.updateRun(this.db, this.id, { ...this.countColumns(), checkpoint: JSON.stringify(value) });
  }

  private countColumns() {
    return {
      rows_read: this.rowsRead,
      accepted: this.accepted,
      updated: this.updated,
      unchanged: this.unchanged,
      rejected: this.rejected,
      rejected_by_reason: JSON.stringify(this.rejectedByReason),
      failures: JSON.stringify(this.failures),
    };
  }

  /**
   * Closes the run: `failed` when `error` is given, `partial` when some parts failed, else
   * `succeeded`.
   */
  async finish(error?: unknown): Promise<RunSummary> {
    const status = error ? 'failed' : this.failures.length > 0 ? 'partial' : 'succeeded';
    const message = error ? (error instanceof Error ? error.message : String(error)) : null;
    await repo.updateRun(this.db, this.id, {
      ...this.countColumns(),
      status,
      error: message,
      finished_at: isoInstant(this.clock.now()),
      checkpoint: this.checkpointValue === null ? null : JSON.stringify(this.checkpointValue),
    });
    // Whatever the run wrote is now visible to public reads: their ETags must change.
    await bumpDataVersion(this.db, this.clock);
    return {
      id: this.id,
      source: this.start.source,
      status,
      rows_read: this.rowsRead,
      accepted: this.accepted,
      updated: this.updated,
      unchanged: this.unchanged,
      rejected: this.rejected,
      rejected_by_reason: { ...this.rejectedByReason },
      failures: [...this.failures],
      error: message,
    };
  }
}

/** Starts and lists runs. */
export class IngestionRuns {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: 'run') => string,
    private readonly options: { keepPayloads: boolean } = { keepPayloads: true },
  ) {}

  async start(start: RunStart): Promise<IngestionRun> {
    const id = this.newId('run');
    await repo.insertRun(this.db, {
      id,
      source: start.source,
      feed: start.feed,
      kind: start.kind,
      range_from: start.from ?? null,
      range_to: start.to ?? null,
      params: start.params ? JSON.stringify(start.params) : null,
      status: 'running',
      started_at: isoInstant(this.clock.now()),
      finished_at: null,
      rows_read: 0,
      accepted: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      rejected_by_reason: '{}',
      failures: '[]',
      checkpoint: null,
      resumes: start.resumes ?? null,
      error: null,
    });
    return new IngestionRun(id, start, this.db, this.clock, this.options.keepPayloads);
  }

  /** The `known_at` instant of rows a run writes now. */
  nowIso(): string {
    return isoInstant(this.clock.now());
  }

  get(id: string) {
    return repo.findRun(this.db, id);
  }

  list(filter: repo.RunFilter) {
    return repo.listRuns(this.db, filter);
  }

  payloads(runId: string) {
    return repo.readPayloads(this.db, runId);
  }
}
