/**
 * The public read path under load with random ids and queries: one `cardquant serve` (compiled
 * dist/) with the response cache on (RESPONSE_CACHE_MB default) and one with RESPONSE_CACHE_MB=0,
 * both on a copy of a seeded SQLite dataset, beside a bare node:http server answering a 24-item
 * card page (the floor), all in the same run. wrk drives each scenario at each connection count
 * (bench/wrk.ts); each request takes a random URL from a pool (random card ids, list cursors, 2–3
 * letter name prefixes taken from the dataset's own names; a fixed seed), never one repeated URL. While every
 * scenario runs, a probe in this process asks `/healthz` of the same server every 20 ms and
 * records its latency: what a health check sees while an endpoint is loaded.
 *
 * Cache on: each pool is fetched once before its run (`--cached-pool` URLs, sized so that every
 * answer fits in the default 32 MB), so the run measures hits. Cache off: a larger pool
 * (`--pool`), every request down to the database.
 *
 *   TMPDIR=<scratch dir holding the dataset> npx tsx bench/read-path.ts \
 *     [--dataset <file.db>] [--root <checkout with a built dist/>] [--connections 10,50] \
 *     [--duration 5] [--runs 1] [--scenarios list,detail,movers,search,history,dashboard] \
 *     [--modes cached,uncached] [--pool 5000] [--cached-pool 400] [--json <file>]
 *
 * `--dataset` defaults to the API benchmark's kept SQLite file in the temporary directory
 * (bench/api.ts: 20,000 cards × 1.5 printings × 365 days, seed 42, end 2026-11-20). The file (with
 * its -wal, -shm and .key companions) is copied into a new temporary directory first and the copy
 * removed at the end: the servers migrate the copy, never the kept dataset. `--root` runs the
 * dist/ of another checkout (for before/after numbers from this same script).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  describeMachine,
  freePort,
  isEntryPoint,
  loadAverage,
  machineInfo,
  median,
  processCpuTicks,
  REPO_ROOT,
  spawnTracked,
  stopChild,
  waitFor200,
} from './cold-start.ts';
import { runWrkDetail, startFloor } from './wrk.ts';

const exec = promisify(execFile);

export const DEFAULT_DATASET = 'cardquant-bench-api-20000c-1.5p-365d-seed42-2026-11-20.db';
const SCENARIOS = ['list', 'detail', 'movers', 'search', 'history', 'dashboard'] as const;
type Scenario = (typeof SCENARIOS)[number];
type Mode = 'cached' | 'uncached';

interface WrkResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 200. */
  bad: number;
  /** connect + read + write + timeout errors. */
  socketErrors: number;
}

