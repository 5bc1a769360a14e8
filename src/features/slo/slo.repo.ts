/** The SLO feature's statements: objectives, window sums of each SLI, samples and alert state. */
import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { SloAlertsTable, SloObjectivesTable, Tables } from '../../platform/db/schema.ts';
import { LATENCY_COLUMNS } from '../../platform/http/rollups.repo.ts';

export type ObjectiveRow = SloObjectivesTable;
export type AlertRow = SloAlertsTable;

export async function listObjectives(db: Kysely<Tables>): Promise<ObjectiveRow[]> {
  return db.selectFrom('slo_objectives').selectAll().orderBy('route').orderBy('method').execute();
}

export async function findObjective(db: Kysely<Tables>, route: string, method: string) {
  return db
    .selectFrom('slo_objectives')
    .selectAll()
    .where('route', '=', route)
    .where('method', '=', method)
    .executeTakeFirst();
}

/** Writes an objective; false when one exists for the route and method. */
export async function insertObjective(db: Kysely<Tables>, row: ObjectiveRow): Promise<boolean> {
  const result = await db
    .insertInto('slo_objectives')
    .values(row)
    .onConflict((oc) => oc.columns(['route', 'method']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function updateObjective(
  db: Kysely<Tables>,
  route: string,
  method: string,
  set: Partial<Omit<ObjectiveRow, 'route' | 'method' | 'created_at'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('slo_objectives')
    .set(set)
    .where('route', '=', route)
    .where('method', '=', method)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteObjective(db: Kysely<Tables>, route: string, method: string): Promise<boolean> {
  const result = await db
    .deleteFrom('slo_objectives')
    .where('route', '=', route)
    .where('method', '=', method)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface RouteSums {
  route: string;
  method: string;
  requests: number;
  /** 5xx answers. */
  errors: number;
  /** Requests within each latency bound (LATENCY_COLUMNS order). */
  within: number[];
}

/** Per route and method, the roll-ups of the minutes in [fromIso, toIso). */
export async function routeSums(db: Kysely<Tables>, fromIso: string, toIso: string): Promise<RouteSums[]> {
  const rows = await db
    .selectFrom('request_rollups')
    .select((eb) => [
      'route',
      'method',
      eb.fn.sum<number>('requests').as('requests'),
      eb.fn.sum<number>(eb.case().when('status_class', '=', '5xx').then(eb.ref('requests')).else(0).end()).as('errors'),
      ...LATENCY_COLUMNS.map((column) => eb.fn.sum<number>(column).as(column)),
    ])
    .where('minute', '>=', fromIso)
    .where('minute', '<', toIso)
    .groupBy(['route', 'method'])
    .execute();
  return rows.map((r) => ({
    route: r.route,
    method: r.method,
    requests: Number(r.requests),
    errors: Number(r.errors),
    within: LATENCY_COLUMNS.map((column) => Number((r as Record<string, unknown>)[column])),
  }));
}

/** Adds one minute's samples (a sample written twice for a minute keeps the first). */
export async function insertSamples(
  db: Kysely<Tables>,
  rows: { minute: string; slo: string; total: number; bad: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('slo_samples')
    .values(rows)
    .onConflict((oc) => oc.columns(['minute', 'slo']).doNothing())
    .execute();
}

/** A window of an evaluation: its start (ISO instant); every window ends at the same instant. */
export interface WindowStart {
  minutes: number;
  fromIso: string;
}

/** `sum(case when <column> >= from then <value> else 0 end)` per window: one column per window. */
function perWindow(column: string, windows: readonly WindowStart[], value: RawBuilder<unknown>, name: string) {
  return windows.map((w) =>
    sql<number>`sum(case when ${sql.ref(column)} >= ${w.fromIso} then ${value} else 0 end)`.as(`${name}_${w.minutes}`),
  );
}

const num = (row: object, key: string) => Number((row as Record<string, unknown>)[key] ?? 0);

/**
 * Per route and method, the roll-ups of every window ending at `toIso` (exclusive), in one
 * statement: requests, 5xx answers and the requests within each latency bound, per window.
 */
export async function routeWindowSums(
  db: Kysely<Tables>,
  windows: readonly WindowStart[],
  toIso: string,
): Promise<Map<number, RouteSums[]>> {
  const earliest = windows.reduce((a, w) => (w.fromIso < a ? w.fromIso : a), toIso);
  const rows = await db
    .selectFrom('request_rollups')
    .select(['route', 'method'])
    .select(perWindow('minute', windows, sql`requests`, 'requests'))
    .select(perWindow('minute', windows, sql`case when status_class = '5xx' then requests else 0 end`, 'errors'))
    .select(LATENCY_COLUMNS.flatMap((column) => perWindow('minute', windows, sql.ref(column), column)))
    .where('minute', '>=', earliest)
    .where('minute', '<', toIso)
    .groupBy(['route', 'method'])
    .execute();
  return new Map(
    windows.map((w) => [
      w.minutes,
      rows.map((r) => ({
        route: r.route,
        method: r.method,
        requests: num(r, `requests_${w.minutes}`),
        errors: num(r, `errors_${w.minutes}`),
        within: LATENCY_COLUMNS.map((column) => num(r, `${column}_${w.minutes}`)),
      })),
    ]),
  );
}

/** Per SLO, the samples of every window ending at `toIso` (exclusive), in one statement. */
export async function sampleWindowSums(
  db: Kysely<Tables>,
  windows: readonly WindowStart[],
  toIso: string,
): Promise<Map<number, { slo: string; total: number; bad: number }[]>> {
  const earliest = windows.reduce((a, w) => (w.fromIso < a ? w.fromIso : a), toIso);
  const rows = await db
    .selectFrom('slo_samples')
    .select('slo')
    .select(perWindow('minute', windows, sql`total`, 'total'))
    .select(perWindow('minute', windows, sql`bad`, 'bad'))
    .where('minute', '>=', earliest)
    .where('minute', '<', toIso)
    .groupBy('slo')
    .execute();
  return new Map(
    windows.map((w) => [
      w.minutes,
      rows.map((r) => ({ slo: r.slo, total: num(r, `total_${w.minutes}`), bad: num(r, `bad_${w.minutes}`) })),
    ]),
  );
}

export interface DeliveryWindowCounts {
  /** Deliveries that ended (delivered or dead). */
  ended: number;
  delivered: number;
  /** Delivered more than the latency threshold after their trigger. */
  slow: number;
}

/**
 * Per window ending at `toIso` (exclusive), the deliveries that ended in it (by `updated_at`),
 * counted in one statement; the SLO alerts' own deliveries (`slo.*` events) are left out, since
 * the delivery SLOs must not feed on the alerts they send.
 */
export async function deliveryWindowSums(
  db: Kysely<Tables>,
  windows: readonly WindowStart[],
  toIso: string,
  latencySeconds: number,
): Promise<Map<number, DeliveryWindowCounts>> {
  const earliest = windows.reduce((a, w) => (w.fromIso < a ? w.fromIso : a), toIso);
  const seconds =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql`extract(epoch from (coalesce(delivered_at, updated_at)::timestamptz - triggered_at::timestamptz))`
      : sql`(julianday(coalesce(delivered_at, updated_at)) - julianday(triggered_at)) * 86400`;
  const row = await db
    .selectFrom('deliveries')
    .select(perWindow('updated_at', windows, sql`1`, 'ended'))
    .select(perWindow('updated_at', windows, sql`case when status = 'delivered' then 1 else 0 end`, 'delivered'))
    .select(
      perWindow(
        'updated_at',
        windows,
        sql`case when status = 'delivered' and ${seconds} > ${latencySeconds} then 1 else 0 end`,
        'slow',
      ),
    )
    .where('status', 'in', ['delivered', 'dead'])
    .where('event_type', 'not like', 'slo.%')
    .where('updated_at', '>=', earliest)
    .where('updated_at', '<', toIso)
    .executeTakeFirst();
  return new Map(
    windows.map((w) => [
      w.minutes,
      {
        ended: row ? num(row, `ended_${w.minutes}`) : 0,
        delivered: row ? num(row, `delivered_${w.minutes}`) : 0,
        slow: row ? num(row, `slow_${w.minutes}`) : 0,
      },
    ]),
  );
}

/** Whether any scheduled pipeline step run ever succeeded (before that, the deadline SLO has no samples). */
export async function anyScheduledSuccess(db: Kysely<Tables>): Promise<boolean> {
  const row = await db
    .selectFrom('pipeline_runs')
    .select('id')
    .where('trigger', '=', 'schedule')
    .where('status', '=', 'succeeded')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The scheduled step runs that started in (fromIso, toIso]. */
export async function scheduledStepRuns(db: Kysely<Tables>, fromIso: string, toIso: string) {
  return db
    .selectFrom('pipeline_runs')
    .select(['step', 'status', 'started_at', 'finished_at'])
    .where('trigger', '=', 'schedule')
    .where('started_at', '>', fromIso)
    .where('started_at', '<=', toIso)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}

export async function listAlerts(db: Kysely<Tables>): Promise<AlertRow[]> {
  return db.selectFrom('slo_alerts').selectAll().execute();
}

/**
 * Moves an alert from `wasFiring` to `isFiring` (compare-and-set): true only for the one caller
 * that made the change, so each firing and resolve is recorded once.
 */
export async function setAlertState(
  trx: Transaction<Tables>,
  slo: string,
  severity: string,
  wasFiring: boolean,
  isFiring: boolean,
  nowIso: string,
): Promise<boolean> {
  if (!wasFiring) {
    await trx
      .insertInto('slo_alerts')
      .values({ slo, severity, firing: 0, since: null, updated_at: nowIso })
      .onConflict((oc) => oc.columns(['slo', 'severity']).doNothing())
      .execute();
  }
  const result = await trx
    .updateTable('slo_alerts')
    .set({ firing: isFiring ? 1 : 0, since: isFiring ? nowIso : null, updated_at: nowIso })
    .where('slo', '=', slo)
    .where('severity', '=', severity)
    .where('firing', '=', wasFiring ? 1 : 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The operators' enabled webhook and Discord endpoints. */
export async function operatorEndpoints(db: Kysely<Tables>, ownerId: string) {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'kind'])
    .where('owner_id', '=', ownerId)
    .where('status', '=', 'enabled')
    .orderBy('id')
    .execute();
}
