/**
 * CPU per cached public read inside the process, two builds side by side: each checkout's
 * compiled app (dist/) is loaded into this one process on the same SQLite dataset, every URL of a
 * pool is fetched once (so the runs measure response-cache hits), then batches of requests go
 * to one app and the other in turn (A B B A …), each batch timed with `process.cpuUsage()`.
 * Requests enter through `app.fetch` with the header lines and peer address the Node server
 * hands over, so every middleware runs; the socket and the Node HTTP parser are left out (they
 * cost the same in both builds, bench/read-path.ts measures them). Alternating small batches in
 * one process keeps a loaded machine's noise out of the difference between the two.
 *
 *   npx tsx bench/cache-hit-cpu.ts --dataset <file.db> --base <checkout with dist/> \
 *     [--root <checkout with dist/>] [--rounds 40] [--batch 400] [--scenarios list,detail,search,movers,dashboard]
 *
 * The dataset is opened read-write (the app migrates it at start): pass a copy.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadAverage, median, REPO_ROOT } from './cold-start.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    base: { type: 'string' },
    root: { type: 'string', default: REPO_ROOT },
    rounds: { type: 'string', default: '40' },
    batch: { type: 'string', default: '400' },
    scenarios: { type: 'string', default: 'list,detail,search,movers,dashboard' },
  },
});
if (!values.dataset || !values.base) throw new Error('--dataset and --base are required');

type App = { fetch(req: Request, env: unknown): Response | Promise<Response> };

async function loadApp(root: string, databaseUrl: string): Promise<{ app: App; close(): Promise<void> }> {
  const dist = (file: string) => import(pathToFileURL(join(resolve(root), 'dist', file)).href);
  const { loadConfig } = await dist('config.js');
  const { createRuntime } = await dist('runtime.js');
  const { createAccessLogger, createLogger } = await dist('platform/log.js');
  const { pino } = await import('pino');
  const devNull = pino.destination({ dest: '/dev/null', sync: true });
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl',
    LOG_LEVEL: 'info',
    PRICE_SOURCES: 'tcgcsv',
    PIPELINE_CRON: '0 0 1 1 *',
    RATE_LIMIT_ANONYMOUS: '10000000',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });
  const runtime = await createRuntime(config, {
    log: createLogger('warn', devNull),
    accessLog: createAccessLogger('info', devNull),
    processMetrics: false,
  });
  return { app: runtime.app as App, close: () => runtime.close() };
}

function pools(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const cards = db.prepare('select card_id, name from card_summary order by card_id limit 20000').all() as {
      card_id: string;
      name: string;
    }[];
    const picked = cards.filter((_, i) => i % 97 === 0).slice(0, 200);
    const enc = encodeURIComponent;
    const windows = ['1d', '7d', '30d', '90d'];
    return {
      list: ['/v1/cards?limit=24', '/v1/cards?limit=24&sort=price', '/v1/cards?limit=24&sort=change_7d'],
      detail: picked.map((c) => `/v1/cards/${enc(c.card_id)}`),
      search: picked
        .slice(0, 100)
        .map((c, i) => `/v1/cards?limit=24&q=${enc(c.name.toLowerCase().slice(0, 2 + (i % 2)))}`),
      movers: windows.map((w) => `/v1/movers?window=${w}&direction=up&limit=20`),
      dashboard: ['/v1/dashboard'],
    };
  } finally {
    db.close();
  }
}

// What @hono/node-server hands the app beside the Request: the socket and the header lines.
const env = { incoming: { socket: { remoteAddress: '127.0.0.1' }, rawHeaders: ['Host', '127.0.0.1:8080'] } };

async function hit(app: App, path: string): Promise<number> {
  const res = await app.fetch(
    new Request(`http://127.0.0.1:8080${path}`, { headers: { Host: '127.0.0.1:8080' } }),
    env,
  );
  await res.arrayBuffer();
  return res.status;
}

async function batch(app: App, paths: string[], n: number, offset: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const status = await hit(app, paths[(offset + i) % paths.length]!);
    if (status !== 200) throw new Error(`${paths[(offset + i) % paths.length]} answered ${status}`);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const databaseUrl = `sqlite:${resolve(values.dataset)}`;
const apps = { before: await loadApp(values.base, databaseUrl), after: await loadApp(values.root, databaseUrl) };
const all = pools(values.dataset);
const rounds = Number(values.rounds);
const n = Number(values.batch);
console.log(`load average at start: ${loadAverage().join(' ')}`);
console.log('| scenario | before CPU µs/req | after CPU µs/req | change |');
console.log('|---|---|---|---|');
for (const scenario of values.scenarios.split(',')) {
  const paths = all[scenario];
  if (!paths) throw new Error(`unknown scenario ${scenario}`);
  for (const { app } of Object.values(apps)) {
    for (const p of paths) await hit(app, p); // fill the cache
    await batch(app, paths, n * 3, 0); // let the JIT settle
  }
  const us: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let r = 0; r < rounds; r++) {
    const order: ('before' | 'after')[] = r % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const k of order) us[k].push(await batch(apps[k].app, paths, n, r * n));
  }
  const b = median(us.before);
  const a = median(us.after);
  console.log(`| ${scenario} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(((a - b) / b) * 100).toFixed(1)} % |`);
}
console.log(`load average at end: ${loadAverage().join(' ')}`);
for (const { close } of Object.values(apps)) await close();
