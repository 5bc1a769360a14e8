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
import { parseArgs } from 'node:util';
import {
  BUSY_MACHINE_CORES,
  busy,
  describeMachine,
  describeRevision,
  freePort,
  isEntryPoint,
  loadAverage,
  machineInfo,
  positiveInt,
  resultName,
  revision,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
  writeResult,
  type AppProcess,
} from './cold-start.ts';
import { cell, load, measureLoad, summarizeLoad, type LoadStats, type LoadSummary, type LoadTarget } from './load.ts';

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

export const overheadDefaults: OverheadOptions = {
  connections: [10, 50],
  durationS: 10,
  runs: 3,
  warmupS: 3,
  logLevel: 'info',
  quick: false,
};

type Target = 'bare' | 'app';

type Measurement = { target: Target; connections: number; run: number } & LoadStats;

async function measure(
  target: Target,
  port: number,
  connections: number,
  run: number,
  durationS: number,
  serverPid: number | undefined,
  allServerPids: (number | undefined)[],
): Promise<Measurement> {
  const stats = await measureLoad(healthTarget(port), connections, durationS, {
    server: serverPid,
    all: allServerPids,
  });
  return { target, connections, run, ...stats };
}

/** Every answer must be the health body with a 2xx status. */
const healthTarget = (port: number): LoadTarget => ({
  url: `http://127.0.0.1:${port}/healthz`,
  expectBody: HEALTH_BODY,
});

interface Summary {
  connections: number;
  bare: TargetSummary;
  app: TargetSummary;
  /** median app req/s ÷ median bare req/s */
  ratio: number | null;
  targetMet: boolean | null;
}
type TargetSummary = LoadSummary;

function summarize(measurements: Measurement[], target: Target, connections: number): TargetSummary {
  return summarizeLoad(measurements.filter((m) => m.target === target && m.connections === connections));
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
  for (const [name, child] of [
    ['bare server', bare],
    ['app', app],
  ] as const) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the ${name} process (pid ${child.pid}) exited during the benchmark (code ${child.exitCode}, signal ${child.signalCode})`,
      );
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
      const w = await load(healthTarget(ports[target]), warmConnections, opts.warmupS);
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
          const m = await measure(target, ports[target], connections, run, opts.durationS, pids[target], [
            pids.bare,
            pids.app,
          ]);
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
    const ratio =
      a.requestsPerSec !== null && b.requestsPerSec
        ? Math.round((a.requestsPerSec / b.requestsPerSec) * 1000) / 1000
        : null;
    return { connections, bare: b, app: a, ratio, targetMet: ratio === null ? null : ratio >= OVERHEAD_TARGET_RATIO };
  });

  const discarded = measurements.filter((m) => m.discarded !== null);
  console.log(`\n  medians of kept runs (app LOG_LEVEL=${opts.logLevel})`);
  console.log('  conns  server    req/s    p50 ms   p99 ms  CPU µs/req  server cores  client cores  kept');
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
    console.log(
      `         app/bare req/s = ${s.ratio === null ? 'n/a' : s.ratio.toFixed(3)}  (target ≥ ${OVERHEAD_TARGET_RATIO}: ${verdict})`,
    );
  }
  const busyRuns = measurements.filter((m) => busy(m.foreignCores)).length;
  const codeChanged = JSON.stringify(revision()) !== JSON.stringify(code);
  if (codeChanged)
    console.log('  WARNING: the code changed while the benchmark ran (commit or app files); the numbers mix versions.');
  if (busyRuns > 0) {
    console.log(
      `\n  note: other processes used more than ${BUSY_MACHINE_CORES} cores during ${busyRuns} of ${measurements.length} run(s); those runs are kept but pessimistic.`,
    );
  }
  if (discarded.length > 0)
    console.log(
      `\n  ${discarded.length} run(s) discarded because of non-2xx responses, errors, timeouts or mismatches (see above).`,
    );

  const result = {
    benchmark: 'http-overhead',
    description:
      'GET /healthz: cardquant start (full middleware stack) vs a bare node:http server returning the same body',
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
  if (!Number.isInteger(warmupS) || warmupS < 0)
    throw new Error(`--warmup must be a whole number of seconds (got ${values.warmup})`);
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
