/**
 * Catalogue import: the full pokemontcg-data catalogue (172 sets, 20,106 cards from
 * `../shared/data/pokemontcg-data`) into a fresh, migrated database, through the same importer
 * `cardquant import` uses. SQLite is a file database in a temporary directory (WAL, as in
 * production); PostgreSQL is a fresh `cardquant_bench_<random>` database on 127.0.0.1:5432 when
 * one answers, dropped afterwards.
 *
 * Timed: the import alone (migrations excluded), median of `--runs` fresh databases, plus one
 * re-import of the last database (every row unchanged). Peak RSS is the process's
 * `resourceUsage().maxRSS`, which only grows: the PostgreSQL figure includes the SQLite runs.
 *
 *   npx tsx bench/import-catalog.ts [--runs 3] [--path ../shared/data/pokemontcg-data] [--no-postgres]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { IngestContext } from '../src/features/ingest/context.ts';
import { IngestionRuns } from '../src/features/ingest/ingestion-run.ts';
import { type RunSummary } from '../src/shared/run-accounting.ts';
import { importPokemontcgFilesCatalog } from '../src/features/ingest/sources/pokemontcg-files.ts';
import { isoInstant, systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { idFactory } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/log.ts';
import {
  REPO_ROOT,
  describeMachine,
  isEntryPoint,
  machineInfo,
  median,
  positiveInt,
  writeResult,
} from './cold-start.ts';

export const IMPORT_CATALOG_TARGET_S = 10;
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ImportCatalogOptions {
  runs: number;
  path: string;
  postgres: boolean;
}

export const importCatalogDefaults: ImportCatalogOptions = {
  runs: 3,
  path: resolve(REPO_ROOT, '..', 'shared', 'data', 'pokemontcg-data'),
  postgres: true,
};

interface DialectTarget {
  name: 'sqlite' | 'postgres';
  create(): Promise<string>;
  drop(url: string): Promise<void>;
}

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

async function pgAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function postgresProblem(): Promise<string | null> {
  try {
    await pgAdmin((c) => c.query('select 1'));
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function sqliteTarget(): DialectTarget & { cleanup(): void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-bench-'));
  let n = 0;
  return {
    name: 'sqlite',
    create: async () => `sqlite:${join(dir, `catalog-${++n}.db`)}`,
    drop: async () => undefined,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const postgresTarget: DialectTarget = {
  name: 'postgres',
  async create() {
    const name = `cardquant_bench_${randomBytes(4).toString('hex')}`;
    await pgAdmin((c) => c.query(`create database ${name}`));
    return `postgres://postgres@127.0.0.1:5432/${name}`;
  },
  async drop(url) {
    const name = new URL(url).pathname.slice(1);
    await pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
  },
};

async function openContext(url: string): Promise<IngestContext & { close(): Promise<void> }> {
  const database = openDatabase(url);
  await migrate(database, () => isoInstant(systemClock.now()));
  const runs = new IngestionRuns(database.db, systemClock, idFactory(systemClock));
  return { database, runs, clock: systemClock, log: createLogger('silent'), close: () => database.close() };
}

async function timed(ctx: IngestContext, path: string): Promise<{ seconds: number; run: RunSummary }> {
  const started = performance.now();
  const run = await importPokemontcgFilesCatalog(ctx, { path });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 'succeeded')
    throw new Error(`import ${run.status}: ${run.error ?? JSON.stringify(run.failures.slice(0, 3))}`);
  return { seconds, run };
}

async function benchDialect(target: DialectTarget, opts: ImportCatalogOptions) {
  const seconds: number[] = [];
  let rows = 0;
  let reimport: { seconds: number; unchanged: number } | null = null;
  for (let i = 0; i < opts.runs; i++) {
    const url = await target.create();
    const ctx = await openContext(url);
    try {
      const first = await timed(ctx, opts.path);
      seconds.push(first.seconds);
      rows = first.run.rows_read;
      console.log(
        `  ${target.name} run ${i + 1}: ${first.seconds.toFixed(2)} s, ${rows} rows (${first.run.accepted} new)`,
      );
      if (i === opts.runs - 1) {
        const again = await timed(ctx, opts.path);
        reimport = { seconds: round(again.seconds), unchanged: again.run.unchanged };
        console.log(`  ${target.name} re-import: ${again.seconds.toFixed(2)} s, ${again.run.unchanged} unchanged`);
      }
    } finally {
      await ctx.close();
      await target.drop(url);
    }
  }
  const med = median(seconds);
  return {
    dialect: target.name,
    seconds: round(med),
    runsSeconds: seconds.map((s) => round(s)),
    rows,
    rowsPerSecond: Math.round(rows / med),
    reimport,
    peakRssMiB: mib(process.resourceUsage().maxRSS),
  };
}

export async function runImportCatalog(opts: ImportCatalogOptions = importCatalogDefaults) {
  if (!existsSync(join(opts.path, 'sets', 'en.json')))
    throw new Error(`no pokemontcg-data catalogue at ${opts.path} (sets/en.json missing)`);
  const machine = machineInfo();
  console.log(`== import-catalog ==\n  ${describeMachine(machine)}`);
  const baselineRssMiB = mib(process.resourceUsage().maxRSS);
  const results = [];
  const sqlite = sqliteTarget();
  try {
    results.push(await benchDialect(sqlite, opts));
  } finally {
    sqlite.cleanup();
  }
  let postgresSkipped: string | null = opts.postgres ? await postgresProblem() : 'disabled with --no-postgres';
  if (postgresSkipped === null) {
    try {
      results.push(await benchDialect(postgresTarget, opts));
    } catch (err) {
      postgresSkipped = `failed: ${(err as Error).message}`;
    }
  }
  const sqliteSeconds = results[0]!.seconds;
  const result = {
    benchmark: 'import-catalog',
    description:
      'pokemontcg-data catalogue (sets/en.json + cards/en/*.json) into a fresh migrated database via importPokemontcgFilesCatalog; import time only',
    machine,
    settings: { runs: opts.runs, dataset: 'shared/data/pokemontcg-data', postgres: opts.postgres },
    baselineRssMiB,
    results,
    postgresSkipped,
    target: { sqliteSeconds: IMPORT_CATALOG_TARGET_S, met: sqliteSeconds <= IMPORT_CATALOG_TARGET_S },
  };
  const file = writeResult('import-catalog.json', result);
  console.log('\n== Summary ==');
  for (const r of results) {
    console.log(
      `  ${r.dialect}: ${r.seconds} s median, ${r.rowsPerSecond} rows/s, re-import ${r.reimport?.seconds ?? 'n/a'} s, peak RSS ${r.peakRssMiB} MiB`,
    );
  }
  if (postgresSkipped) console.log(`  postgres: skipped (${postgresSkipped})`);
  console.log(
    `  target SQLite ≤ ${IMPORT_CATALOG_TARGET_S} s: ${result.target.met ? 'met' : 'MISSED'}\n  written to ${file}`,
  );
  return result;
}

export function parseImportCatalogArgs(argv: string[]): ImportCatalogOptions {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string' }, path: { type: 'string' }, 'no-postgres': { type: 'boolean' } },
    strict: true,
  });
  return {
    runs: positiveInt(values.runs, importCatalogDefaults.runs, '--runs'),
    path: values.path ? resolve(values.path) : importCatalogDefaults.path,
    postgres: !(values['no-postgres'] ?? false),
  };
}

if (isEntryPoint(import.meta.url)) {
  try {
    await runImportCatalog(parseImportCatalogArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`import-catalog: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
