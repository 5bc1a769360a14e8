/**
 * `cardquant serve --processes N` (N > 1): one primary process forks N workers with `node:cluster`
 * (Node 20 has no `reusePort`: the primary accepts connections and hands them to the workers in
 * turn). Each worker is a whole `serve` runtime (its own database connections: SQLite readers in
 * WAL mode, or a PostgreSQL pool of PG_POOL_MAX). The primary serves nothing itself: it
 *
 * - counts rate limits for the workers (`RateLimiterClusterMaster`, RATE_LIMIT_STORE=cluster);
 * - restarts a worker that exits, after a backoff that doubles with each crash in the last
 *   minute (250 ms … 10 s), counted in `cardquant_serve_worker_restarts_total` and logged;
 * - gives up (stops the others, exits 1) when workers keep exiting before they listen;
 * - forwards SIGTERM/SIGINT so every worker shuts down gracefully within SHUTDOWN_GRACE_MS,
 *   and kills what is left a few seconds after that;
 * - answers a worker's request for the other workers' metrics, so `/metrics`, whichever worker
 *   answers it, covers the whole process group (see `joinServeCluster`).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, Counter, Gauge, type Aggregator, type MetricObject, Registry } from 'prom-client';

/** One registry's metrics as `getMetricsAsJSON` gives them (sent between processes). */
type metric = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { cardquantArgs } from './entrypoints.ts';
import type { Logger } from './log.ts';

const CHANNEL = 'cardquant:serve-metrics';
/** How long a scrape waits for the other workers' metrics before answering with those it has. */
const COLLECT_TIMEOUT_MS = 2000;
/** Workers exiting before they listen this many times in a row: the primary gives up. */
export const MAX_START_FAILURES = 5;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;
/** After the grace, how long the primary waits for workers before SIGKILL. */
const KILL_AFTER_GRACE_MS = 5000;

/**
 * Gauges that describe the whole deployment (computed from the database at each scrape by the
 * answering worker): taken from the answering worker, never summed over workers. Every other
 * gauge (process memory, log-shipping buffers) and every counter and histogram is summed.
 */
const PER_PROCESS_GAUGES = new Set(['cardquant_log_ship_buffer_bytes']);

type Message =
  | { channel: typeof CHANNEL; kind: 'collect'; id: number }
  | { channel: typeof CHANNEL; kind: 'collected'; id: number; metrics: metric[][] }
  | { channel: typeof CHANNEL; kind: 'report'; id: number }
  | { channel: typeof CHANNEL; kind: 'reported'; id: number; metrics: metric[] };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && (m as { channel?: unknown }).channel === CHANNEL;

/** `--processes` / SERVE_PROCESSES: 0 or `auto` is one per available core. */
export function resolveProcesses(value: number | 'auto' | string): number {
  if (value === 'auto' || value === 0 || value === '0') return availableParallelism();
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new Error(`--processes must be 0-256 or auto, not ${value}`);
  return n;
}

export interface PrimaryOptions {
  processes: number;
  graceMs: number;
  log: Logger;
}

