/**
 * Portfolio reads under load: a portfolio of 5,000 lots on the 30,000-printing demo dataset,
 * measured with wrk (a C load generator) at 1 and 10 connections beside a bare `node:http` floor
 * answering the same summary bytes.
 *
 * Dataset: `cardquant demo --cards 20000 --printings-per-card 1.5 --days 365 --seed 42 --end
 * 2026-11-20` (20,000 cards, 30,000 printings, ~10.6M prices) into a SQLite file (seeded once and
 * kept; --db names it). Each run creates a new portfolio through the API: --lots lots (default
 * 5,000) on random priced printings, bought on random dates of the last year, and --sales sales
 * (default 200) of part of them; daily NAV snapshots for the year come from the `portfolio-nav`
 * pipeline step (timed); targets are 20 printing weights.
 *
 * Scenarios (each at every connection count; runs interleaved; medians of --runs runs):
 *   summary        GET  /v1/portfolios/{id}/summary
 *   holdings       GET  /v1/portfolios/{id}/holdings
 *   performance    GET  /v1/portfolios/{id}/performance?from=<end − 364 d>&to=<end> (snapshots)
 *   orders         POST /v1/portfolios/{id}/orders { budget: 1000 } (a proposal; each request stores one)
 *   bare           a bare node:http server answering the recorded summary body
 * first with the server's portfolio caches on (a repeat read), then the same but the bare one on
 * a second server with PORTFOLIO_CACHE_ENTRIES=0 (what the first read after a change costs).
 * reconstructed (performance with source=reconstructed, no snapshots read) is timed on the uncached
 * server one request at a time, five times: it reads a year of prices of every held printing.
 * A run with any unexpected status, socket error or timeout is discarded.
 *
 * Targets (issue 13): p95 at 1 and at 10 connections — summary ≤ 20 ms, 365-day performance
 * ≤ 50 ms (reconstructed reported separately), order proposal ≤ 200 ms.
 *
 *   npx tsx bench/portfolio.ts [--db sqlite:PATH] [--lots 5000] [--sales 200] [--connections 1,10]
 *                              [--duration 10] [--runs 3]
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/platform/db/database.ts';
import {
  describeMachine,
  describeRevision,
  machineInfo,
  median,
  positiveInt,
  REPO_ROOT,
  revision,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
  writeResult,
} from './cold-start.ts';
import { runWrk, startFloor, type WrkRequest, type WrkRun } from './wrk.ts';

const CLI = join(REPO_ROOT, 'bin', 'cardquant.js');
const END = '2026-11-20';
const DAY = 86_400_000;
const dayBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: `sqlite:${join(os.tmpdir(), 'cardquant-bench-portfolio-30k.db')}` },
    lots: { type: 'string', default: '5000' },
    sales: { type: 'string', default: '200' },
    connections: { type: 'string', default: '1,10' },
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const LOTS = positiveInt(args.lots, 5000, '--lots');
const SALES = positiveInt(args.sales, 200, '--sales');
const CONNECTIONS = args.connections!.split(',').map((c) => positiveInt(c, 1, '--connections'));
const SECONDS = positiveInt(args.duration, 10, '--duration');
const RUNS = positiveInt(args.runs, 3, '--runs');
const DB = args.db!;

function cli(argv: string[], env: Record<string, string> = {}): Promise<number> {
  const child = spawnTracked(process.execPath, [CLI, ...argv], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: DB, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`cardquant ${argv[0]} exited ${code}`)))),
  );
}

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        // A new connection each time: a kept-alive socket the server has since closed would reset.
        agent: false,
        method,
        path,
        headers: { ...headers, ...(data ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Runs `fn` over `items` with `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** A deterministic generator (mulberry32), so every run builds the same portfolio. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  server: string;
  scenario: string;
  connections: number;
  kept: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/**
 * Each scenario at each connection count: a 1 s warm-up, then --runs runs interleaved across
 * scenarios. After every run one request to the app's /healthz waits out the answers still in
 * flight, so a slow scenario's tail does not land in the next one's run.
 */
