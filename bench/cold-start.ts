/**
 * Cold start: `cardquant start` on an empty SQLite database until `GET /readyz` answers 200.
 *
 * Each run gets a fresh temporary directory (so migrations run every time), a free loopback port
 * and a clean process. Time is measured from just before `spawn` to the first 200 from /readyz,
 * polled every ~10 ms. The `startupMs` field of the process's own `ready` log line is recorded too
 * (it starts after Node, tsx and the modules have loaded, so it is always smaller).
 *
 * Also exports the process helpers the other benchmarks share.
 *
 *   npx tsx bench/cold-start.ts [--runs 5] [--log-level info] [--timeout 30000] [--runtime bin|compiled|typescript]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const CLI = join(REPO_ROOT, 'bin', 'cardquant.js');

/**
 * How the benchmark starts cardquant (docs/adr/0015): `bin` as an operator does (the compiled
 * dist/ when built, else TypeScript), or one runtime explicitly — `compiled` runs dist/main.js
 * (build it first: npm run build), `typescript` runs src/main.ts through tsx as before the build step.
 */
export type RuntimeChoice = 'bin' | 'compiled' | 'typescript';
export const RUNTIMES: readonly RuntimeChoice[] = ['bin', 'compiled', 'typescript'];

/** Node arguments that start cardquant in `runtime`; the command follows. */
export function cardquantCommand(runtime: RuntimeChoice): string[] {
  if (runtime === 'compiled') {
    const main = join(REPO_ROOT, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error('dist/main.js is missing: run npm run build first');
    return ['--enable-source-maps', main];
  }
  if (runtime === 'typescript')
    return [join(REPO_ROOT, 'src', 'platform', 'typescript-entry.mjs'), join(REPO_ROOT, 'src', 'main.ts')];
  return [CLI];
}

export const COLD_START_TARGET_MS = 2000;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHooksInstalled = false;

/** Makes sure no child or temporary directory outlives the benchmark, whatever way it ends. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping benchmark processes\n`);
      process.exit(130);
    });
  }
}

/** Spawns a child that is killed when the benchmark exits. */
export function spawnTracked(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  installExitHooks();
  const child = spawn(command, args, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A loopback port that was free a moment ago (listen on 0, read the number, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') {
        srv.close();
        reject(new Error('could not read a free port'));
        return;
      }
      srv.close(() => resolvePort(address.port));
    });
  });
}

