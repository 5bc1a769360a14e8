/**
 * Heavy work never runs on the HTTP thread: a pipeline run requested through the API or the
 * scheduler is started as a child `cardquant pipeline run` process with its own database
 * connection. Its output joins this process's stdout; its records land in `pipeline_runs`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../platform/log.ts';

export interface PipelineRequest {
  steps: string[];
  from?: string;
  to?: string;
  trigger: 'schedule' | 'api';
}

/** A started child: its pid, its exit code to come, and how to signal it (SIGTERM asks it to stop). */
export interface LaunchedProcess {
  pid: number | null;
  done: Promise<number>;
  kill?(signal: NodeJS.Signals): void;
}

export interface PipelineLauncher {
  launch(request: PipelineRequest): Promise<LaunchedProcess>;
}

const BIN = fileURLToPath(new URL('../../../bin/cardquant.js', import.meta.url));

/**
 * Starts `cardquant <args>` as a child of this process (same Node binary, same environment and
 * so the same configuration); its output joins this process's stdout. `done` settles with the
 * exit code (1 when the process could not start).
 *
 * @example
 * const { done } = spawnCardquant(['backtest', 'run', id], log, { backtest: id });
 */
export function spawnCardquant(args: string[], log: Logger, context: Record<string, unknown>): LaunchedProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  const what = args.slice(0, 2).join(' ');
  log.info({ pid: child.pid, ...context }, `${what} process started`);
  const done = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', (err) => {
      log.error({ err: { message: err.message }, ...context }, `${what} process failed to start`);
      resolve(1);
    });
  });
  return { pid: child.pid ?? null, done, kill: (signal) => void child.kill(signal) };
}

export class ChildProcessLauncher implements PipelineLauncher {
  constructor(private readonly log: Logger) {}

  async launch(request: PipelineRequest) {
    const args = ['pipeline', 'run', '--trigger', request.trigger];
    for (const s of request.steps) args.push('--step', s);
    if (request.from) args.push('--from', request.from);
    if (request.to) args.push('--to', request.to);
    // The child inherits this process's environment, so it reads the same configuration.
    return spawnCardquant(args, this.log, { steps: request.steps, trigger: request.trigger });
  }
}
