import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { ChannelKind, Tables } from '../../platform/db/schema.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { deliveryBacklog } from './deliveries.repo.ts';

const CHANNELS: ChannelKind[] = ['email', 'webhook', 'discord'];

/**
 * Sets the backlog gauges (pending, dead, age of the oldest due delivery, per channel) from one
 * grouped statement; every channel gets a value, so a drained backlog reads 0, not a stale number.
 */
export async function refreshDeliveryGauges(db: Kysely<Tables>, clock: Clock, metrics: Metrics): Promise<void> {
  const now = clock.now();
  const rows = await deliveryBacklog(db, isoInstant(now));
  for (const channel of CHANNELS) {
    const pending = rows.find((r) => r.channel === channel && r.status === 'pending');
    const dead = rows.find((r) => r.channel === channel && r.status === 'dead');
    metrics.deliveryPending.set({ channel }, pending?.count ?? 0);
    metrics.deliveryDead.set({ channel }, dead?.count ?? 0);
    const oldest = pending?.oldestDueAt ? Date.parse(pending.oldestDueAt) : now;
    metrics.deliveryOldestDueAge.set({ channel }, Math.max(0, (now - oldest) / 1000));
  }
}
