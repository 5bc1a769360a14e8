/**
 * One resource per `describe` block: a test database, a harness on it. The hooks that open and
 * close it are registered where the helper is called, and the returned stand-in forwards to the
 * resource once `beforeAll` has made it, so tests use it like the resource itself.
 */
import { afterAll, beforeAll } from 'vitest';

export function scoped<T extends object>(open: () => Promise<T>, close: (value: T | undefined) => Promise<void>): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await open();
  });
  afterAll(async () => {
    // Called when opening failed too, so a database created before the failure is still dropped.
    await close(value);
  });
  const live = (): T => {
    if (!value) throw new Error('the resource exists only inside tests of its describe block');
    return value;
  };
  return new Proxy({} as T, {
    get: (_t, prop) => Reflect.get(live(), prop),
    has: (_t, prop) => Reflect.has(live(), prop),
    ownKeys: () => Reflect.ownKeys(live()),
    getOwnPropertyDescriptor: (_t, prop) => ({ ...Reflect.getOwnPropertyDescriptor(live(), prop), configurable: true }),
  });
}
