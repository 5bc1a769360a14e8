import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { print, stopOnSignal, type WithRuntime } from '../../platform/cli.ts';
import type { Logger } from '../../platform/log.ts';
import type { Pipeline } from './pipeline.ts';
import { REMOVAL_VERSION } from '../../platform/http/deprecation.ts';
import { canonicalStep, isStepAlias, STEP_ALIASES, stepAliasWarning } from './step-names.ts';
import { STEP_CATALOGUE } from './steps.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The part of the runtime the pipeline commands use. */
export interface PipelineCliRuntime {
  pipeline: Pick<Pipeline, 'run'>;
  config: Config;
  log: Logger;
}

export function registerPipelineCommands(
  root: Command,
  { withRuntime }: { withRuntime: WithRuntime<PipelineCliRuntime> },
): void {
  const pipeline = root
    .command('pipeline')
    .description('The daily pipeline: ingestion, quality checks, read models, signals, factors, retention.');
  pipeline
    .command('run')
    .description('Run pipeline steps now (all in order, or those named with --step).')
    .option('--step <name>', 'a step to run (repeatable)', collect, [])
    .option('--from <date>', 'first date (YYYY-MM-DD) for steps that take a range')
    .option('--to <date>', 'last date (YYYY-MM-DD) for steps that take a range')
    .option('--trigger <trigger>', 'recorded as the run trigger', 'cli')
    .option('--no-table', 'print no summary table (the JSON log lines carry each step result)')
    .action(async (opts: { step: string[]; from?: string; to?: string; trigger: string; table: boolean }) => {
      await withRuntime(async (runtime) => {
        const trigger = opts.trigger === 'schedule' || opts.trigger === 'api' ? opts.trigger : 'cli';
        // SIGTERM (the server shutting down) or SIGINT: the running step is recorded as
        // interrupted, its lock released, no further step starts, and the process exits.
        const stop = stopOnSignal(runtime);
        for (const name of opts.step.filter(isStepAlias)) process.stderr.write(`warning: ${stepAliasWarning(name)}\n`);
        const named = opts.step.map(canonicalStep);
        const records = await runtime.pipeline.run(named, {
          from: opts.from,
          to: opts.to,
          trigger,
          signal: stop.signal,
        });
        for (const r of opts.table ? records : []) {
          print(
            `${r.step.padEnd(15)} ${r.status.padEnd(9)} ${String(r.duration_ms).padStart(7)} ms  ${r.error ?? JSON.stringify(r.counts ?? {})}`,
          );
        }
        // A step that did not run is a failure of the command: it failed, another live process
        // holds it, or it was named with --step and skipped (e.g. no source configured).
        const notRun = records.filter(
          (r) => r.status === 'failed' || r.held_by !== undefined || (r.status === 'skipped' && named.includes(r.step)),
        );
        // Without the table (a child of the server) the JSON log line of the step says the same.
        for (const r of opts.table ? notRun.filter((n) => n.held_by) : []) {
          process.stderr.write(
            `step ${r.step} did not run: held by ${r.held_by!.holder} since ${r.held_by!.since ?? 'unknown'} (run ${r.held_by!.run_id ?? 'unknown'})\n`,
          );
        }
        if (notRun.length > 0) process.exitCode = 1;
        stop.exitIfStopped();
      });
    });
  pipeline
    .command('steps')
    .description('List the pipeline steps in order.')
    // A listing needs no database: it neither opens nor creates one.
    .action(() => {
      for (const s of STEP_CATALOGUE) print(`${s.name.padEnd(15)} ${s.description}`);
      for (const [alias, name] of Object.entries(STEP_ALIASES))
        print(`${alias.padEnd(15)} Deprecated alias of ${name} (removed in ${REMOVAL_VERSION}).`);
    });
}
