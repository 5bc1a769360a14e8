/**
 * What the composition root hands the command modules: configuration and a runtime per command
 * (features receive `withRuntime` through their register functions; output helpers are in
 * platform/cli.ts).
 */
import { loadConfig, type Config } from './config.ts';
import { createRuntime, type Runtime } from './runtime.ts';

export function config(): Config {
  return loadConfig();
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
