/**
 * Public market API under load: throughput, latency and CPU per request of the read routes on
 * a demo dataset (default 20,000 cards × 1.5 printings × 365 days ≈ 10.7M price rows), on SQLite
 * and on PostgreSQL, one after the other, with a bare `node:http` server as the baseline.
 *
 * Dataset: `cardquant demo --cards N --printings-per-card K --days D --seed 42 --end 2026-11-20`
 * into an empty database, which also derives the read models. Seeding takes minutes, so the
 * databases are kept and reused: SQLite in os.tmpdir() (cardquant-bench-api-<params>.db),
 * PostgreSQL as database cardquant_bench_api_<cards>_<days>_p<printings> on 127.0.0.1:5432
 * (user postgres, trust authentication). A kept database is reused only when its dataset_meta
 * and its one succeeded demo ingestion run name the same parameters and its card summaries
 * exist; otherwise (or with --fresh) it is seeded again. Before reuse, pending migrations are
 * applied; if any was applied after the read models were derived, the derive step runs again.
 * PostgreSQL gets VACUUM (ANALYZE) after seeding so autovacuum does not run during measurement.
 *
 * Server: one `node bin/cardquant.js serve` (HTTP API only: no scheduler, no demo seeding) per
 * dialect, LOG_LEVEL=info with logs to an ignored stdout, PG_POOL_MAX at its default (10), and
 * RATE_LIMIT_ANONYMOUS=10000000 per RATE_LIMIT_WINDOW_SECONDS=60 (the largest value the setting
 * accepts) so that no run meets a 429; the limiter still runs on every request.
 *
 * Scenarios, each at every connection count, runs interleaved across scenarios after a warm-up:
 *   cards         GET /v1/cards (default page, 50 cards)
 *   search        GET /v1/cards?q=dra (demo names are invented syllables; `dra` starts ~1/20 of them)
 *   movers        GET /v1/movers?window=7d
 *   history       GET /v1/cards/{id}/history of the card with the longest headline series among
 *                 the first 200 by id (~D points); skipped with a message, not a failure, when it
 *                 does not answer 200 (404 route_not_found: the route does not exist in this build)
 *   not-modified  GET /v1/cards with If-None-Match: <its ETag> (every answer must be 304)
 *   bare          a bare node:http server answering the recorded /v1/cards body (same bytes and
 *                 content type): the floor beside them
 * A run with any unexpected status, error or timeout is discarded; medians of kept runs are
 * reported. CPU per request is the server process's own; on PostgreSQL the CPU of the app's
 * database backends is reported beside it. Peak RSS is VmHWM of the server process.
 *
 * Targets: ≥ 3,000 req/s for movers and cards at 50 connections; p99 ≤ 10 ms at 10 connections
 * for every API scenario; the 304 path at least as many req/s as the full /v1/cards; peak RSS
 * ≤ 300 MB.
 *
 *   npx tsx bench/api.ts [--dialect sqlite|postgres|both] [--cards 20000] [--printings-per-card 1.5]
 *                        [--days 365] [--connections 10,50] [--duration 10] [--runs 3]
 *                        [--warmup 3] [--fresh] [--quick] [--response-cache-mb N] [--dataset demo|real]
 *
 * --dataset real: instead of the demo, the shared reference data (../shared/data: the pokemontcg.io
 * catalogue and 30 days of TCGCSV prices through the TCGdex cross-walk), imported once into
 * cardquant-bench-api-real.db / cardquant_bench_api_real and derived; search prefix "char".
 * Results in api.real.json.
 *
 * --response-cache-mb N: the server's RESPONSE_CACHE_MB (default: the setting's default, 32).
 * With the cache, a repeated URL is answered from the serialised response built for the current
 * data version (still one statement: the version read); 0 turns it off, so every request runs
 * its data statement and builds its body — run both to see the database path and the hot path
 * (results in api.json and api.cache-0mb.json).
 * --quick: 2,000 cards, 60 days, one 3 s run per scenario and connection count, 1 s warm-up;
 * a smoke test only (written to bench/results/api.quick.json, not api.json).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { datasetMeta } from '../src/features/ingest/dataset.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import {
  BUSY_MACHINE_CORES,
  busy,
  describeMachine,
  describeRevision,
  isEntryPoint,
  loadAverage,
  machineInfo,
  positiveInt,
  REPO_ROOT,
  resultName,
  revision,
  spawnTracked,
  startApp,
  stopChild,
  waitFor200,
  writeResult,
  type AppProcess,
} from './cold-start.ts';
import {
  cell,
  load,
  measureLoad,
  medianOf,
  problemsOf,
  summarizeLoad,
  type LoadStats,
  type LoadSummary,
  type LoadTarget,
} from './load.ts';
import { startFloor } from './wrk.ts';

const CLI = join(REPO_ROOT, 'bin', 'cardquant.js');
const SEED = 42;
const END = '2026-11-20';
const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';
const SEARCH_PREFIX = 'dra';
const HISTORY_CANDIDATES = 200;

/** Settings of the server under test, beyond startApp's (see the header). */
const SERVER_ENV = { RATE_LIMIT_ANONYMOUS: '10000000', RATE_LIMIT_WINDOW_SECONDS: '60' };
const serverEnv = (opts: { responseCacheMb: number | null }): Record<string, string> =>
  opts.responseCacheMb === null ? SERVER_ENV : { ...SERVER_ENV, RESPONSE_CACHE_MB: String(opts.responseCacheMb) };

export const API_TARGETS = {
  requestsPerSecAtLeast: 3000,
  atConnections: 50,
  p99MsAtMost: 10,
  p99AtConnections: 10,
  peakRssMbAtMost: 300,
};

type Dialect = 'sqlite' | 'postgres';
const DIALECT_NAMES: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export interface ApiOptions {
  dialects: Dialect[];
  cards: number;
  printingsPerCard: number;
  days: number;
  connections: number[];
  durationS: number;
  runs: number;
  warmupS: number;
  fresh: boolean;
  /** `demo` (generated, the sizes above) or `real` (the shared reference data; --cards/--days do not apply). */
  dataset: 'demo' | 'real';
  /** RESPONSE_CACHE_MB of the server; null: its default. 0 measures every request down to the database. */
  responseCacheMb: number | null;
  /** Smoke run: small dataset, short runs, written to api.quick.json. */
  quick: boolean;
}

