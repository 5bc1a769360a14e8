/**
 * Chooses and opens the store of rate-limit counters (`RATE_LIMIT_STORE`), every one of them a
 * store rate-limiter-flexible already has:
 *
 * - `redis` — `RateLimiterRedis` over ioredis (`REDIS_URL`): one round trip (a Lua script) per
 *   request, shared by every process and replica; the recommended shared store.
 * - `postgres` — `RateLimiterPostgres` over the database's pool, in the `rate_limits` table a
 *   migration creates: shared by every process and replica at the cost of one more statement
 *   (an upsert) per request.
 * - `cluster` — `RateLimiterCluster`: a `serve --processes N` worker asks the primary, which
 *   counts in its memory (`RateLimiterClusterMaster`); shared by the workers of one machine, no
 *   statement, one IPC round trip per request.
 * - `memory` — `RateLimiterMemory`: per process.
 *
 * `auto` takes redis when `REDIS_URL` is set; else, in `cardquant serve` (the role that runs as
 * replicas) on PostgreSQL, postgres; else cluster in a worker of `serve --processes N`; else
 * memory (`cardquant start` is one process: its counters need no sharing, and a read keeps its
 * statement budget).
 */
import cluster from 'node:cluster';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RateLimiterCluster, RateLimiterPostgres, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Config } from '../../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { memoryStore, type RateLimitStore, type RateLimitStoreKind } from './rate-limit.ts';
import { RATE_LIMITS_TABLE, rateLimitsStoreClient } from './rate-limits.repo.ts';

/** How long a worker waits for the primary's answer before counting alone. */
const CLUSTER_TIMEOUT_MS = 1000;
/** How long the first connection to Redis may take at start before the process starts without it. */
const REDIS_CONNECT_WAIT_MS = 2000;

/** The store `RATE_LIMIT_STORE` names, `auto` resolved (see the module comment). */
export function chooseRateLimitStore(
  config: Pick<Config, 'RATE_LIMIT_STORE' | 'REDIS_URL' | 'DATABASE_URL'>,
  where: { replicated: boolean; inClusterWorker?: boolean },
): RateLimitStoreKind {
  if (config.RATE_LIMIT_STORE !== 'auto') return config.RATE_LIMIT_STORE;
  if (config.REDIS_URL) return 'redis';
  if (where.replicated && /^postgres(ql)?:/.test(config.DATABASE_URL)) return 'postgres';
  return (where.inClusterWorker ?? cluster.isWorker) ? 'cluster' : 'memory';
}

export function postgresStore(database: Database): RateLimitStore {
  const storeClient = rateLimitsStoreClient(database);
  let first = true;
  return {
    kind: 'postgres',
    limiter(policy) {
      // Every limiter would delete the table's expired rows every five minutes; one is enough.
      const clearExpiredByTimeout = first;
      first = false;
      return new RateLimiterPostgres({
        ...policy,
        storeClient,
        storeType: 'pool',
        tableName: RATE_LIMITS_TABLE,
        tableCreated: true,
        clearExpiredByTimeout,
      });
    },
    close: async () => undefined,
  };
}

/**
 * Redis through ioredis. Commands fail at once while the connection is down (no offline queue,
 * `rejectIfRedisNotReady`), so a request never waits for Redis: the process counts in memory
 * and ioredis reconnects in the background.
 */
export async function redisStore(url: string, prefix: string, log: Logger): Promise<RateLimitStore> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_CONNECT_WAIT_MS,
    commandTimeout: 1000,
  });
  const where = (() => {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || 6379}${u.pathname}`;
  })();
  // Logged on each change of state, not on every reconnection attempt.
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ redis: where, err: { message: err.message } }, 'redis is not answering; rate limits count per process');
  });
  client.on('ready', () => {
    if (down) log.info({ redis: where }, 'redis answers again; rate limits are shared');
    down = false;
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_CONNECT_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', done);
    client.once('error', done);
  });
  return {
    kind: 'redis',
    limiter: (policy) =>
      new RateLimiterRedis({
        ...policy,
        keyPrefix: `${prefix}:${policy.keyPrefix}`,
        storeClient: client,
        rejectIfRedisNotReady: true,
      }),
    async close() {
      client.disconnect();
    },
  };
}

/** A worker's limiters ask the primary (which must run a `RateLimiterClusterMaster`). */
export function clusterStore(): RateLimitStore {
  return {
    kind: 'cluster',
    limiter: (policy) => new RateLimiterCluster({ ...policy, timeoutMs: CLUSTER_TIMEOUT_MS }),
    close: async () => undefined,
  };
}

export interface OpenedStore {
  store: RateLimitStore;
  /** Count and log a fallback to memory (RateLimits' `onStoreError`). */
  onStoreError: (err: unknown, policy: string) => void;
}

/**
 * Opens the configured store, registers `cardquant_rate_limit_store_info{store}` and
 * `cardquant_rate_limit_store_errors_total{store}` on `registry`, and logs a fallback to memory
 * at most once a minute.
 */
export async function openRateLimitStore(
  config: Config,
  database: Database,
  log: Logger,
  registry: Registry,
  options: { replicated: boolean; now?: () => number },
): Promise<OpenedStore> {
  const now = options.now ?? Date.now;
  let kind = chooseRateLimitStore(config, { replicated: options.replicated });
  if (kind === 'cluster' && !cluster.isWorker) {
    log.warn('RATE_LIMIT_STORE=cluster outside `serve --processes N` (N > 1): this process counts in memory');
    kind = 'memory';
  }
  const store =
    kind === 'redis'
      ? await redisStore(config.REDIS_URL!, config.RATE_LIMIT_REDIS_PREFIX, log)
      : kind === 'postgres'
        ? postgresStore(database)
        : kind === 'cluster'
          ? clusterStore()
          : memoryStore();
  new Gauge({
    name: 'cardquant_rate_limit_store_info',
    help: 'The store of rate-limit counters this process uses (value 1).',
    labelNames: ['store'],
    registers: [registry],
  }).set({ store: kind }, 1);
  const errors = new Counter({
    name: 'cardquant_rate_limit_store_errors_total',
    help: 'Requests counted in this process memory because the shared rate-limit store did not answer.',
    labelNames: ['store'],
    registers: [registry],
  });
  let lastLogged = -Infinity;
  return {
    store,
    onStoreError(err, policy) {
      errors.inc({ store: kind });
      const at = now();
      if (at - lastLogged < 60_000) return;
      lastLogged = at;
      log.warn(
        { store: kind, policy, err: { message: err instanceof Error ? err.message : String(err) } },
        'rate-limit store failed; counting in this process memory',
      );
    },
  };
}
