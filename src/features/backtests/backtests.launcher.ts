/**
 * Large backtests never run on the HTTP thread: the API queues the run and a launcher executes
 * it elsewhere — in production a child `cardquant backtest run <id>` process with its own
 * database connection, started the way platform/launcher.ts starts pipeline runs.
 */
import type { Logger } from '../../platform/log.ts';
import { spawnCardquant, type ChildOptions, type LaunchedProcess } from '../../platform/launcher.ts';

export interface BacktestLauncher {
  /** Starts executing queued run `id`; `done` settles with the executor's exit code (0 = the run succeeded). */
  launch(id: string): Promise<LaunchedProcess>;
}

export class ChildProcessBacktestLauncher implements BacktestLauncher {
  constructor(
    private readonly log: Logger,
    private readonly options: ChildOptions = {},
  ) {}

  async launch(id: string) {
    return spawnCardquant(['backtest', 'run', id], this.log, { backtest: id }, this.options);
  }
}
