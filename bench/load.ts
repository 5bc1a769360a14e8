/**
 * Load generation shared by the HTTP benchmarks: autocannon in this process, latencies at 10 µs
 * resolution, CPU of the server (and of helper processes such as database backends) per request,
 * and the rule that a run with an unexpected status, error, timeout or body mismatch is discarded.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { cpuSnapshot, foreignCores, median, processCpuTicks } from './cold-start.ts';

// autocannon ships no type declarations; this is the part of its API used here.
export interface AutocannonHistogram {
  average: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: AutocannonHistogram;
  requests: AutocannonHistogram & { total: number; sent: number };
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  expectBody?: string;
  headers?: Record<string, string>;
}
type AutocannonInstance = EventEmitter;
type Autocannon = (
  opts: AutocannonOptions,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * Latencies at 10 µs resolution. autocannon's built-in histogram records whole milliseconds,
 * which is too coarse for sub-millisecond responses; its `response` event carries the exact time.
 * Every response is recorded, whatever its status (autocannon's own histogram keeps only 2xx).
 */
export class LatencyRecorder {
  private static readonly bucketMs = 0.01;
  private readonly counts = new Uint32Array(1_000_001); // up to 10 s
  private total = 0;

  record(ms: number): void {
    const i = Math.min(this.counts.length - 1, Math.floor(ms / LatencyRecorder.bucketMs));
    this.counts[i]! += 1;
    this.total += 1;
  }

  /** Upper edge of the bucket holding the p-th percentile, in ms. */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.round((i + 1) * LatencyRecorder.bucketMs * 100) / 100;
    }
    return Number.NaN;
  }
}

/** What one load run sends, and what counts as a good answer. */
export interface LoadTarget {
  url: string;
  /** Request headers, e.g. `If-None-Match`. */
  headers?: Record<string, string>;
  /** Every body must equal this (a mismatch discards the run). */
  expectBody?: string;
  /** `'2xx'` (default): any 2xx status is a success; a number: exactly that status is. */
  expectStatus?: '2xx' | number;
}

/** One autocannon run against `target` (pipelining 1, 10 s request timeout). */
export function load(
  target: LoadTarget,
  connections: number,
  durationS: number,
  recorder?: LatencyRecorder,
): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const options: AutocannonOptions = {
      url: target.url,
      connections,
      duration: durationS,
      pipelining: 1,
      timeout: 10,
    };
    if (target.expectBody !== undefined) options.expectBody = target.expectBody;
    if (target.headers !== undefined) options.headers = target.headers;
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (recorder) {
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
        recorder.record(responseTime),
      );
    }
  });
}

/** Responses that count as successes for `target`. */
export function successes(target: LoadTarget, r: AutocannonResult): number {
  const expected = target.expectStatus ?? '2xx';
  return expected === '2xx' ? r['2xx'] : (r.statusCodeStats[String(expected)]?.count ?? 0);
}

/** Why a run does not count, or null when it does. */
export function problemsOf(target: LoadTarget, r: AutocannonResult): string | null {
  const expected = target.expectStatus ?? '2xx';
  const ok = successes(target, r);
  const unexpected =
    expected === '2xx' ? r.non2xx : Object.values(r.statusCodeStats).reduce((sum, s) => sum + s.count, 0) - ok;
  const problems = [
    unexpected > 0
      ? expected === '2xx'
        ? `${unexpected} non-2xx`
        : `${unexpected} responses other than ${expected}`
      : '',
    r.errors > 0 ? `${r.errors} errors` : '',
    r.timeouts > 0 ? `${r.timeouts} timeouts` : '',
    r.mismatches > 0 ? `${r.mismatches} body mismatches` : '',
    ok === 0 ? (expected === '2xx' ? 'no 2xx responses' : `no ${expected} responses`) : '',
  ].filter(Boolean);
  return problems.length > 0 ? problems.join(', ') : null;
}

/** The processes whose CPU a run is charged with; everything else on the machine is "foreign". */
export interface LoadProcesses {
  /** The server under test. */
  server: number | undefined;
  /** Every process of the benchmark (all servers, idle or not): not counted as foreign load. */
  all: (number | undefined)[];
  /**
   * Processes working for the server (e.g. PostgreSQL backends), listed before and after the run;
   * their CPU is reported separately. A process that appears during the run is charged with all
   * of its CPU time.
   */
  helpers?: () => Promise<number[]>;
}

