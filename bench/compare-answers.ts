/**
 * Whether two builds answer the public read API alike: two `cardquant serve` processes (each
 * checkout's compiled dist/, each on its own copy of the same seeded SQLite dataset, response
 * cache on) asked the same URLs — read-path's random pools (list pages with cursors, card pages,
 * movers, name searches, histories, the dashboard), the CSV history, facets and indexes, and
 * refused requests (a bad query, an unknown card) — three times each: the first answer (built),
 * the second (from the cache), and the second again with its ETag in If-None-Match (304). Status,
 * every header but the per-request ones (request id, date, rate-limit counters) and the body
 * bytes (a problem document's `request_id` left out) must be equal; the script prints each difference and exits 1 on any.
 *
 *   TMPDIR=<scratch dir> npx tsx bench/compare-answers.ts --a <checkout> --b <checkout> \
 *     [--dataset <file.db>] [--per-scenario 200]
 *
 * `--dataset` defaults to the API benchmark's kept SQLite file (bench/api.ts); it is copied, never
 * written.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, stopChild } from './cold-start.ts';
import { copyDataset, DEFAULT_DATASET, pools, startServe } from './read-path.ts';

/** Headers that differ between any two requests, whichever build answers. */
const PER_REQUEST = new Set(['x-request-id', 'date', 'ratelimit', 'ratelimit-policy', 'connection', 'keep-alive']);

interface Answer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

async function ask(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return {
    status: res.status,
    headers: [...res.headers].filter(([name]) => !PER_REQUEST.has(name)),
    body: withoutRequestId(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')),
  };
}

/** A problem document names its request (`request_id`), which differs per request; the rest must not. */
function withoutRequestId(body: Buffer, contentType: string | null): Buffer {
  if (contentType?.startsWith('application/problem+json') !== true) return body;
  return Buffer.from(body.toString('utf8').replace(/"request_id":"[^"]*"/, '"request_id":""'));
}

function differences(a: Answer, b: Answer): string[] {
  const out: string[] = [];
  if (a.status !== b.status) out.push(`status ${a.status} ≠ ${b.status}`);
  const ah = JSON.stringify(a.headers);
  const bh = JSON.stringify(b.headers);
  if (ah !== bh) out.push(`headers ${ah} ≠ ${bh}`);
  if (!a.body.equals(b.body)) out.push(`body (${a.body.length} bytes ≠ ${b.body.length} bytes)`);
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' },
      b: { type: 'string' },
      dataset: { type: 'string', default: join(os.tmpdir(), DEFAULT_DATASET) },
      'per-scenario': { type: 'string', default: '200' },
    },
  });
  if (!values.a || !values.b) throw new Error('--a <checkout> and --b <checkout> are required');
  const perScenario = Number(values['per-scenario']);
  const dataset = resolve(values.dataset);
  const copies = [copyDataset(dataset), copyDataset(dataset)];
  const servers: Awaited<ReturnType<typeof startServe>>[] = [];
  try {
    servers.push(await startServe(resolve(values.a), copies[0]!.url, {}));
    servers.push(await startServe(resolve(values.b), copies[1]!.url, {}));
    const pool = pools(dataset, perScenario);
    const someCards = pool.detail.slice(0, 20);
    const paths = [
      ...Object.values(pool).flat(),
      ...someCards.map((p) => `${p}/history.csv`),
      ...someCards.map((p) => `${p}/history?from=2026-06-01&to=2026-09-30`),
      '/v1/sets',
      '/v1/rarities',
      '/v1/types',
      '/v1/indexes',
      '/v1/movers?rank=zscore',
      '/v1/cards?sort=change_7d&limit=50',
      '/v1/cards?limit=500',
      '/v1/cards?cursor=not-a-cursor',
      '/v1/cards/no-such-card',
      '/v1/cards/no-such-card/history',
    ];
    const [portA, portB] = [servers[0]!.port, servers[1]!.port];
    let compared = 0;
    const found: string[] = [];
    for (const path of new Set(paths)) {
      for (const pass of ['first', 'cached'] as const) {
        const [a, b] = [await ask(portA, path), await ask(portB, path)];
        compared++;
        for (const d of differences(a, b)) found.push(`${path} (${pass}): ${d}`);
        const etag = a.headers.find(([name]) => name === 'etag')?.[1];
        if (pass === 'cached' && etag) {
          const [ca, cb] = [
            await ask(portA, path, { 'If-None-Match': etag }),
            await ask(portB, path, { 'If-None-Match': etag }),
          ];
          compared++;
          for (const d of differences(ca, cb)) found.push(`${path} (If-None-Match): ${d}`);
        }
      }
    }
    console.log(
      `${compared} answers compared (${new Set(paths).size} URLs), ${found.length} differences; load ${loadAverage().join(' / ')}`,
    );
    for (const f of found.slice(0, 50)) console.log(`  ${f}`);
    if (found.length > 0) process.exitCode = 1;
  } finally {
    for (const s of servers) await stopChild(s.child);
    for (const c of copies) rmSync(c.dir, { recursive: true, force: true });
  }
}

await main();
