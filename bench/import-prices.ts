/**
 * Price import throughput: every shared TCGCSV price file (`../shared/data/tcgcsv/prices`,
 * 17 groups × 30 days) into a fresh SQLite file database and a fresh PostgreSQL database, through
 * the real files importer (`importTcgcsvFiles`: parse, product map, printings, acceptance rules,
 * chunked upserts, payload archiving, run accounting). The catalogue (pokemontcg-data) and the
 * cross-walk are loaded first and not timed. A second, identical import (all rows unchanged) is
 * timed too.
 *
 * The floor, measured in the same run: the same price rows inserted with one bare better-sqlite3
 * prepared statement into a table of the same shape (same columns and primary key, no secondary
 * index — the real table has none —, WITHOUT ROWID, same pragmas; no foreign key to printings), in
 * one transaction, with printing keys in random order. Reading and
 * parsing the files is not part of the floor. A second floor, "floor with the foreign key", is the
 * same insert into a table that also has the real table's foreign key to a `printings` table of
 * the real shape (one row per printing key, `foreign_keys = ON`): the real import checks that key on
 * every row it inserts, so this floor tells how much of the gap is that check.
 *
 * Targets: SQLite ≥ half the floor's rows/s (the floor without the foreign key); PostgreSQL ≥
 * 50,000 rows/s; peak RSS ≤ 500 MB. The ratio by CPU time (the import's process CPU against the
 * floor's) is printed beside the one by rows/s: on a loaded machine it is the steadier one.
 * Peak RSS is the process's maximum so far (`process.resourceUsage().maxRSS`), read after each step.
 * `--keep <dir>` keeps the SQLite database the import wrote (`<dir>/bench.db`) for comparing
 * what two versions store.
 *
 *   npx tsx bench/import-prices.ts [--data ../shared/data] [--pg postgres://postgres@127.0.0.1:5432/postgres] [--no-pg] [--keep <dir>]
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { type IngestContext, withRun } from '../src/features/ingest/context.ts';
import { IngestionRuns } from '../src/features/ingest/ingestion-run.ts';
import { type RunSummary } from '../src/shared/run-accounting.ts';
import { importCrosswalk } from '../src/features/ingest/sources/crosswalk.ts';
import { importPokemontcgFilesCatalog } from '../src/features/ingest/sources/pokemontcg-files.ts';
import { importTcgcsvFiles } from '../src/features/ingest/sources/tcgcsv-files.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { idFactory } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/log.ts';
import { REPO_ROOT, describeMachine, isEntryPoint, machineInfo, writeResult } from './cold-start.ts';

export const SQLITE_FLOOR_SHARE = 0.5;
export const PG_TARGET_ROWS_PER_S = 50_000;
export const RSS_TARGET_MB = 500;

interface Options {
  data: string;
  pgAdminUrl: string | null;
  /** A folder to keep the SQLite database in (`bench.db`), or null for a temporary one. */
  keep: string | null;
}

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const perSecond = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return Math.round((user + system) / 1000);
};

interface ImportResult {
  rowsRead: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  ms: number;
  /** Process CPU time (user + system) of the import: less sensitive than `ms` to other load on the machine. */
  cpuMs: number;
  rowsPerS: number;
  reimport: { ms: number; rowsPerS: number; unchanged: number };
  peakRssMb: number;
}

async function benchDialect(url: string, o: Options): Promise<ImportResult> {
  const database = openDatabase(url);
  try {
    await migrate(database, () => new Date().toISOString());
    const runs = new IngestionRuns(database.db, systemClock, idFactory(systemClock));
    const ctx: IngestContext = { database, runs, clock: systemClock, log: createLogger('warn') };
    const catalog = await importPokemontcgFilesCatalog(ctx, { path: join(o.data, 'pokemontcg-data') });
    if (catalog.status !== 'succeeded')
      throw new Error(`catalogue import ${catalog.status}: ${catalog.error ?? JSON.stringify(catalog.failures)}`);
    await withRun(ctx, { importer: 'bench-crosswalk', feed: 'tcgcsv', kind: 'prices' }, async (run) => {
      await importCrosswalk(ctx, run, join(o.data, 'tcgdex', 'tcgplayer_to_pokemontcg.csv'));
    });
    const timed = async (): Promise<{ run: RunSummary; ms: number; cpuMs: number }> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const run = await importTcgcsvFiles(ctx, { path: join(o.data, 'tcgcsv', 'prices') });
      const ms = performance.now() - t0;
      const cpuMs = cpuMsSince(c0);
      if (run.status !== 'succeeded')
        throw new Error(`price import ${run.status}: ${run.error ?? JSON.stringify(run.failures.slice(0, 3))}`);
      return { run, ms, cpuMs };
    };
    const first = await timed();
    const again = await timed();
    return {
      rowsRead: first.run.rows_read,
      accepted: first.run.accepted,
      rejected: first.run.rejected,
      rejectedByReason: first.run.rejected_by_reason,
      ms: Math.round(first.ms),
      cpuMs: first.cpuMs,
      rowsPerS: perSecond(first.run.rows_read, first.ms),
      reimport: {
        ms: Math.round(again.ms),
        rowsPerS: perSecond(again.run.rows_read, again.ms),
        unchanged: again.run.unchanged,
      },
      peakRssMb: rssMb(),
    };
  } finally {
    await database.close();
  }
}

