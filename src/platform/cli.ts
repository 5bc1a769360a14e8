/**
 * Command-line plumbing shared by the command modules: output, progress of long imports, stopping
 * on a signal, and the shape of the runtime-per-command function the composition root passes in.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Logger } from './log.ts';

/**
 * Builds a runtime for one command, runs `fn` with it and closes it afterwards. The composition
 * root implements it; a command module names the part of the runtime it uses as `R`.
 */
export type WithRuntime<R> = <T>(fn: (runtime: R) => Promise<T>) => Promise<T>;

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Progress of a long import: a bar on a terminal, otherwise a structured log line at most
 * every `everyMs`.
 */
export function progressReporter(log: Logger, isTty: boolean, nowMs: () => number, everyMs = 10_000) {
  let bar: SingleBar | null = null;
  let lastLog = Number.NEGATIVE_INFINITY;
  return (done: number, total: number | null, label: string) => {
    if (isTty && total !== null) {
      bar ??= new SingleBar(
        { format: ' {bar} {percentage}% | {value}/{total} | {label}', hideCursor: true },
        Presets.shades_classic,
      );
      if (!bar.isActive) bar.start(total, 0, { label });
      bar.update(done, { label });
      if (done >= total) bar.stop();
      return;
    }
    const now = nowMs();
    if (now - lastLog >= everyMs || (total !== null && done >= total)) {
      lastLog = now;
      log.info({ done, total, label }, 'progress');
    }
  };
}

/**
 * For a command that a server starts as a child: on SIGTERM or SIGINT `signal` aborts so the work
 * can record where it stopped; `exitIfStopped` then ends the process at once (work still in
 * flight is dropped, committed work stays). Whatever happens, the process is gone
 * SHUTDOWN_GRACE_MS × 0.8 after the signal, before the parent's SIGKILL.
 */
export function stopOnSignal(runtime: { config: { SHUTDOWN_GRACE_MS: number }; log: Logger }): {
  signal: AbortSignal;
  exitIfStopped(): void;
} {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    runtime.log.warn({ signal: name }, 'stopping: recording where the run stopped');
    setTimeout(
      () => {
        runtime.log.error({ signal: name }, 'did not stop in time; exiting');
        process.exit(1);
      },
      Math.floor(runtime.config.SHUTDOWN_GRACE_MS * 0.8),
    ).unref();
    controller.abort(new Error(`stopped by ${name}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    signal: controller.signal,
    exitIfStopped() {
      if (controller.signal.aborted) process.exit(1);
    },
  };
}
