/**
 * Runs the real `cardquant` command as a child process. Every child is tracked so a test's
 * cleanup can end whatever is still running (`stopAll`); every wait has a deadline, by default a
 * generous one from budget.ts: it only guards against a hang, since a loaded machine may take
 * many seconds to start a process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/config.ts';
import { cardquantArgs } from '../src/platform/entrypoints.ts';
import { BUDGET } from './budget.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Modification time of the newest file under `dir` that the build emits (tests excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * How a test starts `cardquant`: the compiled `dist/main.js` when it was built after the last
 * change to any file under src/ (`npm ci` builds it, and CI runs the suite right after), else the
 * TypeScript sources through tsx. A `dist/` older than a source never stands in for it, so an
 * edited checkout tests its edits; a fresh one saves loading TypeScript through tsx at each of the
 * suite's many starts (about half of a start on a loaded 2-core machine). The compiled entry is
 * started as production starts it (docs/adr/0015); test/compiled-runtime.test.ts covers
 * bin/cardquant.js and the compiled code on a build of its own.
 */
export const CLI_RUNTIME: 'compiled' | 'typescript' = (() => {
  // CARDQUANT_TEST_CLI=typescript runs the sources through tsx even when dist/ is fresh.
  if (process.env.CARDQUANT_TEST_CLI === 'typescript') return 'typescript';
  const main = join(ROOT, 'dist', 'main.js');
  if (!existsSync(main)) return 'typescript';
  return statSync(main).mtimeMs > newestSource(join(ROOT, 'src')) ? 'compiled' : 'typescript';
})();
const CLI_ARGS = CLI_RUNTIME === 'compiled' ? ['--enable-source-maps', join(ROOT, 'dist', 'main.js')] : cardquantArgs();

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Settings for the child; inherited cardquant settings are removed first so tests stay hermetic. */
  env?: Record<string, string>;
}

const live = new Set<CliProcess>();

/** The parent's environment without any cardquant setting, plus `overrides`. */
export function cliEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [...Object.keys(configSchema.shape), 'CARDQUANT_CONFIG']) delete env[key];
  return { ...env, ...overrides };
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exitInfo: Exit | null = null;
  readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly args: string[],
    options: CliOptions,
  ) {
    this.child = spawn(process.execPath, [...CLI_ARGS, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.exited = new Promise<Exit>((resolve, reject) => {
      this.child.once('error', reject);
      // 'close' fires after the output streams have ended, so stdout/stderr are complete.
      this.child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        this.notify();
        resolve(this.exitInfo);
      });
    });
    live.add(this);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private describe(): string {
    return `cardquant ${this.args.join(' ')}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects on exit or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs: number = BUDGET.processStartMs): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (match) return done(() => resolve(match));
        if (this.exitInfo)
          return done(() =>
            reject(
              new Error(`exited (${JSON.stringify(this.exitInfo)}) before printing ${pattern}\n${this.describe()}`),
            ),
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${this.describe()}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for the exit; SIGKILLs the child and rejects if it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs: number = BUDGET.processRunMs): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`still running after ${timeoutMs} ms (killed)\n${this.describe()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and waits (bounded) for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs: number = BUDGET.processRunMs): Promise<Exit> {
    if (!this.exitInfo) this.child.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  /** Every stdout line that is a JSON log line, parsed. */
  jsonLines(): Record<string, unknown>[] {
    return jsonLines(this.stdout);
  }
}

export function spawnCli(args: string[], options: CliOptions): CliProcess {
  return new CliProcess(args, options);
}

/**
 * Spawns a long-running command and waits until it prints `ready`; a start that misses
 * `BUDGET.processStartMs` is killed and retried once with a logged warning (only for commands
 * whose start can be repeated without changing what the test checks).
 */
export async function startCliReady(
  args: string[],
  options: CliOptions,
  ready: RegExp = /"msg":"ready"/,
): Promise<CliProcess> {
  for (let attempt = 1; ; attempt++) {
    const p = spawnCli(args, options);
    try {
      await p.waitForStdout(ready, BUDGET.processStartMs);
      return p;
    } catch (err) {
      if (p.exitInfo || attempt === 2) throw err;
      console.warn(
        `cardquant ${args.join(' ')} not ready within ${BUDGET.processStartMs} ms (load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}); starting it once more`,
      );
      await p.stop('SIGKILL', BUDGET.processStartMs);
    }
  }
}

/** Runs a command to completion (bounded by `timeoutMs`). */
export async function runCli(args: string[], options: CliOptions & { timeoutMs?: number }): Promise<CliResult> {
  const p = spawnCli(args, options);
  const exit = await p.waitForExit(options.timeoutMs);
  return { ...exit, stdout: p.stdout, stderr: p.stderr };
}

/** Kills every child still running and waits for them to go (for afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...live].map((p) => p.stop('SIGKILL', BUDGET.processStartMs)));
}

/** Parses every complete line that starts with `{` as JSON (a log line). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Lines that are not JSON log lines: what the command printed for a person. */
export function plainLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
}
