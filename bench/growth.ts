/**
 * Growth: the daily pipeline and the public read path at 30,000 and 100,000 printings, each with
 * one year (365 days) of history, on SQLite: the cost curve (time, peak RSS and disk vs size) an
 * operator sizes a deployment from.
 *
 * Dataset per size: `cardquant demo --cards C --printings-per-card 1.5 --days 365 --seed 42
 * --end 2026-11-20` into an empty database in the scratch directory (--dir, default os.tmpdir()):
 * 20,000 cards for 30,000 printings, 66,667 cards for 100,000. The demo command also derives the
 * read models and the latest date's signals. --copy-from <db> copies an already seeded database of
 * the same parameters (with its -wal, -shm and .key files) instead of seeding; the seed's numbers
 * then come from that database's demo ingestion run.
 *
 * Steps, in order, each its own process under `/usr/bin/time -v` (wall time, CPU, peak RSS), with
 * the duration the pipeline recorded in `pipeline_runs`, and the disk use after it (database file
 * + WAL, and bytes per table with its indexes from SQLite's `dbstat`):
 *   seed           the demo command above (rows/s from its ingestion run)
 *   read-path      one `cardquant serve` (RESPONSE_CACHE_MB=0, no response cache) and, in the same
 *                  run, a bare node:http server answering a recorded /v1/cards body (the floor);
 *                  wrk at 10 and 50 connections with random ids and queries:
 *                    list       /v1/cards?set=<random set>&sort=<random sort>
 *                    detail     /v1/cards/<random card>
 *                    search     /v1/cards?q=<random syllable of the generator: a broad prefix>
 *                    history    /v1/cards/<random card>/history (365 days)
 *                    movers     /v1/movers?window=<random window>
 *                    dashboard  /v1/dashboard (one URL; nothing cached with RESPONSE_CACHE_MB=0)
 *   <pipeline>     `cardquant pipeline run --step <name>` for every step of the daily run
 *                  (src/features/pipeline/steps.ts, in pipeline order); ingestion steps have no
 *                  source configured and are recorded as skipped; backup and restore-drill run
 *                  with BACKUP_DIR in the scratch directory (the backups are removed afterwards,
 *                  their size recorded).
 *
 * Resumable: the state file <dir>/cardquant-growth-<printings>.state.json holds every finished
 * step's results; a new run skips them and continues with the next. --from-step <name> runs again
 * from that step (the later ones too); --fresh deletes the database and the state and starts over.
 * After every step bench/results/growth.json is written from the state files of both sizes, with
 * the cost curve when both have the step.
 *
 *   npx tsx bench/growth.ts [--size 30000|100000] [--dir DIR] [--copy-from DB] [--from-step NAME]
 *                           [--until-step NAME] [--fresh] [--duration 5] [--connections 10,50] [--report]
 *
 * --until-step <name> stops after that step (e.g. to leave the long backup steps for later).
 *
 * --report prints the Markdown tables of docs/BENCHMARKS.md from the state files and exits.
 * Load averages are recorded before and after every step: the numbers of a busy machine are worse.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { SYLLABLES } from '../src/features/demo/demo-generator.ts';
import { STEP_CATALOGUE } from '../src/features/pipeline/steps.ts';
import { WINDOWS } from '../src/features/prices/wire.ts';
import {
  describeMachine,
  describeRevision,
  freePort,
  isEntryPoint,
  loadAverage,
  machineInfo,
  REPO_ROOT,
  revision,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
  writeResult,
  type MachineInfo,
  type Revision,
} from './cold-start.ts';
import { bareServer, runWrk, type WrkRun } from './wrk.ts';

const CLI = join(REPO_ROOT, 'bin', 'cardquant.js');
const SIZES = { 30000: 20_000, 100000: 66_667 } as const;
type Size = keyof typeof SIZES;
const PRINTINGS_PER_CARD = 1.5;
const DAYS = 365;
const SEED = 42;
const END = '2026-11-20';
/** Broad name prefixes: the demo generator's three-letter syllables, in its order. */
const SEARCH_PREFIXES = SYLLABLES.filter((s) => s.length === 3);
const LIST_SORTS = ['name', 'number', 'price', 'change_1d', 'change_7d', 'change_30d', 'score'];
const SERVER_ENV = { RESPONSE_CACHE_MB: '0', RATE_LIMIT_ANONYMOUS: '10000000', RATE_LIMIT_WINDOW_SECONDS: '60' };
const SCENARIOS = ['list', 'detail', 'search', 'history', 'movers', 'dashboard'] as const;
type Scenario = (typeof SCENARIOS)[number];