/** One GET with a short timeout; resolves to the status code, or 0 when the connection fails. */
export function httpStatus(port: number, path: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolveStatus(res.statusCode ?? 0));
      res.once('error', () => resolveStatus(0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolveStatus(0));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `path` every `intervalMs` until it answers 200. Rejects after `timeoutMs`, or as soon as
 * `child` exits (a crashed process will never become ready).
 */
export async function waitFor200(
  port: number,
  path: string,
  { timeoutMs, intervalMs = 10, child }: { timeoutMs: number; intervalMs?: number; child?: ChildProcess },
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `process exited (code ${child.exitCode}, signal ${child.signalCode}) before ${path} answered 200`,
      );
    }
    if ((await httpStatus(port, path, Math.min(1000, timeoutMs))) === 200) return;
    await sleep(intervalMs);
  }
  throw new Error(`${path} on port ${port} did not answer 200 within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  dir: string;
  /** Stops the process and removes its temporary directory. */
  stop(): Promise<void>;
}

/**
 * Starts `node bin/cardquant.js start` on a fresh SQLite database in a new temporary directory.
 * `stdout: 'ignore'` discards the logs (they are still produced, so their cost is real);
 * `'pipe'` hands them to the caller through `child.stdout`.
 *
 * Optional: `command: 'serve'` runs only the HTTP API (no scheduler, no demo seeding);
 * `databaseUrl` points it at an existing database instead of the fresh one (which is then not
 * created; the temporary directory stays empty); `env` adds or overrides settings last;
 * `runtime` picks the code that runs (see cardquantCommand; default `bin`).
 */
export async function startApp({
  logLevel,
  stdout,
  command = 'start',
  databaseUrl,
  env: extraEnv = {},
  runtime = 'bin',
}: {
  logLevel: string;
  stdout: 'ignore' | 'pipe';
  command?: 'start' | 'serve';
  databaseUrl?: string;
  env?: Record<string, string>;
  runtime?: RuntimeChoice;
}): Promise<AppProcess & { spawnedAt: number }> {
  installExitHooks();
  const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-bench-'));
  tempDirs.add(dir);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Only the settings below apply: no config file, no rotation token from the caller's shell.
  delete env.CARDQUANT_CONFIG;
  delete env.ADMIN_TOKEN_NEXT;
  Object.assign(
    env,
    {
      DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, 'bench.db')}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN: randomBytes(20).toString('hex'), // 40 characters; avoids the one-time key printout
      LOG_LEVEL: logLevel,
      SHUTDOWN_GRACE_MS: '2000',
      // A configured source means no demo seeding at start (the targets exclude data seeding);
      // the daily pipeline is pushed to 1 January so it cannot fire during a measurement.
      PRICE_SOURCES: 'tcgcsv',
      PIPELINE_CRON: '0 0 1 1 *',
    },
    extraEnv,
  );
  const spawnedAt = performance.now();
  const child = spawnTracked(process.execPath, [...cardquantCommand(runtime), command], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', stdout, 'inherit'],
  });
  return {
    child,
    port,
    dir,
    spawnedAt,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  platform: string;
  date: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadAverage(),
  };
}

/** 1, 5 and 15 minute load averages: a busy machine makes every number here worse. */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/**
 * The code being measured: the commit, and which files that make up the app (src, bin, package
 * manifests) differ from it, with a digest of those differences so that a change between the
 * start and the end of a run is noticed. Null outside a git checkout. Read-only git commands only.
 */
export interface Revision {
  commit: string | null;
  appFilesModified: string[] | null;
  appChangesDigest: string | null;
}

const APP_PATHS = ['src', 'bin', 'package.json', 'package-lock.json'];

export function revision(): Revision {
  const git = (args: string[]) =>
    execFileSync('git', ['--no-optional-locks', '-C', REPO_ROOT, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 2 ** 20,
    });
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    const modified = git(['status', '--porcelain', '--untracked-files=all', '--', ...APP_PATHS])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    if (modified.length === 0) return { commit, appFilesModified: [], appChangesDigest: null };
    const digest = createHash('sha256').update(git(['diff', 'HEAD', '--', ...APP_PATHS]));
    for (const file of git(['ls-files', '--others', '--exclude-standard', '--', ...APP_PATHS])
      .split('\n')
      .filter(Boolean)) {
      digest.update(file).update(readFileSync(join(REPO_ROOT, file)));
    }
    return { commit, appFilesModified: modified, appChangesDigest: digest.digest('hex').slice(0, 16) };
  } catch {
    return { commit: null, appFilesModified: null, appChangesDigest: null };
  }
}

export function describeRevision(r: Revision): string {
  if (r.commit === null) return 'unknown (not a git checkout)';
  const modified = r.appFilesModified ?? [];
  return `${r.commit.slice(0, 12)}${modified.length > 0 ? ` + uncommitted changes in ${modified.length} app file(s): ${modified.join(', ')} (digest ${r.appChangesDigest})` : ''}`;
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.join(' / ')}; ${m.date}`;
}

/**
 * CPU used by processes other than this benchmark and its children, from /proc (Linux only).
 * The machine may be shared; a run measured while something else was busy is flagged, not hidden.
 */
export interface CpuSnapshot {
  at: number;
  /** busy clock ticks of the whole machine (user, nice, system, steal) */
  machine: number;
  /** clock ticks of this process, its reaped children and the given live children */
  own: number;
}

function readTicks(path: string, pick: (fields: number[]) => number): number | null {
  try {
    const text = readFileSync(path, 'utf8');
    // In /proc/<pid>/stat the command name may contain spaces; the numeric fields follow its ")".
    const fields = path === '/proc/stat' ? text : text.slice(text.lastIndexOf(')') + 2);
    return pick(fields.split(/\s+/).map(Number));
  } catch {
    return null;
  }
}

export function cpuSnapshot(livePids: (number | undefined)[] = []): CpuSnapshot | null {
  // cpu user nice system idle iowait irq softirq steal …; interrupt time is left out because the
  // loopback traffic of the benchmark itself is processed there and no process is charged for it.
  // Steal (time the hypervisor gave to someone else) is counted: it slows the benchmark just the same.
  const machine = readTicks('/proc/stat', (f) => f[1]! + f[2]! + f[3]! + f[8]!);
  // after "(comm) ": state(0) … utime(11) stime(12) cutime(13) cstime(14)
  const self = readTicks('/proc/self/stat', (f) => f[11]! + f[12]! + f[13]! + f[14]!);
  if (machine === null || self === null) return null;
  let own = self;
  for (const pid of livePids) if (pid !== undefined) own += readTicks(`/proc/${pid}/stat`, (f) => f[11]! + f[12]!) ?? 0;
  return { at: performance.now(), machine, own };
}

