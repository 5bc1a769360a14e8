/**
 * Lighthouse on the web app as `npm start` serves it: the Dashboard and a Card detail page,
 * desktop preset, Debian's Chromium. Lighthouse 12.x is the last line that runs on Node 20; it is
 * fetched by npx at the pinned version (not a dependency of the project).
 *
 * Dataset: what `cardquant start` seeds on an empty SQLite database (the demo: 300 invented
 * cards, 600 printings, a year of prices ending today). Server: `node dist/main.js start` (run
 * `npm run build` first), loopback.
 *
 * Usage: npx tsx bench/lighthouse.ts [--runs 3]
 * Prints, per page and run: performance, accessibility, best-practices scores, LCP, TBT, CLS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const LIGHTHOUSE = 'lighthouse@12.8.2';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'cq-lighthouse-'));
const server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js'), 'start'], {
  cwd: dir,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghij',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  let port = 0;
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const l = JSON.parse(line) as { msg?: string; port?: number };
      if (l.msg === 'listening') port = l.port ?? 0;
      if (l.msg === 'ready' && port) resolve(port);
    }
    out = out.slice(out.lastIndexOf('\n') + 1);
  });
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const base = `http://127.0.0.1:${port}`;
const card = (
  (await (await fetch(`${base}/v1/cards?limit=1&sort=price&order=desc`)).json()) as { items: { id: string }[] }
).items[0]!.id;

const pages = [
  ['Dashboard', `${base}/`],
  ['Card detail', `${base}/cards/${encodeURIComponent(card)}`],
] as const;
console.log(`| page | run | performance | accessibility | best practices | LCP ms | TBT ms | CLS |`);
console.log(`|---|---|---|---|---|---|---|---|`);
try {
  for (const [name, url] of pages) {
    for (let run = 1; run <= runs; run++) {
      const out = join(dir, `lh-${run}.json`);
      const lh = spawnSync(
        'npx',
        [
          '--yes',
          LIGHTHOUSE,
          url,
          '--preset=desktop',
          '--chrome-path=/usr/bin/chromium',
          '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking',
          '--only-categories=performance,accessibility,best-practices',
          '--output=json',
          `--output-path=${out}`,
          '--quiet',
        ],
        { stdio: 'inherit' },
      );
      if (lh.status !== 0) throw new Error(`lighthouse exited with ${lh.status}`);
      const r = JSON.parse(readFileSync(out, 'utf8')) as {
        categories: Record<string, { score: number }>;
        audits: Record<string, { numericValue: number }>;
      };
      const score = (c: string) => Math.round((r.categories[c]?.score ?? 0) * 100);
      console.log(
        `| ${name} | ${run} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${Math.round(
          r.audits['largest-contentful-paint']!.numericValue,
        )} | ${Math.round(r.audits['total-blocking-time']!.numericValue)} | ${r.audits['cumulative-layout-shift']!.numericValue.toFixed(3)} |`,
      );
    }
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