export const STEPS: readonly string[] = ['seed', 'read-path', ...STEP_CATALOGUE.map((s) => s.name)];

export interface GrowthOptions {
  size: Size;
  dir: string;
  copyFrom: string | null;
  fromStep: string | null;
  /** Stop after this step (the next run continues after it). */
  untilStep: string | null;
  fresh: boolean;
  durationS: number;
  connections: number[];
  report: boolean;
}

interface TimeV {
  wall_s: number;
  user_s: number;
  system_s: number;
  peak_rss_mb: number;
  exit_status: number;
}

interface Disk {
  db_mb: number;
  wal_mb: number;
  total_mb: number;
  /** Bytes per table, its indexes included (dbstat), largest first; null when dbstat is missing. */
  tables_mb: Record<string, number> | null;
}

interface StepResult {
  step: string;
  finished_at: string;
  load_before: number[];
  load_after: number[];
  process: TimeV | null;
  /** The run recorded in pipeline_runs (pipeline steps) or ingestion_runs (seed). */
  recorded: { status: string; duration_ms: number | null; counts: unknown; error: string | null } | null;
  disk: Disk;
  extra?: Record<string, unknown>;
}

interface GrowthState {
  size: Size;
  cards: number;
  database: string;
  started_at: string;
  commit: string | null;
  revision: Revision;
  machine: MachineInfo;
  dataset: { cards: number; printings: number; price_rows: number } | null;
  steps: Record<string, StepResult>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const mb = (bytes: number) => round1(bytes / 2 ** 20);

function statePath(dir: string, size: Size): string {
  return join(dir, `cardquant-growth-${size}.state.json`);
}

function databasePath(dir: string, size: Size): string {
  return join(dir, `cardquant-growth-${SIZES[size]}c-${PRINTINGS_PER_CARD}p-${DAYS}d-seed${SEED}-${END}.db`);
}

function readState(dir: string, size: Size): GrowthState | null {
  const file = statePath(dir, size);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GrowthState) : null;
}

function saveState(dir: string, state: GrowthState): void {
  writeFileSync(statePath(dir, state.size), `${JSON.stringify(state, null, 2)}\n`);
}

/** The environment of a cardquant process: only the settings given apply (no config file, no sources). */
function cliEnv(dbFile: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: 'warn', ...extra };
  for (const key of ['CARDQUANT_CONFIG', 'ADMIN_TOKEN_NEXT', 'CATALOG_SOURCES', 'PRICE_SOURCES', 'BACKUP_S3_BUCKET'])
    delete env[key];
  return env;
}

/** Parses GNU time's `-v` report. */
export function parseTimeV(text: string): TimeV {
  const field = (label: string) => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    return line === undefined ? null : line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const wall = field('Elapsed (wall clock) time') ?? '0:00';
  const parts = wall.split(':').map(Number);
  const wallS = parts.reduce((acc, p) => acc * 60 + p, 0);
  return {
    wall_s: Math.round(wallS * 100) / 100,
    user_s: Number(field('User time (seconds)') ?? NaN),
    system_s: Number(field('System time (seconds)') ?? NaN),
    peak_rss_mb: round1(Number(field('Maximum resident set size (kbytes)') ?? NaN) / 1024),
    exit_status: Number(field('Exit status') ?? NaN),
  };
}