/** User + system clock ticks (1/100 s) one process has used so far, or null if unreadable. */
export function processCpuTicks(pid: number | 'self' | undefined): number | null {
  if (pid === undefined) return null;
  return readTicks(`/proc/${pid}/stat`, (f) => f[11]! + f[12]!);
}

/** Average number of cores that other processes kept busy between two snapshots. */
export function foreignCores(start: CpuSnapshot | null, end: CpuSnapshot | null): number | null {
  if (!start || !end || end.at <= start.at) return null;
  const ticksPerSecond = 100; // USER_HZ on Linux
  const foreign = Math.max(0, end.machine - start.machine - (end.own - start.own));
  return Math.round((foreign / ticksPerSecond / ((end.at - start.at) / 1000)) * 100) / 100;
}

/** Foreign load above this (in cores) is called out next to the numbers. */
export const BUSY_MACHINE_CORES = 0.1;

/**
 * `<benchmark>.json` for the reported settings; other log levels and smoke runs get their own
 * file (`http-overhead.warn.json`, `cold-start.quick.json`) so they never overwrite it.
 */
export function resultName(benchmark: string, opts: { logLevel: string; quick: boolean }): string {
  return `${benchmark}${opts.logLevel === 'info' ? '' : `.${opts.logLevel}`}${opts.quick ? '.quick' : ''}.json`;
}

/** Writes `bench/results/<name>` and returns its path relative to the repository. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, name);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return relative(REPO_ROOT, file);
}

/** True when `importMetaUrl` is the script node was asked to run (not an import of it). */
export function isEntryPoint(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === importMetaUrl;
}

// ---------------------------------------------------------------------------------------------
// Cold start
// ---------------------------------------------------------------------------------------------

export interface ColdStartOptions {
  runs: number;
  logLevel: string;
  /** Give up on one run after this long. */
  timeoutMs: number;
  /** Smoke run: shorter, and written to cold-start.quick.json (see resultName). */
  quick: boolean;
  /** Which code runs (see cardquantCommand). */
  runtime: RuntimeChoice;
}

export const coldStartDefaults: ColdStartOptions = {
  runs: 5,
  logLevel: 'info',
  timeoutMs: 30_000,
  quick: false,
  runtime: 'bin',
};

interface ColdRun {
  run: number;
  /** Spawn → first 200 from /readyz, as seen from outside. */
  readyzMs: number;
  /** `startupMs` from the process's `ready` log line (from inside runProcess), if seen. */
  loggedStartupMs: number | null;
  /** Spawn → the `ready` log line arriving on our side, if seen. */
  readyLineMs: number | null;
  /** Cores kept busy by other processes during the run (null where /proc is unavailable). */
  foreignCores: number | null;
}

