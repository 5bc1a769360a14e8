import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { childTables, lastRetentionCounts, oldestDeletable, RETENTION_TABLES } from './retention.repo.ts';
import { enabled, type RetentionSettings } from './retention.ts';

const DAY_S = 86_400;

/**
 * Sets the retention gauges at scrape time: per table, the age of the oldest row its policy could
 * delete (one indexed `min` each; a purge that keeps up holds it under the limit), the policy's
 * limit, and what the latest retention run deleted. Every table gets a value, so an emptied table
 * reads 0, not a stale number.
 */
export async function refreshRetentionGauges(
  db: Kysely<Tables>,
  clock: Clock,
  settings: RetentionSettings,
  metrics: Metrics,
): Promise<void> {
  const now = clock.now();
  for (const table of RETENTION_TABLES) {
    const oldest = await oldestDeletable(db, table);
    metrics.retentionOldestAge.set({ table }, oldest ? Math.max(0, (now - Date.parse(oldest)) / 1000) : 0);
    if (enabled(settings, table)) metrics.retentionLimit.set({ table }, settings.days[table] * DAY_S);
    else metrics.retentionLimit.remove({ table });
  }
  const counts = await lastRetentionCounts(db);
  const deleted = counts ? ((JSON.parse(counts) as { deleted?: Record<string, number> }).deleted ?? {}) : {};
  for (const table of [...RETENTION_TABLES, ...RETENTION_TABLES.flatMap(childTables)])
    metrics.retentionLastDeleted.set({ table }, deleted[table] ?? 0);
}