/** Runs `node bin/cardquant.js <args>` under /usr/bin/time -v; its output goes to `log`. */
function timedCli(args: string[], env: NodeJS.ProcessEnv, log: string): TimeV {
  const timeFile = `${log}.time`;
  rmSync(timeFile, { force: true });
  const out = spawnSync('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, CLI, ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  writeFileSync(log, `${out.stdout ?? ''}\n--- stderr ---\n${out.stderr ?? ''}`);
  if (!existsSync(timeFile)) throw new Error(`/usr/bin/time wrote no report (${out.error?.message ?? out.status})`);
  return parseTimeV(readFileSync(timeFile, 'utf8'));
}

function fileMb(path: string): number {
  return existsSync(path) ? mb(statSync(path).size) : 0;
}

/** Database file + WAL, and per-table bytes (indexes counted with their table) from dbstat. */
export function diskUse(dbFile: string): Disk {
  const db_mb = fileMb(dbFile);
  const wal_mb = fileMb(`${dbFile}-wal`);
  let tables_mb: Record<string, number> | null;
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const owner = new Map<string, string>(
      db
        .prepare<[], { name: string; tbl_name: string }>(
          "select name, tbl_name from sqlite_master where type in ('table', 'index')",
        )
        .all()
        .map((r) => [r.name, r.tbl_name]),
    );
    const rows = db
      .prepare<[], { name: string; bytes: number }>('select name, pgsize as bytes from dbstat where aggregate = 1')
      .all();
    const bytes = new Map<string, number>();
    for (const r of rows) {
      const table = owner.get(r.name) ?? r.name;
      bytes.set(table, (bytes.get(table) ?? 0) + r.bytes);
    }
    tables_mb = Object.fromEntries(
      [...bytes.entries()]
        .sort((a, b) => b[1] - a[1])
        .filter(([, b]) => b >= 2 ** 20 / 10)
        .map(([t, b]) => [t, mb(b)]),
    );
  } catch {
    tables_mb = null;
  } finally {
    db.close();
  }
  return { db_mb, wal_mb, total_mb: round1(db_mb + wal_mb), tables_mb };
}

export function datasetCounts(dbFile: string): { cards: number; printings: number; price_rows: number } {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const run = db
      .prepare("select accepted from ingestion_runs where importer = 'demo' and status = 'succeeded'")
      .get() as { accepted: number } | undefined;
    return { cards: count('cards'), printings: count('printings'), price_rows: run?.accepted ?? count('prices') };
  } finally {
    db.close();
  }
}

export function recordedSeed(dbFile: string): StepResult['recorded'] {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const run = db
      .prepare(
        "select status, started_at, finished_at, accepted, error from ingestion_runs where importer = 'demo' order by started_at desc limit 1",
      )
      .get() as {
      status: string;
      started_at: string;
      finished_at: string | null;
      accepted: number;
      error: string | null;
    };
    const ms = run.finished_at ? Date.parse(run.finished_at) - Date.parse(run.started_at) : null;
    return {
      status: run.status,
      duration_ms: ms,
      counts: { accepted: run.accepted, rows_per_s: ms ? Math.round(run.accepted / (ms / 1000)) : null },
      error: run.error,
    };
  } finally {
    db.close();
  }
}

/**
 * The demo command's own derive and signals: its signals run is the first in pipeline_runs, and
 * its derive ran between the end of the ingestion run and the start of that signals run.
 */
export function demoTimings(dbFile: string): { derive_ms: number | null; signals_ms: number | null } {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const run = db
      .prepare("select finished_at from ingestion_runs where importer = 'demo' and status = 'succeeded'")
      .get() as { finished_at: string } | undefined;
    const signals = db
      .prepare("select started_at, duration_ms from pipeline_runs where step = 'signals' order by started_at limit 1")
      .get() as { started_at: string; duration_ms: number | null } | undefined;
    return {
      derive_ms: run && signals ? Date.parse(signals.started_at) - Date.parse(run.finished_at) : null,
      signals_ms: signals?.duration_ms ?? null,
    };
  } finally {
    db.close();
  }
}

function recordedStep(dbFile: string, step: string, since: string): StepResult['recorded'] {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const run = db
      .prepare(
        'select status, duration_ms, counts, error from pipeline_runs where step = ? and started_at >= ? order by started_at desc limit 1',
      )
      .get(step, since) as
      { status: string; duration_ms: number | null; counts: string | null; error: string | null } | undefined;
    if (!run) return null;
    return {
      status: run.status,
      duration_ms: run.duration_ms,
      counts: run.counts ? (JSON.parse(run.counts) as unknown) : null,
      error: run.error,
    };
  } finally {
    db.close();
  }
}

