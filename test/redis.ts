/**
 * Redis for the tests of shared rate limits: 127.0.0.1:6379 (`.ci/run` starts it when it does not
 * answer). Under CI=true an unreachable Redis fails the run; elsewhere its cases are skipped with
 * the reason in their name. Each run uses its own key prefix and deletes its keys afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { isCi } from '../src/config.ts';

export const REDIS_TEST_URL = 'redis://127.0.0.1:6379';

async function probe(): Promise<string | null> {
  const client = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? null : 'PING was not answered with PONG';
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    client.disconnect();
  }
}

const redisProblem = await probe();
if (redisProblem && isCi()) {
  throw new Error(`Redis at 127.0.0.1:6379 is required under CI=true but is unreachable: ${redisProblem}`);
}

/** Skip reason (`skipped: no Redis …`), or null when Redis answers. */
export const redisSkip: string | null = redisProblem ? `skipped: no Redis at 127.0.0.1:6379 (${redisProblem})` : null;

/** A key prefix no other run uses. */
export function redisTestPrefix(): string {
  return `cardquant-test:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix`. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