export const apiDefaults: ApiOptions = {
  dialects: ['sqlite', 'postgres'],
  cards: 20_000,
  printingsPerCard: 1.5,
  days: 365,
  connections: [10, 50],
  durationS: 10,
  runs: 3,
  warmupS: 3,
  fresh: false,
  quick: false,
  responseCacheMb: null,
  dataset: 'demo',
};

interface DemoParams {
  cards: number;
  printingsPerCard: number;
  days: number;
  seed: number;
  end: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Dataset: seed once, reuse while it matches
// ---------------------------------------------------------------------------------------------

interface Dataset {
  dialect: Dialect;
  url: string;
  /** Where the data lives, without credentials. */
  location: string;
  /** `seeded` now, or `reused` from an earlier run. */
  origin: 'seeded' | 'reused';
  /** Seconds `cardquant demo` took (seeding and deriving), when seeded now. */
  seedSeconds: number | null;
  /** Seconds of VACUUM (ANALYZE) after seeding (PostgreSQL), when it ran now. */
  vacuumSeconds: number | null;
  /** Seconds of a re-derive because a migration was applied after the last derive. */
  rederiveSeconds: number | null;
  /** When the demo ingestion run finished. */
  seededAt: string;
  cards: number;
  printings: number;
  priceRows: number;
  sizeMb: number | null;
  historyCard: { id: string; points: number } | null;
  /** The `q` of the search scenario: a prefix that matches many of the dataset's names. */
  searchPrefix: string;
}

function datasetUrl(dialect: Dialect, p: DemoParams): string {
  if (dialect === 'sqlite')
    return `sqlite:${join(os.tmpdir(), `cardquant-bench-api-${p.cards}c-${p.printingsPerCard}p-${p.days}d-seed${p.seed}-${p.end}.db`)}`;
  return `${PG_SERVER}/${pgDatabaseName(p)}`;
}

function pgDatabaseName(p: DemoParams): string {
  return `cardquant_bench_api_${p.cards}_${p.days}_p${String(p.printingsPerCard).replace('.', '_')}`;
}

const sqlitePath = (url: string) => url.slice('sqlite:'.length);

function removeSqlite(url: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqlitePath(url)}${suffix}`, { force: true });
}

/** The environment of a `cardquant` command run by the benchmark: only the settings given apply. */
function cliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  delete env.CARDQUANT_CONFIG;
  delete env.ADMIN_TOKEN_NEXT;
  return env;
}

/** Runs `node bin/cardquant.js …`; `inherit` shows its output, `capture` returns it. */
async function runCli(
  args: string[],
  databaseUrl: string,
  output: 'inherit' | 'capture',
): Promise<{ code: number | null; output: string }> {
  const child = spawnTracked(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(databaseUrl),
    stdio: ['ignore', output === 'inherit' ? 'inherit' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, output: text };
}

async function pgAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to PostgreSQL at ${PG_SERVER} as postgres (${(err as Error).message})`, {
      cause: err,
    });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(dialect: Dialect, url: string): Promise<boolean> {
  if (dialect === 'sqlite') return existsSync(sqlitePath(url));
  const name = new URL(url).pathname.slice(1);
  return pgAdmin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** Drops and creates the PostgreSQL database, or deletes the SQLite file: an empty database. */
async function emptyDatabase(dialect: Dialect, url: string): Promise<void> {
  if (dialect === 'sqlite') {
    removeSqlite(url);
    return;
  }
  const name = new URL(url).pathname.slice(1);
  await pgAdmin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
}

interface Inspection {
  problem: string | null;
  seededAt: string;
  /** The latest of: the demo run's end (the demo command derives right after it), a succeeded derive step. */
  derivedAt: string;
  lastMigrationAt: string;
  cards: number;
  printings: number;
  priceRows: number;
}

/** Whether the database holds exactly the demo dataset of `p`, seeded and derived completely. */
async function inspect(url: string, p: DemoParams): Promise<Inspection> {
  const database = openDatabase(url);
  const result: Inspection = {
    problem: null,
    seededAt: '',
    derivedAt: '',
    lastMigrationAt: '',
    cards: 0,
    printings: 0,
    priceRows: 0,
  };
  const fail = (problem: string) => ({ ...result, problem });
  try {
    const meta = await datasetMeta(database.db);
    if (meta.dataset_kind !== 'demo')
      return fail(`it holds no demo dataset (dataset_kind ${meta.dataset_kind ?? 'unset'})`);
    const expected: Record<string, string> = {
      demo_seed: String(p.seed),
      demo_end: p.end,
      demo_cards: String(p.cards),
    };
    for (const [key, value] of Object.entries(expected)) {
      if (meta[key] !== value) return fail(`dataset_meta ${key} is ${meta[key] ?? 'unset'}, not ${value}`);
    }
    const runs = await database.db
      .selectFrom('ingestion_runs')
      .select(['status', 'params', 'finished_at', 'accepted'])
      .where('importer', '=', 'demo')
      .execute();
    if (runs.length !== 1) return fail(`it holds ${runs.length} demo ingestion runs, not 1`);
    const run = runs[0]!;
    if (run.status !== 'succeeded' || run.finished_at === null) return fail(`its demo ingestion run is ${run.status}`);
    const params = JSON.parse(run.params ?? '{}') as Partial<DemoParams>;
    if (params.printingsPerCard !== p.printingsPerCard || params.days !== p.days) {
      return fail(`it was seeded with ${params.printingsPerCard} printings per card and ${params.days} days`);
    }
    const count = async (table: 'cards' | 'printings' | 'card_summary') =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [cards, printings, summaries] = [await count('cards'), await count('printings'), await count('card_summary')];
    if (cards !== p.cards) return fail(`it holds ${cards} cards`);
    if (summaries !== cards)
      return fail(`its read models are incomplete (${summaries} card summaries for ${cards} cards)`);
    const lastDerive = await database.db
      .selectFrom('pipeline_runs')
      .select((eb) => eb.fn.max('finished_at').as('at'))
      .where('step', '=', 'read-models')
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    const lastMigration = await database.db
      .selectFrom('schema_migrations')
      .select((eb) => eb.fn.max('applied_at').as('at'))
      .executeTakeFirst();
    const derivedAt = [run.finished_at, lastDerive?.at ?? ''].sort().at(-1)!;
    return {
      problem: null,
      seededAt: run.finished_at,
      derivedAt,
      lastMigrationAt: lastMigration?.at ?? '',
      cards,
      printings,
      priceRows: run.accepted,
    };
  } catch (err) {
    return fail(`it cannot be read (${(err as Error).message})`);
  } finally {
    await database.close();
  }
}

/** The card whose headline series has the most points, among the first cards by id. */
async function pickHistoryCard(url: string): Promise<{ id: string; points: number } | null> {
  const database = openDatabase(url);
  try {
    const rows = await sql<{ card_id: string; points: number | string }>`
      select c.card_id, (select count(*) from prices p where p.printing_key = c.printing_key) as points
      from (select card_id, printing_key from card_summary where printing_key is not null order by card_id limit ${HISTORY_CANDIDATES}) c`.execute(
      database.db,
    );
    let best: { id: string; points: number } | null = null;
    for (const r of rows.rows)
      if (best === null || Number(r.points) > best.points) best = { id: r.card_id, points: Number(r.points) };
    return best;
  } finally {
    await database.close();
  }
}

async function sizeMb(dialect: Dialect, url: string): Promise<number | null> {
  try {
    if (dialect === 'sqlite') {
      const bytes = ['', '-wal'].reduce(
        (sum, suffix) =>
          sum + (existsSync(`${sqlitePath(url)}${suffix}`) ? statSync(`${sqlitePath(url)}${suffix}`).size : 0),
        0,
      );
      return round1(bytes / 2 ** 20);
    }
    const name = new URL(url).pathname.slice(1);
    return await pgAdmin(async (c) =>
      round1(
        Number((await c.query<{ size: string }>('select pg_database_size($1) as size', [name])).rows[0]!.size) /
          2 ** 20,
      ),
    );
  } catch {
    return null;
  }
}

/** After 10M inserts autovacuum would otherwise start, maybe in the middle of a measurement. */
async function vacuumIfNeeded(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const stats = await client.query<{ vacuumed: boolean; analyzed: boolean }>(
      `select (last_vacuum is not null or last_autovacuum is not null) as vacuumed, (last_analyze is not null or last_autoanalyze is not null) as analyzed
       from pg_stat_user_tables where relname = 'prices'`,
    );
    const row = stats.rows[0];
    if (row?.vacuumed && row.analyzed) return null;
    process.stdout.write('  PostgreSQL: VACUUM (ANALYZE) so that autovacuum does not run during the measurement … ');
    const started = performance.now();
    await client.query('vacuum (analyze)');
    const seconds = round1((performance.now() - started) / 1000);
    console.log(`${seconds} s`);
    return seconds;
  } finally {
    await client.end();
  }
}

