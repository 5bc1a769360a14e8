/**
 * Generates deploy/prometheus/cardquant-rules.yml from the SLO defaults (src/features/slo/defaults.ts)
 * and the request histogram's buckets, so Prometheus and the product hold routes to the same
 * objective and alert on the same burn rates. Usage: npx tsx scripts/prometheus-rules.ts [--check]
 * (`--check` exits 1 when the committed file differs from what this script writes).
 *
 * Recording rules follow the SRE workbook (chapter 5, "Alerting on SLOs"): per route and method,
 * the ratio of bad requests over each window an alert reads; alerting rules compare two windows
 * of a condition with burn rate × (1 − objective).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BURN_RATE_ALERTS, DEFAULT_ROUTE_OBJECTIVE, type BurnRateAlert } from '../src/features/slo/defaults.ts';
import { publicOperations, type RouteKey } from '../src/features/slo/slo.service.ts';
import { openApiDocument } from './api-client.ts';
import { SLO_LATENCY_BUCKETS_SECONDS } from '../src/platform/metrics.ts';

export const RULES_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'deploy',
  'prometheus',
  'cardquant-rules.yml',
);

const HISTOGRAM = 'http_server_request_duration_seconds';

/** How long a condition must hold before its alert fires, per severity (evaluation noise, not detection). */
export const ALERT_FOR = { page: '2m', ticket: '15m' } as const;

/** A daily job whose last success is older than this is late (a day plus two hours of slack). */
export const JOB_LATE_AFTER_SECONDS = 26 * 3600;

/** A due delivery waiting longer than this means the delivery worker is stuck or its peers refuse. */
export const DELIVERY_STUCK_AFTER_SECONDS = 15 * 60;

/** A daily backup older than this (a day and two hours of slack) is overdue. */
export const BACKUP_STALE_AFTER_SECONDS = 26 * 3600;

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** `5m`, `1h`, `1d`: Prometheus's duration for whole minutes, in the largest unit that divides them. */
export function promDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Every window a burn-rate alert reads, shortest first (5m, 30m, 1h, 2h, 6h, 1d, 3d). */
export function sloWindows(): string[] {
  const minutes = new Set(BURN_RATE_ALERTS.flatMap((a) => [a.shortWindowMinutes, a.longWindowMinutes]));
  return [...minutes].sort((a, b) => a - b).map(promDuration);
}

/** Prometheus's `le` label of a bucket bound, as prom-client writes it (`0.25`, `1`). */
function leLabel(seconds: number): string {
  return String(seconds);
}

export function errorRatioRecord(window: string): string {
  return `route_method:cardquant_http_errors_per_request:ratio_rate${window}`;
}

export function slowRatioRecord(window: string): string {
  return `route_method:cardquant_http_slow_per_request:ratio_rate${window}`;
}

/** The public routes of the current code (the ones the product holds to the default objective). */
export async function publicRoutes(): Promise<RouteKey[]> {
  return publicOperations(await openApiDocument());
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `rate(<series>{<matchers>}[w])` over exactly the given routes: one selector per method, joined
 * with `or` (their label sets differ), so Prometheus holds the same routes to the objective as
 * the product. Without routes (tests of rule names only), every route.
 */
function rateOver(series: string, matchers: string, window: string, routes: RouteKey[]): string {
  if (routes.length === 0) return `rate(${series}${matchers ? `{${matchers}}` : ''}[${window}])`;
  const byMethod = new Map<string, string[]>();
  for (const r of routes) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r.route]);
  return [...byMethod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([method, list]) => {
      // A regular expression inside a PromQL string: its backslashes are escaped once more.
      const route = [...new Set(list)].sort().map(regexEscape).join('|').replaceAll('\\', '\\\\');
      return `rate(${series}{method="${method}",route=~"${route}"${matchers ? `,${matchers}` : ''}}[${window}])`;
    })
    .join(' or ');
}

