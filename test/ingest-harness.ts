/** A migrated database and an ingest context for importer tests (any dialect). */
import { afterAll, beforeAll } from 'vitest';
import type { DialectCase } from './dialects.ts';
import { IngestionRuns } from '../src/features/ingest/ingestion-run.ts';
import type { IngestContext } from '../src/features/ingest/context.ts';
import { isoInstant, manualClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { idFactory } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/log.ts';

export async function ingestContext(
  url: string,
  now = '2025-10-21T02:00:00.000Z',
): Promise<IngestContext & { clock: ReturnType<typeof manualClock>; close(): Promise<void> }> {
  const database = openDatabase(url);
  const clock = manualClock(now);
  await migrate(database, () => isoInstant(clock.now()));
  const runs = new IngestionRuns(database.db, clock, idFactory(clock));
  return { database, runs, clock, log: createLogger('silent'), close: () => database.close() };
}

export type TestIngestContext = Awaited<ReturnType<typeof ingestContext>>;

/**
 * Registers the hooks that give the enclosing `describe` a fresh migrated database of dialect
 * `d` (dropped afterwards) and an ingest context on it. Returns a stand-in that forwards to that
 * context once `beforeAll` has made it, so tests use it like the context itself.
 */
export function ingestDatabase(d: DialectCase, now?: string): TestIngestContext {
  let url = '';
  let ctx: TestIngestContext | undefined;
  beforeAll(async () => {
    url = await d.create();
    ctx = await ingestContext(url, now);
  });
  afterAll(async () => {
    await ctx?.close();
    await d.drop(url);
  });
  const live = () => {
    if (!ctx) throw new Error('the test database exists only inside tests of its describe block');
    return ctx;
  };
  return new Proxy({} as TestIngestContext, {
    get: (_t, prop) => Reflect.get(live(), prop),
    has: (_t, prop) => Reflect.has(live(), prop),
    ownKeys: () => Reflect.ownKeys(live()),
    getOwnPropertyDescriptor: (_t, prop) => ({ ...Reflect.getOwnPropertyDescriptor(live(), prop), configurable: true }),
  });
}
