/** Statements on `webhook_endpoints`, their deliveries' attempts and the owners they tell. */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Tables, WebhookEndpointsTable } from '../../platform/db/schema.ts';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
type Executor = Kysely<Tables>;

export async function insertEndpoint(db: Executor, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

/** The endpoint, or undefined; with `ownerId` only when that owner holds it. */
export async function findEndpoint(db: Executor, id: string, ownerId?: string): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .$if(ownerId !== undefined, (qb) => qb.where('owner_id', '=', ownerId!))
    .executeTakeFirst();
}

/** One page of an owner's endpoints in id order, after `afterId`; `limit + 1` rows to tell a next page. */
export async function listEndpoints(
  db: Executor,
  ownerId: string,
  args: { afterId?: string; limit: number },
): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .$if(args.afterId !== undefined, (qb) => qb.where('id', '>', args.afterId!))
    .orderBy('id')
    .limit(args.limit + 1)
    .execute();
}

/** Changes an owner's endpoint; returns whether it exists for that owner. */
export async function updateEndpoint(
  db: Executor,
  id: string,
  ownerId: string,
  set: Updateable<WebhookEndpointsTable>,
): Promise<boolean> {
  const res = await db
    .updateTable('webhook_endpoints')
    .set(set)
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function deleteEndpoint(db: Executor, id: string, ownerId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('webhook_endpoints')
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Starts a failing run (the first failure after a success); a run already started is kept. */
export async function markFailing(db: Executor, id: string, nowIso: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: nowIso })
    .where('id', '=', id)
    .where('failing_since', 'is', null)
    .execute();
}

/** Ends a failing run (a success). */
export async function clearFailing(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', '=', id)
    .where('failing_since', 'is not', null)
    .execute();
}

/** Disables an enabled endpoint; false when it was already disabled or is gone (so it happens once). */
export async function disableEndpoint(db: Executor, id: string, reason: string, nowIso: string): Promise<boolean> {
  const res = await db
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_reason: reason, disabled_at: nowIso, updated_at: nowIso })
    .where('id', '=', id)
    .where('status', '=', 'enabled')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The confirmed e-mail address of an owner that is an e-mail subscriber, else undefined. */
export async function subscriberAddress(db: Executor, ownerId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('email_subscribers')
    .select('address')
    .where('principal_id', '=', ownerId)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
  return row?.address;
}

export interface AttemptView {
  id: string;
  delivery_id: string;
  event_type: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  error_class: string | null;
  response_excerpt: string | null;
}

/** The most recent attempts of deliveries to an endpoint, newest first, before (started_at, id). */
export async function listAttempts(
  db: Executor,
  endpointId: string,
  args: { before?: { startedAt: string; id: string }; limit: number },
): Promise<AttemptView[]> {
  const rows = await db
    .selectFrom('delivery_attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select([
      'a.id',
      'a.delivery_id',
      'd.event_type',
      'a.attempt',
      'a.started_at',
      'a.duration_ms',
      'a.outcome',
      'a.status_code',
      'a.error_class',
      'a.response_excerpt',
    ])
    .where('d.endpoint_id', '=', endpointId)
    .$if(args.before !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('a.started_at', '<', args.before!.startedAt),
          eb.and([eb('a.started_at', '=', args.before!.startedAt), eb('a.id', '<', args.before!.id)]),
        ]),
      ),
    )
    .orderBy('a.started_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(args.limit + 1)
    .execute();
  return rows.map((r) => ({
    ...r,
    attempt: Number(r.attempt),
    duration_ms: Number(r.duration_ms),
    status_code: r.status_code === null ? null : Number(r.status_code),
  }));
}