export interface LoadStats {
  requestsPerSec: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** autocannon's own latency percentiles (1 ms resolution, 2xx only), for reference. */
  autocannonLatencyMs: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Cores kept busy by other processes during the run (null where /proc is unavailable). */
  foreignCores: number | null;
  /** Average cores used by the server process under test, and its CPU time per response. */
  serverCores: number | null;
  serverCpuUsPerRequest: number | null;
  /** Only with `helpers`: the same for the helper processes (e.g. database backends). */
  helperCores?: number | null;
  helperCpuUsPerRequest?: number | null;
  /** Average cores used by the load generator (this process): near 1.0 means it was the limit. */
  clientCores: number | null;
  discarded: string | null;
}

function ticksOf(pids: number[]): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const t = processCpuTicks(pid);
    if (t !== null) ticks.set(pid, t);
  }
  return ticks;
}

/** One measured run: `durationS` seconds of load on `target` with `connections` connections. */
export async function measureLoad(
  target: LoadTarget,
  connections: number,
  durationS: number,
  processes: LoadProcesses,
): Promise<LoadStats> {
  const recorder = new LatencyRecorder();
  const helpers0 = processes.helpers ? ticksOf(await processes.helpers()) : null;
  const before = cpuSnapshot(processes.all);
  const server0 = processCpuTicks(processes.server);
  const client0 = processCpuTicks('self');
  const started = performance.now();
  const r = await load(target, connections, durationS, recorder);
  const elapsedS = (performance.now() - started) / 1000;
  const server1 = processCpuTicks(processes.server);
  const client1 = processCpuTicks('self');
  let after = cpuSnapshot(processes.all);
  let helperTicks: number | null = null;
  if (helpers0 && processes.helpers) {
    const helpers1 = ticksOf(await processes.helpers());
    helperTicks = 0;
    for (const [pid, t] of helpers1) helperTicks += t - (helpers0.get(pid) ?? 0);
    // Helper CPU is the server's work, not foreign load.
    if (after) after = { ...after, own: after.own + helperTicks };
  }
  const others = foreignCores(before, after);
  const serverTicks = server0 !== null && server1 !== null ? server1 - server0 : null;
  const cores = (ticks: number | null) => (ticks === null ? null : Math.round((ticks / 100 / elapsedS) * 100) / 100);
  const ok = successes(target, r);
  const perRequest = (ticks: number | null) => (ticks === null || ok === 0 ? null : Math.round((ticks * 10_000) / ok));
  const stats: LoadStats = {
    requestsPerSec: Math.round(r.requests.average),
    totalRequests: r.requests.total,
    p50Ms: recorder.percentile(50),
    p99Ms: recorder.percentile(99),
    autocannonLatencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    foreignCores: others,
    serverCores: cores(serverTicks),
    serverCpuUsPerRequest: perRequest(serverTicks),
    clientCores: cores(client0 !== null && client1 !== null ? client1 - client0 : null),
    discarded: problemsOf(target, r),
  };
  if (helpers0) {
    stats.helperCores = cores(helperTicks);
    stats.helperCpuUsPerRequest = perRequest(helperTicks);
  }
  return stats;
}

/** Medians over the kept (not discarded) runs. */
export interface LoadSummary {
  keptRuns: number;
  requestsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  serverCpuUsPerRequest: number | null;
  serverCores: number | null;
  clientCores: number | null;
}

export function summarizeLoad(runs: LoadStats[]): LoadSummary {
  const kept = runs.filter((m) => m.discarded === null);
  const med = (pick: (m: LoadStats) => number | null | undefined) => medianOf(kept, pick);
  return {
    keptRuns: kept.length,
    requestsPerSec: med((m) => m.requestsPerSec),
    p50Ms: med((m) => m.p50Ms),
    p99Ms: med((m) => m.p99Ms),
    serverCpuUsPerRequest: med((m) => m.serverCpuUsPerRequest),
    serverCores: med((m) => m.serverCores),
    clientCores: med((m) => m.clientCores),
  };
}

/** Median of a field over some runs, two decimals; null when no run has a value. */
export function medianOf(runs: LoadStats[], pick: (m: LoadStats) => number | null | undefined): number | null {
  const values = runs.map(pick).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  return values.length === 0 ? null : Math.round(median(values) * 100) / 100;
}

/** A table cell: a number with `digits` decimals, right-aligned to `width`, or `n/a`. */
export const cell = (v: number | null | undefined, digits: number, width: number) =>
  (v === null || v === undefined ? 'n/a' : v.toFixed(digits)).padStart(width);
