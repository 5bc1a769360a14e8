/**
 * Request roll-up overhead on the public read path: `GET /v1/cards` of two `start` processes on
 * demo data (DEMO_CARDS 400 × DEMO_DAYS 90, each its own SQLite database in a temporary
 * directory), one with ROLLUPS=true (the default) and one with ROLLUPS=false, beside a bare
 * node:http server answering the recorded body (the floor). wrk drives each in turn — bare, on,
 * off, bare, on, off, … — so drift on the machine falls on all alike; the throughput loss is
 * 1 − median(on) / median(off), also given per pair of adjacent runs. A run with any unexpected
 * status or socket error is discarded. Target: ≤ 3 % throughput loss.
 *
 *   npx tsx bench/rollup-overhead.ts [--connections 10] [--duration 5] [--runs 7] [--warmup 2]
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import {
  describeMachine,
  freePort,
  loadAverage,
  machineInfo,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
} from './cold-start.ts';
import { bareServer, runWrk, type WrkRun } from './wrk.ts';

const PATH = '/v1/cards';

function fetchBody(port: number): Promise<{ body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: PATH }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ body, type: String(res.headers['content-type']) }));
    })
      .on('error', reject)
      .end();
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '5' },
      runs: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '2' },
    },
  });
  const connections = Number(values.connections);
  const seconds = Number(values.duration);
  const runs = Number(values.runs);
  const env = { PRICE_SOURCES: '', DEMO_CARDS: '400', DEMO_DAYS: '90', RATE_LIMIT_ANONYMOUS: '10000000' };
  console.log(describeMachine(machineInfo()));
  const on = await startApp({ logLevel: 'info', stdout: 'ignore', env: { ...env, ROLLUPS: 'true' } });
  const off = await startApp({ logLevel: 'info', stdout: 'ignore', env: { ...env, ROLLUPS: 'false' } });
  await waitFor200(on.port, PATH, { timeoutMs: 180_000, child: on.child });
  await waitFor200(off.port, PATH, { timeoutMs: 180_000, child: off.child });
  const recorded = await fetchBody(on.port);
  const barePort = await freePort();
  const bare = spawnTracked(process.execPath, ['-e', bareServer(recorded.body, recorded.type)], {
    env: { ...process.env, BENCH_PORT: String(barePort) },
    stdio: 'ignore',
  });
  await waitFor200(barePort, PATH, { timeoutMs: 10_000, child: bare });
  const targets = { bare: barePort, on: on.port, off: off.port } as const;
  try {
    for (const port of Object.values(targets))
      await runWrk({ url: `http://127.0.0.1:${port}${PATH}` }, { connections, seconds: Number(values.warmup) });
    const results: Record<keyof typeof targets, WrkRun[]> = { bare: [], on: [], off: [] };
    const pairs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const row: Partial<Record<keyof typeof targets, WrkRun>> = {};
      for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
        const r = await runWrk({ url: `http://127.0.0.1:${targets[name]}${PATH}` }, { connections, seconds });
        if (r.failures > 0) console.log(`run ${i + 1} ${name}: ${r.failures} failures, discarded`);
        else results[name].push((row[name] = r));
      }
      if (row.on && row.off) pairs.push(1 - row.on.rps / row.off.rps);
      console.log(
        `run ${i + 1}: bare ${row.bare?.rps.toFixed(0)} req/s, on ${row.on?.rps.toFixed(0)} req/s (p99 ${row.on?.p99_ms} ms), off ${row.off?.rps.toFixed(0)} req/s (p99 ${row.off?.p99_ms} ms); load ${loadAverage()[0]?.toFixed(2)}`,
      );
    }
    const m = (name: keyof typeof targets) => median(results[name].map((r) => r.rps));
    console.log(
      `median req/s: bare ${m('bare').toFixed(0)}, roll-ups on ${m('on').toFixed(0)}, off ${m('off').toFixed(0)}; ` +
        `loss ${(100 * (1 - m('on') / m('off'))).toFixed(1)} % (median of per-pair losses ${(100 * median(pairs)).toFixed(1)} %, ` +
        `range ${(100 * Math.min(...pairs)).toFixed(1)} … ${(100 * Math.max(...pairs)).toFixed(1)} %)`,
    );
  } finally {
    await stopChild(bare);
    await on.stop();
    await off.stop();
  }
}

await main();
