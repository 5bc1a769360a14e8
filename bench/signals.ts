/**
 * Signals and factor statistics on the demo dataset (default 20,000 cards × 1.5 printings × 365
 * days ≈ 30,000 printings, 10.6M price rows) on SQLite, each step in its own `cardquant pipeline
 * run` process under `/usr/bin/time` (wall time, peak RSS), with the step's own duration from
 * `pipeline_runs`:
 *
 * 1. daily `signals` step (the latest date, 365-day windows; includes re-scoring card summaries),
 * 2. a 365-day backfill (`--step signals --from END−364 --to END`),
 * 3. daily `factors` step (the latest date per horizon and lag),
 * 4. `factors` over the backfilled year (`--from --to`).
 *
 * The dataset is the API benchmark's (bench/api.ts `prepareDataset`, reused when kept); this
 * benchmark works on a copy so the API benchmark's database stays as it was.
 *
 * Usage: npx tsx bench/signals.ts [--cards 20000] [--days 365] [--fresh] [--skip-backfill]
 *        [--work PATH] [--keep] [--skip-factors-range]
 * --work PATH: measure on an existing database of this dataset (e.g. one kept with --keep after a
 * backfill) instead of a fresh copy; --keep: leave the work database in place afterwards.
 * Writes bench/results/signals.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { prepareDataset } from './api.ts';
import { machineInfo, REPO_ROOT, RESULTS_DIR } from './cold-start.ts';

export const SIGNAL_TARGETS = { dailySeconds: 10, factorsSeconds: 5, backfillSeconds: 15 * 60 };

const { values } = parseArgs({
  options: {
    cards: { type: 'string', default: '20000' },
    days: { type: 'string', default: '365' },
    fresh: { type: 'boolean', default: false },
    'skip-backfill': { type: 'boolean', default: false },
    'skip-factors-range': { type: 'boolean', default: false },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const END = '2026-11-20';
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface StepMeasure {
  step: string;
  args: string[];
  status: string;
  stepSeconds: number | null;
  processSeconds: number;
  peakRssMb: number;
  counts: unknown;
}

function measure(path: string, step: string, extra: string[] = []): StepMeasure {
  const args = [
    '-f',
    '%e %M',
    process.execPath,
    join(REPO_ROOT, 'bin', 'cardquant.js'),
    'pipeline',
    'run',
    '--step',
    step,
    ...extra,
  ];
  const started = Date.now();
  const child = spawnSync('/usr/bin/time', args, {
    env: { ...process.env, DATABASE_URL: `sqlite:${path}`, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const timeLine = child.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, rssKb] = timeLine.split(' ').map(Number);
  const db = new SqliteDatabase(path, { readonly: true });
  const run = db
    .prepare(
      'select status, duration_ms, counts from pipeline_runs where step = ? and started_at >= ? order by started_at desc limit 1',
    )
    .get(step, new Date(started - 1000).toISOString()) as
    { status: string; duration_ms: number | null; counts: string | null } | undefined;
  db.close();
  if (child.status !== 0 || !run || run.status !== 'succeeded') {
    throw new Error(
      `pipeline run --step ${step} did not succeed (exit ${child.status}, ${run?.status ?? 'no run'} ${run?.counts ?? ''}): ${child.stderr.slice(-2000)}`,
    );
  }
  const result = {
    step,
    args: extra,
    status: run.status,
    stepSeconds: run.duration_ms === null ? null : run.duration_ms / 1000,
    processSeconds: wall ?? Number.NaN,
    peakRssMb: Math.round((rssKb ?? 0) / 102.4) / 10,
    counts: run.counts ? (JSON.parse(run.counts) as unknown) : null,
  };
  console.log(
    `${step} ${extra.join(' ')}: ${result.status}, step ${result.stepSeconds} s, process ${result.processSeconds} s, peak RSS ${result.peakRssMb} MB`,
  );
  return result;
}

const dataset = values.work
  ? null
  : await prepareDataset(
      'sqlite',
      { cards: Number(values.cards), printingsPerCard: 1.5, days: Number(values.days), seed: 42, end: END },
      values.fresh,
    );
const work = values.work ?? join(tmpdir(), 'cardquant-bench-signals.db');
if (dataset) {
  const source = dataset.url.slice('sqlite:'.length);
  for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
  const checkpoint = new SqliteDatabase(source);
  checkpoint.pragma('wal_checkpoint(TRUNCATE)');
  checkpoint.close();
  copyFileSync(source, work);
}

const daily = measure(work, 'signals');
const backfill = values['skip-backfill'] ? null : measure(work, 'signals', ['--from', shift(END, -364), '--to', END]);
const factorsDaily = measure(work, 'factors');
const factorsYear =
  (backfill || values.work) && !values['skip-factors-range']
    ? measure(work, 'factors', ['--from', shift(END, -364), '--to', END])
    : null;

const result = {
  date: new Date().toISOString(),
  machine: machineInfo(),
  dataset: {
    cards: Number(values.cards),
    printingsPerCard: 1.5,
    days: Number(values.days),
    end: END,
    origin: dataset?.origin ?? 'work database',
    location: dataset?.location ?? work,
  },
  targets: SIGNAL_TARGETS,
  daily,
  backfill,
  factorsDaily,
  factorsYear,
  met: {
    daily: daily.stepSeconds !== null && daily.stepSeconds <= SIGNAL_TARGETS.dailySeconds,
    factors: factorsDaily.stepSeconds !== null && factorsDaily.stepSeconds <= SIGNAL_TARGETS.factorsSeconds,
    backfill:
      backfill === null
        ? null
        : backfill.stepSeconds !== null && backfill.stepSeconds <= SIGNAL_TARGETS.backfillSeconds,
  },
};
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'signals.json'), `${JSON.stringify(result, null, 2)}\n`);
if (!values.keep && !values.work) for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
console.log(JSON.stringify(result.met));
