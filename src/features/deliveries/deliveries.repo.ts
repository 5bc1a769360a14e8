/**
 * The operators' view of the outbox (docs/DELIVERY.md): lists and reads deliveries with their
 * attempts, queues dead letters again (one, or those of a time range in bounded batches),
 * and counts the backlog per channel in one grouped statement for the metrics scrape.
 */
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type {
  ChannelKind,
  DeliveriesTable,
  DeliveryAttemptsTable,
  DeliveryStatus,
  Tables,
} from '../../platform/db/schema.ts';

/** A delivery as listed: everything but its payload and its sealed part. */
export type DeliveryRow = Omit<Selectable<DeliveriesTable>, 'payload' | 'sealed'> & { has_sealed: boolean };

export interface DeliveryFilter {
  status?: DeliveryStatus;
  channel?: ChannelKind;
  eventType?: string;
  ownerId?: string;
  endpointId?: string;
  /** created_at at or after. */
  since?: string;
  /** created_at before. */
  until?: string;
  beforeId?: string;
  limit: number;
}

const LISTED = [
  'id',
  'channel',
  'event_type',
  'owner_id',
  'endpoint_id',
  'address',
  'dedupe_key',
  'status',
  'attempts',
  'budget_start',
  'redeliveries',
  'next_attempt_at',
  'lease_owner',
  'lease_until',
  'triggered_at',
  'created_at',
  'updated_at',
  'delivered_at',
  'last_error_class',
  'last_error',
  'provider_message_id',
  'firing_id',
] as const;

function normalise<T extends { attempts: unknown; budget_start: unknown; redeliveries: unknown; sealed: unknown }>(
  r: T,
): Omit<T, 'sealed'> & { has_sealed: boolean; attempts: number; budget_start: number; redeliveries: number } {
  const { sealed, ...rest } = r;
  return {
    ...rest,
    attempts: Number(r.attempts),
    budget_start: Number(r.budget_start),
    redeliveries: Number(r.redeliveries),
    has_sealed: sealed !== null,
  };
}

/** Newest first (ids are time-ordered, so `beforeId` pages backwards in time). */
export async function listDeliveries(db: Kysely<Tables>, f: DeliveryFilter): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').select(LISTED).select('sealed').orderBy('id', 'desc').limit(f.limit);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.eventType) q = q.where('event_type', '=', f.eventType);
  if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
  if (f.endpointId) q = q.where('endpoint_id', '=', f.endpointId);
  if (f.since) q = q.where('created_at', '>=', f.since);
  if (f.until) q = q.where('created_at', '<', f.until);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return (await q.execute()).map(normalise);
}

/** One delivery with its payload (never its sealed part), or undefined. */
export async function findDelivery(
  db: Kysely<Tables>,
  id: string,
): Promise<(DeliveryRow & { payload: string }) | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select(LISTED)
    .select(['sealed', 'payload'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && normalise(row);
}

export async function listAttempts(
  db: Kysely<Tables>,
  deliveryId: string,
): Promise<Selectable<DeliveryAttemptsTable>[]> {
  return db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .orderBy('started_at')
    .execute();
}

/** Statuses a delivery may be queued again from. */
export const REQUEUEABLE: DeliveryStatus[] = ['dead', 'suppressed', 'cancelled', 'delivered'];

/** A delivery queued again: due now, unleased, a fresh attempt budget, one more redelivery. */
function requeued(nowIso: string) {
  return (eb: ExpressionBuilder<Tables, 'deliveries'>) => ({
    status: 'pending' as const,
    budget_start: eb.ref('attempts'),
    redeliveries: eb('redeliveries', '+', 1),
    next_attempt_at: nowIso,
    lease_owner: null,
    lease_until: null,
    delivered_at: null,
    updated_at: nowIso,
  });
}

/**
 * Queues a settled delivery again, due now, with a fresh attempt budget (`budget_start` =
 * `attempts`): the id, the dedupe key and the attempt numbering continue. Returns the status it
 * had, or undefined when it was not in a requeueable status (pending, or gone).
 */
export async function requeueDelivery(
  db: Kysely<Tables>,
  id: string,
  nowIso: string,
): Promise<DeliveryStatus | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirst();
    if (!row || !REQUEUEABLE.includes(row.status)) return undefined;
    const updated = await trx
      .updateTable('deliveries')
      .set(requeued(nowIso))
      .where('id', '=', id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0 ? row.status : undefined;
  });
}

export interface RedriveRange {
  /** Died (became dead) at or after. */
  since: string;
  /** Died before. */
  until?: string;
  channel?: ChannelKind;
  eventType?: string;
}

/**
 * Queues up to `batch` dead deliveries of the range again (as `requeueDelivery` does), oldest
 * first, in one statement; returns how many. Call it until it returns less than `batch`.
 */
export async function redriveBatch(
  db: Kysely<Tables>,
  range: RedriveRange,
  nowIso: string,
  batch: number,
): Promise<number> {
  let ids = db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'dead')
    .where('updated_at', '>=', range.since)
    .orderBy('updated_at')
    .orderBy('id')
    .limit(batch);
  if (range.until) ids = ids.where('updated_at', '<', range.until);
  if (range.channel) ids = ids.where('channel', '=', range.channel);
  if (range.eventType) ids = ids.where('event_type', '=', range.eventType);
  const result = await db
    .updateTable('deliveries')
    .set(requeued(nowIso))
    .where('id', 'in', ids)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Whether a dead delivery of the range is left (after a redrive stopped at its cap). */
export async function deadInRange(db: Kysely<Tables>, range: RedriveRange): Promise<boolean> {
  let q = db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'dead')
    .where('updated_at', '>=', range.since)
    .limit(1);
  if (range.until) q = q.where('updated_at', '<', range.until);
  if (range.channel) q = q.where('channel', '=', range.channel);
  if (range.eventType) q = q.where('event_type', '=', range.eventType);
  return (await q.executeTakeFirst()) !== undefined;
}

export interface BacklogRow {
  channel: ChannelKind;
  status: 'pending' | 'dead';
  count: number;
  /** The earliest `next_attempt_at` among pending deliveries already due (null when none is due). */
  oldestDueAt: string | null;
}

/** Pending and dead deliveries per channel, and the oldest due one, in one grouped statement. */
export async function deliveryBacklog(db: Kysely<Tables>, nowIso: string): Promise<BacklogRow[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => [
      'channel',
      'status',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn
        .min(
          eb
            .case()
            .when(eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]))
            .then(eb.ref('next_attempt_at'))
            .end(),
        )
        .as('oldest_due_at'),
    ])
    .where('status', 'in', ['pending', 'dead'])
    .groupBy(['channel', 'status'])
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    status: r.status as 'pending' | 'dead',
    count: Number(r.count),
    oldestDueAt: (r.oldest_due_at as string | null) ?? null,
  }));
}