async function measure(server: string, scenarios: Record<string, WrkRequest>, appPort: number): Promise<Row[]> {
  const drain = () => call(appPort, 'GET', '/healthz', {});
  const runs: Record<string, Record<number, WrkRun[]>> = {};
  for (const c of CONNECTIONS) {
    for (const s of Object.values(scenarios)) {
      await runWrk(s, { connections: c, seconds: 1 });
      await drain();
    }
    for (let r = 0; r < RUNS; r++) {
      for (const [name, s] of Object.entries(scenarios)) {
        const run = await runWrk(s, { connections: c, seconds: SECONDS });
        await drain();
        ((runs[name] ??= {})[c] ??= []).push(run);
        console.log(
          `${server} ${name} c=${c} run ${r + 1}: ${run.rps.toFixed(1)} req/s p95 ${run.p95_ms} ms failures ${run.failures}`,
        );
      }
    }
  }
  return Object.entries(runs).flatMap(([name, byC]) =>
    Object.entries(byC).map(([c, list]) => {
      const kept = list.filter((r) => r.failures === 0);
      return {
        server,
        scenario: name,
        connections: Number(c),
        kept: kept.length,
        rps: Math.round(median(kept.map((r) => r.rps)) * 10) / 10,
        p50_ms: median(kept.map((r) => r.p50_ms)),
        p95_ms: median(kept.map((r) => r.p95_ms)),
        p99_ms: median(kept.map((r) => r.p99_ms)),
      };
    }),
  );
}

