/**
 * The `read-models` step (derive) of two builds on the same dataset, interleaved (A B A B …): each
 * run on a fresh copy of the dataset, in its own `cardquant pipeline run --step read-models`
 * process under `/usr/bin/time -v`, at V8's default heap settings. Per run: the step's own
 * duration and its compute/publish split (the run record's counts), wall time, user + system CPU,
 * peak RSS and the load average before and after. After each run the published read models are
 * fingerprinted (bench/derive-compare.ts) and must equal the first run's.
 *
 * Usage: npx tsx bench/derive.ts --dataset FILE.db --a DIR --b DIR [--rounds 2] [--work DIR]
 * --a/--b: checkouts (or folders) with a built `dist/main.js` (`npm run build`), e.g. the base
 * commit exported and built beside this one. The dataset is only read (copied per run).
 * Writes bench/results/derive.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, describeMachine, REPO_ROOT, RESULTS_DIR } from './cold-start.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    work: { type: 'string', default: tmpdir() },
  },
});
if (!values.dataset || !values.a || !values.b) {
  console.error('usage: npx tsx bench/derive.ts --dataset FILE.db --a DIR --b DIR [--rounds 2] [--work DIR]');
  process.exit(2);
}
const dataset = resolve(values.dataset);

interface Run {
  build: 'a' | 'b';
  round: number;
  stepMs: number;
  computeMs: number;
  publishMs: number;
  wallS: number;
  userS: number;
  systemS: number;
  peakRssMb: number;
  loadBefore: number;
  loadAfter: number;
  fingerprint: string;
}

const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
const timeField = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.trim().startsWith(name));
  if (!line) throw new Error(`no "${name}" in /usr/bin/time output`);
  return line.slice(line.lastIndexOf(':') + 1).trim();
};
const wallSeconds = (text: string) =>
  text
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);

function runOnce(build: 'a' | 'b', dir: string, round: number): Run {
  mkdirSync(values.work!, { recursive: true });
  const copy = join(values.work!, `derive-bench-${build}.db`);
  for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(copy + suffix, { force: true });
  copyFileSync(dataset, copy);
  if (existsSync(`${dataset}.key`)) copyFileSync(`${dataset}.key`, `${copy}.key`);
  const loadBefore = load1();
  const run = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, join(resolve(dir), 'dist', 'main.js'), 'pipeline', 'run', '--step', 'read-models'],
    { env: { ...process.env, DATABASE_URL: `sqlite:${copy}`, NODE_OPTIONS: '' }, encoding: 'utf8' },
  );
  const loadAfter = load1();
  if (run.status !== 0) throw new Error(`derive failed (${build}):\n${run.stdout}\n${run.stderr}`);
  const record = run.stdout
    .split('\n')
    .filter((l) => l.includes('"pipeline step done"'))
    .map((l) => JSON.parse(l) as { durationMs: number; compute_ms: number; publish_ms: number })[0];
  if (!record) throw new Error(`no step record in the output (${build})`);
  const compare = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'derive-compare.ts'), `sqlite:${copy}`],
    { encoding: 'utf8' },
  );
  if (compare.status !== 0) throw new Error(`fingerprint failed: ${compare.stderr}`);
  for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(copy + suffix, { force: true });
  const time = run.stderr;
  return {
    build,
    round,
    stepMs: record.durationMs,
    computeMs: record.compute_ms,
    publishMs: record.publish_ms,
    wallS: wallSeconds(timeField(time, 'Elapsed (wall clock) time')),
    userS: Number(timeField(time, 'User time (seconds)')),
    systemS: Number(timeField(time, 'System time (seconds)')),
    peakRssMb: Math.round(Number(timeField(time, 'Maximum resident set size (kbytes)')) / 1024),
    loadBefore,
    loadAfter,
    fingerprint: compare.stdout,
  };
}

const machine = machineInfo();
console.log(`machine: ${describeMachine(machine)}`);
console.log('build round | load before → after | step (compute / publish) | wall | user + system CPU | peak RSS');
const runs: Run[] = [];
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const [build, dir] of [
    ['a', values.a],
    ['b', values.b],
  ] as const) {
    const r = runOnce(build, dir, round);
    runs.push(r);
    const same = r.fingerprint === runs[0]!.fingerprint ? 'same read models' : 'READ MODELS DIFFER';
    console.log(
      `${build} ${round} | ${r.loadBefore} → ${r.loadAfter} | ${(r.stepMs / 1000).toFixed(1)} s (${(r.computeMs / 1000).toFixed(1)} / ${(r.publishMs / 1000).toFixed(1)}) | ` +
        `${r.wallS.toFixed(1)} s | ${r.userS.toFixed(1)} + ${r.systemS.toFixed(1)} = ${(r.userS + r.systemS).toFixed(1)} s | ${r.peakRssMb} MB | ${same}`,
    );
  }
}
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(
  join(RESULTS_DIR, 'derive.json'),
  JSON.stringify({ machine, dataset, a: values.a, b: values.b, runs }, null, 2),
);
if (runs.some((r) => r.fingerprint !== runs[0]!.fingerprint)) {
  console.error('the read models differ between runs');
  process.exit(1);
}
