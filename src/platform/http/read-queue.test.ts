import { describe, expect, it } from 'vitest';
import { ReadQueue } from './read-queue.ts';

/** Burns CPU on the event loop the way a synchronous SQLite read and its serialisation do. */
function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

describe('ReadQueue', () => {
  it('runs one burst per loop turn, so a callback queued meanwhile runs after the first burst, not after all', async () => {
    const queue = new ReadQueue();
    const events: string[] = [];
    const bursts = Array.from({ length: 20 }, (_, i) =>
      queue.run(async () => {
        events.push(`burst ${i}`);
        spin(20_000);
        // What a /healthz request or a new socket read looks like to the loop: a callback in a later phase.
        if (i === 0) setImmediate(() => events.push('probe'));
      }),
    );
    await Promise.all(bursts);
    expect(events.indexOf('probe')).toBeLessThanOrEqual(2);
    // First come, first served.
    expect(events.filter((e) => e !== 'probe')).toEqual(Array.from({ length: 20 }, (_, i) => `burst ${i}`));
  });

  it('without the queue the same bursts all run before the callback (what the queue prevents)', async () => {
    const events: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await Promise.resolve();
        events.push(`burst ${i}`);
        spin(20_000);
        if (i === 0) setImmediate(() => events.push('probe'));
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(events.indexOf('probe')).toBe(20);
  });

  it('passes results and errors through and keeps serving after a failed burst', async () => {
    const queue = new ReadQueue();
    const failed = queue.run(() => Promise.reject(new Error('no such card')));
    const ok = queue.run(() => Promise.resolve(42));
    await expect(failed).rejects.toThrow('no such card');
    await expect(ok).resolves.toBe(42);
    expect(queue.length).toBe(0);
    await expect(queue.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });
});
