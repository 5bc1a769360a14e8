/**
 * The version of everything public reads return. Every writer of market data (ingestion runs,
 * pipeline steps, demo seeding, watchlist edits use their own) bumps it when it finishes, and
 * read routes put it in their `ETag`, so a conditional request is answered from one statement.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { ulid } from 'ulid';
import { isoInstant, type Clock } from '../clock.ts';
import type { Tables } from './schema.ts';

/**
 * Marks the data as changed: the next conditional request sees a new ETag.
 *
 * @example
 * await bumpDataVersion(database.db, clock);
 */
export async function bumpDataVersion(db: Kysely<Tables>, clock: Clock): Promise<string> {
  const version = ulid(clock.now());
  await db
    .updateTable('data_version')
    .set({ version, changed_at: isoInstant(clock.now()) })
    .where('id', '=', 1)
    .execute();
  return version;
}

interface VersionRead {
  /** A read scheduled for the next check phase, joined by every caller until it starts. */
  next: Promise<string> | null;
  /** The read whose statement has started, if it has not settled yet. */
  running: Promise<string> | null;
}

const reads = new WeakMap<Kysely<Tables>, VersionRead>();
const statements = new WeakMap<Kysely<Tables>, CompiledQuery<{ version: string }>>();

async function runStatement(db: Kysely<Tables>): Promise<string> {
  let compiled = statements.get(db);
  if (compiled === undefined) {
    compiled = db.selectFrom('data_version').select('version').where('id', '=', 1).compile();
    statements.set(db, compiled);
  }
  const { rows } = await db.executeQuery(compiled);
  return rows[0]?.version ?? 'none';
}

/**
 * The current data version. Callers that ask in the same event-loop turn, or while a read is
 * running, share one statement: it starts in the next check phase (setImmediate), after the one
 * running has settled, so it always starts after every caller that shares it asked — a caller
 * never gets a version older than one committed before it asked. Each `db` (a transaction is its
 * own) shares only its own reads.
 */
export function readDataVersion(db: Kysely<Tables>): Promise<string> {
  let state = reads.get(db);
  if (state === undefined) {
    state = { next: null, running: null };
    reads.set(db, state);
  }
  if (state.next !== null) return state.next;
  const shared = state;
  const before = shared.running;
  const next = new Promise<void>((turn) => setImmediate(turn)).then(async () => {
    if (before !== null) await before.catch(() => undefined);
    // From here on, a new caller schedules a new read: this one may already have its answer.
    if (shared.next === next) shared.next = null;
    shared.running = next;
    try {
      return await runStatement(db);
    } finally {
      if (shared.running === next) shared.running = null;
    }
  });
  shared.next = next;
  return next;
}
