/**
 * Service level objectives (docs/OBSERVABILITY.md "Service level objectives and burn-rate
 * alerts"): which SLOs exist, their window sums from the roll-ups, samples and delivery tables,
 * their evaluation, and the `slo.evaluate` job that records samples and alert changes and
 * enqueues one firing or resolve event per change to the operators' channels.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { OPERATORS_PRINCIPAL } from '../../platform/http/auth.ts';
import { SLO_LATENCY_BUCKETS_SECONDS } from '../../platform/metrics.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SloAlertEvent } from '../../shared/delivery-events.ts';
import { coverageByMarket } from '../ops/meta.repo.ts';
import { BUDGET_PERIOD_MINUTES, DEFAULT_ROUTE_OBJECTIVE, SERVICE_OBJECTIVES } from './defaults.ts';
import { EVALUATION_WINDOWS_MINUTES, evaluateSlo, type SloEvaluation, type WindowCounts } from './evaluator.ts';
import * as repo from './slo.repo.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface RouteKey {
  route: string;
  method: string;
}

export interface RouteObjective extends RouteKey {
  availabilityTarget: number;
  latencyThresholdSeconds: number;
  latencyTarget: number;
  enabled: boolean;
  /** `default` (DEFAULT_ROUTE_OBJECTIVE) or `configured` (a row of slo_objectives). */
  source: 'default' | 'configured';
}

export type SliKind =
  'availability' | 'latency' | 'pipeline_deadline' | 'freshness' | 'delivery_success' | 'delivery_latency';

export interface SloDefinition {
  /** Stable name: `availability:GET /v1/cards/:id`, `pipeline:deadline`, `freshness:<market>`, `delivery:success`. */
  name: string;
  sli: SliKind;
  target: number;
  route?: RouteKey;
  latencyThresholdSeconds?: number;
}

export interface SloStatusReport extends SloEvaluation {
  slo: SloDefinition;
  /** Events over the budget period. */
  period: WindowCounts;
  alerts: { severity: string; firing: boolean; since: string | null }[];
}

export interface SloSettings {
  /** `HH:MM` UTC by which the daily pipeline has finished. */
  pipelineDeadline: string;
  staleAfterDays: number;
  deliveryLatencySeconds: number;
  /** The pipeline's steps, every one of which the daily run must finish (empty: the steps seen in the runs). */
  pipelineSteps?: readonly string[];
}

/** Whole days from `date` (YYYY-MM-DD) to the UTC date of `nowMs` (as /v1/meta computes freshness). */
function daysBehind(date: string, nowMs: number): number {
  const today = Date.parse(`${isoInstant(nowMs).slice(0, 10)}T00:00:00Z`);
  return Math.round((today - Date.parse(`${date}T00:00:00Z`)) / DAY_MS);
}

/** The latest instant at or before `nowMs` whose UTC time of day is `hhmm`. */
export function lastDeadline(hhmm: string, nowMs: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS + (h * 60 + m) * MINUTE_MS;
  return today <= nowMs ? today : today - DAY_MS;
}

export interface StepRun {
  step: string;
  status: string;
  started_at: string;
  finished_at: string | null;
}

/**
 * Whether the daily pipeline run due at `deadlineMs` finished (docs/METHODS.md "Service level
 * objectives"): `runs` are the scheduled (`trigger = schedule`) step runs that started in the 24 h
 * before the deadline; for every step (each of `steps`, or each step seen when that is empty) the
 * latest of them must have ended `succeeded` or `skipped` at or before the deadline. Manual runs
 * (`cli`, `api`) and runs that finish after the deadline count for no day.
 */
export function dailyRunFinished(runs: readonly StepRun[], deadlineMs: number, steps: readonly string[]): boolean {
  const latest = new Map<string, StepRun>();
  for (const r of runs) {
    const seen = latest.get(r.step);
    if (!seen || r.started_at >= seen.started_at) latest.set(r.step, r);
  }
  const required = steps.length > 0 ? steps : [...latest.keys()];
  if (required.length === 0) return false;
  return required.every((step) => {
    const r = latest.get(step);
    return (
      r !== undefined &&
      (r.status === 'succeeded' || r.status === 'skipped') &&
      r.finished_at !== null &&
      Date.parse(r.finished_at) <= deadlineMs
    );
  });
}

/** A configured objective as stored (`slo_objectives`) → the objective the service evaluates. */
export function objectiveFromRow(row: repo.ObjectiveRow): RouteObjective {
  return {
    route: row.route,
    method: row.method,
    availabilityTarget: row.availability_target,
    latencyThresholdSeconds: row.latency_threshold_seconds,
    latencyTarget: row.latency_target,
    enabled: Number(row.enabled) === 1,
    source: 'configured',
  };
}

