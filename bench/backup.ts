/**
 * Backup and restore-drill times on the demo dataset (default 20,000 cards × 1.5 printings ≈
 * 30,000 printings, --days days of prices), on SQLite and PostgreSQL: `backup` (online backup /
 * pg_dump -Fc plus the manifest from the same snapshot), then `restore-drill` (restore into
 * scratch, integrity checks, row counts and checksums against the manifest), each --runs times.
 * The dataset is seeded into a temporary database (dropped afterwards); results go to docs/BENCHMARKS.md by hand.
 *
 * Usage: npx tsx bench/backup.ts [--dialect sqlite|postgres|both] [--cards 20000] [--days 30] [--runs 2] [--encrypt]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/features/demo/demo.service.ts';
import { manualClock } from '../src/platform/clock.ts';
import { createLogger } from '../src/platform/log.ts';
import { createRuntime } from '../src/runtime.ts';
import { machineInfo } from './cold-start.ts';
import { pgAdmin } from './pg-admin.ts';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    cards: { type: 'string', default: '20000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '2' },
    encrypt: { type: 'boolean', default: false },
  },
});
const CARDS = Number(args.cards);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);

async function measure(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cardquant-bench-backup-'));
  const pgName = `cardquant_bench_backup_${randomBytes(4).toString('hex')}`;
  const url = dialect === 'sqlite' ? `sqlite:${join(work, 'live.db')}` : `postgres://postgres@127.0.0.1:5432/${pgName}`;
  if (dialect === 'postgres') await pgAdmin(`create database ${pgName}`);
  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghij',
    BACKUP_DIR: join(work, 'backups'),
    BACKUP_ENCRYPT: args.encrypt ? 'true' : 'false',
    ...(args.encrypt ? { DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64') } : {}),
  });
  const clock = manualClock('2026-11-21T06:00:00.000Z');
  const runtime = await createRuntime(config, { clock, log: createLogger('warn'), http: false, processMetrics: false });
  try {
    let started = performance.now();
    await seedDemo(runtime.ingest, { cards: CARDS, printingsPerCard: 1.5, days: DAYS, seed: 42, end: '2026-11-20' });
    console.log(
      `${dialect}: seeded ${CARDS} cards × 1.5 printings × ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    for (let run = 1; run <= RUNS; run++) {
      started = performance.now();
      const backup = await runtime.backups.backup();
      const backupS = (performance.now() - started) / 1000;
      const manifest = JSON.parse(backup.manifest!) as { tables: { table: string; rows: number }[] };
      const rows = (t: string) => manifest.tables.find((x) => x.table === t)?.rows ?? 0;
      const drill = await runtime.backups.drill();
      console.log(
        `${dialect} run ${run}: backup ${backupS.toFixed(1)} s (${(backup.bytes! / 2 ** 20).toFixed(1)} MiB${args.encrypt ? ', sealed' : ''}; printings ${rows('printings')}, prices ${rows('prices')}, all rows ${manifest.tables.reduce((n, t) => n + t.rows, 0)}) · restore-drill ${(drill.duration_ms / 1000).toFixed(1)} s ${drill.result}${drill.error ? ` (${drill.error})` : ''}`,
      );
      clock.advance(60_000);
    }
  } finally {
    await runtime.close();
    if (dialect === 'postgres') await pgAdmin(`drop database if exists ${pgName} with (force)`);
    rmSync(work, { recursive: true, force: true });
  }
}

const m = machineInfo();
console.log(`machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB, Node ${m.node}; ${new Date().toISOString()}`);
for (const dialect of args.dialect === 'both'
  ? (['sqlite', 'postgres'] as const)
  : [args.dialect as 'sqlite' | 'postgres'])
  await measure(dialect);
