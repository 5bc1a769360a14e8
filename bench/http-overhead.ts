/**
 * HTTP middleware overhead: `GET /healthz` of the full app against a bare `node:http` server that
 * returns the same body and content type.
 *
 * Both servers run as child processes on free loopback ports; the load generator (autocannon)
 * runs in this process. The app gets a fresh SQLite database in a temporary directory and its
 * logs go to an ignored stdout, so the logging cost is real but no terminal is involved.
 * Runs are interleaved (bare, app, bare, app, …) so that drift on the machine affects both alike;
 * a run with any non-2xx response, body mismatch, error or timeout is discarded.
 *
 *   npx tsx bench/http-overhead.ts [--connections 10,50] [--duration 10] [--runs 3]
 *                                  [--warmup 3] [--log-level info] [--quick]
 */
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import {
  BUSY_MACHINE_CORES,
  busy,
  cpuSnapshot,
  describeMachine,
  describeRevision,
  foreignCores,
  freePort,
  isEntryPoint,
  loadAverage,
  machineInfo,
  median,
  positiveInt,
  processCpuTicks,
  resultName,
  revision,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
  writeResult,
  type AppProcess,
} from './cold-start.ts';

// autocannon ships no type declarations; this is the part of its API used here.
interface AutocannonHistogram {
  average: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}
interface AutocannonResult {
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
}
type AutocannonInstance = EventEmitter;
type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export const OVERHEAD_TARGET_RATIO = 0.5;
const HEALTH_BODY = '{"status":"ok"}';

/** The baseline: the same bytes and content type as the app's /healthz, nothing else. */
const BARE_SERVER = `
const http = require('node:http');
const body = Buffer.from(${JSON.stringify(HEALTH_BODY)});
const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': body.length };
http.createServer((req, res) => { res.writeHead(200, headers); res.end(body); })
  .listen(Number(process.env.BENCH_PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

export interface OverheadOptions {
  connections: number[];
  durationS: number;
  runs: number;
  warmupS: number;
  logLevel: string;
  /** Smoke run: shorter, and written to http-overhead.quick.json (see resultName). */
  quick: boolean;
}

export const overheadDefaults: OverheadOptions = { connections: [10, 50], durationS: 10, runs: 3, warmupS: 3, logLevel: 'info', quick: false };

type Target = 'bare' | 'app';

interface Measurement {
  target: Target;
  connections: number;
  run: number;
  requestsPerSec: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** autocannon's own latency percentiles (1 ms resolution), for reference. */
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
  /** Average cores used by the load generator (this process): near 1.0 means it was the limit. */
  clientCores: number | null;
  discarded: string | null;
}

/**
 * Latencies at 10 µs resolution. autocannon's built-in histogram records whole milliseconds,
 * which is too coarse for sub-millisecond responses; its `response` event carries the exact time.
 */
class LatencyRecorder {
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

function load(url: string, connections: number, durationS: number, recorder?: LatencyRecorder): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationS, pipelining: 1, timeout: 10, expectBody: HEALTH_BODY }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    if (recorder) {
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => recorder.record(responseTime));
    }
  });
}

async function measure(
  target: Target,
  port: number,
  connections: number,
  run: number,
  durationS: number,
  serverPid: number | undefined,
  allServerPids: (number | undefined)[],
): Promise<Measurement> {
  const recorder = new LatencyRecorder();
  const before = cpuSnapshot(allServerPids);
  const server0 = processCpuTicks(serverPid);
  const client0 = processCpuTicks('self');
  const started = performance.now();
  const r = await load(`http://127.0.0.1:${port}/healthz`, connections, durationS, recorder);
  const elapsedS = (performance.now() - started) / 1000;
  const server1 = processCpuTicks(serverPid);
  const client1 = processCpuTicks('self');
  const others = foreignCores(before, cpuSnapshot(allServerPids));
  const serverTicks = server0 !== null && server1 !== null ? server1 - server0 : null;
  const cores = (ticks: number | null) => (ticks === null ? null : Math.round((ticks / 100 / elapsedS) * 100) / 100);
  const problems = [
    r.non2xx > 0 ? `${r.non2xx} non-2xx` : '',
    r.errors > 0 ? `${r.errors} errors` : '',
    r.timeouts > 0 ? `${r.timeouts} timeouts` : '',
    r.mismatches > 0 ? `${r.mismatches} body mismatches` : '',
    r['2xx'] === 0 ? 'no 2xx responses' : '',
  ].filter(Boolean);
  return {
    target,
    connections,
    run,
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
    serverCpuUsPerRequest: serverTicks === null || r['2xx'] === 0 ? null : Math.round((serverTicks * 10_000) / r['2xx']),
    clientCores: cores(client0 !== null && client1 !== null ? client1 - client0 : null),
    discarded: problems.length > 0 ? problems.join(', ') : null,
  };
}