interface Probe {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

interface Row {
  mode: Mode | 'floor';
  scenario: Scenario | 'floor';
  connections: number;
  run: number;
  wrk: WrkResult;
  healthz: Probe | null;
  /** CPU time (user + system) of the server process per answered request, µs: load-independent. */
  cpuUsPerRequest: number | null;
  load: number;
}

// ---------------------------------------------------------------------------------------------
// Dataset and URL pools
// ---------------------------------------------------------------------------------------------

export function copyDataset(file: string): { dir: string; url: string } {
  if (!existsSync(file)) throw new Error(`no dataset at ${file}: seed it with bench/api.ts first`);
  const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-read-path-'));
  const name = basename(file);
  for (const entry of readdirSync(dirname(file)))
    if (entry === name || entry.startsWith(`${name}-`) || entry === `${name}.key`)
      copyFileSync(join(dirname(file), entry), join(dir, entry));
  return { dir, url: `sqlite:${join(dir, name)}` };
}

const cursorOf = (position: Record<string, string>) => Buffer.from(JSON.stringify(position)).toString('base64url');

function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * URL pools per scenario, read from the dataset (read-only): card ids, list cursors of the name
 * and price sorts, search prefixes (the first 2 or 3 letters of a word of a real name, so common
 * prefixes come up as often as the names that have them), movers parameters.
 */
export function pools(file: string, size: number): Record<Scenario, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const cards = db.prepare('select card_id, name, k_name, k_price_desc from card_summary order by card_id').all() as {
      card_id: string;
      name: string;
      k_name: string;
      k_price_desc: number;
    }[];
    const picked = shuffled(cards, 42).slice(0, size);
    const enc = encodeURIComponent;
    const list = picked.map((c, i) =>
      i % 3 === 0
        ? '/v1/cards?limit=24'
        : i % 3 === 1
          ? `/v1/cards?limit=24&cursor=${cursorOf({ s: 'name:asc', k: c.k_name, id: c.card_id })}`
          : `/v1/cards?limit=24&sort=price&cursor=${cursorOf({ s: 'price:desc', k: String(c.k_price_desc), id: c.card_id })}`,
    );
    const words = picked.flatMap((c) =>
      c.name
        .toLowerCase()
        .split(/[^\p{L}]+/u)
        .filter((w) => w.length >= 3),
    );
    const search = shuffled(words, 7)
      .slice(0, size)
      .map((w, i) => `/v1/cards?limit=24&q=${enc(w.slice(0, 2 + (i % 2)))}`);
    const windows = ['1d', '7d', '30d', '90d'];
    const movers = picked.map(
      (_, i) =>
        `/v1/movers?window=${windows[i % 4]}&direction=${i % 8 < 4 ? 'up' : 'down'}&rank=${i % 16 < 8 ? 'change' : 'robust_z'}&limit=${10 + (i % 15)}`,
    );
    return {
      list,
      detail: picked.map((c) => `/v1/cards/${enc(c.card_id)}`),
      movers,
      search,
      history: picked.map((c) => `/v1/cards/${enc(c.card_id)}/history`),
      dashboard: ['/v1/dashboard'],
    };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

export async function startServe(root: string, databaseUrl: string, env: Record<string, string>) {
  const port = await freePort();
  const main = join(root, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build in ${root}`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.CARDQUANT_CONFIG;
  delete childEnv.ADMIN_TOKEN_NEXT;
  Object.assign(childEnv, {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_TOKEN: randomBytes(20).toString('hex'),
    LOG_LEVEL: 'info',
    PRICE_SOURCES: 'tcgcsv',
    PIPELINE_CRON: '0 0 1 1 *',
    RATE_LIMIT_ANONYMOUS: '10000000',
    RATE_LIMIT_WINDOW_SECONDS: '60',
    ...env,
  });
  const child = spawnTracked(process.execPath, ['--enable-source-maps', main, 'serve'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor200(port, '/v1/cards?limit=1', { timeoutMs: 300_000, intervalMs: 200, child });
  return { child, port };
}

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: agent ?? false, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('end', () => resolveGet({ status: res.statusCode ?? 0, body, ms: performance.now() - start }));
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// wrk and the health probe
// ---------------------------------------------------------------------------------------------

/** One wrk run over `paths` (a random one per request). */
async function wrk(port: number, paths: string[], connections: number, seconds: number): Promise<WrkResult> {
  const r = await runWrkDetail({ url: `http://127.0.0.1:${port}/`, paths }, { connections, seconds });
  return {
    requests: r.requests,
    rps: r.rps,
    p50: r.p50_ms,
    p99: r.p99_ms,
    max: r.max_ms,
    bad: r.unexpected,
    socketErrors: r.socketErrors,
  };
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Asks `/healthz` every `everyMs` (one request at a time, kept-alive connection) until `until` settles. */
async function probeHealth(port: number, until: Promise<unknown>, everyMs = 20): Promise<Probe> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let failed = 0;
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    try {
      const r = await get(port, '/healthz', agent);
      if (r.status === 200) times.push(r.ms);
      else failed++;
    } catch {
      failed++;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  agent.destroy();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: times.length,
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    max: round(Math.max(...times)),
    failed,
  };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: join(os.tmpdir(), DEFAULT_DATASET) },
      root: { type: 'string', default: REPO_ROOT },
      connections: { type: 'string', default: '10,50' },
      duration: { type: 'string', default: '5' },
      runs: { type: 'string', default: '1' },
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      modes: { type: 'string', default: 'cached,uncached' },
      pool: { type: 'string', default: '5000' },
      'cached-pool': { type: 'string', default: '400' },
      json: { type: 'string' },
    },
  });
  const root = resolve(values.root);
  const connectionCounts = values.connections.split(',').map(Number);
  const seconds = Number(values.duration);
  const runs = Number(values.runs);
  const scenarios = values.scenarios.split(',') as Scenario[];
  const modes = values.modes.split(',') as Mode[];
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
  console.log(describeMachine(machineInfo()));
  const git = await exec('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).catch(() => ({ stdout: 'unknown' }));
  console.log(
    `code: ${root === REPO_ROOT ? 'this checkout' : root} at ${git.stdout.trim()}; dataset ${values.dataset}`,
  );

  const copy = copyDataset(values.dataset);
  const servers: { child: import('node:child_process').ChildProcess }[] = [];
  const cpuPer = (before: number | null, after: number | null, requests: number) =>
    before === null || after === null || requests === 0 ? null : Math.round(((after - before) * 10_000) / requests);
  try {
    const bigPools = pools(copy.url.slice('sqlite:'.length), Number(values.pool));
    const smallPools = pools(copy.url.slice('sqlite:'.length), Number(values['cached-pool']));
    const started: Partial<Record<Mode, { port: number; child: import('node:child_process').ChildProcess }>> = {};
    for (const mode of modes) {
      const t0 = performance.now();
      const s = await startServe(root, copy.url, mode === 'uncached' ? { RESPONSE_CACHE_MB: '0' } : {});
      servers.push(s);
      started[mode] = s;
      console.log(`serve (${mode}) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s on port ${s.port}`);
    }
    const anyPort = Object.values(started)[0]!.port;
    const page = await get(anyPort, '/v1/cards?limit=24');
    if (page.status !== 200) throw new Error(`/v1/cards?limit=24 answered ${page.status}`);
    const { child: bare, port: barePort } = await startFloor(page.body, 'application/json');
    servers.push({ child: bare });
    console.log(`floor: bare node:http answering the ${page.body.length}-byte /v1/cards?limit=24 page`);

    // Every URL of every pool must answer 200 before it is loaded (a 404 would be a cheap answer).
    for (const mode of modes) {
      const port = started[mode]!.port;
      for (const scenario of scenarios) {
        const pool = (mode === 'cached' ? smallPools : bigPools)[scenario];
        const sample = mode === 'cached' ? pool : pool.filter((_, i) => i % 25 === 0);
        for (const path of sample) {
          const r = await get(port, path);
          if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${r.body.slice(0, 200)}`);
        }
      }
    }

    const rows: Row[] = [];
    const record = (row: Row) => {
      rows.push(row);
      const w = row.wrk;
      const h = row.healthz;
      console.log(
        `${row.connections} conns ${row.mode.padEnd(8)} ${row.scenario.padEnd(9)} run ${row.run}: ${w.rps.toFixed(0).padStart(6)} req/s, p50 ${w.p50.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms, max ${w.max.toFixed(0)} ms, non-200 ${w.bad}, socket errors ${w.socketErrors}` +
          `, CPU ${row.cpuUsPerRequest} µs/request` +
          (h
            ? `; /healthz p50 ${h.p50} ms, p99 ${h.p99} ms, max ${h.max} ms (${h.count} probes, ${h.failed} failed)`
            : '') +
          `; load ${row.load}`,
      );
    };
    for (const connections of connectionCounts) {
      await wrk(barePort, ['/'], connections, 1);
      for (let run = 1; run <= runs; run++) {
        const before = processCpuTicks(bare.pid);
        const floor = await wrk(barePort, ['/'], connections, seconds);
        record({
          mode: 'floor',
          scenario: 'floor',
          connections,
          run,
          wrk: floor,
          healthz: null,
          cpuUsPerRequest: cpuPer(before, processCpuTicks(bare.pid), floor.requests),
          load: loadAverage()[0]!,
        });
        for (const mode of modes) {
          const { port, child } = started[mode]!;
          for (const scenario of scenarios) {
            const pool = (mode === 'cached' ? smallPools : bigPools)[scenario];
            if (mode === 'cached') for (const path of pool) await get(port, path);
            const before = processCpuTicks(child.pid);
            const load = wrk(port, pool, connections, seconds);
            const healthz = await probeHealth(port, load);
            const w = await load;
            const cpuUsPerRequest = cpuPer(before, processCpuTicks(child.pid), w.requests + healthz.count);
            record({ mode, scenario, connections, run, wrk: w, healthz, cpuUsPerRequest, load: loadAverage()[0]! });
          }
        }
      }
    }

    console.log('\nmedians over runs (ratio = req/s ÷ the floor of the same connection count):');
    console.log(
      '| conns | cache | scenario | req/s | % of floor | p50 ms | p99 ms | p99/p50 | socket errors | non-200 | CPU µs/req | /healthz p50 / p99 / max ms |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const connections of connectionCounts) {
      const floorRps = median(
        rows.filter((r) => r.mode === 'floor' && r.connections === connections).map((r) => r.wrk.rps),
      );
      const groups: [Mode | 'floor', Scenario | 'floor'][] = [
        ['floor', 'floor'],
        ...modes.flatMap((m) => scenarios.map((s) => [m, s] as [Mode, Scenario])),
      ];
      for (const [mode, scenario] of groups) {
        const rs = rows.filter((r) => r.mode === mode && r.scenario === scenario && r.connections === connections);
        const m = (f: (r: Row) => number) => median(rs.map(f));
        const rps = m((r) => r.wrk.rps);
        const hz =
          mode === 'floor'
            ? '—'
            : `${m((r) => r.healthz!.p50)} / ${m((r) => r.healthz!.p99)} / ${m((r) => r.healthz!.max)}`;
        console.log(
          `| ${connections} | ${mode === 'floor' ? '—' : mode === 'cached' ? 'on' : 'off'} | ${scenario === 'floor' ? 'bare node:http' : scenario} | ${rps.toFixed(0)} | ${((100 * rps) / floorRps).toFixed(1)} % | ${m((r) => r.wrk.p50).toFixed(2)} | ${m((r) => r.wrk.p99).toFixed(2)} | ${(m((r) => r.wrk.p99) / m((r) => r.wrk.p50)).toFixed(1)} | ${rs.reduce((a, r) => a + r.wrk.socketErrors, 0)} | ${rs.reduce((a, r) => a + r.wrk.bad, 0)} | ${m((r) => r.cpuUsPerRequest ?? NaN).toFixed(0)} | ${hz} |`,
        );
      }
    }
    console.log(`load average at end: ${loadAverage().join(' / ')}`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ machine: machineInfo(), root, rows }, null, 2));
  } finally {
    for (const s of servers) await stopChild(s.child);
    rmSync(copy.dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) await main();
