/**
 * CPU of a TCGCSV files import, two checkouts side by side in one process: each checkout's
 * importer (its TypeScript sources, loaded from its own folder) imports every shared TCGCSV price
 * file into a fresh copy of one prepared SQLite database (catalogue and cross-walk loaded once,
 * not timed), the two in turn (A B B A …), each import timed with `process.cpuUsage()`.
 * Alternating whole imports in one process keeps a loaded machine's noise out of the difference
 * between the two better than separate runs of bench/import-prices.ts (whose floor is the
 * ratio's other half).
 *
 *   TMPDIR=<scratch dir> npx tsx bench/import-cpu.ts --a <checkout> --b <checkout> \
 *     [--data ../shared/data] [--rounds 3]
 *
 * `--rounds` N makes 2N imports of each. Both checkouts must have the same migrations.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage, median, REPO_ROOT } from './cold-start.ts';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    data: { type: 'string', default: join(REPO_ROOT, '..', 'shared', 'data') },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.a || !values.b) throw new Error('--a <checkout> and --b <checkout> are required');
const data = resolve(values.data);

async function load(root: string) {
  const src = (file: string) => import(pathToFileURL(join(resolve(root), 'src', file)).href);
  const [context, runs, crosswalk, catalog, files, clock, database, migrator, ids, log] = await Promise.all([
    src('features/ingest/context.ts'),
    src('features/ingest/ingestion-run.ts'),
    src('features/ingest/sources/crosswalk.ts'),
    src('features/ingest/sources/pokemontcg-files.ts'),
    src('features/ingest/sources/tcgcsv-files.ts'),
    src('platform/clock.ts'),
    src('platform/db/database.ts'),
    src('platform/db/migrator.ts'),
    src('platform/ids.ts'),
    src('platform/log.ts'),
  ]);
  const open = (file: string) => {
    const db = database.openDatabase(`sqlite:${file}`);
    return {
      database: db,
      runs: new runs.IngestionRuns(db.db, clock.systemClock, ids.idFactory(clock.systemClock)),
      clock: clock.systemClock,
      log: log.createLogger('warn'),
    };
  };
  return {
    /** The catalogue and the cross-walk, as bench/import-prices.ts loads them (not timed). */
    async prepare(file: string): Promise<void> {
      const ctx = open(file);
      await migrator.migrate(ctx.database, () => new Date().toISOString());
      await catalog.importPokemontcgFilesCatalog(ctx, { path: join(data, 'pokemontcg-data') });
      await context.withRun(ctx, { importer: 'bench-crosswalk', feed: 'tcgcsv', kind: 'prices' }, (run: any) =>
        crosswalk.importCrosswalk(ctx, run, join(data, 'tcgdex', 'tcgplayer_to_pokemontcg.csv')),
      );
      ctx.database.native.db.pragma('wal_checkpoint(TRUNCATE)');
      await ctx.database.close();
    },
    /** CPU milliseconds of one import into `file`. */
    async importCpuMs(file: string): Promise<number> {
      const ctx = open(file);
      const start = process.cpuUsage();
      const run = await files.importTcgcsvFiles(ctx, { path: join(data, 'tcgcsv', 'prices') });
      const used = process.cpuUsage(start);
      await ctx.database.close();
      if (run.status !== 'succeeded') throw new Error(`the import of ${root} ${run.status}`);
      return (used.user + used.system) / 1000;
    },
  };
}

const builds = { a: await load(values.a), b: await load(values.b) };
const dir = mkdtempSync(join(os.tmpdir(), 'cardquant-import-cpu-'));
try {
  const base = join(dir, 'prepared.db');
  await builds.a.prepare(base);
  const cpu: Record<'a' | 'b', number[]> = { a: [], b: [] };
  console.log(`load average at start: ${loadAverage().join(' ')}`);
  const order = ['a', 'b', 'b', 'a'] as const;
  for (let round = 0; round < Number(values.rounds); round++)
    for (const [i, k] of order.entries()) {
      const file = join(dir, `r${round}-${i}.db`);
      copyFileSync(base, file);
      cpu[k].push(Math.round(await builds[k].importCpuMs(file)));
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
  const [ma, mb] = [median(cpu.a), median(cpu.b)];
  console.log(`a ${values.a}: ${cpu.a.join(' ')} ms; median ${ma}, min ${Math.min(...cpu.a)}`);
  console.log(`b ${values.b}: ${cpu.b.join(' ')} ms; median ${mb}, min ${Math.min(...cpu.b)}`);
  console.log(
    `b − a: ${(((mb - ma) / ma) * 100).toFixed(1)} % of a's median; load average at end: ${loadAverage().join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
