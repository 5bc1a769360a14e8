/**
 * Peak memory of a generic price CSV import: generates a CSV of about `--mb` MB (default 100) in
 * a temporary folder, catalogues its cards in a fresh database, and runs
 * `cardquant import prices csv --path FILE` in a child process under `/usr/bin/time`
 * (wall time, peak RSS). SQLite always; PostgreSQL (127.0.0.1:5432) with `--postgres`. The
 * temporary folder and databases are removed afterwards. Target: peak RSS ≤ 300 MB.
 *
 * The file: cards `bench-1 … bench-N` of one set, each priced on tcgplayer (USD) and
 * cardmarket (EUR) for consecutive dates, all four price columns — every row a distinct grain,
 * so all are accepted on a first import.
 *
 * `--heap MB` runs the child with `NODE_OPTIONS=--max-old-space-size=MB`: V8 lets garbage pile
 * up to far more than the import holds live, so the cap shows how much of the peak is garbage.
 *
 * Usage: npx tsx bench/import-csv.ts [--mb 100] [--cards 5000] [--postgres] [--heap MB]
 * Writes bench/results/import-csv.json (import-csv.heapMB.json with --heap).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CatalogWriter } from '../src/features/catalog/catalog-writer.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { describeMachine, describeRevision, machineInfo, REPO_ROOT, revision, writeResult } from './cold-start.ts';

export const IMPORT_CSV_TARGET_MB = 300;
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    cards: { type: 'string', default: '5000' },
    postgres: { type: 'boolean', default: false },
    heap: { type: 'string' },
  },
});
const targetBytes = Number(values.mb) * 1024 * 1024;
const cards = Number(values.cards);
const nodeOptions = values.heap ? `--max-old-space-size=${Number(values.heap)}` : '';
const NOW = '2026-11-25T00:00:00.000Z';

/** Writes the CSV and returns its rows and bytes. */
async function generate(path: string): Promise<{ rows: number; bytes: number; days: number }> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('card_id,finish,market,currency,date,market_price,low_price,mid_price,high_price,condition\n');
  let rows = 0;
  let bytes = 0;
  let day = 0;
  const start = Date.parse('2020-01-01T00:00:00Z');
  while (bytes < targetBytes) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    let block = '';
    for (let c = 1; c <= cards; c++) {
      const base = 1 + ((c * 7919 + day * 31) % 50_000) / 100;
      block += `bench-${c},Holofoil,tcgplayer,USD,${date},${base.toFixed(2)},${(base * 0.8).toFixed(2)},${(base * 1.1).toFixed(2)},${(base * 1.5).toFixed(2)},NM\n`;
      block += `bench-${c},Holofoil,cardmarket,EUR,${date},${(base * 0.9).toFixed(2)},${(base * 0.7).toFixed(2)},,,NM\n`;
      rows += 2;
    }
    bytes += Buffer.byteLength(block);
    await write(block);
    day++;
  }
  out.end();
  await once(out, 'finish');
  return { rows, bytes: statSync(path).size, days: day };
}

async function seedCatalog(url: string): Promise<void> {
  const database = openDatabase(url);
  try {
    await migrate(database, () => NOW);
    const w = new CatalogWriter(database.db);
    await w.upsertSets([{ id: 'bench', name: 'Benchmark Set' }], NOW);
    const list = Array.from({ length: cards }, (_, i) => ({
      id: `bench-${i + 1}`,
      setId: 'bench',
      number: String(i + 1),
      name: `Benchmark Card ${i + 1}`,
    }));
    for (let i = 0; i < list.length; i += 1000) await w.upsertCards(list.slice(i, i + 1000), NOW);
  } finally {
    await database.close();
  }
}

interface Measure {
  dialect: 'sqlite' | 'postgres';
  exit: number | null;
  processSeconds: number;
  peakRssMb: number;
  summary: string;
  metTarget: boolean;
}

function importOnce(dialect: Measure['dialect'], url: string, file: string): Measure {
  const args = [
    '-f',
    '%e %M',
    process.execPath,
    join(REPO_ROOT, 'bin', 'cardquant.js'),
    'import',
    'prices',
    'csv',
    '--path',
    file,
  ];
  const child = spawnSync('/usr/bin/time', args, {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const timeLine = child.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, rssKb] = timeLine.split(' ').map(Number);
  const summary = child.stdout.trim().split('\n').slice(0, 2).join(' | ');
  const peakRssMb = Math.round((rssKb ?? 0) / 102.4) / 10;
  if (child.status !== 0)
    throw new Error(
      `import on ${dialect} exited ${child.status}: ${child.stdout.slice(-1000)} ${child.stderr.slice(-1000)}`,
    );
  const m = {
    dialect,
    exit: child.status,
    processSeconds: wall ?? Number.NaN,
    peakRssMb,
    summary,
    metTarget: peakRssMb <= IMPORT_CSV_TARGET_MB,
  };
  console.log(
    `${dialect}: ${m.processSeconds} s, peak RSS ${m.peakRssMb} MB (target ≤ ${IMPORT_CSV_TARGET_MB} MB) — ${summary}`,
  );
  return m;
}

const dir = mkdtempSync(join(tmpdir(), 'cardquant-bench-csv-'));
const measures: Measure[] = [];
const machine = machineInfo();
const rev = revision();
try {
  const file = join(dir, 'prices.csv');
  const dataset = await generate(file);
  console.log(
    `generated ${dataset.rows} rows, ${(dataset.bytes / 2 ** 20).toFixed(1)} MB (${cards} cards × 2 markets × ${dataset.days} days)`,
  );
  const sqliteUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
  await seedCatalog(sqliteUrl);
  measures.push(importOnce('sqlite', sqliteUrl, file));
  if (values.postgres) {
    const name = `cardquant_bench_csv_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = `postgres://postgres@127.0.0.1:5432/${name}`;
      await seedCatalog(url);
      measures.push(importOnce('postgres', url, file));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
  const name = values.heap ? `import-csv.heap${Number(values.heap)}.json` : 'import-csv.json';
  const path = writeResult(name, {
    date: new Date().toISOString(),
    machine,
    revision: rev,
    nodeOptions,
    dataset: { ...dataset, cards, targetMb: Number(values.mb) },
    target: { peakRssMb: IMPORT_CSV_TARGET_MB },
    measures,
  });
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(`code: ${describeRevision(rev)}`);
  console.log(`wrote ${path}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
