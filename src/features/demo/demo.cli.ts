import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../config.ts';
import { print, progressReporter, type WithRuntime } from '../../platform/cli.ts';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';
import { reportRun } from '../../shared/run-report.ts';
import type { IngestContext } from '../ingest/context.ts';
import { deriveReadModels } from '../market/derive.ts';
import { moverRules } from '../market/movers.repo.ts';
import { seedDemo } from './demo.service.ts';

const positive = (name: string, integer: boolean) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
  return n;
};

/** The part of the runtime the demo command uses (the pipeline only to run its signals step). */
export interface DemoCliRuntime {
  database: Database;
  clock: Clock;
  log: Logger;
  config: Config;
  ingest: IngestContext;
  pipeline: {
    run(
      steps: string[],
      options: { trigger: 'cli' },
    ): Promise<{ status: string; counts?: unknown; error?: string | null }[]>;
  };
}

export function registerDemoCommand(
  root: Command,
  { withRuntime }: { withRuntime: WithRuntime<DemoCliRuntime> },
): void {
  root
    .command('demo')
    .description('Generate an invented demo dataset (fictional cards, synthetic prices), e.g. for benchmarks.')
    .option('--cards <n>', 'number of cards', positive('--cards', true), 400)
    .option(
      '--printings-per-card <k>',
      'average printings per card (may be fractional)',
      positive('--printings-per-card', false),
      1.5,
    )
    .option('--days <d>', 'days of history', positive('--days', true), 365)
    .option('--seed <s>', 'generator seed', positive('--seed', true), 42)
    .option('--end <date>', 'last day of history (default today, UTC)')
    .action(async (opts: { cards: number; printingsPerCard: number; days: number; seed: number; end?: string }) => {
      if (opts.end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.end))
        throw new InvalidArgumentError('--end must be YYYY-MM-DD');
      await withRuntime(async (runtime) => {
        const end = opts.end ?? isoInstant(runtime.clock.now()).slice(0, 10);
        const ctx = {
          ...runtime.ingest,
          progress: progressReporter(runtime.log, Boolean(process.stderr.isTTY), () => Date.now()),
        };
        const summary = await seedDemo(ctx, {
          cards: opts.cards,
          printingsPerCard: opts.printingsPerCard,
          days: opts.days,
          seed: opts.seed,
          end,
        });
        process.exitCode = reportRun(summary);
        const derived = await deriveReadModels(runtime.database, runtime.clock, moverRules(runtime.config));
        print(`  derived latest prices for ${derived.series} series and summaries of ${derived.cards} cards`);
        const [signals] = await runtime.pipeline.run(['signals'], { trigger: 'cli' });
        print(
          `  signals: ${signals?.status ?? 'not run'} ${signals?.counts ? JSON.stringify(signals.counts) : (signals?.error ?? '')}`,
        );
      });
    });
}
