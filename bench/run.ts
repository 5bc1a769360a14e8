/**
 * `npm run bench`: the platform benchmarks, one after the other.
 *
 *   npm run bench                 full settings (about 3 minutes)
 *   npm run bench -- --quick      smoke run: short durations, one run each
 *   npm run bench -- --log-level warn
 *
 * Each benchmark can also be run on its own with more options (see its header).
 */
import { parseArgs } from 'node:util';
import { coldStartDefaults, runColdStart } from './cold-start.ts';
import { overheadDefaults, parseOverheadArgs, runHttpOverhead } from './http-overhead.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { quick: { type: 'boolean' }, 'log-level': { type: 'string' } },
  strict: true,
});
const quick = values.quick ?? false;
const logLevel = values['log-level'] ?? overheadDefaults.logLevel;

try {
  const overhead = await runHttpOverhead(parseOverheadArgs([...(quick ? ['--quick'] : []), '--log-level', logLevel]));
  const cold = await runColdStart({ ...coldStartDefaults, runs: quick ? 1 : coldStartDefaults.runs, logLevel, quick });

  console.log('\n== Summary ==');
  for (const s of overhead.summaries) {
    const verdict = s.targetMet === null ? 'unknown' : s.targetMet ? 'met' : 'MISSED';
    console.log(`  http-overhead c=${s.connections}: app/bare = ${s.ratio ?? 'n/a'} (target ≥ 0.5: ${verdict})`);
  }
  console.log(
    `  cold-start: median ${cold.readyzMs.median} ms (target ≤ 2000 ms: ${cold.target.met ? 'met' : 'MISSED'})`,
  );
  if (quick) console.log('  (--quick: smoke settings, not for reporting)');
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
