/** Builds a real runtime (database migrated, all middleware) for in-process HTTP tests. */
import { loadConfig, type Config } from '../src/config.ts';
import { manualClock } from '../src/platform/clock.ts';
import { createAccessLogger, createLogger } from '../src/platform/log.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/runtime.ts';
import type { DialectCase } from './dialects.ts';
import { scoped } from './scoped.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijkl';
export const ADMIN_TOKEN_NEXT = 'test-admin-token-next-0123456789abcdefgh';

export interface Harness {
  runtime: Runtime;
  clock: ReturnType<typeof manualClock>;
  /** Every log line written, as raw JSON text. */
  logs: string[];
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
  /** A request and the database statements it caused (batched key-usage writes flushed first, so they cannot land inside). */
  counted(path: string, init?: RequestInit & { ip?: string }): Promise<{ res: Response; statements: number }>;
  close(): Promise<void>;
}

export async function startHarness(
  databaseUrl: string,
  overrides: Record<string, string> = {},
  options: Partial<RuntimeOptions> = {},
): Promise<Harness> {
  const config: Config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN,
    ADMIN_TOKEN_NEXT,
    LOG_LEVEL: 'info',
    TRUST_PROXY: 'true',
    ...overrides,
  });
  const logs: string[] = [];
  const clock = manualClock('2026-11-25T12:00:00.000Z');
  const sink = { write: (line: string) => void logs.push(line) };
  const log = createLogger(config.LOG_LEVEL, sink);
  const accessLog = createAccessLogger(config.LOG_LEVEL, sink);
  const runtime = await createRuntime(config, { clock, log, accessLog, processMetrics: false, ...options });
  const request: Harness['request'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('X-Forwarded-For')) headers.set('X-Forwarded-For', init.ip ?? '192.0.2.1');
    return Promise.resolve(runtime.app.request(path, { ...init, headers }));
  };
  return {
    runtime,
    clock,
    logs,
    request,
    counted: async (path, init) => {
      await runtime.keyUsage.flush();
      const before = runtime.database.queryCount;
      const res = await request(path, init);
      return { res, statements: runtime.database.queryCount - before };
    },
    close: () => runtime.close(),
  };
}

/**
 * Registers the hooks that give the enclosing `describe` a fresh database of dialect `d` (dropped
 * afterwards) and a harness on it (closed afterwards); tests use the returned value like the harness.
 * Arguments after `d` are those of `startHarness`.
 */
export function harnessDatabase(
  d: DialectCase,
  overrides: Record<string, string> = {},
  options: Partial<RuntimeOptions> = {},
): Harness {
  let url = '';
  return scoped(
    async () => {
      url = await d.create();
      return startHarness(url, overrides, options);
    },
    async (h) => {
      await h?.close();
      if (url) await d.drop(url);
    },
  );
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