function recordingRules(window: string, routes: RouteKey[]): RecordingRule[] {
  const threshold = DEFAULT_ROUTE_OBJECTIVE.latencyThresholdSeconds;
  if (!SLO_LATENCY_BUCKETS_SECONDS.includes(threshold as (typeof SLO_LATENCY_BUCKETS_SECONDS)[number])) {
    throw new Error(`latency threshold ${threshold}s is not a bucket bound of ${HISTOGRAM}`);
  }
  const requests = `sum by (route, method) (${rateOver(`${HISTOGRAM}_count`, '', window, routes)})`;
  const errors = rateOver(`${HISTOGRAM}_count`, 'status_class="5xx"', window, routes);
  const fast = rateOver(`${HISTOGRAM}_bucket`, `le="${leLabel(threshold)}"`, window, routes);
  return [
    { record: `route_method:cardquant_http_requests:rate${window}`, expr: requests },
    {
      record: errorRatioRecord(window),
      expr: `sum by (route, method) (${errors})\n/\n${requests}`,
    },
    {
      record: slowRatioRecord(window),
      expr: `1 - (\n  sum by (route, method) (${fast})\n  /\n  ${requests}\n)`,
    },
  ];
}

function burnAlert(slo: 'availability' | 'latency', a: BurnRateAlert): AlertingRule {
  const target =
    slo === 'availability' ? DEFAULT_ROUTE_OBJECTIVE.availabilityTarget : DEFAULT_ROUTE_OBJECTIVE.latencyTarget;
  const budget = Number((1 - target).toPrecision(12));
  const long = promDuration(a.longWindowMinutes);
  const short = promDuration(a.shortWindowMinutes);
  const record = slo === 'availability' ? errorRatioRecord : slowRatioRecord;
  const bound = `(${a.burnRate} * ${budget})`;
  const what =
    slo === 'availability'
      ? 'server errors (5xx)'
      : `requests slower than ${DEFAULT_ROUTE_OBJECTIVE.latencyThresholdSeconds}s`;
  const name = slo === 'availability' ? 'Availability' : 'Latency';
  return {
    alert: `Cardquant${name}BurnRate${long}`,
    expr: `${record(long)} > ${bound}\nand\n${record(short)} > ${bound}`,
    for: ALERT_FOR[a.severity],
    labels: { severity: a.severity, slo, long_window: long, short_window: short },
    annotations: {
      summary: `{{ $labels.method }} {{ $labels.route }} burns its ${slo} budget at ${a.burnRate}x or more over ${long} and ${short}`,
      description:
        `${what} are more than ${Number((a.burnRate * budget * 100).toPrecision(6))} % of requests over both the last ${long} and the last ${short}; the objective allows ` +
        `${Number((budget * 100).toPrecision(6))} % over 30 days. At ${a.burnRate}x the budget lasts ` +
        `${Number((30 / a.burnRate).toPrecision(3))} days. See docs/OBSERVABILITY.md.`,
    },
  };
}

/**
 * The whole rules file, as data (the dashboard test reads the recording rule names from here).
 * `routes`: the routes held to the default objective (`publicRoutes()`); empty: every route.
 */