async function coldRun(run: number, opts: ColdStartOptions): Promise<ColdRun> {
  const before = cpuSnapshot();
  const app = await startApp({ logLevel: opts.logLevel, stdout: 'pipe', runtime: opts.runtime });
  let loggedStartupMs: number | null = null;
  let readyLineMs: number | null = null;
  let sawReadyLine: () => void = () => {};
  const readyLine = new Promise<void>((r) => (sawReadyLine = r));
  const lines = createInterface({ input: app.child.stdout! });
  lines.on('line', (line) => {
    if (readyLineMs !== null || !line.includes('"ready"')) return;
    try {
      const entry = JSON.parse(line) as { msg?: string; startupMs?: number };
      if (entry.msg === 'ready') {
        readyLineMs = performance.now() - app.spawnedAt;
        loggedStartupMs = typeof entry.startupMs === 'number' ? entry.startupMs : null;
        sawReadyLine();
      }
    } catch {
      // not a JSON log line (e.g. a warning); ignore
    }
  });
  let readyzMs: number;
  try {
    await waitFor200(app.port, '/readyz', { timeoutMs: opts.timeoutMs, intervalMs: 10, child: app.child });
    readyzMs = performance.now() - app.spawnedAt;
    // The server listens before the `ready` line is written, so /readyz can win the race; give the line a moment.
    await Promise.race([readyLine, sleep(2000)]);
  } finally {
    lines.close();
    await app.stop();
  }
  return {
    run,
    readyzMs: round1(readyzMs),
    loggedStartupMs,
    readyLineMs: readyLineMs === null ? null : round1(readyLineMs),
    foreignCores: foreignCores(before, cpuSnapshot()),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
export const busy = (cores: number | null) => cores !== null && cores > BUSY_MACHINE_CORES;

function summary(values: number[]) {
  return values.length === 0
    ? null
    : { min: round1(Math.min(...values)), median: round1(median(values)), max: round1(Math.max(...values)) };
}

export async function runColdStart(opts: ColdStartOptions = coldStartDefaults) {
  const machine = machineInfo();
  const code = revision();
  console.log(`\n== Cold start: cardquant start → /readyz 200 (empty SQLite, fresh temp dir per run) ==`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(`code: ${describeRevision(code)}`);
  console.log(
    `runs: ${opts.runs}, runtime: ${opts.runtime}, LOG_LEVEL=${opts.logLevel}, /readyz polled every ~10 ms\n`,
  );

  const runs: ColdRun[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    const r = await coldRun(i, opts);
    runs.push(r);
    console.log(
      `  run ${i}: ${r.readyzMs.toFixed(1)} ms to /readyz 200 (process-logged startupMs: ${r.loggedStartupMs ?? 'n/a'}; ` +
        `other processes: ${r.foreignCores ?? 'n/a'} cores)${busy(r.foreignCores) ? '  ** machine busy during this run **' : ''}`,
    );
  }

  const readyz = summary(runs.map((r) => r.readyzMs))!;
  const logged = summary(runs.flatMap((r) => (r.loggedStartupMs === null ? [] : [r.loggedStartupMs])));
  const met = readyz.median <= COLD_START_TARGET_MS;
  const busyRuns = runs.filter((r) => busy(r.foreignCores)).length;
  const codeChanged = JSON.stringify(revision()) !== JSON.stringify(code);
  if (codeChanged)
    console.log('  WARNING: the code changed while the benchmark ran (commit or app files); the numbers mix versions.');

  console.log('');
  console.log('                         min      median   max');
  console.log(`  spawn → /readyz 200  ${fmt(readyz.min)} ${fmt(readyz.median)} ${fmt(readyz.max)}  ms`);
  if (logged) console.log(`  logged startupMs     ${fmt(logged.min)} ${fmt(logged.median)} ${fmt(logged.max)}  ms`);
  console.log(
    `\n  target: ≤ ${COLD_START_TARGET_MS} ms (median) → ${met ? 'MET' : `MISSED by ${round1(readyz.median - COLD_START_TARGET_MS)} ms`}` +
      (readyz.max > COLD_START_TARGET_MS ? ` (slowest run ${readyz.max} ms exceeds it)` : ''),
  );

  const result = {
    benchmark: 'cold-start',
    description: `node ${cardquantCommand(opts.runtime)
      .map((a) => relative(REPO_ROOT, a) || a)
      .join(' ')} start on an empty SQLite database (fresh temp dir per run) until GET /readyz answers 200`,
    machine,
    revision: code,
    codeChangedDuringRun: codeChanged,
    settings: { ...opts, pollIntervalMs: 10, dataset: 'empty SQLite (migrations run at start)' },
    runs,
    loadAverageAtEnd: loadAverage(),
    readyzMs: readyz,
    loggedStartupMs: logged,
    target: { medianReadyzMsAtMost: COLD_START_TARGET_MS, met },
    busyRuns,
  };
  if (busyRuns > 0) {
    console.log(
      `  note: other processes used more than ${BUSY_MACHINE_CORES} cores during ${busyRuns} of ${runs.length} run(s); those numbers are pessimistic.`,
    );
  }
  const file = writeResult(
    resultName(opts.runtime === 'bin' ? 'cold-start' : `cold-start.${opts.runtime}`, opts),
    result,
  );
  console.log(`  results: ${file}`);
  return result;
}

const fmt = (n: number) => n.toFixed(1).padStart(8);

export function parseColdStartArgs(argv: string[]): ColdStartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      'log-level': { type: 'string' },
      timeout: { type: 'string' },
      quick: { type: 'boolean' },
      runtime: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  return {
    runs: positiveInt(values.runs, quick ? 1 : coldStartDefaults.runs, '--runs'),
    logLevel: values['log-level'] ?? coldStartDefaults.logLevel,
    timeoutMs: positiveInt(values.timeout, coldStartDefaults.timeoutMs, '--timeout'),
    quick,
    runtime: runtimeChoice(values.runtime),
  };
}

function runtimeChoice(raw: string | undefined): RuntimeChoice {
  if (raw === undefined) return coldStartDefaults.runtime;
  if (!(RUNTIMES as readonly string[]).includes(raw))
    throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')} (got ${raw})`);
  return raw as RuntimeChoice;
}

export function positiveInt(raw: string | undefined, fallback: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer (got ${raw})`);
  return n;
}

if (isEntryPoint(import.meta.url)) {
  try {
    await runColdStart(parseColdStartArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`cold-start: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