export async function prepareDataset(dialect: Dialect, p: DemoParams, fresh: boolean): Promise<Dataset> {
  const url = datasetUrl(dialect, p);
  const location = dialect === 'sqlite' ? sqlitePath(url) : `${new URL(url).host}/${pgDatabaseName(p)}`;
  const name = DIALECT_NAMES[dialect];
  let reason: string | null = fresh ? '--fresh' : null;
  let rederiveSeconds: number | null = null;
  let info: Inspection | null = null;

  if (reason === null && !(await databaseExists(dialect, url))) reason = 'no kept database';
  if (reason === null) {
    // `serve` would apply pending migrations anyway; applying them now tells whether the read models predate one.
    const migrated = await runCli(['migrate', 'up'], url, 'capture');
    if (migrated.code !== 0)
      reason = `migrations could not be applied: ${migrated.output.trim().split('\n').at(-1) ?? ''}`;
  }
  if (reason === null) {
    info = await inspect(url, p);
    if (info.problem !== null) reason = info.problem;
  }
  if (reason === null && info !== null && info.lastMigrationAt > info.derivedAt) {
    console.log(
      `  ${name}: a migration was applied after the read models were derived; running the derive step again …`,
    );
    const started = performance.now();
    const derived = await runCli(['pipeline', 'run', '--step', 'read-models'], url, 'inherit');
    rederiveSeconds = round1((performance.now() - started) / 1000);
    if (derived.code !== 0) throw new Error(`the derive step failed on ${location}`);
    info = await inspect(url, p);
    if (info.problem !== null) throw new Error(`${location} is unusable after the derive step: ${info.problem}`);
  }

  let seedSeconds: number | null = null;
  if (reason === null) {
    console.log(`  ${name}: reusing ${location} (seeded ${info!.seededAt}; same demo parameters)`);
  } else {
    console.log(`  ${name}: seeding ${location} (${reason}); this takes a while …`);
    await emptyDatabase(dialect, url);
    const started = performance.now();
    const seeded = await runCli(
      [
        'demo',
        '--cards',
        String(p.cards),
        '--printings-per-card',
        String(p.printingsPerCard),
        '--days',
        String(p.days),
        '--seed',
        String(p.seed),
        '--end',
        p.end,
      ],
      url,
      'inherit',
    );
    seedSeconds = round1((performance.now() - started) / 1000);
    if (seeded.code !== 0) throw new Error(`cardquant demo failed (exit code ${seeded.code}) on ${location}`);
    console.log(`  ${name}: seeded in ${seedSeconds} s (cardquant demo: catalogue, prices, derived read models)`);
    info = await inspect(url, p);
    if (info.problem !== null)
      throw new Error(`${location} does not hold the expected dataset after seeding: ${info.problem}`);
  }
  return finishDataset(dialect, url, location, {
    seedSeconds,
    rederiveSeconds,
    seededAt: info!.seededAt,
    cards: info!.cards,
    printings: info!.printings,
    priceRows: info!.priceRows,
    searchPrefix: SEARCH_PREFIX,
  });
}

/** What every prepared dataset adds: VACUUM (ANALYZE) on PostgreSQL, its size and its history card. */
async function finishDataset(
  dialect: Dialect,
  url: string,
  location: string,
  facts: Pick<
    Dataset,
    'seedSeconds' | 'rederiveSeconds' | 'seededAt' | 'cards' | 'printings' | 'priceRows' | 'searchPrefix'
  >,
): Promise<Dataset> {
  const vacuumSeconds = dialect === 'postgres' ? await vacuumIfNeeded(url) : null;
  return {
    dialect,
    url,
    location,
    origin: facts.seedSeconds === null ? 'reused' : 'seeded',
    vacuumSeconds,
    sizeMb: await sizeMb(dialect, url),
    historyCard: await pickHistoryCard(url),
    ...facts,
  };
}