async function main(): Promise<void> {
  const file = DB.replace(/^sqlite:/, '');
  if (!existsSync(file)) {
    console.log(`seeding ${DB} (20,000 cards × 1.5 printings × 365 days; minutes) …`);
    await cli([
      'demo',
      '--cards',
      '20000',
      '--printings-per-card',
      '1.5',
      '--days',
      '365',
      '--seed',
      '42',
      '--end',
      END,
    ]);
  }
  // Priced printings to buy, and their latest prices (a lot costs about its market price).
  const database = await openDatabase(DB);
  const priced = await database.db
    .selectFrom('latest_prices as l')
    .innerJoin('printings as p', 'p.key', 'l.printing_key')
    .select(['p.id', 'l.last_cents'])
    .where('l.market', '=', 'tcgplayer')
    .where('l.condition', '=', 'NM')
    .orderBy('p.key')
    .execute();
  await database.close();
  console.log(`${priced.length} priced printings`);

  const serverOptions = {
    logLevel: 'warn',
    stdout: 'ignore' as const,
    command: 'serve' as const,
    databaseUrl: DB,
    env: { RATE_LIMIT_ANONYMOUS: '10000000', RATE_LIMIT_AUTHENTICATED: '10000000', RATE_LIMIT_WINDOW_SECONDS: '60' },
  };
  const app = await startApp(serverOptions);
  let stopped = false;
  let bare: { child: ChildProcess; port: number } | undefined;
  try {
    await waitFor200(app.port, '/readyz', { timeoutMs: 60_000, child: app.child });
    const created = await call(app.port, 'POST', '/v1/portfolios', {}, { name: 'bench' });
    const { id, secret } = JSON.parse(created.body) as { id: string; secret: string };
    const creds = { 'X-Portfolio-Id': id, 'X-Portfolio-Secret': secret };
    const rnd = random(7);
    const lots = Array.from({ length: LOTS }, () => {
      const p = priced[Math.floor(rnd() * priced.length)]!;
      return {
        printing_id: p.id,
        quantity: 1 + Math.floor(rnd() * 4),
        unit_cost: (Math.max(1, Math.round(p.last_cents * (0.7 + rnd() * 0.6))) / 100).toFixed(2),
        fees: (Math.floor(rnd() * 300) / 100).toFixed(2),
        currency: 'USD',
        acquired_on: dayBefore(END, 30 + Math.floor(rnd() * 330)),
      };
    });
    let started = performance.now();
    await pool(lots, 8, async (lot) => {
      const res = await call(app.port, 'POST', `/v1/portfolios/${id}/lots`, creds, lot);
      if (res.status !== 201) throw new Error(`adding a lot: ${res.status} ${res.body}`);
    });
    const addLotsMs = performance.now() - started;
    const sold = lots.slice(0, SALES);
    started = performance.now();
    await pool(sold, 1, async (lot) => {
      const res = await call(app.port, 'POST', `/v1/portfolios/${id}/sales`, creds, {
        printing_id: lot.printing_id,
        quantity: 1,
        proceeds: lot.unit_cost,
        currency: 'USD',
        sold_on: dayBefore(END, 10),
      });
      if (res.status !== 201) throw new Error(`recording a sale: ${res.status} ${res.body}`);
    });
    const recordSalesMs = performance.now() - started;
    const targets = priced.slice(0, 20).map((p) => ({ printing_id: p.id, weight: 0.01 }));
    const put = await call(app.port, 'PUT', `/v1/portfolios/${id}/targets`, creds, { weights: targets });
    if (put.status >= 300) console.log(`targets: ${put.status} ${put.body.slice(0, 300)}`);

    started = performance.now();
    await cli(['pipeline', 'run', '--step', 'portfolio-nav', '--from', dayBefore(END, 364), '--to', END, '--no-table']);
    const navMs = performance.now() - started;

    const from = dayBefore(END, 364);
    const path = {
      summary: `/v1/portfolios/${id}/summary`,
      holdings: `/v1/portfolios/${id}/holdings`,
      performance: `/v1/portfolios/${id}/performance?from=${from}&to=${END}`,
      reconstructed: `/v1/portfolios/${id}/performance?from=${from}&to=${END}&source=reconstructed`,
      orders: `/v1/portfolios/${id}/orders`,
    };
    const scenariosOn = (port: number, names: (keyof typeof path)[]): Record<string, WrkRequest> =>
      Object.fromEntries(
        names.map((name) => [
          name,
          name === 'orders'
            ? {
                url: `http://127.0.0.1:${port}${path.orders}`,
                method: 'POST',
                headers: { ...creds, 'Content-Type': 'application/json' },
                body: JSON.stringify({ budget: 1000 }),
                expect: 201,
              }
            : { url: `http://127.0.0.1:${port}${path[name]}`, headers: creds },
        ]),
      );
    const probes: Record<string, string> = {};
    for (const name of Object.keys(path) as (keyof typeof path)[]) {
      const t0 = performance.now();
      const res = await call(
        app.port,
        name === 'orders' ? 'POST' : 'GET',
        path[name],
        creds,
        name === 'orders' ? { budget: 1000 } : undefined,
      );
      probes[name] = `${res.status}, ${res.body.length} bytes, first request ${Math.round(performance.now() - t0)} ms`;
      console.log(`probe ${name}: ${probes[name]}`);
      if (res.status >= 300) console.log(`${name}: ${res.status} ${res.body.slice(0, 300)}`);
    }

    const summaryBody = (await call(app.port, 'GET', path.summary, creds)).body;
    bare = await startFloor(summaryBody, 'application/json');
    const table = await measure(
      'cache on',
      {
        ...scenariosOn(app.port, ['summary', 'holdings', 'performance', 'orders']),
        bare: { url: `http://127.0.0.1:${bare.port}/` },
      },
      app.port,
    );
    await app.stop();
    stopped = true;

    // The same reads with the portfolio caches off: what the first request after a change costs.
    const reconstructedMs: number[] = [];
    const cold = await startApp({ ...serverOptions, env: { ...serverOptions.env, PORTFOLIO_CACHE_ENTRIES: '0' } });
    try {
      await waitFor200(cold.port, '/readyz', { timeoutMs: 60_000, child: cold.child });
      // Reconstruction reads a year of prices of every held printing: timed one request at a time.
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const res = await call(cold.port, 'GET', path.reconstructed, creds);
        if (res.status !== 200) throw new Error(`reconstructed: ${res.status}`);
        reconstructedMs.push(Math.round(performance.now() - t0));
      }
      console.log(`reconstructed, one at a time: ${reconstructedMs.join(', ')} ms`);

      table.push(
        ...(await measure(
          'cache off',
          scenariosOn(cold.port, ['summary', 'holdings', 'performance', 'orders']),
          cold.port,
        )),
      );
    } finally {
      await cold.stop();
    }

    console.log('| server | scenario | conns | req/s | p50 ms | p95 ms | p99 ms |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of table)
      console.log(
        `| ${row.server} | ${row.scenario} | ${row.connections} | ${row.rps} | ${row.p50_ms} | ${row.p95_ms} | ${row.p99_ms} |`,
      );
    const out = writeResult('portfolio.json', {
      machine: describeMachine(machineInfo()),
      revision: describeRevision(revision()),
      dataset: { db: DB, lots: LOTS, sales: SALES, printings: priced.length },
      setup: {
        add_lots_ms: Math.round(addLotsMs),
        record_sales_ms: Math.round(recordSalesMs),
        nav_step_ms: Math.round(navMs),
      },
      probes,
      reconstructed_ms: reconstructedMs,
      table,
    });
    console.log(
      `add ${LOTS} lots: ${Math.round(addLotsMs)} ms; record ${SALES} sales one at a time: ${Math.round(recordSalesMs)} ms; portfolio-nav over 365 days: ${Math.round(navMs)} ms`,
    );
    console.log(`written to ${out}`);
  } finally {
    if (bare) await stopChild(bare.child);
    if (!stopped) await app.stop();
  }
}

await main();
