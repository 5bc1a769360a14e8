/**
 * Public reads on SQLite take turns. better-sqlite3 runs a statement on the event loop, so a
 * read's statement and its serialisation are one synchronous burst; when many arrive together,
 * Node runs every burst whose socket was ready in the same loop turn, and everything else —
 * `/healthz`, cached answers, the next request of a connection — waits for all of them. The
 * queue runs one such burst per loop turn, first come first served: between two bursts the loop
 * reads its sockets again, so a cheap request waits for at most one burst and every read waits
 * for those that came before it, not for an unlucky number of turns (docs/ARCHITECTURE.md,
 * "Read path"). Throughput is unchanged (one connection does the work either way); each burst
 * costs one extra turn of the loop.
 *
 * PostgreSQL reads wait on the network and overlap; they do not queue.
 */
import type { Database } from '../db/database.ts';

export class ReadQueue {
  private readonly waiting: (() => void)[] = [];
  private busy = false;

  /** Reads waiting for their turn. */
  get length(): number {
    return this.waiting.length;
  }

  /**
   * Runs `burst` when its turn comes: at once when nothing runs or waits, else in a later loop
   * turn than the burst before it.
   *
   * @example
   * const body = await queue.run(async () => JSON.stringify(await readRows(db)));
   */
  async run<T>(burst: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await burst();
    } finally {
      const next = this.waiting.shift();
      // Still busy: the turn passes straight to the next burst, in the loop's next check phase
      // (an immediate queued now never runs in the current one), after the sockets were read.
      if (next === undefined) this.busy = false;
      else setImmediate(next);
    }
  }
}

const queues = new WeakMap<Database, ReadQueue>();

/** The queue of a SQLite database's reads; null on PostgreSQL. */
export function readQueueOf(database: Database): ReadQueue | null {
  if (database.dialect !== 'sqlite') return null;
  let queue = queues.get(database);
  if (queue === undefined) queues.set(database, (queue = new ReadQueue()));
  return queue;
}