interface Summary {
  connections: number;
  bare: TargetSummary;
  app: TargetSummary;
  /** median app req/s ÷ median bare req/s */
  ratio: number | null;
  targetMet: boolean | null;
}
interface TargetSummary {
  keptRuns: number;
  requestsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  serverCpuUsPerRequest: number | null;
  serverCores: number | null;
  clientCores: number | null;
}

function summarize(measurements: Measurement[], target: Target, connections: number): TargetSummary {
  const kept = measurements.filter((m) => m.target === target && m.connections === connections && m.discarded === null);
  const med = (pick: (m: Measurement) => number | null) => {
    const values = kept.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.round(median(values) * 100) / 100;
  };
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

async function startBare(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, ['-e', BARE_SERVER], {
    env: { ...process.env, BENCH_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor200(port, '/healthz', { timeoutMs: 10_000, child });
  return { child, port };
}

/** A server that died mid-benchmark would only show up as a wall of connection errors. */
function assertAlive(bare: ChildProcess, app: ChildProcess): void {
  for (const [name, child] of [['bare server', bare], ['app', app]] as const) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the ${name} process (pid ${child.pid}) exited during the benchmark (code ${child.exitCode}, signal ${child.signalCode})`);
    }
  }
}

export async function runHttpOverhead(opts: OverheadOptions = overheadDefaults) {
  const machine = machineInfo();
  const code = revision();
  const perRunS = opts.durationS + 1;
  const budgetS = 120 + opts.warmupS * 2 + opts.connections.length * opts.runs * 2 * perRunS * 2;
  const watchdog = setTimeout(() => {
    process.stderr.write(`http-overhead: still running after ${budgetS} s; giving up\n`);
    process.exit(1); // the exit hook kills the child processes
  }, budgetS * 1000);
  watchdog.unref();

  console.log(`\n== HTTP overhead: GET /healthz, app vs bare node:http ==`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(`code: ${describeRevision(code)}`);
  console.log(
    `settings: connections ${opts.connections.join(', ')}; ${opts.durationS} s per run; ${opts.runs} run(s) per server, interleaved; ` +
      `${opts.warmupS} s warm-up per server (not counted); app LOG_LEVEL=${opts.logLevel} (logs to an ignored stdout); empty SQLite; pipelining 1\n`,
  );

  let bare: { child: ChildProcess; port: number } | undefined;
  let app: AppProcess | undefined;
  const measurements: Measurement[] = [];
  try {
    bare = await startBare();
    app = await startApp({ logLevel: opts.logLevel, stdout: 'ignore' });
    await waitFor200(app.port, '/readyz', { timeoutMs: 30_000, child: app.child });
    const ports: Record<Target, number> = { bare: bare.port, app: app.port };

    const warmConnections = Math.max(...opts.connections);
    for (const target of ['bare', 'app'] as const) {
      if (opts.warmupS === 0) continue;
      const w = await load(`http://127.0.0.1:${ports[target]}/healthz`, warmConnections, opts.warmupS);
      if (w['2xx'] === 0 || w.errors > 0 || w.non2xx > 0) {
        assertAlive(bare.child, app.child);
        throw new Error(`warm-up of ${target} failed: ${w['2xx']} 2xx, ${w.non2xx} non-2xx, ${w.errors} errors`);
      }
    }

    for (const connections of opts.connections) {
      for (let run = 1; run <= opts.runs; run++) {
        for (const target of ['bare', 'app'] as const) {
          assertAlive(bare.child, app.child);
          const pids = { bare: bare.child.pid, app: app.child.pid };
          const m = await measure(target, ports[target], connections, run, opts.durationS, pids[target], [pids.bare, pids.app]);
          measurements.push(m);
          assertAlive(bare.child, app.child);
          console.log(
            `  c=${String(connections).padStart(3)} run ${run} ${target.padEnd(4)} ${String(m.requestsPerSec).padStart(7)} req/s  ` +
              `p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  ` +
              `server ${m.serverCores ?? 'n/a'} cores (${m.serverCpuUsPerRequest ?? 'n/a'} µs CPU/req), client ${m.clientCores ?? 'n/a'} cores, ` +
              `other processes ${m.foreignCores ?? 'n/a'} cores` +
              (busy(m.foreignCores) ? '  (machine busy)' : '') +
              (m.discarded ? `  ** DISCARDED: ${m.discarded} (status codes ${JSON.stringify(m.statusCodes)}) **` : ''),
          );
        }
      }
    }
  } finally {
    clearTimeout(watchdog);
    await Promise.all([bare ? stopChild(bare.child) : undefined, app?.stop()]);
  }

  const summaries: Summary[] = opts.connections.map((connections) => {
    const b = summarize(measurements, 'bare', connections);
    const a = summarize(measurements, 'app', connections);
    const ratio = a.requestsPerSec !== null && b.requestsPerSec ? Math.round((a.requestsPerSec / b.requestsPerSec) * 1000) / 1000 : null;
    return { connections, bare: b, app: a, ratio, targetMet: ratio === null ? null : ratio >= OVERHEAD_TARGET_RATIO };
  });

  const discarded = measurements.filter((m) => m.discarded !== null);
  console.log(`\n  medians of kept runs (app LOG_LEVEL=${opts.logLevel})`);
  console.log('  conns  server    req/s    p50 ms   p99 ms  CPU µs/req  server cores  client cores  kept');
  const cell = (v: number | null, digits: number, width: number) => (v === null ? 'n/a' : v.toFixed(digits)).padStart(width);
  for (const s of summaries) {
    for (const target of ['bare', 'app'] as const) {
      const t = s[target];
      console.log(
        `  ${String(s.connections).padStart(5)}  ${target.padEnd(6)} ${cell(t.requestsPerSec, 0, 8)} ${cell(t.p50Ms, 2, 9)} ${cell(t.p99Ms, 2, 8)} ` +
          `${cell(t.serverCpuUsPerRequest, 0, 11)} ${cell(t.serverCores, 2, 13)} ${cell(t.clientCores, 2, 13)}  ${t.keptRuns}/${opts.runs}`,
      );
    }
    const verdict =
      s.ratio === null
        ? 'UNKNOWN (no kept runs)'
        : s.targetMet
          ? 'MET'
          : `MISSED by ${Math.round((OVERHEAD_TARGET_RATIO - s.ratio) * 1000) / 10} percentage points`;
    console.log(`         app/bare req/s = ${s.ratio === null ? 'n/a' : s.ratio.toFixed(3)}  (target ≥ ${OVERHEAD_TARGET_RATIO}: ${verdict})`);
  }
  const busyRuns = measurements.filter((m) => busy(m.foreignCores)).length;
  const codeChanged = JSON.stringify(revision()) !== JSON.stringify(code);
  if (codeChanged) console.log('  WARNING: the code changed while the benchmark ran (commit or app files); the numbers mix versions.');
  if (busyRuns > 0) {
    console.log(`\n  note: other processes used more than ${BUSY_MACHINE_CORES} cores during ${busyRuns} of ${measurements.length} run(s); those runs are kept but pessimistic.`);
  }
  if (discarded.length > 0) console.log(`\n  ${discarded.length} run(s) discarded because of non-2xx responses, errors, timeouts or mismatches (see above).`);

  const result = {
    benchmark: 'http-overhead',
    description: 'GET /healthz: cardquant start (full middleware stack) vs a bare node:http server returning the same body',
    machine,
    revision: code,
    codeChangedDuringRun: codeChanged,
    settings: {
      ...opts,
      pipelining: 1,
      loadGenerator: 'autocannon (in the benchmark process, same machine)',
      dataset: 'empty SQLite',
      latency: 'percentiles from per-response times at 10 µs resolution',
      requestsPerSec: "autocannon's mean of per-second samples",
    },
    loadAverageAtEnd: loadAverage(),
    summaries,
    measurements,
    target: { appOverBareAtLeast: OVERHEAD_TARGET_RATIO, met: summaries.every((s) => s.targetMet === true) },
    busyRuns,
  };
  const file = writeResult(resultName('http-overhead', opts), result);
  console.log(`  results: ${file}`);
  return result;
}

export function parseOverheadArgs(argv: string[]): OverheadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      'log-level': { type: 'string' },
      quick: { type: 'boolean' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const connections = values.connections
    ? values.connections.split(',').map((c) => positiveInt(c.trim(), 0, '--connections'))
    : overheadDefaults.connections;
  const warmupS = values.warmup === undefined ? (quick ? 1 : overheadDefaults.warmupS) : Number(values.warmup);
  if (!Number.isInteger(warmupS) || warmupS < 0) throw new Error(`--warmup must be a whole number of seconds (got ${values.warmup})`);
  return {
    connections,
    durationS: positiveInt(values.duration, quick ? 2 : overheadDefaults.durationS, '--duration'),
    runs: positiveInt(values.runs, quick ? 1 : overheadDefaults.runs, '--runs'),
    warmupS,
    logLevel: values['log-level'] ?? overheadDefaults.logLevel,
    quick,
  };
}

if (isEntryPoint(import.meta.url)) {
  try {
    await runHttpOverhead(parseOverheadArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`http-overhead: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
