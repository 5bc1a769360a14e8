/**
 * One ingestion run: one per command or request. It keeps the accounting pinned in DESIGN §10 —
 * `rows_read = accepted + updated + unchanged + rejected`, rejections by reason — collects
 * per-part failures without stopping the run, archives raw payloads for `import rematch`, and
 * checkpoints progress so a failed run can be resumed.
 */
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/log.ts';
import type { RejectExample, RunStart, RunSummary, RunTally, WriteOutcome } from '../../shared/run-accounting.ts';
import { REJECT_EXAMPLES } from '../../shared/run-accounting.ts';
import * as repo from './runs.repo.ts';

/** What an operator can do when every row was rejected for one of these reasons. */
const REASON_HINTS: Record<string, string> = {
  unmatched_product: 'did you forget --map (a TCGplayer → card cross-walk)?',
  unmapped_product: 'import the product listings (`cardquant import products tcgcsv …`) or a cross-walk (--map)',
  card_not_in_catalog: 'import the catalogue first (`cardquant import catalog …`)',
  unknown_card: 'import the catalogue first (`cardquant import catalog …`)',
  impossible_date: 'check the date column or the folder names (YYYY-MM-DD)',
  malformed_row: 'check the file layout against the README',
};

/**
 * The message of a run that stored nothing because every row it read was rejected, naming the
 * reasons (largest first) and a hint for the largest.
 *
 * @example
 * allRejectedMessage({ unmatched_product: 1234 }); // 'every row was rejected: 1,234 unmatched_product — did you forget --map …?'
 */
export function allRejectedMessage(byReason: Record<string, number>): string {
  const reasons = Object.entries(byReason).sort((a, b) => b[1] - a[1]);
  const hint = reasons[0] ? REASON_HINTS[reasons[0][0]] : undefined;
  return `every row was rejected: ${reasons.map(([r, n]) => `${n.toLocaleString('en-US')} ${r}`).join(', ')}${hint ? ` — ${hint}` : ''}`;
}

export class IngestionRun implements RunTally {
  accepted = 0;
  updated = 0;
  unchanged = 0;
  readonly rejectedByReason: Record<string, number> = {};
  readonly failures: { item: string; error: string }[] = [];
  readonly rejectedExamples: RejectExample[] = [];
  droppedPlaceholderFields = 0;
  private checkpointValue: unknown = null;
  private emptyHint: string | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;

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

  /**
   * Counts rows that were not stored, by stable reason. With `example` (where, and the field and
   * value at fault), the first `REJECT_EXAMPLES` such rows are named in the run.
   */
  reject(reason: string, count = 1, example?: { at: string; detail: string }): void {
    if (count <= 0) return;
    this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + count;
    if (example && this.rejectedExamples.length < REJECT_EXAMPLES)
      this.rejectedExamples.push({ at: example.at, reason, detail: example.detail.slice(0, 200) });
  }

  /** Counts placeholder fields dropped from rows that were kept. */
  dropPlaceholders(count: number): void {
    this.droppedPlaceholderFields += count;
  }

  /**
   * Says what the run looked for, for the message of a run that read nothing
   * (`no price files under DIR for 2025-09-01…2025-09-30`).
   */
  explainEmpty(hint: string): void {
    this.emptyHint = hint;
  }

