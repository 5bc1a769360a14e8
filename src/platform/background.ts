/**
 * Heavy work runs beside the HTTP thread — pipeline runs and queued backtests in child
 * processes, request-sized backtests in worker threads — and each of them takes one of at most
 * `MAX_CHILD_PROCESSES` slots. A request that finds every slot taken is refused with 503 and
 * `Retry-After` (nothing is recorded); the scheduler waits for a slot instead. On shutdown every
 * holder is asked to stop (a child gets SIGTERM and records where it stopped) and whatever is
 * still running when the grace period ends is killed, so the process exits in bounded time.
 */
import { AppError } from './errors.ts';
import type { Logger } from './log.ts';

/** What a slot holds: the work's end, and how to ask it to stop (`SIGTERM`) or end it (`SIGKILL`). */
export interface BackgroundHandle {
  /** Settles when the work and its own bookkeeping are over. */
  done: Promise<unknown>;
  /** Sends a signal to the work (a child process) or stops it (a worker thread). */
  kill?(signal: NodeJS.Signals): void;
}

export interface Slot {
  /** Ties the slot to `handle`: it is freed when `handle.done` settles. */
  hold(handle: BackgroundHandle): void;
  /** Frees the slot at once (when the work could not be started); later calls do nothing. */
  release(): void;
}

/** Seconds a refused client is told to wait: long enough for a small run to finish. */
export const BUSY_RETRY_AFTER_SECONDS = 30;

/** Every slot is taken: 503 with `Retry-After`. */
export class Busy extends AppError {
  constructor(what: string, max: number) {
    super(
      503,
      'background_capacity_full',
      `${max} background run(s) (pipeline runs, backtests) are already running, the most MAX_CHILD_PROCESSES allows; ${what} was not started. Retry after the time in Retry-After.`,
      {
        headers: { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
      },
    );
  }
}

/** Stopped: no slot is handed out any more. */
export class ShuttingDown extends AppError {
  constructor(what: string) {
    super(503, 'shutting_down', `This process is shutting down; ${what} was not started.`, {
      headers: { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
    });
  }
}

export class BackgroundWork {
  private readonly held = new Set<{ handle: BackgroundHandle | null; what: string }>();
  private readonly waiting: { what: string; resolve(slot: Slot): void; reject(err: Error): void }[] = [];
  private stopping = false;

  constructor(
    readonly max: number,
    private readonly log: Logger,
  ) {}

  /** Slots in use. */
  get active(): number {
    return this.held.size;
  }

  /** A free slot for `what`, or Busy (503) when there is none. */
  take(what: string): Slot {
    if (this.stopping) throw new ShuttingDown(what);
    if (this.held.size >= this.max) {
      this.log.warn({ what, running: this.held.size, max: this.max }, 'background run refused: every slot is taken');
      throw new Busy(what, this.max);
    }
    return this.grant(what);
  }

  /** Waits for a free slot (for scheduled work); rejects when the process stops. */
  wait(what: string): Promise<Slot> {
    if (this.stopping) return Promise.reject(new ShuttingDown(what));
    if (this.held.size < this.max) return Promise.resolve(this.grant(what));
    this.log.info({ what, running: this.held.size, max: this.max }, 'waiting for a free background slot');
    return new Promise((resolve, reject) => this.waiting.push({ what, resolve, reject }));
  }

  private grant(what: string): Slot {
    const entry: { handle: BackgroundHandle | null; what: string } = { handle: null, what };
    this.held.add(entry);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.held.delete(entry);
      const next = this.waiting.shift();
      if (next) next.resolve(this.grant(next.what));
    };
    return {
      hold: (handle) => {
        entry.handle = handle;
        void handle.done.then(release, release);
      },
      release,
    };
  }

  /**
   * Refuses new work, sends SIGTERM to everything running, and waits for it to end; what is
   * still running after `graceMs` gets SIGKILL. Resolves once every holder has ended (a killed
   * child ends at once), with the number that had to be killed.
   */
  async stop(graceMs: number): Promise<{ stopped: number; killed: number }> {
    this.stopping = true;
    for (const w of this.waiting.splice(0)) w.reject(new ShuttingDown(w.what));
    const entries = [...this.held];
    if (entries.length === 0) return { stopped: 0, killed: 0 };
    this.log.info({ running: entries.map((e) => e.what), graceMs }, 'asking background runs to stop');
    for (const e of entries) e.handle?.kill?.('SIGTERM');
    const ended = Promise.allSettled(entries.map((e) => e.handle?.done ?? Promise.resolve()));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      ended.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    let killed = 0;
    if (late) {
      for (const e of entries) {
        if (!this.held.has(e)) continue;
        killed++;
        this.log.warn({ what: e.what, graceMs }, 'background run did not stop within the grace period; killing it');
        e.handle?.kill?.('SIGKILL');
      }
      // A killed child exits at once; its bookkeeping (a short write) follows. Bounded anyway.
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
    return { stopped: entries.length, killed };
  }
}

/**
 * Starts work in a slot already taken: the slot is held until the work is done, or freed at once
 * when it cannot start.
 *
 * @example
 * await startHeld(background.take('a pipeline run'), () => launcher.launch(request));
 */
export async function startHeld<T extends BackgroundHandle>(slot: Slot, start: () => Promise<T>): Promise<T> {
  let handle: T;
  try {
    handle = await start();
  } catch (err) {
    slot.release();
    throw err;
  }
  slot.hold(handle);
  return handle;
}
