/**
 * Heavy work never runs on the HTTP thread: a pipeline run requested through the API or the
 * scheduler is started as a child `cardquant pipeline run` process with its own database
 * connection. Its records land in `pipeline_runs`; its output joins this process's log stream,
 * which stays JSON only: the child's JSON log lines pass through unchanged, anything else it
 * prints (a table, a runtime warning) becomes the `line` field of a JSON log line.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cardquantArgs } from './entrypoints.ts';
import { childEnv } from '../config.ts';
import type { Logger } from './log.ts';
import { childTraceparent } from './tracing.ts';

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

/** Where a child's output goes, and the environment it starts with (tests set both). */
export interface ChildOptions {
  /** Receives each JSON line of the child, newline included (default: this process's stdout). */
  out?: { write(line: string): unknown };
  env?: NodeJS.ProcessEnv;
}

/** Longest non-JSON line kept in a log line (the rest is cut). */
const MAX_PLAIN_LINE = 2000;

function isJsonObject(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/**
 * Starts `cardquant <args>` as a child of this process (same Node binary, same environment and
 * so the same configuration); its output joins this process's log stream as JSON lines. `done`
 * settles with the exit code (1 when the process could not start) once its output is drained.
 *
 * @example
 * const { done } = spawnCardquant(['backtest', 'run', id], log, { backtest: id });
 */
export function spawnCardquant(
  args: string[],
  log: Logger,
  context: Record<string, unknown>,
  options: ChildOptions = {},
): LaunchedProcess {
  // With tracing on, the child continues the trace of the span that starts it.
  const traceparent = childTraceparent();
  const env = traceparent ? { ...(options.env ?? childEnv({})), TRACEPARENT: traceparent } : options.env;
  const child = spawn(process.execPath, [...cardquantArgs(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  const what = args.slice(0, 2).join(' ');
  const out = options.out ?? process.stdout;
  log.info({ pid: child.pid, ...context }, `${what} process started`);
  for (const [stream, readable] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ] as const) {
    createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
      if (isJsonObject(line)) out.write(`${line}\n`);
      else if (line.trim() !== '')
        log.info({ pid: child.pid, stream, ...context, line: line.slice(0, MAX_PLAIN_LINE) }, `${what} process output`);
    });
  }
  const done = new Promise<number>((resolve) => {
    // 'close' comes after the output streams have ended, so every line is through.
    child.once('close', (code) => resolve(code ?? 1));
    child.once('error', (err) => {
      log.error({ err: { message: err.message }, ...context }, `${what} process failed to start`);
      resolve(1);
    });
  });
  return { pid: child.pid ?? null, done, kill: (signal) => void child.kill(signal) };
}

export class ChildProcessLauncher implements PipelineLauncher {
  constructor(
    private readonly log: Logger,
    private readonly options: ChildOptions = {},
  ) {}

  async launch(request: PipelineRequest) {
    // The step results reach the log as JSON lines; the summary table is for terminals.
    const args = ['pipeline', 'run', '--no-table', '--trigger', request.trigger];
    for (const s of request.steps) args.push('--step', s);
    if (request.from) args.push('--from', request.from);
    if (request.to) args.push('--to', request.to);
    // The child inherits this process's environment, so it reads the same configuration.
    return spawnCardquant(args, this.log, { steps: request.steps, trigger: request.trigger }, this.options);
  }
}
