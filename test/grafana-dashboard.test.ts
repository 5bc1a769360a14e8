/**
 * deploy/grafana/cardquant.json reads only series that exist: every metric name in a panel's
 * expression is exposed by a running app's /metrics (default process metrics included) or is a
 * recording rule of deploy/prometheus/cardquant-rules.yml, or is the per-code problems counter.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from '#test/harness.ts';
import { ruleGroups } from '../scripts/prometheus-rules.ts';
import { DEFAULT_ROUTE_OBJECTIVE } from '../src/features/slo/defaults.ts';
import { isCi } from '../src/config.ts';

const PROMTOOL = '/usr/bin/promtool';

const DASHBOARD = new URL('../deploy/grafana/cardquant.json', import.meta.url);

/** Counted per problem code by the error registry (docs/ERRORS.md); not every app exposes it yet. */
const PROBLEMS_COUNTER = 'cardquant_http_problems_total';

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'by',
  'without',
  'inf',
  'nan',
]);

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** The metric names an expression reads: identifiers that are not functions, label names, keywords or variables. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges ($__rate_interval, 30d)
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\$\w+/g, '');
  const names = [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?!\s*\(|[A-Za-z0-9_:])/g)].map((m) => m[0]);
  return names.filter((n) => !PROMQL_WORDS.has(n.toLowerCase()) && !/^\d/.test(n));
}

/** Every sample name a scrape can hold, from its `# TYPE` lines (histograms and summaries add their suffixes). */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
    if (type === 'summary') for (const s of ['_count', '_sum']) names.add(name + s);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: unknown }[] };
    panels: Panel[];
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite::memory:', {}, { processMetrics: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is a current Grafana dashboard with a Prometheus datasource variable that every panel uses', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    for (const p of panels.filter((p) => p.type !== 'row')) expect(p.datasource?.uid, p.title).toBe('${datasource}');
    expect(exprs.length).toBeGreaterThan(20);
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'Traffic',
      'Latency',
      'Errors',
      'Saturation',
      'Pipeline steps',
      'Ingestion accounting',
      'SLO budgets and burn rates',
      'Backups',
    ]);
  });

  it('reads only metrics the app exposes, recording rules, or the per-code problems counter', async () => {
    // One request so the request histogram has a series (its TYPE line is there either way).
    await h.request('/healthz');
    const res = await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) });
    expect(res.status).toBe(200);
    const known = exposedNames(await res.text());
    for (const g of ruleGroups()) for (const r of g.rules) if ('record' in r) known.add(r.record);
    known.add(PROBLEMS_COUNTER);
    const unknown = exprs.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((n) => !known.has(n))
        .map((n) => `${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
    // The extraction sees what it must: a panel of each kind names its metric.
    const all = new Set(exprs.flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      'http_server_request_duration_seconds_bucket',
      'nodejs_eventloop_lag_p99_seconds',
      'process_cpu_seconds_total',
      'cardquant_deliveries_pending',
      'cardquant_pipeline_step_last_run_status',
      'cardquant_ingestion_last_run_rows',
      'cardquant_market_data_age_seconds',
      'cardquant_backup_last_age_seconds',
      'cardquant_restore_drill_last_success',
      'route_method:cardquant_http_errors_per_request:ratio_rate1h',
      PROBLEMS_COUNTER,
    ]) {
      expect(all, name).toContain(name);
    }
  });

  it('divides bad-request ratios by the budgets of the default objective', () => {
    const availabilityBudget = Number((1 - DEFAULT_ROUTE_OBJECTIVE.availabilityTarget).toPrecision(12));
    const latencyBudget = Number((1 - DEFAULT_ROUTE_OBJECTIVE.latencyTarget).toPrecision(12));
    const burn = exprs.filter(({ expr }) => expr.includes('_per_request:ratio_rate'));
    expect(burn.length).toBeGreaterThan(0);
    for (const { expr } of burn) {
      const budget = expr.includes('errors_per_request') ? availabilityBudget : latencyBudget;
      expect(expr).toMatch(new RegExp(`/ ${budget}$`));
    }
  });

  const noPromtool = existsSync(PROMTOOL)
    ? null
    : `promtool is missing at ${PROMTOOL} (install Debian's prometheus package)`;
  if (noPromtool && isCi()) throw new Error(`${noPromtool} — under CI=true it must be there (.ci/run installs it)`);
  it.skipIf(noPromtool !== null)(
    noPromtool ? `skipped: ${noPromtool}` : 'every panel expression parses as PromQL (promtool)',
    async () => {
      // promtool checks PromQL in rule files: each expression becomes a recording rule, with
      // Grafana's variables replaced by values they may take.
      const dir = mkdtempSync(join(tmpdir(), 'cq-dashboard-'));
      try {
        const rules = exprs.map(({ expr }, i) => {
          const promql = expr.replaceAll('$__rate_interval', '5m').replaceAll('$route', '.*');
          return `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(promql)}`;
        });
        const file = join(dir, 'dashboard-rules.yml');
        writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
        const { stdout } = await promisify(execFile)(PROMTOOL, ['check', 'rules', file]);
        expect(stdout).toContain(`SUCCESS: ${exprs.length} rules found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