async function withPgDatabase<T>(adminUrl: string, body: (url: string) => Promise<T>): Promise<T> {
  const name = `cardquant_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await body(url.toString());
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

/** Every price row of the files as the floor inserts them: printing key, date and cents. */
function readRows(pricesDir: string): { rows: (string | number | null)[][]; files: number; parseMs: number } {
  const t0 = performance.now();
  const keys = new Map<string, number>();
  const rows: (string | number | null)[][] = [];
  let files = 0;
  const cents = (v: unknown) => (typeof v === 'number' ? Math.round(v * 100) : null);
  for (const date of readdirSync(pricesDir)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort()) {
    for (const group of readdirSync(join(pricesDir, date, '3'))) {
      files++;
      const body = JSON.parse(readFileSync(join(pricesDir, date, '3', group, 'prices'), 'utf8')) as {
        results: Record<string, unknown>[];
      };
      for (const r of body.results) {
        const k = `${String(r.productId)}|${String(r.subTypeName)}`;
        let key = keys.get(k);
        if (key === undefined) keys.set(k, (key = keys.size));
        rows.push([
          key,
          'tcgplayer',
          'NM',
          'USD',
          date,
          'tcgcsv',
          cents(r.marketPrice),
          cents(r.lowPrice),
          cents(r.midPrice),
          cents(r.highPrice),
          cents(r.directLowPrice),
          null,
          null,
          null,
          null,
          null,
          '2025-10-21T00:00:00.000Z',
          'run_bench',
        ]);
      }
    }
  }
  // Random-order keys: a shuffled permutation replaces the order of first appearance.
  const perm = [...Array(keys.size).keys()];
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  for (const r of rows) r[0] = perm[r[0] as number]!;
  return { rows, files, parseMs: Math.round(performance.now() - t0) };
}

interface FloorResult {
  ms: number;
  cpuMs: number;
  rowsPerS: number;
}

/**
 * The bare insert. With `foreignKey`, the table references a `printings` table of the real shape
 * holding every printing key (filled before the timing starts) and foreign keys are enforced.
 */
function sqliteFloor(file: string, rows: (string | number | null)[][], foreignKey: boolean): FloorResult {
  const db = new SqliteDatabase(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`foreign_keys = ${foreignKey ? 'ON' : 'OFF'}`);
    if (foreignKey) {
      db.exec(`create table printings (
        key integer primary key autoincrement, id text not null unique, card_id text not null, finish text not null,
        language text not null, tcgplayer_product_id integer, tcgplayer_sub_type text, cardmarket_product_id integer,
        created_at text not null);`);
      const printing = db.prepare(
        `insert into printings values (?, ?, ?, 'normal', 'en', ?, 'Normal', null, '2025-10-21T00:00:00.000Z')`,
      );
      const keys = new Set(rows.map((r) => r[0] as number));
      db.transaction(() => {
        for (const k of keys) printing.run(k, `card-${k}.normal`, `card-${k}`, 100_000 + k);
      })();
    }
    const reference = foreignKey ? ' references printings (key)' : '';
    db.exec(`create table prices (
      printing_key integer not null${reference}, market text not null, condition text not null, currency text not null, date text not null,
      feed text not null, market_cents integer, low_cents integer, mid_cents integer, high_cents integer, direct_low_cents integer,
      trend_cents integer, avg1_cents integer, avg7_cents integer, avg30_cents integer, source_as_of text, known_at text not null, run_id text not null,
      constraint prices_pk primary key (printing_key, market, condition, currency, date)) without rowid;`);
    const insert = db.prepare(`insert into prices values (${rows[0]!.map(() => '?').join(', ')})`);
    const all = db.transaction((batch: (string | number | null)[][]) => {
      for (const r of batch) insert.run(r);
    });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    all(rows);
    const ms = performance.now() - t0;
    return { ms: Math.round(ms), cpuMs: cpuMsSince(c0), rowsPerS: perSecond(rows.length, ms) };
  } finally {
    db.close();
  }
}

export async function runImportPrices(o: Options) {
  const pricesDir = join(o.data, 'tcgcsv', 'prices');
  if (!existsSync(pricesDir)) throw new Error(`no price files at ${pricesDir} (the shared reference data is needed)`);
  const machine = machineInfo();
  console.log(`import-prices on ${describeMachine(machine)}`);
  const dir = mkdtempSync(join(tmpdir(), 'cardquant-bench-prices-'));
  try {
    if (o.keep) {
      mkdirSync(o.keep, { recursive: true });
      if (existsSync(join(o.keep, 'bench.db')))
        throw new Error(`${join(o.keep, 'bench.db')} exists: keep into an empty folder`);
    }
    const sqlite = await benchDialect(`sqlite:${join(o.keep ?? dir, 'bench.db')}`, o);
    console.log(
      `  sqlite: ${sqlite.rowsRead} rows in ${sqlite.ms} ms (CPU ${sqlite.cpuMs} ms) = ${sqlite.rowsPerS} rows/s (re-import ${sqlite.reimport.rowsPerS} rows/s); peak RSS ${sqlite.peakRssMb} MB`,
    );
    let postgres: ImportResult | { skipped: string } = { skipped: 'disabled with --no-pg' };
    if (o.pgAdminUrl) {
      try {
        postgres = await withPgDatabase(o.pgAdminUrl, (url) => benchDialect(url, o));
        console.log(
          `  postgres: ${postgres.rowsRead} rows in ${postgres.ms} ms = ${postgres.rowsPerS} rows/s (re-import ${postgres.reimport.rowsPerS} rows/s); peak RSS ${postgres.peakRssMb} MB`,
        );
      } catch (err) {
        postgres = { skipped: `PostgreSQL unavailable or failed: ${(err as Error).message}` };
        console.log(`  postgres: ${postgres.skipped}`);
      }
    }
    const parsed = readRows(pricesDir);
    const floor = {
      rows: parsed.rows.length,
      files: parsed.files,
      readAndParseMs: parsed.parseMs,
      ...sqliteFloor(join(dir, 'floor.db'), parsed.rows, false),
    };
    console.log(
      `  floor (bare better-sqlite3 insert, one transaction): ${floor.rows} rows in ${floor.ms} ms (CPU ${floor.cpuMs} ms) = ${floor.rowsPerS} rows/s (+ ${floor.readAndParseMs} ms to read and parse)`,
    );
    const floorWithForeignKey = sqliteFloor(join(dir, 'floor-fk.db'), parsed.rows, true);
    console.log(
      `  floor with the foreign key to printings: ${floor.rows} rows in ${floorWithForeignKey.ms} ms (CPU ${floorWithForeignKey.cpuMs} ms) = ${floorWithForeignKey.rowsPerS} rows/s`,
    );
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const ratios = {
      byRowsPerS: ratio(sqlite.rowsPerS, floor.rowsPerS),
      byCpu: ratio(floor.cpuMs, sqlite.cpuMs),
      withForeignKeyByRowsPerS: ratio(sqlite.rowsPerS, floorWithForeignKey.rowsPerS),
      withForeignKeyByCpu: ratio(floorWithForeignKey.cpuMs, sqlite.cpuMs),
    };
    console.log(
      `  sqlite / floor: ${ratios.byRowsPerS} by rows/s, ${ratios.byCpu} by CPU; / floor with the foreign key: ${ratios.withForeignKeyByRowsPerS} by rows/s, ${ratios.withForeignKeyByCpu} by CPU`,
    );
    const pgRate = 'rowsPerS' in postgres ? postgres.rowsPerS : null;
    const peakRssMb = rssMb();
    const targets = {
      sqliteHalfFloor: {
        target: Math.round(floor.rowsPerS * SQLITE_FLOOR_SHARE),
        actual: sqlite.rowsPerS,
        ratioToFloor: ratios.byRowsPerS,
        met: sqlite.rowsPerS >= floor.rowsPerS * SQLITE_FLOOR_SHARE,
      },
      postgres50k: {
        target: PG_TARGET_ROWS_PER_S,
        actual: pgRate,
        met: pgRate === null ? null : pgRate >= PG_TARGET_ROWS_PER_S,
      },
      rss500mb: { target: RSS_TARGET_MB, actual: peakRssMb, met: peakRssMb <= RSS_TARGET_MB },
    };
    for (const [name, t] of Object.entries(targets))
      console.log(`  ${name}: ${t.actual} vs ${t.target} → ${t.met === null ? 'unknown' : t.met ? 'met' : 'MISSED'}`);
    const file = writeResult('import-prices.json', {
      benchmark: 'import-prices',
      description:
        'all shared TCGCSV price files through importTcgcsvFiles into fresh SQLite and PostgreSQL databases (catalogue and cross-walk loaded first, untimed), against a bare better-sqlite3 insert floor',
      machine,
      dataset: { rows: floor.rows, files: floor.files },
      sqlite,
      postgres,
      floor,
      floorWithForeignKey,
      ratios,
      peakRssMb,
      targets,
    });
    console.log(`  written to ${file}`);
    return targets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseImportPricesArgs(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      pg: { type: 'string' },
      'no-pg': { type: 'boolean' },
      keep: { type: 'string' },
    },
    strict: true,
  });
  return {
    data: resolve(values.data ?? join(REPO_ROOT, '..', 'shared', 'data')),
    pgAdminUrl: values['no-pg'] ? null : (values.pg ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
    keep: values.keep ? resolve(values.keep) : null,
  };
}

if (isEntryPoint(import.meta.url)) {
  try {
    await runImportPrices(parseImportPricesArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`import-prices: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
