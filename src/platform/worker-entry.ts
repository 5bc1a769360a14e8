/**
 * Entry of every worker thread started by `startWorker` (entrypoints.ts): imports the module whose
 * URL is the first argument and calls the function named by the second.
 */
const [moduleUrl, exportName] = process.argv.slice(2);
if (!moduleUrl || !exportName) throw new Error('worker-entry: expected a module URL and an export name');
const body = (await import(moduleUrl)) as Record<string, unknown>;
const run = body[exportName];
if (typeof run !== 'function') throw new Error(`worker-entry: ${moduleUrl} has no function ${exportName}`);
await (run as () => Promise<void>)();
