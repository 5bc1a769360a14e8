/**
 * wrk (Debian's `wrk`, a C load generator) from a benchmark script: one run against a URL with a
 * method, headers and body, its requests per second and latency percentiles (p50/p95/p99 in ms,
 * from wrk's own histogram, printed by a Lua `done` hook) and every non-2xx answer counted, so a
 * run that met errors can be discarded. Also the floor: a bare `node:http` server answering one
 * recorded body, to run beside an app in the same run.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnTracked, waitFor200 } from './cold-start.ts';

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

/** A run with what `failures` is made of and the slowest answer, for scripts that report them. */
export interface WrkRunDetail extends WrkRun {
  max_ms: number;
  /** Answers whose status was not the expected one. */
  unexpected: number;
  /** connect + read + write errors and timeouts. */
  socketErrors: number;
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
  /** The same as `pathsFile`, given as a list (written to a file for the run). */
  paths?: string[];
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

function script(req: WrkRequest, pathsFile: string | undefined): string {
  const headers = Object.entries(req.headers ?? {})
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join('\n');
  return `
wrk.method = ${luaString(req.method ?? 'GET')}
${req.body === undefined ? '' : `wrk.body = ${luaString(req.body)}`}
${headers}
${pathsFile === undefined ? '' : randomPaths(pathsFile)}
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
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %.3f %d %d\\n", summary.requests,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, e.connect + e.read + e.write + e.timeout))
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
  const { requests, rps, p50_ms, p95_ms, p99_ms, failures } = await runWrkDetail(req, opts);
  return { requests, rps, p50_ms, p95_ms, p99_ms, failures };
}

/**
 * Runs wrk once, as `runWrk`, and also returns the slowest answer and the unexpected statuses
 * apart from the socket errors.
 *
 * @example
 * const run = await runWrkDetail({ url: 'http://127.0.0.1:3000/', paths: ['/a', '/b'] }, { connections: 10, seconds: 5 });
 * console.log(run.max_ms, run.unexpected, run.socketErrors);
 */
export async function runWrkDetail(
  req: WrkRequest,
  opts: { connections: number; seconds: number; threads?: number },
): Promise<WrkRunDetail> {
  const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-wrk-'));
  try {
    let pathsFile = req.pathsFile;
    if (req.paths !== undefined) {
      pathsFile = join(dir, 'paths.txt');
      writeFileSync(pathsFile, `${req.paths.join('\n')}\n`);
    }
    const file = join(dir, 'script.lua');
    writeFileSync(file, script(req, pathsFile));
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
    const [requests, rps, p50, p95, p99, max, unexpected, socketErrors] = line.slice(7).split(' ').map(Number);
    return {
      requests: requests!,
      rps: rps!,
      p50_ms: p50!,
      p95_ms: p95!,
      p99_ms: p99!,
      failures: unexpected! + socketErrors!,
      max_ms: max!,
      unexpected: unexpected!,
      socketErrors: socketErrors!,
    };
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

/** The floor's source for `startFloor`: the body comes on stdin (any size, any bytes), the type in BENCH_CONTENT_TYPE. */
const STDIN_BARE_SERVER = `
const http = require('node:http');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const body = Buffer.concat(chunks);
  const headers = { 'Content-Type': process.env.BENCH_CONTENT_TYPE, 'Content-Length': body.length };
  http.createServer((req, res) => { res.writeHead(200, headers); res.end(body); })
    .listen(Number(process.env.BENCH_PORT), '127.0.0.1');
});
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Starts a bare `node:http` server (the floor beside an app in the same run) answering every
 * request with `body` and Content-Type `type`, on a free loopback port; resolves once `/` answers 200.
 * Stop it with `stopChild`.
 *
 * @example
 * const floor = await startFloor(recordedBody, 'application/json');
 * await runWrk({ url: `http://127.0.0.1:${floor.port}/` }, { connections: 10, seconds: 10 });
 */
export async function startFloor(body: string | Buffer, type: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, ['-e', STDIN_BARE_SERVER], {
    env: { ...process.env, BENCH_PORT: String(port), BENCH_CONTENT_TYPE: type },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.stdin!.end(body);
  await waitFor200(port, '/', { timeoutMs: 10_000, child });
  return { child, port };
}
