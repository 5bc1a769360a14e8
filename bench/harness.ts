/**
 * The multi-process harness as a benchmark: 3 `serve` + 2 `worker` processes (compiled dist/) on
 * one PostgreSQL database, started at once, with the same client as test/multi-process.test.ts
 * (test/multi-process.ts): round-robin over the three serve processes, retrying on the next one
 * what the nginx example retries. Reported: requests per second and failed requests for a steady
 * mixed public read load at each concurrency (random cards among all of them: list pages by three
 * sorts, card detail, 365-day history, movers, prefix search, dashboard), then for a rolling
 * restart (SIGTERM each serve in turn, start it again, wait for /readyz) under the same load.
 * Beside it, in the same run: wrk against each serve process at once on one URL (`/v1/movers`,
 * connections split over the three) and wrk against a bare node:http server answering the same
 * body (the floor).
 *
 * The database is a copy (`createdb -T`) of a seeded benchmark database, dropped afterwards; the
 * workers' pipeline is not due during the run (PIPELINE_CRON on 1 January), so the numbers are
 * the read path's. Rate limits use the shared PostgreSQL store (`RATE_LIMIT_STORE=auto` on
 * PostgreSQL), as a deployment would; every load request of the harness's client comes from its
 * own client address, and the anonymous limit is set beyond reach (wrk's requests share one).
 *
 *   npx tsx bench/harness.ts [--template cardquant_bench_api_20000_365_p1_5] [--seconds 15]
 *                            [--concurrency 12,48] [--rate-limit-store auto|memory]
 * (--rate-limit-store memory: per-process counters, to see what the shared store costs.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/platform/db/database.ts';
import { closeAgents, driveLoad, get, RoundRobin, startCluster } from '#test/multi-process.ts';
import { stopAll } from '#test/process.ts';
import { describeMachine, loadAverage, machineInfo, RESULTS_DIR } from './cold-start.ts';
import { PG_ADMIN, pgAdmin } from './pg-admin.ts';
import { runWrk, type WrkRun } from './wrk.ts';

const { values } = parseArgs({
  options: {
    template: { type: 'string', default: 'cardquant_bench_api_20000_365_p1_5' },
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '12,48' },
    /** RATE_LIMIT_STORE of the processes (default auto: the shared PostgreSQL store). */
    'rate-limit-store': { type: 'string', default: 'auto' },
  },
});
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map(Number);
const name = `cq_bench_harness_${process.pid}`;
const url = PG_ADMIN.replace(/\/postgres$/, `/${name}`);
const dir = mkdtempSync(join(tmpdir(), 'cq-bench-harness-'));
const machine = machineInfo();

interface Phase {
  phase: string;
  concurrency: number;
  requests: number;
  rps: number;
  failed: number;
  retries: number;
  loadBefore: number[];
  loadAfter: number[];
}

async function main(): Promise<void> {
  console.log(`machine: ${describeMachine(machine)}`);
  const copyStarted = performance.now();
  await pgAdmin(`create database ${name} template ${values.template}`);
  console.log(`copied ${values.template} in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
  const started = performance.now();
  const cluster = await startCluster({
    cwd: dir,
    databaseUrl: url,
    serve: 3,
    workers: 2,
    env: {
      LOG_LEVEL: 'info',
      WEB_APP: 'false',
      TRUST_PROXY: 'true',
      TRUSTED_PROXIES: '1',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      PG_POOL_MAX: '10',
      RATE_LIMIT_STORE: values['rate-limit-store'],
      // wrk sends every request from one address: a limit it cannot reach keeps it from 429s,
      // while every request still goes through the store.
      RATE_LIMIT_ANONYMOUS: '10000000',
    },
    workerEnv: { PIPELINE_CRON: '0 0 1 1 *' },
  });
  console.log(`3 serve + 2 worker ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const database = openDatabase(url);
  const cards = (await database.db.selectFrom('cards').select('id').execute()).map((c) => c.id);
  await database.close();
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const path = (i: number) => {
    const card = cards[Math.floor(random() * cards.length)]!;
    return [
      `/v1/cards?limit=24&sort=${['name', 'price', 'change_7d'][i % 3]}`,
      `/v1/cards/${card}`,
      `/v1/cards/${card}/history`,
      '/v1/movers',
      `/v1/cards?q=${card.slice(0, 9)}`,
      '/v1/dashboard',
    ][i % 6]!;
  };

  const phases: Phase[] = [];
  const measure = async (phase: string, concurrency: number, stop: (balancer: RoundRobin) => Promise<unknown>) => {
    const balancer = new RoundRobin(cluster.ports);
    const loadBefore = loadAverage();
    const { elapsedMs } = await driveLoad(balancer, { concurrency, path, stop: stop(balancer) });
    const c = balancer.counts;
    const row = {
      phase,
      concurrency,
      requests: c.requests,
      rps: Math.round((c.requests * 1000) / elapsedMs),
      failed: c.failed,
      retries: c.retries,
      loadBefore,
      loadAfter: loadAverage(),
    };
    phases.push(row);
    console.log(JSON.stringify({ ...row, failures: c.failures }));
  };
  const timer = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await measure('warm-up', 12, () => timer(3000));
  for (const concurrency of concurrencies) await measure('steady', concurrency, () => timer(seconds * 1000));
  await measure('rolling restart', concurrencies[0]!, async () => {
    for (let i = 0; i < cluster.serves.length; i++) await cluster.restartServe(i);
  });

  // wrk: the three processes at once on one URL, then the floor with the same body and connections.
  const movers = await get(cluster.ports[0]!, '/v1/movers');
  const wrk: Record<string, WrkRun & { loadBefore: number[]; loadAfter: number[] }> = {};
  for (const connections of [12, 48]) {
    const loadBefore = loadAverage();
    const runs = await Promise.all(
      cluster.ports.map((port) =>
        runWrk({ url: `http://127.0.0.1:${port}/v1/movers` }, { connections: connections / 3, seconds: 10 }),
      ),
    );
    wrk[`cluster c=${connections}`] = {
      requests: runs.reduce((s, r) => s + r.requests, 0),
      rps: Math.round(runs.reduce((s, r) => s + r.rps, 0)),
      p50_ms: Math.max(...runs.map((r) => r.p50_ms)),
      p95_ms: Math.max(...runs.map((r) => r.p95_ms)),
      p99_ms: Math.max(...runs.map((r) => r.p99_ms)),
      failures: runs.reduce((s, r) => s + r.failures, 0),
      loadBefore,
      loadAfter: loadAverage(),
    };
  }
  const floor = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(movers.body);
  });
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  const floorPort = (floor.address() as { port: number }).port;
  for (const connections of [12, 48]) {
    const loadBefore = loadAverage();
    const run = await runWrk({ url: `http://127.0.0.1:${floorPort}/` }, { connections, seconds: 10 });
    wrk[`bare node:http c=${connections}`] = { ...run, rps: Math.round(run.rps), loadBefore, loadAfter: loadAverage() };
  }
  floor.close();
  console.table(wrk);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const store = values['rate-limit-store'];
  const file = join(RESULTS_DIR, store === 'auto' ? 'harness.json' : `harness.${store}.json`);
  writeFileSync(
    file,
    JSON.stringify({ machine, template: values.template, cards: cards.length, store, phases, wrk }, null, 2),
  );
  console.log(`written ${file}`);
}

try {
  await main();
} finally {
  await stopAll();
  closeAgents();
  try {
    execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', name]);
  } catch (err) {
    console.error(`could not drop ${name}: ${(err as Error).message}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
