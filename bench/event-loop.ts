/**
 * The HTTP thread during the largest backtest answered inside a request: `/healthz` latency,
 * asked back to back over a real socket, first with nothing else running (baseline), then for as
 * long as a maximum-size inline backtest request (680 printings × 365 days = 248,200 cells, just
 * under the 250,000-cell limit) is open. For comparison, how long the same computation holds the
 * thread that runs it (what every request waited before backtests moved to a worker thread).
 * SQLite file in a temporary directory; the app runs in this process.
 *
 *   npx tsx bench/event-loop.ts [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { BacktestParamsSchema, loadAndRun, resolveParams } from '../src/features/backtests/backtests.ts';
import { createLogger } from '../src/platform/log.ts';
import { createRuntime } from '../src/runtime.ts';
import { listen } from '../src/server.ts';
import { seedBacktestMarket } from '#test/backtest-load.ts';
import { describeMachine, loadAverage, machineInfo } from './cold-start.ts';

const TOKEN = 'bench-admin-token-0123456789abcdefghijklmn';

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(s.length * q))]! * 10) / 10;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: Math.round(s[s.length - 1]! * 10) / 10 };
}

/** /healthz back to back until `open()` says stop; the latency of every request sent meanwhile. */
async function sample(base: string, open: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (open()) {
    const sent = performance.now();
    await (await fetch(`${base}/healthz`)).arrayBuffer();
    out.push(performance.now() - sent);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'cq-bench-loop-'));
  const log = createLogger('warn');
  const runtime = await createRuntime(
    loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'cardquant.db')}`,
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      PRICE_SOURCES: 'tcgcsv',
    }),
    { log, processMetrics: false },
  );
  const server = await listen(runtime.app.fetch, { host: '127.0.0.1', port: 0 }, log);
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const market = await seedBacktestMarket(runtime, 680, 365);
    const params = { from: market.from, to: market.to };
    console.log(describeMachine(machineInfo()));
    for (let r = 0; r < rounds; r++) {
      const blockedStart = performance.now();
      await loadAndRun(runtime.database, market.key, resolveParams(BacktestParamsSchema.parse(params)));
      const blockedMs = Math.round(performance.now() - blockedStart);

      let idle = true;
      const idleTimer = setTimeout(() => (idle = false), 2000);
      const baseline = stats(await sample(base, () => idle));
      clearTimeout(idleTimer);

      let open = true;
      const posted = performance.now();
      const request = fetch(`${base}/v1/analytics/backtests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(params),
      }).finally(() => (open = false));
      const during = stats(await sample(base, () => open));
      const res = await request;
      const body = (await res.json()) as { status: string };
      const requestMs = Math.round(performance.now() - posted);
      console.log(
        JSON.stringify({
          round: r + 1,
          status: res.status,
          run: body.status,
          requestMs,
          blockedOnOneThreadMs: blockedMs,
          baseline,
          during,
          loadAverage: loadAverage(),
        }),
      );
    }
  } finally {
    await server.shutdown(0);
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
