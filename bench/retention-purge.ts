/**
 * Retention purge of a year of audit rows: total time, batches, and the longest single batch (the
 * longest the table is held for writing), on SQLite and PostgreSQL.
 *
 * Each case gets a fresh, migrated database (SQLite file in os.tmpdir(); PostgreSQL database on
 * 127.0.0.1:5432, dropped afterwards) holding `--per-day` audit rows a day for 365 days past the
 * default AUDIT_RETENTION_DAYS (400), all expired, plus 30 days of recent rows that must stay. The
 * purge is the retention step's own code (`purge`, audit policy only) with RETENTION_BATCH_ROWS =
 * `--batch`. On SQLite a worker thread with its own connection meanwhile writes one audit row and
 * reads a count, over and over, and reports the longest either waited: with batches, a writer
 * waits at most about one batch (the single writer lock), a reader never (WAL).
 *
 * Between batches the purge pauses RETENTION_PAUSE_MS (`--pause`); the total includes the pauses.
 *
 *   npx tsx bench/retention-purge.ts [--dialect sqlite|postgres|both] [--per-day 1000] [--batch 5000] [--pause 100]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { isoInstant, manualClock } from '../src/platform/clock.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { purge, retentionSettings } from '../src/features/retention/retention.ts';
import { describeMachine, describeRevision, machineInfo, positiveInt, revision } from './cold-start.ts';
import { pgAdmin } from './pg-admin.ts';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    'per-day': { type: 'string', default: '1000' },
    batch: { type: 'string', default: '5000' },
    pause: { type: 'string', default: '100' },
  },
});
const PER_DAY = positiveInt(args['per-day'], 1000, '--per-day');
const BATCH = positiveInt(args.batch, 5000, '--batch');
const PAUSE = Number(args.pause ?? '100');
const DIALECTS = args.dialect === 'both' ? ['sqlite', 'postgres'] : [args.dialect!];
const NOW = Date.parse('2026-12-06T00:00:00.000Z');
const DAY = 86_400_000;
const EXPIRED_DAYS = 365;
const RECENT_DAYS = 30;

/** Audit rows, 1,000 per insert statement: `EXPIRED_DAYS` days past 400 days old, and `RECENT_DAYS` recent days. */
async function seed(database: Database): Promise<number> {
  let rows: { id: string; at: string; actor: string; action: string; target: string; result: 'success' }[] = [];
  let n = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    await database.db.insertInto('audit_log').values(rows).execute();
    n += rows.length;
    rows = [];
  };
  const days = [
    ...Array.from({ length: EXPIRED_DAYS }, (_, i) => 401 + i),
    ...Array.from({ length: RECENT_DAYS }, (_, i) => i),
  ];
  for (const d of days) {
    const start = NOW - (d + 1) * DAY;
    for (let i = 0; i < PER_DAY; i++) {
      rows.push({
        id: `aud_${d}_${i}`,
        at: isoInstant(start + Math.floor((i * DAY) / PER_DAY)),
        actor: 'prn_bench',
        action: 'keys.create',
        target: `key_${i}`,
        result: 'success',
      });
      if (rows.length === 1000) await flush();
    }
  }
  await flush();
  return n;
}

/** The concurrent writer/reader on the SQLite file: one audit insert and one count per loop. */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require('better-sqlite3');
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 60000');
const insert = db.prepare("insert into audit_log (id, at, actor, action, result) values (?, ?, 'probe', 'probe', 'success')");
const count = db.prepare('select count(*) as n from audit_log where at >= ?');
const stop = new Int32Array(workerData.stop);
let i = 0; const writes = []; const reads = [];
while (Atomics.load(stop, 0) === 0) {
  let t = performance.now();
  insert.run('probe_' + i++, workerData.recentAt);
  writes.push(performance.now() - t);
  t = performance.now();
  count.get(workerData.recentAt);
  reads.push(performance.now() - t);
  Atomics.wait(stop, 0, 0, 2);
}
db.close();
parentPort.postMessage({ writes, reads });
`;

interface ProbeResult {
  writes: number[];
  reads: number[];
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function runCase(dialect: string): Promise<void> {
  let url: string;
  let cleanup: () => Promise<void>;
  let file: string | null = null;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-retention-'));
    file = join(dir, 'bench.db');
    url = `sqlite:${file}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `cardquant_bench_retention_${randomBytes(4).toString('hex')}`;
    await pgAdmin(`create database ${name}`);
    url = `postgres://postgres@127.0.0.1:5432/${name}`;
    cleanup = () => pgAdmin(`drop database if exists ${name} with (force)`);
  }
  const database = openDatabase(url);
  try {
    await migrate(database, () => new Date().toISOString());
    const t0 = performance.now();
    const rows = await seed(database);
    console.log(`${dialect}: seeded ${rows} audit rows in ${ms(performance.now() - t0)}`);
    const config = loadConfig({
      DATABASE_URL: url,
      RETENTION_BATCH_ROWS: String(BATCH),
      RETENTION_PAUSE_MS: String(PAUSE),
    });
    const settings = { ...retentionSettings(config), maxSeconds: 86_400 };

    let probe: Promise<ProbeResult> | null = null;
    let stop: Int32Array | null = null;
    if (file) {
      stop = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(PROBE, {
        eval: true,
        workerData: { file, stop: stop.buffer, recentAt: isoInstant(NOW - RECENT_DAYS * DAY) },
      });
      probe = new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }
    const started = performance.now();
    const result = await purge(database, manualClock(NOW), settings, { only: ['audit_log'] });
    const total = performance.now() - started;
    if (stop) {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
    }
    const left = await database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('actor', '=', 'prn_bench')
      .executeTakeFirstOrThrow();
    console.log(
      `${dialect}: purged ${result.deleted.audit_log} rows in ${ms(total)} — ${result.batches} batches of ≤ ${BATCH}, ` +
        `longest batch ${ms(result.longest_batch_ms)}, mean ${ms((total - (result.batches - 1) * PAUSE) / result.batches)} without the pauses, ` +
        `${Math.round((result.deleted.audit_log! / total) * 1000)} rows/s; ${Number(left.n)} recent rows kept`,
    );
    if (probe) {
      const p = await probe;
      console.log(
        `${dialect}: concurrent writer ${p.writes.length} inserts, longest wait ${ms(Math.max(...p.writes))} ` +
          `(p99 ${ms(pct(p.writes, 99))}); reader longest ${ms(Math.max(...p.reads))} (p99 ${ms(pct(p.reads, 99))}); ` +
          `longest batch ${ms(result.longest_batch_ms)}`,
      );
    }
  } finally {
    await database.close();
    await cleanup();
  }
}

console.log(`machine: ${describeMachine(machineInfo())}`);
console.log(`revision: ${describeRevision(revision())}`);
console.log(
  `dataset: ${PER_DAY} audit rows/day × ${EXPIRED_DAYS} expired days + ${RECENT_DAYS} recent days; batch ${BATCH}; pause ${PAUSE} ms`,
);
for (const d of DIALECTS) await runCase(d);