export class SloService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly settings: SloSettings,
    /** The public operations (route template, method); each has an objective, the default unless configured. */
    private readonly publicRoutes: () => RouteKey[] = () => [],
  ) {}

  /** Every route objective: the configured ones and the default for each other public route. */
  async objectives(): Promise<RouteObjective[]> {
    const configured = await repo.listObjectives(this.db);
    const out = new Map<string, RouteObjective>();
    for (const r of this.publicRoutes())
      out.set(`${r.method} ${r.route}`, { ...r, ...DEFAULT_ROUTE_OBJECTIVE, enabled: true, source: 'default' });
    for (const row of configured) out.set(`${row.method} ${row.route}`, objectiveFromRow(row));
    return [...out.values()].sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
  }

  /** Every SLO evaluated now. */
  async status(): Promise<SloStatusReport[]> {
    const nowMinute = Math.floor(this.clock.now() / MINUTE_MS) * MINUTE_MS;
    const nowIso = isoInstant(nowMinute);
    const objectives = (await this.objectives()).filter((o) => o.enabled);
    const definitions: SloDefinition[] = [];
    for (const o of objectives) {
      const route = { route: o.route, method: o.method };
      definitions.push({
        name: `availability:${o.method} ${o.route}`,
        sli: 'availability',
        target: o.availabilityTarget,
        route,
      });
      definitions.push({
        name: `latency:${o.method} ${o.route}`,
        sli: 'latency',
        target: o.latencyTarget,
        route,
        latencyThresholdSeconds: o.latencyThresholdSeconds,
      });
    }
    // Window sums: minutes → SLO name → counts; one statement per source for all the windows.
    const sums = new Map<number, Map<string, WindowCounts>>();
    const windows = EVALUATION_WINDOWS_MINUTES.map((minutes) => ({
      minutes,
      fromIso: isoInstant(nowMinute - minutes * MINUTE_MS),
    }));
    const [routeSums, sampleSums, deliverySums] = [
      await repo.routeWindowSums(this.db, windows, nowIso),
      await repo.sampleWindowSums(this.db, windows, nowIso),
      await repo.deliveryWindowSums(this.db, windows, nowIso, this.settings.deliveryLatencySeconds),
    ];
    const sampleNames = new Set<string>();
    for (const { minutes } of windows) {
      const byName = new Map<string, WindowCounts>();
      const routes = new Map((routeSums.get(minutes) ?? []).map((r) => [`${r.method} ${r.route}`, r]));
      for (const d of definitions) {
        const r = d.route ? routes.get(`${d.route.method} ${d.route.route}`) : undefined;
        if (!r) {
          byName.set(d.name, { total: 0, bad: 0 });
        } else if (d.sli === 'availability') {
          byName.set(d.name, { total: r.requests, bad: r.errors });
        } else {
          const bucket = SLO_LATENCY_BUCKETS_SECONDS.indexOf(d.latencyThresholdSeconds as never);
          byName.set(d.name, { total: r.requests, bad: r.requests - (r.within[bucket] ?? r.requests) });
        }
      }
      for (const s of sampleSums.get(minutes) ?? []) {
        if (s.total === 0 && s.bad === 0) continue;
        sampleNames.add(s.slo);
        byName.set(s.slo, { total: s.total, bad: s.bad });
      }
      const d = deliverySums.get(minutes) ?? { ended: 0, delivered: 0, slow: 0 };
      byName.set('delivery:success', { total: d.ended, bad: d.ended - d.delivered });
      byName.set('delivery:latency', { total: d.delivered, bad: d.slow });
      sums.set(minutes, byName);
    }
    for (const name of [...sampleNames].sort()) {
      if (name === 'pipeline:deadline')
        definitions.push({ name, sli: 'pipeline_deadline', target: SERVICE_OBJECTIVES.pipelineDeadline });
      else if (name.startsWith('freshness:'))
        definitions.push({ name, sli: 'freshness', target: SERVICE_OBJECTIVES.freshness });
    }
    definitions.push({ name: 'delivery:success', sli: 'delivery_success', target: SERVICE_OBJECTIVES.deliverySuccess });
    definitions.push({ name: 'delivery:latency', sli: 'delivery_latency', target: SERVICE_OBJECTIVES.deliveryLatency });

    const alerts = await repo.listAlerts(this.db);
    return definitions.map((slo) => {
      const windows = (m: number) => sums.get(m)?.get(slo.name) ?? { total: 0, bad: 0 };
      return {
        slo,
        ...evaluateSlo(slo.target, windows),
        period: windows(BUDGET_PERIOD_MINUTES),
        alerts: alerts
          .filter((a) => a.slo === slo.name)
          .map((a) => ({ severity: a.severity, firing: Number(a.firing) === 1, since: a.since })),
      };
    });
  }

  /** This minute's samples of the state SLIs: the pipeline's deadline and each market's freshness. */
  async recordSamples(): Promise<number> {
    const nowMs = this.clock.now();
    const minute = isoInstant(Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
    const rows: { minute: string; slo: string; total: number; bad: number }[] = [];
    // Without any successful scheduled run (a new installation) there is nothing to hold the pipeline to yet.
    if (await repo.anyScheduledSuccess(this.db)) {
      const deadline = lastDeadline(this.settings.pipelineDeadline, nowMs);
      const runs = await repo.scheduledStepRuns(this.db, isoInstant(deadline - DAY_MS), isoInstant(deadline));
      const finished = dailyRunFinished(runs, deadline, this.settings.pipelineSteps ?? []);
      rows.push({ minute, slo: 'pipeline:deadline', total: 1, bad: finished ? 0 : 1 });
    }
    const markets = new Map<string, boolean>();
    for (const m of await coverageByMarket(this.db)) {
      const stale = daysBehind(String(m.latest_date), nowMs) > this.settings.staleAfterDays;
      markets.set(m.market, (markets.get(m.market) ?? false) || !stale);
    }
    for (const [market, fresh] of markets)
      rows.push({ minute, slo: `freshness:${market}`, total: 1, bad: fresh ? 0 : 1 });
    await repo.insertSamples(this.db, rows);
    return rows.length;
  }

  /**
   * The `slo.evaluate` job: records this minute's samples, evaluates every SLO and, for each
   * (SLO, severity) whose condition started or stopped, records the change and enqueues one
   * `slo.firing` or `slo.resolved` event per operators' endpoint, in one transaction per change.
   */
  async evaluate(): Promise<{ slos: number; firing: number; resolved: number; deliveries: number }> {
    await this.recordSamples();
    const reports = await this.status();
    const nowIso = isoInstant(this.clock.now());
    let firing = 0;
    let resolved = 0;
    let deliveries = 0;
    for (const report of reports) {
      for (const severity of ['page', 'ticket'] as const) {
        const state = report.alerts.find((a) => a.severity === severity);
        const was = state?.firing ?? false;
        const is = report.firing[severity];
        if (was === is) continue;
        await this.db.transaction().execute(async (trx) => {
          if (!(await repo.setAlertState(trx, report.slo.name, severity, was, is, nowIso))) return;
          if (is) firing++;
          else resolved++;
          const since = is ? nowIso : (state?.since ?? nowIso);
          const event: SloAlertEvent = {
            type: is ? 'slo.firing' : 'slo.resolved',
            timestamp: nowIso,
            data: {
              slo: report.slo.name,
              sli: report.slo.sli,
              severity,
              target: report.slo.target,
              since,
              budget_remaining: report.budgetRemaining,
              burn_rates: Object.entries(report.burnRates).map(([m, rate]) => ({ window_minutes: Number(m), rate })),
            },
          };
          for (const endpoint of await repo.operatorEndpoints(trx, OPERATORS_PRINCIPAL)) {
            const written = await insertDelivery(trx, this.newId('dlv'), nowIso, {
              channel: endpoint.kind === 'discord' ? 'discord' : 'webhook',
              eventType: event.type,
              dedupeKey: `${event.type}:${report.slo.name}:${severity}:${since}:${endpoint.id}`,
              payload: event,
              ownerId: OPERATORS_PRINCIPAL,
              endpointId: endpoint.id,
              triggeredAt: nowIso,
            });
            if (written) deliveries++;
          }
        });
      }
    }
    return { slos: reports.length, firing, resolved, deliveries };
  }
}

type OpenApiDocument = { paths?: object };

/**
 * The public operations of an OpenAPI document (`x-required-role: public`) as route templates
 * the roll-ups use (`/v1/cards/{id}` → `/v1/cards/:id`).
 */
export function publicOperations(doc: OpenApiDocument): RouteKey[] {
  const out: RouteKey[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, object | undefined>)) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if ((op as { 'x-required-role'?: string } | undefined)?.['x-required-role'] !== 'public') continue;
      out.push({ route: path.replace(/\{([^}]+)\}/g, ':$1'), method: method.toUpperCase() });
    }
  }
  return out;
}
