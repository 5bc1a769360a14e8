/** Helpers shared by the command modules: configuration, output, a runtime per command, progress. */
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig, type Config } from './config.ts';
import type { RunSummary } from './features/ingest/ingestion-run.ts';
import type { Logger } from './platform/log.ts';
import { createRuntime, type Runtime } from './runtime.ts';

export function config(): Config {
  return loadConfig();
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Builds a runtime for one command and closes it afterwards, whatever happens. */
export async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  // Commands run here serve nothing: the HTTP app is not built (nor its modules loaded).
  const runtime = await createRuntime(config(), { processMetrics: false, http: false });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
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

/** Prints an import summary; returns the exit code (0 only when every part succeeded). */
export function reportRun(summary: RunSummary): number {
  const reasons = Object.entries(summary.rejected_by_reason)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  print(`run ${summary.id} (${summary.importer}): ${summary.status}`);
  print(
    `  read ${summary.rows_read}, accepted ${summary.accepted}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}${reasons ? ` (${reasons})` : ''}`,
  );
  if (summary.dropped_placeholder_fields > 0)
    print(`  placeholder fields dropped from kept rows: ${summary.dropped_placeholder_fields}`);
  for (const x of summary.rejected_examples) print(`  rejected ${x.at} (${x.reason}): ${x.detail}`);
  for (const f of summary.failures) print(`  failed part ${f.item}: ${f.error}`);
  if (summary.error) print(`  error: ${summary.error}`);
  return summary.status === 'succeeded' ? 0 : 1;
}

/**
 * For a command that a server starts as a child: on SIGTERM or SIGINT `signal` aborts so the work
 * can record where it stopped; `exitIfStopped` then ends the process at once (work still in
 * flight is dropped, committed work stays). Whatever happens, the process is gone
 * SHUTDOWN_GRACE_MS × 0.8 after the signal, before the parent's SIGKILL.
 */
export function stopOnSignal(runtime: Pick<Runtime, 'config' | 'log'>): { signal: AbortSignal; exitIfStopped(): void } {
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
