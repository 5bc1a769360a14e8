/**
 * The committed Prometheus rules are what the generator writes from the SLO defaults, promtool
 * accepts them, and the hand-written scenarios in deploy/prometheus/tests/ pass (`promtool test
 * rules`). promtool comes with Debian's `prometheus` package; without it these tests skip, except
 * under CI=true where .ci/run installs it and a missing promtool is an error.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isCi } from '../src/config.ts';
import { DEFAULT_ROUTE_OBJECTIVE } from '../src/features/slo/defaults.ts';
import { createMetrics } from '../src/platform/metrics.ts';
import { publicRoutes, RULES_PATH, ruleGroups, rulesYaml, sloWindows } from './prometheus-rules.ts';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';
const TESTS_DIR = join(RULES_PATH, '..', 'tests');

function promtoolSkipReason(): string | null {
  if (existsSync(PROMTOOL)) return null;
  const reason = `promtool tests skipped: ${PROMTOOL} is missing (install Debian's prometheus package: apt-get install prometheus)`;
  if (isCi()) throw new Error(`${reason} — under CI=true they must run (.ci/run installs it)`);
  return reason;
}

describe('Prometheus rules', () => {
  it('the committed file is what scripts/prometheus-rules.ts generates (run it after changing the SLO defaults or the public routes)', async () => {
    expect(readFileSync(RULES_PATH, 'utf8')).toBe(rulesYaml(ruleGroups(await publicRoutes())));
  });

  it('records the error and latency-breach ratios over every window a burn-rate alert reads', () => {
    expect(sloWindows()).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    const records = ruleGroups().flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : [])));
    for (const w of sloWindows()) {
      expect(records).toContain(`route_method:cardquant_http_errors_per_request:ratio_rate${w}`);
      expect(records).toContain(`route_method:cardquant_http_slow_per_request:ratio_rate${w}`);
    }
    const alerts = ruleGroups().flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r] : [])));
    expect(alerts.filter((a) => a.labels.slo).map((a) => `${a.alert} ${a.labels.severity}`)).toEqual([
      'CardquantAvailabilityBurnRate1h page',
      'CardquantAvailabilityBurnRate6h page',
      'CardquantAvailabilityBurnRate1d ticket',
      'CardquantAvailabilityBurnRate3d ticket',
      'CardquantLatencyBurnRate1h page',
      'CardquantLatencyBurnRate6h page',
      'CardquantLatencyBurnRate1d ticket',
      'CardquantLatencyBurnRate3d ticket',
    ]);
  });

  it("reads the latency threshold's bucket with the `le` label the app writes", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.httpDuration.observe({ route: '/v1/cards', method: 'GET', status_class: '2xx' }, 0.1);
    const le = `le="${DEFAULT_ROUTE_OBJECTIVE.latencyThresholdSeconds}"`;
    expect(await metrics.registry.metrics()).toContain(`http_server_request_duration_seconds_bucket{${le},`);
    expect(rulesYaml()).toContain(`http_server_request_duration_seconds_bucket{${le}}`);
  });

  const skip = promtoolSkipReason();
  describe.skipIf(skip !== null)(skip ?? 'promtool', () => {
    it('promtool check rules accepts the generated file', async () => {
      const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES_PATH]);
      expect(stdout).toContain('SUCCESS');
    });

    it("promtool test rules passes the SRE workbook's scenarios in deploy/prometheus/tests", async () => {
      const files = readdirSync(TESTS_DIR)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => join(TESTS_DIR, f));
      expect(files.length).toBeGreaterThanOrEqual(3);
      const result = await run(PROMTOOL, ['test', 'rules', ...files]).catch(
        (err: { stdout?: string; stderr?: string }) => {
          throw new Error(`promtool test rules failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
        },
      );
      expect(result.stdout).not.toContain('FAILED');
    });
  });
});
