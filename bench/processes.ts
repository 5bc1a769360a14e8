/**
 * `cardquant serve --processes 2` against `--processes 1` on the same machine, beside a bare
 * node:http floor in the same run: wrk (one thread) requests random card details
 * (`/v1/cards/{id}`, ids drawn from the dataset, response cache off) at 10 and 50 connections.
 * Then the per-request cost of each rate-limit store (memory, redis, postgres): sequential
 * `RateLimits.take` calls in this process, and the database statements each adds.
 *
 *   npx tsx bench/processes.ts --db sqlite:PATH [--seconds 10] [--pg postgres://…]
 *
 * The dataset is migrated in place (serve applies pending migrations): run it on a copy.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { describeMachine, freePort, loadAverage, machineInfo, median, startApp, waitFor200 } from './cold-start.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { memoryStore, RateLimits } from '../src/platform/http/rate-limit.ts';
import { postgresStore, redisStore } from '../src/platform/http/rate-limit-store.ts';
import { openMigrated } from '../src/runtime.ts';
import { runWrk } from './wrk.ts';
const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    pg: { type: 'string' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
if (!args.db) throw new Error('--db sqlite:PATH is required');
const seconds = Number(args.seconds);

function randomIds(url: string, n: number): string[] {
  const db = new SqliteDatabase(url.slice('sqlite:'.length), { readonly: true });
  try {
    return (db.prepare('select id from cards order by random() limit ?').all(n) as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** One wrk run of `seconds` (a random path of `paths` per request, or `/`). */
async function wrk(port: number, paths: string[] | null, connections: number): Promise<Run> {
  const r = await runWrk({ url: `http://127.0.0.1:${port}/`, paths: paths ?? undefined }, { connections, seconds });
  return { rps: r.rps, p50: r.p50_ms, p99: r.p99_ms, errors: r.failures };
}

async function floorServer(body: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json'});s.end(${JSON.stringify(body)})}).listen(${port},'127.0.0.1')`,
    ],
    { stdio: 'ignore' },
  );
  await waitFor200(port, '/', { timeoutMs: 10_000 });
  return { port, stop: () => child.kill('SIGTERM') };
}

const ids = randomIds(args.db, 2000);
const paths = ids.map((id) => `/v1/cards/${encodeURIComponent(id)}`);
console.log(`# ${describeMachine(machineInfo())}`);
console.log(`# ${new Date().toISOString()} dataset ${args.db} load before ${loadAverage().join(' ')}`);

const results: Record<string, Record<number, Run>> = {};
for (const processes of [1, 2]) {
  const app = await startApp({
    logLevel: 'warn',
    stdout: 'ignore',
    command: 'serve',
    databaseUrl: args.db,
    runtime: 'bin',
    env: { SERVE_PROCESSES: String(processes), RESPONSE_CACHE_MB: '0', RATE_LIMIT_ANONYMOUS: '10000000' },
  });
  await waitFor200(app.port, '/healthz', { timeoutMs: 120_000 });
  // Each worker warms up (its statement cache, V8) before the measurement.
  await wrk(app.port, paths, 10);
  const sample = await fetch(`http://127.0.0.1:${app.port}${paths[0]}`).then((r) => r.text());
  const floor = await floorServer(sample);
  for (const connections of [10, 50]) {
    results[`floor`] ??= {};
    results.floor[connections] = await wrk(floor.port, null, connections);
    results[`serve --processes ${processes}`] ??= {};
    results[`serve --processes ${processes}`]![connections] = await wrk(app.port, paths, connections);
  }
  floor.stop();
  await app.stop();
}
console.log('| server | connections | req/s | p50 ms | p99 ms | errors |');
console.log('|---|---|---|---|---|---|');
for (const [name, byConn] of Object.entries(results))
  for (const [c, r] of Object.entries(byConn))
    console.log(`| ${name} | ${c} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`);

// Per-request cost of each store: median of 5 rounds of 2000 sequential takes (distinct IPs).
const settings = {
  windowSeconds: 60,
  anonymousPoints: 1_000_000,
  authenticatedPoints: 1_000_000,
  authFailurePoints: 30,
  portfolioCreationsPerHour: 20,
  alertCreationsPerHour: 60,
};
const log = createLogger('warn');
const stores: [string, () => Promise<{ limits: RateLimits; statements: () => number; close: () => Promise<void> }>][] =
  [
    [
      'memory',
      async () => ({
        limits: new RateLimits(settings, { store: memoryStore() }),
        statements: () => 0,
        close: async () => undefined,
      }),
    ],
    [
      'redis',
      async () => {
        const store = await redisStore(args.redis, `cardquant-bench:${process.pid}`, log);
        return { limits: new RateLimits(settings, { store }), statements: () => 0, close: () => store.close() };
      },
    ],
  ];
if (args.pg)
  stores.push([
    'postgres',
    async () => {
      const database = await openMigrated(loadConfig({ DATABASE_URL: args.pg! }), log);
      return {
        limits: new RateLimits(settings, { store: postgresStore(database) }),
        statements: () => database.queryCount,
        close: () => database.close(),
      };
    },
  ]);
console.log('\n| store | µs per take (median of 5 × 2000) | statements per take |');
console.log('|---|---|---|');
for (const [name, open] of stores) {
  const s = await open();
  const rounds: number[] = [];
  const before = s.statements();
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) await s.limits.take(null, `10.${round}.${i >> 8}.${i & 255}`);
    rounds.push(((performance.now() - t0) * 1000) / 2000);
  }
  console.log(`| ${name} | ${median(rounds).toFixed(1)} | ${(s.statements() - before) / 10_000} |`);
  await s.close();
}
console.log(`# load after ${loadAverage().join(' ')}`);
