/**
 * Which code a process, worker thread or child process runs (docs/adr/0015): the compiled
 * JavaScript in `dist/` in production, the TypeScript sources under tsx in tests and in a checkout
 * that was not built. The mode follows from this module's own file name, so everything started
 * from here runs the same kind of code as its parent.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export type RuntimeKind = 'compiled' | 'typescript';

/** `compiled` when this process runs the emitted JavaScript, `typescript` under tsx or vitest. */
export const runtimeKind: RuntimeKind = /\.[cm]?ts$/.test(fileURLToPath(import.meta.url)) ? 'typescript' : 'compiled';

/**
 * The file to run for source module `specifier` (written with its `.ts` name, relative to `base`):
 * the `.ts` file itself under TypeScript, its `.js` sibling when compiled.
 *
 * @example
 * moduleToRun('./backfill-worker.ts', import.meta.url); // …/backfill-worker.js when compiled
 */
export function moduleToRun(specifier: string, base: string | URL): URL {
  return new URL(runtimeKind === 'compiled' ? specifier.replace(/\.ts$/, '.js') : specifier, base);
}

/** Registers tsx, then imports the module named by the first argument (tsx mode only). */
const TYPESCRIPT_ENTRY = fileURLToPath(new URL('./typescript-entry.mjs', import.meta.url));
const WORKER_ENTRY = moduleToRun('./worker-entry.ts', import.meta.url);
const MAIN = moduleToRun('../main.ts', import.meta.url);

/**
 * Node arguments that start `cardquant` (the module that runs `main(process.argv)`) in this
 * process's mode; the command's own arguments follow them.
 *
 * @example
 * spawn(process.execPath, [...cardquantArgs(), 'pipeline', 'run']);
 */
export function cardquantArgs(): string[] {
  return runtimeKind === 'compiled'
    ? ['--enable-source-maps', fileURLToPath(MAIN)]
    : [TYPESCRIPT_ENTRY, fileURLToPath(MAIN)];
}

/**
 * Starts a worker thread that calls `exportName()` of module `specifier` (relative to `base`),
 * running the same kind of code as this process. `options.workerData` reaches it as usual.
 *
 * @example
 * const worker = startWorker('./backfill-worker.ts', import.meta.url, 'runBackfillWorker', { workerData: job });
 */
export function startWorker(specifier: string, base: string | URL, exportName: string, options: WorkerOptions): Worker {
  const target = [moduleToRun(specifier, base).href, exportName];
  return runtimeKind === 'compiled'
    ? new Worker(WORKER_ENTRY, { ...options, argv: target })
    : new Worker(TYPESCRIPT_ENTRY, { ...options, argv: [WORKER_ENTRY.href, ...target] });
}
