// Entry of a backfill worker thread: registers the TypeScript loader (as bin/cardquant.js does),
// then runs the worker body in backfill-worker.ts.
import { register } from 'tsx/esm/api';

register();
const { runBackfillWorker } = await import('./backfill-worker.ts');
await runBackfillWorker();