function dirMb(path: string): number {
  if (!existsSync(path)) return 0;
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  return mb(total);
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

async function seedStep(
  o: GrowthOptions,
  dbFile: string,
): Promise<Omit<StepResult, 'step' | 'finished_at' | 'load_before' | 'load_after'>> {
  for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(`${dbFile}${suffix}`, { force: true });
  if (o.copyFrom) {
    const started = performance.now();
    for (const suffix of ['', '-wal', '-shm', '.key'])
      if (existsSync(`${o.copyFrom}${suffix}`)) copyFileSync(`${o.copyFrom}${suffix}`, `${dbFile}${suffix}`);
    return {
      process: null,
      recorded: recordedSeed(dbFile),
      disk: diskUse(dbFile),
      extra: { copied_from: o.copyFrom, copy_s: round1((performance.now() - started) / 1000) },
    };
  }
  const args = ['demo', '--cards', String(SIZES[o.size]), '--printings-per-card', String(PRINTINGS_PER_CARD)];
  args.push('--days', String(DAYS), '--seed', String(SEED), '--end', END);
  const proc = timedCli(args, cliEnv(dbFile), join(o.dir, `growth-${o.size}-seed.log`));
  if (proc.exit_status !== 0)
    throw new Error(`cardquant demo exited ${proc.exit_status} (log in the scratch directory)`);
  return { process: proc, recorded: recordedSeed(dbFile), disk: diskUse(dbFile) };
}

async function pipelineStep(
  o: GrowthOptions,
  dbFile: string,
  step: string,
): Promise<Omit<StepResult, 'step' | 'finished_at' | 'load_before' | 'load_after'>> {
  const backupDir = join(o.dir, `growth-${o.size}-backups`);
  const since = new Date(Date.now() - 1000).toISOString();
  const proc = timedCli(
    ['pipeline', 'run', '--step', step],
    cliEnv(dbFile, { BACKUP_DIR: backupDir, TMPDIR: o.dir }),
    join(o.dir, `growth-${o.size}-${step}.log`),
  );
  const recorded = recordedStep(dbFile, step, since);
  if (recorded === null || recorded.status === 'failed')
    throw new Error(
      `step ${step} ${recorded ? `failed: ${recorded.error}` : 'left no run'} (exit ${proc.exit_status})`,
    );
  const extra: Record<string, unknown> = {};
  if (step === 'backup') extra.backup_dir_mb = dirMb(backupDir);
  if (step === 'restore-drill') {
    extra.backup_dir_mb = dirMb(backupDir);
    rmSync(backupDir, { recursive: true, force: true });
  }
  return { process: proc, recorded, disk: diskUse(dbFile), extra };
}

function fetchBody(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolveBody, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolveBody({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** The request paths of each scenario, one a line, in files wrk picks from at random. */
function writePaths(o: GrowthOptions, dbFile: string): Record<Scenario, string> {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  let cards: string[];
  let sets: string[];
  try {
    cards = (db.prepare('select id from cards order by id').all() as { id: string }[]).map((r) => r.id);
    sets = (db.prepare('select id from sets order by id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
  const lists: Record<Scenario, string[]> = {
    list: sets.flatMap((s) => LIST_SORTS.map((sort) => `/v1/cards?set=${encodeURIComponent(s)}&sort=${sort}`)),
    detail: cards.map((id) => `/v1/cards/${encodeURIComponent(id)}`),
    search: SEARCH_PREFIXES.map((q) => `/v1/cards?q=${q}`),
    history: cards.map((id) => `/v1/cards/${encodeURIComponent(id)}/history`),
    movers: WINDOWS.map((w) => `/v1/movers?window=${w}`),
    dashboard: ['/v1/dashboard'],
  };
  const files = {} as Record<Scenario, string>;
  for (const s of SCENARIOS) {
    files[s] = join(o.dir, `growth-${o.size}-paths-${s}.txt`);
    writeFileSync(files[s], `${lists[s].join('\n')}\n`);
  }
  return files;
}

function vmHwmMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? round1(Number(line.replace(/\D+/g, '')) / 1024) : null;
  } catch {
    return null;
  }
}

async function readPathStep(
  o: GrowthOptions,
  dbFile: string,
): Promise<Omit<StepResult, 'step' | 'finished_at' | 'load_before' | 'load_after'>> {
  const paths = writePaths(o, dbFile);
  const app = await startApp({
    logLevel: 'warn',
    stdout: 'ignore',
    command: 'serve',
    databaseUrl: `sqlite:${dbFile}`,
    env: SERVER_ENV,
  });
  const bare = { port: await freePort(), child: null as ReturnType<typeof spawnTracked> | null };
  try {
    await waitFor200(app.port, '/healthz', { timeoutMs: 60_000, child: app.child });
    // Every scenario answers 200 before it is measured (a first path of each).
    const checks: Record<string, number> = {};
    for (const s of SCENARIOS) {
      const first = readFileSync(paths[s], 'utf8').split('\n')[0]!;
      checks[s] = (await fetchBody(app.port, first)).status;
    }
    const bad = Object.entries(checks).filter(([, status]) => status !== 200);
    if (bad.length > 0) throw new Error(`not 200: ${bad.map(([s, st]) => `${s} ${st}`).join(', ')}`);
    const recorded = await fetchBody(app.port, '/v1/cards');
    bare.child = spawnTracked(process.execPath, ['-e', bareServer(recorded.body, recorded.type)], {
      env: { ...process.env, BENCH_PORT: String(bare.port) },
      stdio: 'ignore',
    });
    await waitFor200(bare.port, '/', { timeoutMs: 10_000, child: bare.child });
    const results: Record<string, Record<string, WrkRun & { load: number[] }>> = {};
    for (const c of o.connections) {
      for (const s of ['bare', ...SCENARIOS]) {
        const port = s === 'bare' ? bare.port : app.port;
        const req =
          s === 'bare'
            ? { url: `http://127.0.0.1:${port}/` }
            : { url: `http://127.0.0.1:${port}/`, pathsFile: paths[s as Scenario] };
        await runWrk(req, { connections: c, seconds: Math.min(2, o.durationS) }); // warm-up
        const run = await runWrk(req, { connections: c, seconds: o.durationS });
        (results[s] ??= {})[String(c)] = { ...run, load: loadAverage() };
        console.log(
          `    ${s.padEnd(10)} c=${String(c).padStart(2)}  ${String(Math.round(run.rps)).padStart(6)} req/s  p50 ${run.p50_ms.toFixed(1)} ms  p99 ${run.p99_ms.toFixed(1)} ms  failures ${run.failures}`,
        );
      }
    }
    const floorShare: Record<string, Record<string, number>> = {};
    for (const s of SCENARIOS)
      for (const c of o.connections)
        (floorShare[s] ??= {})[String(c)] = round3(results[s]![String(c)]!.rps / results.bare![String(c)]!.rps);
    return {
      process: null,
      recorded: null,
      disk: diskUse(dbFile),
      extra: {
        duration_s: o.durationS,
        server_peak_rss_mb: vmHwmMb(app.child.pid),
        scenarios: results,
        share_of_floor: floorShare,
        path_counts: Object.fromEntries(
          SCENARIOS.map((s) => [s, readFileSync(paths[s], 'utf8').split('\n').filter(Boolean).length]),
        ),
      },
    };
  } finally {
    if (bare.child) await stopChild(bare.child);
    await app.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Results: the cost curve
// ---------------------------------------------------------------------------------------------

interface CurveRow {
  step: string;
  wall_s: Partial<Record<Size, number | null>>;
  recorded_s: Partial<Record<Size, number | null>>;
  peak_rss_mb: Partial<Record<Size, number | null>>;
  /** User + system CPU seconds of the step's process (less sensitive to the machine's load than wall time). */
  cpu_s: Partial<Record<Size, number | null>>;
  /** Recorded (else wall) milliseconds per 1,000 printings. */
  ms_per_1000_printings: Partial<Record<Size, number | null>>;
  /** 100k ÷ 30k, for the time (recorded, else wall) and peak RSS. */
  time_ratio: number | null;
  rss_ratio: number | null;
}

const emptyCurveRow = (step: string): CurveRow => ({
  step,
  wall_s: {},
  recorded_s: {},
  peak_rss_mb: {},
  cpu_s: {},
  ms_per_1000_printings: {},
  time_ratio: null,
  rss_ratio: null,
});

/** The step's own recorded duration, in seconds. */
const recordedSeconds = (r: StepResult) =>
  r.recorded?.duration_ms != null ? round2(r.recorded.duration_ms / 1000) : null;

/** Recorded, else the process's wall time. */
const stepSeconds = (r: StepResult | undefined) =>
  r === undefined ? null : (recordedSeconds(r) ?? r.process?.wall_s ?? null);

export function costCurve(states: Partial<Record<Size, GrowthState>>): {
  steps: CurveRow[];
  disk: Partial<Record<Size, { total_mb: number; mb_per_1000_printing_years: number; bytes_per_price_row: number }>>;
} {
  const steps: CurveRow[] = [];
  for (const step of STEPS.filter((s) => s !== 'read-path')) {
    const row = emptyCurveRow(step);
    for (const size of [30000, 100000] as Size[]) {
      const r = states[size]?.steps[step];
      if (!r) continue;
      row.wall_s[size] = r.process?.wall_s ?? null;
      row.recorded_s[size] = recordedSeconds(r);
      row.cpu_s[size] = r.process ? round2(r.process.user_s + r.process.system_s) : null;
      row.peak_rss_mb[size] = r.process?.peak_rss_mb ?? null;
      const s = stepSeconds(r);
      row.ms_per_1000_printings[size] = s === null ? null : round1((s * 1000) / (size / 1000));
    }
    const [t30, t100] = [stepSeconds(states[30000]?.steps[step]), stepSeconds(states[100000]?.steps[step])];
    if (t30 && t100) row.time_ratio = round2(t100 / t30);
    const [m30, m100] = [row.peak_rss_mb[30000], row.peak_rss_mb[100000]];
    if (m30 && m100) row.rss_ratio = round2(m100 / m30);
    if (Object.keys(row.wall_s).length + Object.keys(row.recorded_s).length > 0) steps.push(row);
  }
  // The demo command's derive and signals (inside the seed step), timed from what it recorded.
  for (const [name, key] of [
    ['seed: read-models (in the demo command)', 'derive_ms'],
    ['seed: signals (in the demo command)', 'signals_ms'],
  ] as const) {
    const ms = (size: Size) =>
      (states[size]?.steps.seed?.extra?.demo as Record<string, number | null> | undefined)?.[key] ?? null;
    const row = emptyCurveRow(name);
    for (const size of [30000, 100000] as Size[]) {
      const v = ms(size);
      if (v === null) continue;
      row.recorded_s[size] = round2(v / 1000);
      row.ms_per_1000_printings[size] = round1(v / (size / 1000));
    }
    const [a, b] = [ms(30000), ms(100000)];
    if (a && b) row.time_ratio = round2(b / a);
    if (Object.keys(row.recorded_s).length > 0) steps.push(row);
  }
  const disk: ReturnType<typeof costCurve>['disk'] = {};
  for (const size of [30000, 100000] as Size[]) {
    const state = states[size];
    if (!state) continue;
    const finished = STEPS.map((s) => state.steps[s]).filter((r): r is StepResult => r !== undefined);
    const last = finished.at(-1);
    if (!last || !state.dataset) continue;
    disk[size] = {
      total_mb: last.disk.total_mb,
      mb_per_1000_printing_years: round1((last.disk.total_mb / state.dataset.printings) * 1000),
      bytes_per_price_row: Math.round((last.disk.total_mb * 2 ** 20) / state.dataset.price_rows),
    };
  }
  return { steps, disk };
}

function writeResults(dir: string): string {
  const states: Partial<Record<Size, GrowthState>> = {};
  for (const size of [30000, 100000] as Size[]) {
    const s = readState(dir, size);
    if (s) states[size] = s;
  }
  const largest = ([100000, 30000] as Size[]).find((s) => states[s]?.steps.seed !== undefined) ?? null;
  return writeResult('growth.json', {
    benchmark: 'growth',
    written_at: new Date().toISOString(),
    note: 'The machine may be shared: every step records its load averages before and after.',
    largest_size_measured: largest === null ? null : `${largest} printings × ${DAYS} days`,
    sizes: states,
    cost_curve: costCurve(states),
  });
}

// ---------------------------------------------------------------------------------------------
// Report (Markdown for docs/BENCHMARKS.md)
// ---------------------------------------------------------------------------------------------

export function markdownReport(dir: string): string {
  const states: Partial<Record<Size, GrowthState>> = {};
  for (const size of [30000, 100000] as Size[]) {
    const s = readState(dir, size);
    if (s) states[size] = s;
  }
  const lines: string[] = [];
  const curve = costCurve(states);
  const cell = (v: number | null | undefined) => (v == null ? '—' : String(round2(v)));
  lines.push(
    '| step | 30k wall s | 30k recorded s | 30k CPU s | 30k peak RSS MB | 100k wall s | 100k recorded s | 100k CPU s | 100k peak RSS MB | time × | RSS × |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of curve.steps) {
    lines.push(
      `| ${r.step} | ${cell(r.wall_s[30000])} | ${cell(r.recorded_s[30000])} | ${cell(r.cpu_s[30000])} | ${cell(r.peak_rss_mb[30000])} | ${cell(r.wall_s[100000])} | ${cell(r.recorded_s[100000])} | ${cell(r.cpu_s[100000])} | ${cell(r.peak_rss_mb[100000])} | ${cell(r.time_ratio)} | ${cell(r.rss_ratio)} |`,
    );
  }
  lines.push('');
  for (const size of [30000, 100000] as Size[]) {
    const st = states[size];
    if (!st) continue;
    lines.push(`Size ${size}: ${st.dataset ? JSON.stringify(st.dataset) : ''}; commit ${st.commit}`);
    for (const step of STEPS) {
      const r = st.steps[step];
      if (!r) {
        lines.push(`  ${step}: not run`);
        continue;
      }
      lines.push(
        `  ${step}: status ${r.recorded?.status ?? '—'}; load ${r.load_before.join('/')} → ${r.load_after.join('/')}; disk ${r.disk.total_mb} MB (wal ${r.disk.wal_mb}); ${r.recorded?.counts ? JSON.stringify(r.recorded.counts).slice(0, 300) : ''} ${r.extra ? JSON.stringify(r.extra).slice(0, 200) : ''}`,
      );
    }
    const rp = st.steps['read-path']?.extra as
      | {
          scenarios: Record<string, Record<string, WrkRun>>;
          share_of_floor: Record<string, Record<string, number>>;
          server_peak_rss_mb: number | null;
        }
      | undefined;
    if (rp) {
      lines.push('');
      lines.push(
        `| ${size} printings | req/s c=10 | p50 / p99 ms c=10 | req/s c=50 | p50 / p99 ms c=50 | share of floor c=50 | failures |`,
      );
      lines.push('|---|---:|---:|---:|---:|---:|---:|');
      for (const s of ['bare', ...SCENARIOS]) {
        const a = rp.scenarios[s]?.['10'];
        const b = rp.scenarios[s]?.['50'];
        const f = (w: WrkRun | undefined) => (w ? `${Math.round(w.rps)}` : '—');
        const l = (w: WrkRun | undefined) => (w ? `${w.p50_ms.toFixed(1)} / ${w.p99_ms.toFixed(1)}` : '—');
        lines.push(
          `| ${s} | ${f(a)} | ${l(a)} | ${f(b)} | ${l(b)} | ${s === 'bare' ? '1' : cell(rp.share_of_floor[s]?.['50'])} | ${(a?.failures ?? 0) + (b?.failures ?? 0)} |`,
        );
      }
      lines.push(`Server peak RSS: ${rp.server_peak_rss_mb} MB`);
    }
    lines.push('');
  }
  lines.push(`Disk: ${JSON.stringify(curve.disk)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

export function parseGrowthArgs(argv: string[]): GrowthOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '30000' },
      dir: { type: 'string', default: os.tmpdir() },
      'copy-from': { type: 'string' },
      'from-step': { type: 'string' },
      'until-step': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10,50' },
      report: { type: 'boolean', default: false },
    },
  });
  if (values.size !== '30000' && values.size !== '100000') throw new Error('--size is 30000 or 100000');
  if (values['from-step'] !== undefined && !STEPS.includes(values['from-step']))
    throw new Error(`--from-step is one of: ${STEPS.join(', ')}`);
  if (values['until-step'] !== undefined && !STEPS.includes(values['until-step']))
    throw new Error(`--until-step is one of: ${STEPS.join(', ')}`);
  const durationS = Number(values.duration);
  if (!Number.isInteger(durationS) || durationS < 1)
    throw new Error('--duration is a positive whole number of seconds');
  const connections = values.connections.split(',').map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('--connections is a list of positive integers');
  return {
    size: Number(values.size) as Size,
    dir: resolve(values.dir),
    copyFrom: values['copy-from'] ? resolve(values['copy-from']) : null,
    fromStep: values['from-step'] ?? null,
    untilStep: values['until-step'] ?? null,
    fresh: values.fresh,
    durationS,
    connections,
    report: values.report,
  };
}

export async function runGrowth(o: GrowthOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  const dbFile = databasePath(o.dir, o.size);
  if (o.fresh) {
    rmSync(statePath(o.dir, o.size), { force: true });
    for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(`${dbFile}${suffix}`, { force: true });
  }
  const rev = revision();
  let state = readState(o.dir, o.size);
  if (state && state.commit !== rev.commit)
    console.log(`  note: the state was started at ${state.commit?.slice(0, 12)}; now at ${rev.commit?.slice(0, 12)}`);
  state ??= {
    size: o.size,
    cards: SIZES[o.size],
    database: dbFile,
    started_at: new Date().toISOString(),
    commit: rev.commit,
    revision: rev,
    machine: machineInfo(),
    dataset: null,
    steps: {},
  };
  if (o.fromStep) for (const s of STEPS.slice(STEPS.indexOf(o.fromStep))) delete state.steps[s];
  saveState(o.dir, state);
  console.log(
    `Growth: ${o.size} printings (${SIZES[o.size]} cards × ${PRINTINGS_PER_CARD} × ${DAYS} days), SQLite ${dbFile}`,
  );
  console.log(`  code ${describeRevision(rev)}; ${describeMachine(machineInfo())}`);
  const last = o.untilStep === null ? STEPS.length - 1 : STEPS.indexOf(o.untilStep);
  for (const step of STEPS.slice(0, last + 1)) {
    if (step === 'seed' && state.steps.seed && state.steps.seed.extra?.demo === undefined && existsSync(dbFile)) {
      state.steps.seed.extra = { ...state.steps.seed.extra, demo: demoTimings(dbFile) };
      saveState(o.dir, state);
    }
    if (state.steps[step]) {
      console.log(`  ${step}: done at ${state.steps[step].finished_at} (skipped)`);
      continue;
    }
    if (step !== 'seed' && !existsSync(dbFile))
      throw new Error(`no database at ${dbFile}: run the seed step (--from-step seed)`);
    const load_before = loadAverage();
    console.log(`  ${step}: running (load ${load_before.join(' / ')}) …`);
    const started = performance.now();
    const result =
      step === 'seed'
        ? await seedStep(o, dbFile)
        : step === 'read-path'
          ? await readPathStep(o, dbFile)
          : await pipelineStep(o, dbFile, step);
    const load_after = loadAverage();
    if (step === 'seed') {
      state.dataset = datasetCounts(dbFile);
      result.extra = { ...result.extra, demo: demoTimings(dbFile) };
    }
    state.steps[step] = { step, finished_at: new Date().toISOString(), load_before, load_after, ...result };
    saveState(o.dir, state);
    const file = writeResults(o.dir);
    console.log(
      `  ${step}: ${result.recorded?.status ?? 'done'} in ${round1((performance.now() - started) / 1000)} s` +
        (result.process ? ` (wall ${result.process.wall_s} s, peak RSS ${result.process.peak_rss_mb} MB)` : '') +
        (result.recorded?.duration_ms != null ? `, recorded ${result.recorded.duration_ms} ms` : '') +
        `; disk ${result.disk.total_mb} MB; load ${load_after.join(' / ')} → ${file}`,
    );
  }
}

if (isEntryPoint(import.meta.url)) {
  const o = parseGrowthArgs(process.argv.slice(2));
  if (o.report) {
    console.log(markdownReport(o.dir));
  } else {
    runGrowth(o).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  }
}
