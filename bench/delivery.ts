/**
 * Delivery throughput: how many webhook deliveries per second real `cardquant worker` processes
 * send to a receiver on loopback, and the time from an event's write (its `triggered_at`, the
 * payload's `timestamp`) to its arrival, on SQLite and PostgreSQL with 1 and 4 worker processes.
 *
 * Each case gets a fresh database (SQLite file in os.tmpdir(); PostgreSQL database on
 * 127.0.0.1:5432, dropped afterwards), one Standard Webhooks endpoint, and a node:http receiver
 * that verifies every signature and answers 200 at once (test/delivery-load.ts). The workers are
 * started and ready first; then N deliveries (half test.ping, half alert.triggered) are written,
 * 100 per transaction, as fast as the producer can, while the workers drain them. Throughput is
 * N / (last first-arrival − first write); latency counts each delivery's first arrival, so under
 * this burst it is mostly time spent queued. A second, paced phase then writes `--paced-n` more
 * at `--paced-rate` per second (batches of 10), below capacity: its latency is the one an alert
 * sees on a quiet system (an idle worker finds new work at its next poll). Workers
 * run with the default DELIVERY_* settings (8 sends in flight each, 1 s idle poll), the real
 * webhook channel (signing, egress guard with EGRESS_ALLOW=loopback, circuit breaker).
 *
 *   npx tsx bench/delivery.ts [--dialect sqlite|postgres|both] [--workers 1,4] [--n 5000]
 *                             [--paced-n 500] [--paced-rate 100]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { resolveDataKeys } from '../src/platform/data-key.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { cardquantArgs } from '../src/platform/entrypoints.ts';
import { createLoadEndpoint, enqueueLoad, startCountingReceiver } from '../test/delivery-load.ts';
import { describeMachine, describeRevision, machineInfo, positiveInt, REPO_ROOT, revision } from './cold-start.ts';
import { pgAdmin } from './pg-admin.ts';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    workers: { type: 'string', default: '1,4' },
    n: { type: 'string', default: '5000' },
    'paced-n': { type: 'string', default: '500' },
    'paced-rate': { type: 'string', default: '100' },
  },
});
const N = positiveInt(args.n, 5000, '--n');
const WORKERS = args.workers!.split(',').map((w) => positiveInt(w, 1, '--workers'));
const PACED_N = positiveInt(args['paced-n'], 500, '--paced-n');
const PACED_RATE = positiveInt(args['paced-rate'], 100, '--paced-rate');
const DIALECTS = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect!];

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...cardquantArgs(), 'worker'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('"msg":"ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

function firstArrivals<T extends { webhookId: string }>(arrivals: T[]): T[] {
  const first = new Map<string, T>();
  for (const a of arrivals) if (!first.has(a.webhookId)) first.set(a.webhookId, a);
  return [...first.values()];
}

const latenciesOf = (arrivals: { atMs: number; body: string }[]) =>
  arrivals
    .map((a) => a.atMs - Date.parse((JSON.parse(a.body) as { timestamp: string }).timestamp))
    .sort((x, y) => x - y);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function runCase(dialect: string, workers: number) {
  const dir = mkdtempSync(join(os.tmpdir(), 'cq-bench-delivery-'));
  const pgName = `cardquant_bench_delivery_${randomBytes(4).toString('hex')}`;
  const url =
    dialect === 'sqlite' ? `sqlite:${join(dir, 'bench.sqlite')}` : `postgres://postgres@127.0.0.1:5432/${pgName}`;
  if (dialect === 'postgres') await pgAdmin(`create database ${pgName}`);
  const database = openDatabase(url);
  const receiver = await startCountingReceiver();
  const children: ChildProcess[] = [];
  try {
    await migrate(database, () => new Date().toISOString());
    const dataKey = randomBytes(32).toString('base64');
    const box = resolveDataKeys({ DATABASE_URL: url, DATA_ENCRYPTION_KEY: dataKey }).box;
    const { endpointId, secret } = await createLoadEndpoint(database, box, receiver.url);
    receiver.secret = secret;
    const env = { DATABASE_URL: url, DATA_ENCRYPTION_KEY: dataKey, EGRESS_ALLOW: 'loopback', LOG_LEVEL: 'info' };
    for (let i = 0; i < workers; i++) children.push(await startWorker(env));
    const started = performance.timeOrigin + performance.now();
    const done = receiver.until((r) => r.unique === N);
    await enqueueLoad(database, endpointId, 0, N);
    const written = performance.timeOrigin + performance.now();
    await done;
    const burst = firstArrivals(receiver.arrivals);
    const lastArrival = Math.max(...burst.map((a) => a.atMs));
    const latencies = latenciesOf(burst);

    const pacedFrom = receiver.arrivals.length;
    const pacedDone = receiver.until((r) => r.unique === N + PACED_N);
    for (let i = 0; i < PACED_N; i += 10) {
      const due = started + (lastArrival - started) + 500 + (i / PACED_RATE) * 1000;
      const wait = due - (performance.timeOrigin + performance.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await enqueueLoad(database, endpointId, N + i, Math.min(10, PACED_N - i));
    }
    await pacedDone;
    const paced = latenciesOf(firstArrivals(receiver.arrivals.slice(pacedFrom)));
    return {
      pacedP50Ms: percentile(paced, 0.5),
      pacedP99Ms: percentile(paced, 0.99),
      dialect,
      workers,
      n: N,
      seconds: (lastArrival - started) / 1000,
      perSecond: N / ((lastArrival - started) / 1000),
      writeSeconds: (written - started) / 1000,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      requests: receiver.arrivals.length,
      unverified: receiver.unverified.length,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))),
    );
    await receiver.close();
    await database.close();
    if (dialect === 'postgres') await pgAdmin(`drop database if exists ${pgName}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

const machine = machineInfo();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`revision: ${describeRevision(revision())}`);
console.log(`paced phase: ${PACED_N} deliveries at ${PACED_RATE}/s`);
console.log(
  '| database | workers | deliveries | seconds | deliveries/s | write s | burst p50 ms | burst p99 ms | paced p50 ms | paced p99 ms | requests |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const dialect of DIALECTS) {
  for (const workers of WORKERS) {
    const r = await runCase(dialect, workers);
    if (r.unverified > 0) throw new Error(`${r.unverified} requests did not verify`);
    console.log(
      `| ${r.dialect} | ${r.workers} | ${r.n} | ${r.seconds.toFixed(1)} | ${Math.round(r.perSecond)} | ${r.writeSeconds.toFixed(1)} | ${Math.round(r.p50Ms)} | ${Math.round(r.p99Ms)} | ${Math.round(r.pacedP50Ms)} | ${Math.round(r.pacedP99Ms)} | ${r.requests} |`,
    );
  }
}