// The real reference data beside the repository (never part of it): the pokemontcg.io catalogue
// and 30 days of TCGCSV prices mapped through the TCGdex cross-walk.
const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
const REAL_IMPORTS = [
  ['import', 'catalog', 'pokemontcg-files', '--path', join(SHARED_DATA, 'pokemontcg-data')],
  [
    'import',
    'prices',
    'tcgcsv-files',
    '--path',
    join(SHARED_DATA, 'tcgcsv', 'prices'),
    '--map',
    join(SHARED_DATA, 'tcgdex', 'tcgplayer_to_pokemontcg.csv'),
  ],
  ['pipeline', 'run', '--step', 'read-models'],
];
/** Real names: "char" starts Charizard, Charmander, Charmeleon, Charjabug … */
const REAL_SEARCH_PREFIX = 'char';

/** The shared real data imported once (catalogue, TCGCSV prices, derive), reused while its read models exist. */
export async function prepareRealDataset(dialect: Dialect, fresh: boolean): Promise<Dataset> {
  if (!existsSync(SHARED_DATA))
    throw new Error(`--dataset real needs the shared reference data at ../shared/data (absent)`);
  const url =
    dialect === 'sqlite'
      ? `sqlite:${join(os.tmpdir(), 'cardquant-bench-api-real.db')}`
      : `${PG_SERVER}/cardquant_bench_api_real`;
  const location = dialect === 'sqlite' ? sqlitePath(url) : `${new URL(url).host}/cardquant_bench_api_real`;
  const name = DIALECT_NAMES[dialect];
  const counts = async () => {
    const database = openDatabase(url);
    try {
      const n = async (table: 'cards' | 'printings' | 'prices' | 'card_summary') =>
        Number(
          (
            await database.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const meta = await datasetMeta(database.db);
      return {
        kind: meta.dataset_kind,
        cards: await n('cards'),
        printings: await n('printings'),
        prices: await n('prices'),
        summaries: await n('card_summary'),
      };
    } finally {
      await database.close();
    }
  };
  let reuse = !fresh && (await databaseExists(dialect, url));
  if (reuse) reuse = (await runCli(['migrate', 'up'], url, 'capture')).code === 0;
  let found = reuse ? await counts().catch(() => null) : null;
  if (found && (found.kind !== 'real' || found.summaries !== found.cards || found.prices === 0)) found = null;
  let seedSeconds: number | null = null;
  if (found) {
    console.log(`  ${name}: reusing ${location} (real data: ${found.cards} cards, ${found.prices} price rows)`);
    // Migrations may have added read-model columns since: derive again (seconds on this size).
    await runCli(['pipeline', 'run', '--step', 'read-models'], url, 'capture');
  } else {
    console.log(`  ${name}: importing the shared real data into ${location} …`);
    await emptyDatabase(dialect, url);
    const started = performance.now();
    for (const args of REAL_IMPORTS) {
      const run = await runCli(args, url, 'capture');
      // A TCGCSV import reports rejected rows (sealed products, unmapped ones) with a non-zero exit; the data is there.
      if (run.code !== 0 && args[0] !== 'import')
        throw new Error(`cardquant ${args.slice(0, 3).join(' ')} failed: ${run.output.trim().split('\n').at(-1)}`);
    }
    seedSeconds = round1((performance.now() - started) / 1000);
    found = await counts();
    if (found.summaries === 0 || found.prices === 0)
      throw new Error(`${location} holds no usable real data after importing`);
    console.log(`  ${name}: imported in ${seedSeconds} s`);
  }
  return finishDataset(dialect, url, location, {
    seedSeconds,
    rederiveSeconds: null,
    seededAt: '',
    cards: found.cards,
    printings: found.printings,
    priceRows: found.prices,
    searchPrefix: REAL_SEARCH_PREFIX,
  });
}

// ---------------------------------------------------------------------------------------------
// Servers and probes
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET as autocannon sends it (no Accept-Encoding), with the whole body. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers, agent: false, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

const header = (a: Answer, name: string) => {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The baseline: a bare node:http server answering the recorded bytes with the same content type. */
async function startBare(body: Buffer, contentType: string): Promise<{ child: ChildProcess; port: number }> {
  const { child, port } = await startFloor(body, contentType);
  const answer = await get(port, '/');
  if (!answer.body.equals(body) || header(answer, 'content-type') !== contentType)
    throw new Error('the bare server does not answer the recorded body');
  return { child, port };
}

/** Peak and current resident memory of a process in MB, from VmHWM and VmRSS of /proc/<pid>/status (Linux). */
function procStatusMb(pid: number | undefined): { peakRssMb: number | null; rssMb: number | null } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? round1(Number(m[1]) / 1024) : null;
    };
    return { peakRssMb: kb('VmHWM'), rssMb: kb('VmRSS') };
  } catch {
    return { peakRssMb: null, rssMb: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios and measurement
// ---------------------------------------------------------------------------------------------

type ScenarioId = 'cards' | 'search' | 'movers' | 'history' | 'not-modified' | 'bare';
const SCENARIO_ORDER: ScenarioId[] = ['cards', 'search', 'movers', 'history', 'not-modified', 'bare'];
const API_SCENARIOS: ScenarioId[] = ['cards', 'search', 'movers', 'history', 'not-modified'];

interface Scenario {
  id: ScenarioId;
  label: string;
  server: 'app' | 'bare';
  path: string;
  headers?: Record<string, string>;
  expectStatus: '2xx' | number;
  /** What the probe saw: status, body size. */
  probe: string;
}

type Measurement = { dialect: Dialect; scenario: ScenarioId; connections: number; run: number } & LoadStats;

interface ScenarioSummary extends LoadSummary {
  scenario: ScenarioId;
  label: string;
  connections: number;
  /** PostgreSQL only: CPU of the app's database backends per request, and their cores. */
  databaseCpuUsPerRequest: number | null;
  databaseCores: number | null;
}

interface DialectResult {
  dialect: Dialect;
  dataset: Dataset;
  scenarios: { id: ScenarioId; label: string; path: string; headers: Record<string, string> | null; probe: string }[];
  skipped: { id: ScenarioId; reason: string }[];
  summaries: ScenarioSummary[];
  memory: { rssAfterStartMb: number | null; peakRssMb: number | null; rssAtEndMb: number | null };
  measurements: Measurement[];
}

/** Checks each route once before loading it and builds the scenarios; the history route may be missing. */
async function probeScenarios(
  port: number,
  dataset: Dataset,
): Promise<{ scenarios: Scenario[]; skipped: { id: ScenarioId; reason: string }[]; cards: Answer }> {
  const scenarios: Scenario[] = [];
  const skipped: { id: ScenarioId; reason: string }[] = [];
  const expect200 = async (label: string, path: string) => {
    const a = await get(port, path);
    if (a.status !== 200)
      throw new Error(`${label} answered ${a.status} before the load: ${a.body.toString().slice(0, 300)}`);
    return a;
  };
  const cards = await expect200('GET /v1/cards', '/v1/cards');
  const pageSize = (JSON.parse(cards.body.toString()) as { items: unknown[] }).items.length;
  scenarios.push({
    id: 'cards',
    label: 'GET /v1/cards',
    server: 'app',
    path: '/v1/cards',
    expectStatus: '2xx',
    probe: `200, ${cards.body.length} bytes, ${pageSize} cards`,
  });

  const searchPath = `/v1/cards?q=${dataset.searchPrefix}`;
  const search = await expect200(`GET ${searchPath}`, searchPath);
  const found = JSON.parse(search.body.toString()) as { items: unknown[]; next_cursor: string | null };
  if (found.items.length === 0)
    throw new Error(`GET ${searchPath} matched no cards; the search scenario would measure an empty answer`);
  scenarios.push({
    id: 'search',
    label: `GET ${searchPath}`,
    server: 'app',
    path: searchPath,
    expectStatus: '2xx',
    probe: `200, ${search.body.length} bytes, ${found.items.length} cards${found.next_cursor ? ' (a full page; more follow)' : ''}`,
  });

  const movers = await expect200('GET /v1/movers?window=7d', '/v1/movers?window=7d');
  const moverCount = (JSON.parse(movers.body.toString()) as { items: unknown[] }).items.length;
  scenarios.push({
    id: 'movers',
    label: 'GET /v1/movers?window=7d',
    server: 'app',
    path: '/v1/movers?window=7d',
    expectStatus: '2xx',
    probe: `200, ${movers.body.length} bytes, ${moverCount} movers`,
  });

  const card = dataset.historyCard;
  if (card === null) {
    skipped.push({ id: 'history', reason: 'no priced card in the dataset' });
  } else {
    const path = `/v1/cards/${encodeURIComponent(card.id)}/history`;
    const a = await get(port, path);
    let code = '';
    try {
      code = (JSON.parse(a.body.toString()) as { code?: string }).code ?? '';
    } catch {
      // not JSON
    }
    if (a.status === 200) {
      scenarios.push({
        id: 'history',
        label: 'GET /v1/cards/{id}/history',
        server: 'app',
        path,
        expectStatus: '2xx',
        probe: `200, ${a.body.length} bytes (card ${card.id}, ${card.points} price points)`,
      });
    } else if (a.status === 404 && code === 'route_not_found') {
      skipped.push({
        id: 'history',
        reason: `GET ${path} answers 404 route_not_found: the history route does not exist in this build yet`,
      });
    } else {
      skipped.push({
        id: 'history',
        reason: `GET ${path} answered ${a.status}${code ? ` ${code}` : ''} instead of 200`,
      });
    }
  }

  const etag = header(cards, 'etag');
  if (etag === undefined) {
    skipped.push({ id: 'not-modified', reason: 'GET /v1/cards answered without an ETag' });
  } else {
    const headers = { 'If-None-Match': etag };
    const a = await get(port, '/v1/cards', headers);
    if (a.status !== 304) throw new Error(`GET /v1/cards with If-None-Match: ${etag} answered ${a.status}, not 304`);
    scenarios.push({
      id: 'not-modified',
      label: 'GET /v1/cards, If-None-Match → 304',
      server: 'app',
      path: '/v1/cards',
      headers,
      expectStatus: 304,
      probe: `304 for ETag ${etag}`,
    });
  }
  return { scenarios, skipped, cards };
}

/** A server that died mid-benchmark would only show up as a wall of connection errors. */
function assertAlive(processes: [string, ChildProcess][]): void {
  for (const [name, child] of processes) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the ${name} process (pid ${child.pid}) exited during the benchmark (code ${child.exitCode}, signal ${child.signalCode})`,
      );
    }
  }
}

/** PIDs of the PostgreSQL backends serving the app's database (the benchmark's own connection excluded). */
function backendLister(client: pg.Client, database: string): () => Promise<number[]> {
  return async () =>
    (
      await client.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      )
    ).rows.map((r) => r.pid);
}

const scenarioTarget = (s: Scenario, port: number): LoadTarget => ({
  url: `http://127.0.0.1:${port}${s.path}`,
  headers: s.headers,
  expectStatus: s.expectStatus,
});

async function benchDialect(dataset: Dataset, opts: ApiOptions): Promise<DialectResult> {
  const name = DIALECT_NAMES[dataset.dialect];
  console.log(`\n-- ${name}: node bin/cardquant.js serve on ${dataset.location} --`);
  let app: AppProcess | undefined;
  let bare: { child: ChildProcess; port: number } | undefined;
  let pgClient: pg.Client | undefined;
  const measurements: Measurement[] = [];
  let memory: DialectResult['memory'] = { rssAfterStartMb: null, peakRssMb: null, rssAtEndMb: null };
  let probed: Awaited<ReturnType<typeof probeScenarios>>;
  try {
    app = await startApp({
      logLevel: 'info',
      stdout: 'ignore',
      command: 'serve',
      databaseUrl: dataset.url,
      env: serverEnv(opts),
    });
    await waitFor200(app.port, '/readyz', { timeoutMs: 60_000, child: app.child });
    memory.rssAfterStartMb = procStatusMb(app.child.pid).rssMb;
    probed = await probeScenarios(app.port, dataset);
    for (const s of probed.skipped) console.log(`  SKIPPED ${s.id}: ${s.reason}`);
    const contentType = header(probed.cards, 'content-type') ?? 'application/json';
    bare = await startBare(probed.cards.body, contentType);
    probed.scenarios.push({
      id: 'bare',
      label: 'bare node:http, same body',
      server: 'bare',
      path: '/',
      expectStatus: '2xx',
      probe: `200, ${probed.cards.body.length} bytes, Content-Type ${contentType}`,
    });
    for (const s of probed.scenarios) console.log(`  ${s.id.padEnd(12)} ${s.label}  (probe: ${s.probe})`);

    let helpers: (() => Promise<number[]>) | undefined;
    if (dataset.dialect === 'postgres') {
      pgClient = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
      await pgClient.connect();
      helpers = backendLister(pgClient, new URL(dataset.url).pathname.slice(1));
    }
    const live = (): [string, ChildProcess][] => [
      ['app', app!.child],
      ['bare server', bare!.child],
    ];
    const ports = { app: app.port, bare: bare.port };
    const pids = { app: app.child.pid, bare: bare.child.pid };
    const all = [pids.app, pids.bare];

    const warmConnections = Math.max(...opts.connections);
    if (opts.warmupS > 0) {
      for (const s of probed.scenarios) {
        const target = scenarioTarget(s, ports[s.server]);
        const w = await load(target, warmConnections, opts.warmupS);
        const problem = problemsOf(target, w);
        if (problem !== null) {
          assertAlive(live());
          throw new Error(`warm-up of ${s.id} failed: ${problem} (status codes ${JSON.stringify(w.statusCodeStats)})`);
        }
      }
    }

    for (const connections of opts.connections) {
      for (let run = 1; run <= opts.runs; run++) {
        for (const s of probed.scenarios) {
          assertAlive(live());
          const stats = await measureLoad(scenarioTarget(s, ports[s.server]), connections, opts.durationS, {
            server: pids[s.server],
            all,
            helpers: s.server === 'app' ? helpers : undefined,
          });
          const m: Measurement = { dialect: dataset.dialect, scenario: s.id, connections, run, ...stats };
          measurements.push(m);
          assertAlive(live());
          const db = m.helperCpuUsPerRequest !== undefined ? ` + db ${m.helperCpuUsPerRequest ?? 'n/a'} µs` : '';
          console.log(
            `  c=${String(connections).padStart(3)} run ${run} ${s.id.padEnd(12)} ${String(m.requestsPerSec).padStart(7)} req/s  ` +
              `p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  ` +
              `server ${m.serverCores ?? 'n/a'} cores (${m.serverCpuUsPerRequest ?? 'n/a'} µs CPU/req${db}), client ${m.clientCores ?? 'n/a'} cores, ` +
              `other processes ${m.foreignCores ?? 'n/a'} cores` +
              (busy(m.foreignCores) ? '  (machine busy)' : '') +
              (m.discarded ? `  ** DISCARDED: ${m.discarded} (status codes ${JSON.stringify(m.statusCodes)}) **` : ''),
          );
        }
      }
    }
    const end = procStatusMb(app.child.pid);
    memory = { ...memory, peakRssMb: end.peakRssMb, rssAtEndMb: end.rssMb };
  } finally {
    await pgClient?.end().catch(() => undefined);
    await Promise.all([bare ? stopChild(bare.child) : undefined, app?.stop()]);
  }

  const summaries: ScenarioSummary[] = [];
  for (const connections of opts.connections) {
    for (const s of probed.scenarios) {
      const runs = measurements.filter((m) => m.scenario === s.id && m.connections === connections);
      const kept = runs.filter((m) => m.discarded === null);
      summaries.push({
        scenario: s.id,
        label: s.label,
        connections,
        ...summarizeLoad(runs),
        databaseCpuUsPerRequest: medianOf(kept, (m) => m.helperCpuUsPerRequest),
        databaseCores: medianOf(kept, (m) => m.helperCores),
      });
    }
  }
  return {
    dialect: dataset.dialect,
    dataset,
    scenarios: probed.scenarios.map((s) => ({
      id: s.id,
      label: s.label,
      path: s.path,
      headers: s.headers ?? null,
      probe: s.probe,
    })),
    skipped: probed.skipped,
    summaries,
    memory,
    measurements,
  };
}

// ---------------------------------------------------------------------------------------------
// Targets and report
// ---------------------------------------------------------------------------------------------

interface Check {
  target: string;
  met: boolean | null;
  detail: string;
}

function evaluate(r: DialectResult, opts: ApiOptions): Check[] {
  const find = (id: ScenarioId, c: number) => r.summaries.find((s) => s.scenario === id && s.connections === c);
  const checks: Check[] = [];
  const t = API_TARGETS;
  for (const id of ['movers', 'cards'] as const) {
    const label = id === 'movers' ? '/v1/movers?window=7d' : '/v1/cards';
    const s = find(id, t.atConnections);
    const target = `${label} at ${t.atConnections} connections ≥ ${t.requestsPerSecAtLeast} req/s`;
    if (!opts.connections.includes(t.atConnections))
      checks.push({ target, met: null, detail: `not measured (add ${t.atConnections} to --connections)` });
    else if (s?.requestsPerSec == null) checks.push({ target, met: null, detail: 'no kept runs' });
    else checks.push({ target, met: s.requestsPerSec >= t.requestsPerSecAtLeast, detail: `${s.requestsPerSec} req/s` });
  }
  const p99Target = `p99 ≤ ${t.p99MsAtMost} ms at ${t.p99AtConnections} connections, every API scenario`;
  if (!opts.connections.includes(t.p99AtConnections)) {
    checks.push({ target: p99Target, met: null, detail: `not measured (add ${t.p99AtConnections} to --connections)` });
  } else {
    const measured = API_SCENARIOS.map((id) => find(id, t.p99AtConnections)).filter(
      (s): s is ScenarioSummary => s !== undefined,
    );
    const missing = API_SCENARIOS.filter(
      (id) => !measured.some((s) => s.scenario === id) || measured.find((s) => s.scenario === id)?.p99Ms == null,
    );
    const over = measured.filter((s) => s.p99Ms !== null && s.p99Ms > t.p99MsAtMost);
    const detail =
      measured.map((s) => `${s.scenario} ${s.p99Ms ?? 'n/a'} ms`).join(', ') +
      (missing.length > 0 ? `; not measured: ${missing.join(', ')}` : '');
    checks.push({ target: p99Target, met: over.length > 0 ? false : missing.length > 0 ? null : true, detail });
  }
  for (const c of opts.connections) {
    const full = find('cards', c);
    const cached = find('not-modified', c);
    const target = `304 path ≥ full /v1/cards req/s at ${c} connections`;
    if (full?.requestsPerSec == null || cached?.requestsPerSec == null)
      checks.push({ target, met: null, detail: 'not measured or no kept runs' });
    else
      checks.push({
        target,
        met: cached.requestsPerSec >= full.requestsPerSec,
        detail: `${cached.requestsPerSec} vs ${full.requestsPerSec} req/s`,
      });
  }
  const peak = r.memory.peakRssMb;
  checks.push({
    target: `server peak RSS ≤ ${t.peakRssMbAtMost} MB`,
    met: peak === null ? null : peak <= t.peakRssMbAtMost,
    detail: peak === null ? 'unreadable (/proc)' : `VmHWM ${peak} MB (VmRSS at end ${r.memory.rssAtEndMb ?? 'n/a'} MB)`,
  });
  return checks;
}

const verdict = (met: boolean | null) => (met === null ? 'UNKNOWN' : met ? 'MET' : 'MISSED');

function printDialect(r: DialectResult, opts: ApiOptions): void {
  const name = DIALECT_NAMES[r.dialect];
  const pgCol = r.dialect === 'postgres';
  console.log(`\n  ${name}: medians of kept runs`);
  console.log(
    `  conns  scenario        req/s    p50 ms   p99 ms  CPU µs/req${pgCol ? '  db CPU µs/req' : ''}  server cores  client cores  kept`,
  );
  for (const s of r.summaries) {
    console.log(
      `  ${String(s.connections).padStart(5)}  ${s.scenario.padEnd(12)} ${cell(s.requestsPerSec, 0, 8)} ${cell(s.p50Ms, 2, 9)} ${cell(s.p99Ms, 2, 8)} ` +
        `${cell(s.serverCpuUsPerRequest, 0, 11)}${pgCol ? cell(s.databaseCpuUsPerRequest, 0, 15) : ''} ${cell(s.serverCores, 2, 13)} ${cell(s.clientCores, 2, 13)}  ${s.keptRuns}/${opts.runs}`,
    );
  }
  console.log(
    `  server memory: peak RSS (VmHWM) ${r.memory.peakRssMb ?? 'n/a'} MB; RSS after start ${r.memory.rssAfterStartMb ?? 'n/a'} MB, at end ${r.memory.rssAtEndMb ?? 'n/a'} MB`,
  );
}

function printSideBySide(results: DialectResult[], opts: ApiOptions): void {
  if (results.length < 2) return;
  const [a, b] = results as [DialectResult, DialectResult];
  const head = (r: DialectResult) => `${DIALECT_NAMES[r.dialect].padEnd(10)}   req/s   p50 ms   p99 ms  µs/req`;
  console.log(`\n  side by side (medians)`);
  console.log(`  conns  scenario      | ${head(a)} | ${head(b)}`);
  const cols = (s: ScenarioSummary | undefined) =>
    s === undefined
      ? `${'skipped'.padEnd(10)} ${''.padStart(7)} ${''.padStart(8)} ${''.padStart(8)} ${''.padStart(7)}`
      : `${''.padEnd(10)} ${cell(s.requestsPerSec, 0, 7)} ${cell(s.p50Ms, 2, 8)} ${cell(s.p99Ms, 2, 8)} ${cell(cpuTotal(s), 0, 7)}`;
  for (const c of opts.connections) {
    for (const id of SCENARIO_ORDER) {
      const sa = a.summaries.find((s) => s.scenario === id && s.connections === c);
      const sb = b.summaries.find((s) => s.scenario === id && s.connections === c);
      if (!sa && !sb) continue;
      console.log(`  ${String(c).padStart(5)}  ${id.padEnd(13)} | ${cols(sa)} | ${cols(sb)}`);
    }
  }
  console.log('  (µs/req: CPU of the server process per request, plus its PostgreSQL backends on PostgreSQL)');
}

/** Server CPU per request including the database backends (PostgreSQL). */
function cpuTotal(s: ScenarioSummary): number | null {
  if (s.serverCpuUsPerRequest === null) return null;
  return s.serverCpuUsPerRequest + (s.databaseCpuUsPerRequest ?? 0);
}

export async function runApiBenchmark(opts: ApiOptions = apiDefaults) {
  const machine = machineInfo();
  const code = revision();
  const params: DemoParams = {
    cards: opts.cards,
    printingsPerCard: opts.printingsPerCard,
    days: opts.days,
    seed: SEED,
    end: END,
  };
  console.log(`\n== Public market API under load: SQLite and PostgreSQL, one server at a time ==`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(`code: ${describeRevision(code)}`);
  console.log(
    opts.dataset === 'real'
      ? `dataset: the shared real data (pokemontcg.io catalogue, 30 days of TCGCSV prices through the TCGdex cross-walk), derived; search prefix "${REAL_SEARCH_PREFIX}"`
      : `dataset: cardquant demo --cards ${params.cards} --printings-per-card ${params.printingsPerCard} --days ${params.days} --seed ${params.seed} --end ${params.end}` +
          (opts.fresh ? ' (--fresh: seeded again)' : ' (kept databases are reused while they match)'),
  );
  console.log(
    `server: node bin/cardquant.js serve, LOG_LEVEL=info (logs to an ignored stdout), ` +
      `RATE_LIMIT_ANONYMOUS=${SERVER_ENV.RATE_LIMIT_ANONYMOUS} per RATE_LIMIT_WINDOW_SECONDS=${SERVER_ENV.RATE_LIMIT_WINDOW_SECONDS} (raised so that no run meets a 429), PG_POOL_MAX default, ` +
      `RESPONSE_CACHE_MB=${opts.responseCacheMb ?? 'default (32)'}${opts.responseCacheMb === 0 ? ' (response cache off: every request runs its data statement)' : ''}`,
  );
  console.log(
    `settings: connections ${opts.connections.join(', ')}; ${opts.durationS} s per run; ${opts.runs} run(s) per scenario, interleaved; ` +
      `${opts.warmupS} s warm-up per scenario (not counted); pipelining 1; search prefix "${SEARCH_PREFIX}" (matches many demo names; "char" matches none)${opts.quick ? '; --quick: smoke settings, not for reporting' : ''}\n`,
  );

  const datasets: Dataset[] = [];
  for (const dialect of opts.dialects) {
    datasets.push(
      opts.dataset === 'real'
        ? await prepareRealDataset(dialect, opts.fresh)
        : await prepareDataset(dialect, params, opts.fresh),
    );
  }
  for (const d of datasets) {
    console.log(
      `  ${DIALECT_NAMES[d.dialect]}: ${d.cards} cards, ${d.printings} printings, ${d.priceRows} price rows, ${d.sizeMb ?? 'n/a'} MB` +
        (d.historyCard ? `; history card ${d.historyCard.id} (${d.historyCard.points} points)` : ''),
    );
  }

  const scenarioCount = SCENARIO_ORDER.length;
  const perDialectS =
    scenarioCount * (opts.warmupS + 2) +
    opts.connections.length * opts.runs * scenarioCount * (opts.durationS + 2) +
    90;
  const budgetS = 2 * perDialectS * datasets.length + 60;
  const watchdog = setTimeout(() => {
    process.stderr.write(`api: still measuring after ${budgetS} s; giving up\n`);
    process.exit(1); // the exit hook kills the child processes
  }, budgetS * 1000);
  watchdog.unref();

  const results: DialectResult[] = [];
  try {
    for (const d of datasets) {
      results.push(await benchDialect(d, opts));
      await sleep(500);
    }
  } finally {
    clearTimeout(watchdog);
  }

  const checks: Record<string, Check[]> = {};
  for (const r of results) {
    printDialect(r, opts);
    checks[r.dialect] = evaluate(r, opts);
  }
  printSideBySide(results, opts);
  console.log('\n  targets');
  for (const r of results) {
    for (const c of checks[r.dialect]!)
      console.log(`  ${DIALECT_NAMES[r.dialect].padEnd(10)}  ${c.target}: ${verdict(c.met)} (${c.detail})`);
    for (const s of r.skipped) console.log(`  ${DIALECT_NAMES[r.dialect].padEnd(10)}  skipped ${s.id}: ${s.reason}`);
  }

  const measurements = results.flatMap((r) => r.measurements);
  const busyRuns = measurements.filter((m) => busy(m.foreignCores)).length;
  const discarded = measurements.filter((m) => m.discarded !== null).length;
  const codeChanged = JSON.stringify(revision()) !== JSON.stringify(code);
  if (codeChanged)
    console.log('  WARNING: the code changed while the benchmark ran (commit or app files); the numbers mix versions.');
  if (busyRuns > 0) {
    console.log(
      `\n  note: other processes used more than ${BUSY_MACHINE_CORES} cores during ${busyRuns} of ${measurements.length} run(s); those runs are kept but pessimistic.`,
    );
  }
  if (discarded > 0)
    console.log(`\n  ${discarded} run(s) discarded because of unexpected statuses, errors or timeouts (see above).`);

  const result = {
    benchmark: 'api',
    description:
      'Public market read routes under autocannon load (node bin/cardquant.js serve on a demo dataset), SQLite and PostgreSQL one after the other, beside a bare node:http server',
    machine,
    revision: code,
    codeChangedDuringRun: codeChanged,
    settings: {
      ...opts,
      pipelining: 1,
      server: 'node bin/cardquant.js serve',
      serverEnv: { LOG_LEVEL: 'info', ...serverEnv(opts), PIPELINE_CRON: '0 0 1 1 *', PG_POOL_MAX: 'default (10)' },
      logs: 'written to an ignored stdout',
      searchPrefix: opts.dataset === 'real' ? REAL_SEARCH_PREFIX : SEARCH_PREFIX,
      loadGenerator: 'autocannon (in the benchmark process, same machine)',
      latency: 'percentiles from per-response times at 10 µs resolution',
      requestsPerSec: "autocannon's mean of per-second samples",
      cpuPerRequest:
        'server process user+system CPU per successful response; on PostgreSQL the backends of the app database are reported separately',
    },
    dataset: {
      command: `cardquant demo --cards ${params.cards} --printings-per-card ${params.printingsPerCard} --days ${params.days} --seed ${params.seed} --end ${params.end}`,
      params,
      databases: datasets.map(({ url: _url, ...d }) => d),
    },
    results: Object.fromEntries(
      results.map(({ dataset: _dataset, measurements: m, ...r }) => [r.dialect, { ...r, measurements: m }]),
    ),
    targets: { ...API_TARGETS, checks },
    loadAverageAtEnd: loadAverage(),
    busyRuns,
  };
  const name = `api${opts.dataset === 'real' ? '.real' : ''}${opts.responseCacheMb === null ? '' : `.cache-${opts.responseCacheMb}mb`}`;
  const file = writeResult(resultName(name, { logLevel: 'info', quick: opts.quick }), result);
  console.log(`  results: ${file}`);
  return result;
}

function datasetKindArg(raw: string | undefined): 'demo' | 'real' {
  if (raw === undefined || raw === 'demo' || raw === 'real') return raw ?? 'demo';
  throw new Error(`--dataset must be demo or real (got ${raw})`);
}

function cacheMb(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--response-cache-mb must be a whole number ≥ 0 (got ${raw})`);
  return n;
}

export function parseApiArgs(argv: string[]): ApiOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dialect: { type: 'string' },
      cards: { type: 'string' },
      'printings-per-card': { type: 'string' },
      days: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      fresh: { type: 'boolean' },
      quick: { type: 'boolean' },
      'response-cache-mb': { type: 'string' },
      dataset: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const dialect = values.dialect ?? 'both';
  if (!['sqlite', 'postgres', 'both'].includes(dialect))
    throw new Error(`--dialect must be sqlite, postgres or both (got ${dialect})`);
  const printingsPerCard =
    values['printings-per-card'] === undefined ? apiDefaults.printingsPerCard : Number(values['printings-per-card']);
  if (!Number.isFinite(printingsPerCard) || printingsPerCard <= 0)
    throw new Error(`--printings-per-card must be a positive number (got ${values['printings-per-card']})`);
  const warmupS = values.warmup === undefined ? (quick ? 1 : apiDefaults.warmupS) : Number(values.warmup);
  if (!Number.isInteger(warmupS) || warmupS < 0)
    throw new Error(`--warmup must be a whole number of seconds (got ${values.warmup})`);
  return {
    dialects: dialect === 'both' ? ['sqlite', 'postgres'] : [dialect as Dialect],
    cards: positiveInt(values.cards, quick ? 2000 : apiDefaults.cards, '--cards'),
    printingsPerCard,
    days: positiveInt(values.days, quick ? 60 : apiDefaults.days, '--days'),
    connections: values.connections
      ? values.connections.split(',').map((c) => positiveInt(c.trim(), 0, '--connections'))
      : apiDefaults.connections,
    durationS: positiveInt(values.duration, quick ? 3 : apiDefaults.durationS, '--duration'),
    runs: positiveInt(values.runs, quick ? 1 : apiDefaults.runs, '--runs'),
    warmupS,
    fresh: values.fresh ?? false,
    quick,
    responseCacheMb: cacheMb(values['response-cache-mb']),
    dataset: datasetKindArg(values.dataset),
  };
}

if (isEntryPoint(import.meta.url)) {
  try {
    await runApiBenchmark(parseApiArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`api: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
