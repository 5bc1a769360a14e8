// Entry of a backtest worker thread: registers the TypeScript loader (as bin/cardquant.js does),
// then runs the worker body in backtests.worker.ts.
import { register } from 'tsx/esm/api';

register();
const { runBacktestWorker } = await import('./backtests.worker.ts');
await runBacktestWorker();
