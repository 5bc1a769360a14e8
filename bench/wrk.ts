/**
 * wrk (Debian's `wrk`, a C load generator) from a benchmark script: one run against a URL with a
 * method, headers and body, its requests per second and latency percentiles (p50/p95/p99 in ms,
 * from wrk's own histogram, printed by a Lua `done` hook) and every non-2xx answer counted, so a
 * run that met errors can be discarded.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface WrkRun {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Answers whose status was not the expected one, plus socket errors and timeouts. */
  failures: number;
}

export interface WrkRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Status every answer must have (default 200). */
  expect?: number;
  /**
   * A file of request paths, one a line: each request takes one of them at random (fixed seed,
   * so runs are repeatable), instead of `url`'s path. For random ids and queries.
   */
  pathsFile?: string;
}

const luaString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function randomPaths(file: string): string {
  return `
local paths = {}
for line in io.lines(${luaString(file)}) do if #line > 0 then table.insert(paths, line) end end
if #paths == 0 then error("the paths file is empty") end
math.randomseed(42)
function request() return wrk.format(nil, paths[math.random(#paths)]) end
`;
}

function script(req: WrkRequest): string {
  const headers = Object.entries(req.headers ?? {})
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join('\n');
  return `
wrk.method = ${luaString(req.method ?? 'GET')}
${req.body === undefined ? '' : `wrk.body = ${luaString(req.body)}`}
${headers}
${req.pathsFile === undefined ? '' : randomPaths(req.pathsFile)}
unexpected = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) unexpected = 0 end
function response(status, headers, body)
  if status ~= ${req.expect ?? 200} then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %d\\n", summary.requests,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    bad + e.connect + e.read + e.write + e.timeout))
end
`;
}

/**
 * Runs wrk once.
 *
 * @example
 * await runWrk({ url: 'http://127.0.0.1:3000/healthz' }, { connections: 10, seconds: 10 });
 */
export async function runWrk(
  req: WrkRequest,
  opts: { connections: number; seconds: number; threads?: number },
): Promise<WrkRun> {
  const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-wrk-'));
  try {
    const file = join(dir, 'script.lua');
    writeFileSync(file, script(req));
    const threads = Math.min(opts.threads ?? 1, opts.connections);
    const { stdout: out } = await exec('wrk', [
      '-t',
      String(threads),
      '-c',
      String(opts.connections),
      '-d',
      `${opts.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      file,
      req.url,
    ]);
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const [requests, rps, p50, p95, p99, failures] = line.slice(7).split(' ').map(Number);
    return { requests: requests!, rps: rps!, p50_ms: p50!, p95_ms: p95!, p99_ms: p99!, failures: failures! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The source of a bare `node:http` server answering every request with `body` (the floor beside
 * an app in the same run); run it with `node -e` and BENCH_PORT.
 */
export const bareServer = (body: string, type: string) => `
const http = require('node:http');
const body = Buffer.from(${JSON.stringify(body)});
const headers = { 'Content-Type': ${JSON.stringify(type)}, 'Content-Length': body.length };
http.createServer((req, res) => { res.writeHead(200, headers); res.end(body); })
  .listen(Number(process.env.BENCH_PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;
