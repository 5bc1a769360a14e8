/** A migrated database and an ingest context for importer tests (any dialect). */
import type { DialectCase } from './dialects.ts';
import { scoped } from './scoped.ts';
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
 * `d` (dropped afterwards) and an ingest context on it; tests use the returned value like the context.
 */
export function ingestDatabase(d: DialectCase, now?: string): TestIngestContext {
  let url = '';
  return scoped(
    async () => {
      url = await d.create();
      return ingestContext(url, now);
    },
    async (ctx) => {
      await ctx?.close();
      if (url) await d.drop(url);
    },
  );
}