export function ruleGroups(routes: RouteKey[] = []): RuleGroup[] {
  const windows = sloWindows();
  return [
    {
      name: 'cardquant-slo-recording',
      rules: windows.flatMap((w) => recordingRules(w, routes)),
    },
    {
      name: 'cardquant-slo-alerts',
      rules: (['availability', 'latency'] as const).flatMap((slo) => BURN_RATE_ALERTS.map((a) => burnAlert(slo, a))),
    },
    {
      name: 'cardquant-operations-alerts',
      rules: [
        {
          alert: 'CardquantMarketDataStale',
          expr: 'cardquant_market_data_stale == 1',
          for: '1h',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'Prices of market {{ $labels.market }} are stale',
            description:
              'The latest price date of {{ $labels.market }} is older than STALE_AFTER_DAYS (as /v1/meta says); check the ingest-prices step and its importer runs.',
          },
        },
        {
          alert: 'CardquantPipelineStepFailed',
          expr: 'cardquant_pipeline_step_last_run_status{status=~"failed|abandoned"} == 1',
          for: '5m',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'The last run of pipeline step {{ $labels.step }} {{ $labels.status }}',
            description:
              'See GET /v1/admin/pipeline/runs?step={{ $labels.step }} for its error; rerun it with `cardquant pipeline run --step {{ $labels.step }}`.',
          },
        },
        {
          alert: 'CardquantScheduledJobLate',
          expr: `time() - cardquant_scheduled_job_last_success_timestamp_seconds > ${JOB_LATE_AFTER_SECONDS}`,
          for: '10m',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'Scheduled job {{ $labels.job }} has not succeeded for more than a day',
            description:
              "Its last success is more than 26 hours old; check that a process runs the scheduler (`cardquant start`) and the job's last slot.",
          },
        },
        {
          alert: 'CardquantDeliveryDeadLetters',
          expr: 'delta(cardquant_deliveries_dead[1h]) > 0',
          for: '0m',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'New dead letters on channel {{ $labels.channel }}',
            description:
              'Deliveries ran out of attempts in the last hour; list them with GET /v1/admin/deliveries?status=dead and redeliver once the receiver answers.',
          },
        },
        {
          alert: 'CardquantDeliveryStuck',
          expr: `cardquant_delivery_oldest_due_age_seconds > ${DELIVERY_STUCK_AFTER_SECONDS}`,
          for: '5m',
          labels: { severity: 'page' },
          annotations: {
            summary: 'Deliveries on channel {{ $labels.channel }} are not being sent',
            description:
              'The oldest due delivery has waited more than 15 minutes past its due time; check that the delivery worker runs and its receiver answers.',
          },
        },
        {
          alert: 'CardquantBackupStale',
          expr: `cardquant_backup_last_age_seconds > ${BACKUP_STALE_AFTER_SECONDS}`,
          for: '10m',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'The newest succeeded backup is more than 26 hours old',
            description:
              'The daily backup step has not succeeded since; see GET /v1/admin/backups and GET /v1/admin/pipeline/runs?step=backup, then run `cardquant backup` (docs/RUNBOOK.md, "Backup").',
          },
        },
        {
          alert: 'CardquantRestoreDrillFailed',
          expr: 'cardquant_restore_drill_last_success == 0',
          for: '0m',
          labels: { severity: 'ticket' },
          annotations: {
            summary: 'The last restore drill failed',
            description:
              'The latest backup could not be restored and verified; its mismatches and error are in GET /v1/admin/backups (last drill). Fix the cause, then run `cardquant restore-drill` (docs/RUNBOOK.md, "Backup").',
          },
        },
      ],
    },
  ];
}

/** A YAML scalar: JSON's double-quoted strings are YAML too; a multi-line expression becomes a block. */
function scalar(value: string, indent: string): string {
  if (value.includes('\n'))
    return `|-\n${value
      .split('\n')
      .map((line) => `${indent}  ${line}`)
      .join('\n')}`;
  return JSON.stringify(value);
}

export function rulesYaml(groups: RuleGroup[] = ruleGroups()): string {
  const out = [
    '# Generated by scripts/prometheus-rules.ts from src/features/slo/defaults.ts; do not edit by hand.',
    '# Load with rule_files in prometheus.yml; test with `promtool test rules deploy/prometheus/tests/*.yml`.',
    'groups:',
  ];
  for (const g of groups) {
    out.push(`  - name: ${scalar(g.name, '')}`);
    if (g.interval) out.push(`    interval: ${g.interval}`);
    out.push('    rules:');
    for (const r of g.rules) {
      if ('record' in r) {
        out.push(`      - record: ${r.record}`);
        out.push(`        expr: ${scalar(r.expr, '        ')}`);
        continue;
      }
      out.push(`      - alert: ${r.alert}`);
      out.push(`        expr: ${scalar(r.expr, '        ')}`);
      out.push(`        for: ${r.for}`);
      out.push('        labels:');
      for (const [k, v] of Object.entries(r.labels)) out.push(`          ${k}: ${scalar(v, '          ')}`);
      out.push('        annotations:');
      for (const [k, v] of Object.entries(r.annotations)) out.push(`          ${k}: ${scalar(v, '          ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = rulesYaml(ruleGroups(await publicRoutes()));
  if (process.argv.includes('--check')) {
    const committed = readFileSync(RULES_PATH, 'utf8');
    if (committed !== text) {
      console.error(`${RULES_PATH} is behind its generator: run npx tsx scripts/prometheus-rules.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(RULES_PATH, text);
    console.log(`wrote ${RULES_PATH}`);
  }
}