/** Runs the primary until the workers have stopped; resolves to the exit code. */
export async function runServePrimary(options: PrimaryOptions): Promise<number> {
  const { processes, graceMs, log } = options;
  new RateLimiterClusterMaster();
  const registry = new Registry();
  const restarts = new Counter({
    name: 'cardquant_serve_worker_restarts_total',
    help: 'Workers of `serve --processes N` the primary restarted after they exited.',
    registers: [registry],
  });
  const live = new Gauge({
    name: 'cardquant_serve_workers',
    help: 'Workers of `serve --processes N` running (the primary not counted).',
    registers: [registry],
  });
  const listening = new Set<number>();
  const crashes: number[] = [];
  let startFailures = 0;
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    live.set(Object.keys(cluster.workers ?? {}).length);
    worker.once('listening', () => {
      listening.add(worker.id);
      startFailures = 0;
    });
    return worker;
  };

  const stopAll = (signal: NodeJS.Signals) => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    const killer = setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) {
        log.warn({ pid: w?.process.pid }, 'worker still running after the grace; killing it');
        w?.process.kill('SIGKILL');
      }
    }, graceMs + KILL_AFTER_GRACE_MS);
    killer.unref();
  };

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const remaining = Object.keys(cluster.workers ?? {}).length;
    live.set(remaining);
    const started = listening.delete(worker.id);
    if (stopping) {
      if (remaining === 0) finish(exitCode);
      return;
    }
    if (!started) startFailures++;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - 60_000) crashes.shift();
    if (startFailures >= MAX_START_FAILURES) {
      log.error(
        { failures: startFailures, code, signal },
        'workers keep exiting before they listen; stopping (the log lines above say why)',
      );
      stopping = true;
      exitCode = 1;
      if (remaining === 0) finish(exitCode);
      else stopAll('SIGTERM');
      return;
    }
    const delayMs = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (crashes.length - 1));
    restarts.inc();
    log.error(
      { pid: worker.process.pid, code, signal, restartInMs: delayMs, crashesLastMinute: crashes.length },
      'worker exited; starting another',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });

  // A worker answering /metrics asks for the others' metrics (and the primary's own).
  let nextId = 0;
  const pending = new Map<number, { metrics: metric[][]; waiting: number; done: () => void }>();
  cluster.on('message', (from: Worker, msg: unknown) => {
    if (!isMessage(msg)) return;
    if (msg.kind === 'reported') {
      const p = pending.get(msg.id);
      if (!p) return;
      p.metrics.push(msg.metrics);
      if (--p.waiting === 0) p.done();
      return;
    }
    if (msg.kind !== 'collect') return;
    const id = nextId++;
    const others = Object.values(cluster.workers ?? {}).filter((w) => w && w.id !== from.id && w.isConnected());
    const answer = async (metrics: metric[][]) => {
      pending.delete(id);
      metrics.push(await registry.getMetricsAsJSON());
      if (from.isConnected()) from.send({ channel: CHANNEL, kind: 'collected', id: msg.id, metrics } satisfies Message);
    };
    const entry = { metrics: [] as metric[][], waiting: others.length, done: () => undefined as void };
    const timer = setTimeout(() => entry.done(), COLLECT_TIMEOUT_MS);
    entry.done = () => {
      clearTimeout(timer);
      if (pending.has(id)) void answer(entry.metrics);
    };
    pending.set(id, entry);
    if (others.length === 0) entry.done();
    for (const w of others) w!.send({ channel: CHANNEL, kind: 'report', id } satisfies Message);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down the workers');
    stopAll(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) finish(exitCode);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // Workers run this command line through the same entry as this process (compiled or TypeScript).
  const entry = cardquantArgs();
  const script = entry.findIndex((a) => !a.startsWith('-'));
  cluster.setupPrimary({
    execArgv: [...process.execArgv, ...entry.slice(0, script)],
    exec: entry[script],
    args: [...entry.slice(script + 1), ...process.argv.slice(2)],
  });
  log.info({ processes, primaryPid: process.pid }, 'starting the serve workers');
  for (let i = 0; i < processes; i++) fork();
  const code = await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log.info({ exitCode: code }, 'stopped');
  return code;
}

/**
 * In a worker: answers the primary's requests for this worker's metrics, and makes `registry`
 * render the whole group's (this worker's first, so deployment gauges are its fresh values;
 * counters, histograms and per-process gauges summed over every worker).
 */
export function joinServeCluster(registry: Registry): void {
  for (const m of registry.getMetricsAsArray() as (MetricObject & { aggregator: Aggregator })[]) {
    if (m instanceof Gauge && m.name.startsWith('cardquant_') && !PER_PROCESS_GAUGES.has(m.name))
      m.aggregator = 'first';
  }
  const own = registry.getMetricsAsJSON.bind(registry);
  let nextId = 0;
  const waiting = new Map<number, (metrics: metric[][]) => void>();
  process.on('message', (msg: unknown) => {
    if (!isMessage(msg)) return;
    if (msg.kind === 'report') {
      void own().then((metrics) =>
        process.send?.({ channel: CHANNEL, kind: 'reported', id: msg.id, metrics } satisfies Message),
      );
    } else if (msg.kind === 'collected') {
      waiting.get(msg.id)?.(msg.metrics);
      waiting.delete(msg.id);
    }
  });
  const others = () =>
    new Promise<metric[][]>((resolve) => {
      const id = nextId++;
      // Without an answer (the primary is stopping), this worker's own metrics are still served.
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve([]);
      }, COLLECT_TIMEOUT_MS * 2);
      waiting.set(id, (metrics) => {
        clearTimeout(timer);
        resolve(metrics);
      });
      process.send?.({ channel: CHANNEL, kind: 'collect', id } satisfies Message);
    });
  // The route renders `registry.metrics()`: here that is the group's metrics.
  registry.metrics = async () => AggregatorRegistry.aggregate([await own(), ...(await others())]).metrics();
}