  /** Takes a row counted as stored (`accepted` or `updated`) back out, as rejected with `reason` (a collision found later). */
  retract(from: 'accepted' | 'updated', reason: string): void {
    this[from] -= 1;
    this.reject(reason);
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

  /** Keeps several raw upstream payloads at once (fewer statements than one `savePayload` each), in order. */
  async savePayloads(payloads: readonly { name: string; body: string | Uint8Array }[]): Promise<void> {
    if (this.keepPayloads && payloads.length > 0)
      await repo.insertPayloads(this.db, this.id, payloads, isoInstant(this.clock.now()));
  }

  /** Whether this run keeps its raw payloads (a source that compresses as it reads can skip the work when not). */
  get keepsPayloads(): boolean {
    return this.keepPayloads;
  }

  /**
   * Keeps a raw upstream payload that the source gzip-compressed (level 1) while reading it, so a
   * large file is never held uncompressed; `bytes` is its decompressed size.
   */
  async saveGzippedPayload(name: string, gzipped: Uint8Array, bytes: number): Promise<void> {
    if (this.keepPayloads)
      await repo.insertGzippedPayload(this.db, this.id, name, gzipped, bytes, isoInstant(this.clock.now()));
  }

  /** Persists counts and a resume point (source-specific, JSON-serialisable); also a heartbeat. */
  async checkpoint(value: unknown): Promise<void> {
    this.checkpointValue = value;
    await repo.updateRun(this.db, this.id, {
      ...this.countColumns(),
      checkpoint: JSON.stringify(value),
      heartbeat_at: isoInstant(this.clock.now()),
    });
  }

  /**
   * Writes `heartbeat_at` every `intervalMs` until the run finishes, whenever the event loop is
   * free (between chunks of work): a run whose heartbeat is overdue is taken to be dead.
   */
  startHeartbeat(intervalMs: number, onError: (err: Error) => void): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = setInterval(() => {
      repo.updateRun(this.db, this.id, { heartbeat_at: isoInstant(this.clock.now()) }).catch(onError);
    }, intervalMs);
    this.beat.unref();
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
      dropped_placeholder_fields: this.droppedPlaceholderFields,
      rejected_examples: JSON.stringify(this.rejectedExamples),
    };
  }

  /**
   * Why a run that threw nothing still failed: it read no rows, or it rejected every row.
   * A run that stored nothing never reports success.
   */
  private outcomeError(): string | null {
    if (this.rowsRead === 0) {
      const failed =
        this.failures.length > 0
          ? ` (${this.failures.length} part${this.failures.length === 1 ? '' : 's'} failed: ${this.failures[0]!.error})`
          : '';
      return `${this.emptyHint ?? 'the run read no rows'}${failed}`;
    }
    if (this.rejected === this.rowsRead) return allRejectedMessage(this.rejectedByReason);
    return null;
  }

  /**
   * Closes the run: `failed` when `error` is given, when it read no rows or when it rejected
   * every row (the message says which and what to check); `partial` when some parts failed;
   * else `succeeded`.
   */
  async finish(error?: unknown): Promise<RunSummary> {
    if (this.beat) clearInterval(this.beat);
    const message = error ? (error instanceof Error ? error.message : String(error)) : this.outcomeError();
    const status = message !== null ? 'failed' : this.failures.length > 0 ? 'partial' : 'succeeded';
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
      importer: this.start.importer,
      status,
      rows_read: this.rowsRead,
      accepted: this.accepted,
      updated: this.updated,
      unchanged: this.unchanged,
      rejected: this.rejected,
      rejected_by_reason: { ...this.rejectedByReason },
      failures: [...this.failures],
      dropped_placeholder_fields: this.droppedPlaceholderFields,
      rejected_examples: [...this.rejectedExamples],
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
    private readonly options: { keepPayloads: boolean; heartbeatMs?: number; holder?: string; log?: Logger } = {
      keepPayloads: true,
    },
  ) {}

  /** How often a run writes its heartbeat (`RUN_HEARTBEAT_SECONDS`). */
  get heartbeatMs(): number {
    return this.options.heartbeatMs ?? 30_000;
  }

  async start(start: RunStart): Promise<IngestionRun> {
    const id = this.newId('run');
    await repo.insertRun(this.db, {
      id,
      importer: start.importer,
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
      dropped_placeholder_fields: 0,
      rejected_examples: '[]',
      holder: this.options.holder ?? `${hostname()}:${process.pid}`,
      heartbeat_at: isoInstant(this.clock.now()),
    });
    const run = new IngestionRun(id, start, this.db, this.clock, this.options.keepPayloads);
    // Every run heartbeats until it finishes, so a live one is never taken for dead.
    run.startHeartbeat(this.heartbeatMs, (err) =>
      this.options.log?.warn({ runId: id, err: { message: err.message } }, 'ingestion run heartbeat failed'),
    );
    return run;
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
