import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { print, stopOnSignal, type WithRuntime } from '../../platform/cli.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import { BacktestInterrupted } from './backtests.ts';
import { BacktestRuns } from './backtests.service.ts';

/** The part of the runtime the backtest commands use. */
export interface BacktestCliRuntime {
  database: Database;
  clock: Clock;
  newId: (prefix: IdPrefix) => string;
  log: Logger;
  config: Config;
}

/**
 * Executes queued run `id` and prints how it ended; resolves to the exit code (0 only when the
 * run succeeded). An unknown id or a run that is not queued throws, like every command error.
 */
export async function runQueuedBacktest(
  runtime: Omit<BacktestCliRuntime, 'config'>,
  id: string,
  out: (line: string) => void = print,
): Promise<number> {
  const runs = new BacktestRuns(runtime.database, runtime.clock, runtime.newId, runtime.log);
  const run = await runs.executeRun(id);
  if (run.status !== 'succeeded') {
    out(`backtest ${run.id}: ${run.status}: ${run.error ?? 'no error recorded'}`);
    return 1;
  }
  const m = run.metrics!;
  out(
    `backtest ${run.id}: succeeded over ${m.market_dates} market dates and ${m.universe} printings, ${run.trades} trades`,
  );
  out(
    `  total return ${m.total_return_pct} %, max drawdown ${m.max_drawdown_pct} %, sharpe ${m.sharpe ?? 'n/a'}, final equity ${m.final_equity} ${run.currency}`,
  );
  return 0;
}

export function registerBacktestCommands(
  root: Command,
  { withRuntime }: { withRuntime: WithRuntime<BacktestCliRuntime> },
): void {
  const backtest = root.command('backtest').description('Stored backtests of the configured signal.');
  backtest
    .command('run')
    .description('Execute a queued backtest run (the API starts this for runs too large to answer at once).')
    .argument('<id>', 'run id (bt_…)')
    .action((id: string) =>
      withRuntime(async (runtime) => {
        // Told to stop (the server shutting down): the run is recorded as failed, to be started again.
        const stop = stopOnSignal(runtime);
        stop.signal.addEventListener('abort', () => {
          void new BacktestRuns(runtime.database, runtime.clock, runtime.newId, runtime.log)
            .fail(id, new BacktestInterrupted().message)
            .finally(() => stop.exitIfStopped());
        });
        process.exitCode = await runQueuedBacktest(runtime, id);
      }),
    );
}
