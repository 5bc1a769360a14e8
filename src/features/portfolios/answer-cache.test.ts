import { describe, expect, it } from 'vitest';
import { AnswerCache } from './answer-cache.ts';

describe('AnswerCache', () => {
  it('computes a key once, evicts the oldest past its capacity, and keeps nothing at capacity 0', async () => {
    let computed = 0;
    const compute = (v: string) => async () => {
      computed++;
      return v;
    };
    const cache = new AnswerCache<string>(2);
    expect(await cache.getOrCompute('a', compute('A'))).toBe('A');
    expect(await cache.getOrCompute('a', compute('other'))).toBe('A');
    expect(computed).toBe(1);
    await cache.getOrCompute('b', compute('B'));
    await cache.getOrCompute('c', compute('C')); // evicts a
    expect(await cache.getOrCompute('a', compute('A2'))).toBe('A2');
    expect(computed).toBe(4);
    const none = new AnswerCache<string>(0);
    await none.getOrCompute('x', compute('X'));
    expect(await none.getOrCompute('x', compute('Y'))).toBe('Y');
  });

  it('keeps nothing when the computation fails', async () => {
    const cache = new AnswerCache<number>(4);
    await expect(cache.getOrCompute('k', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.getOrCompute('k', async () => 7)).toBe(7);
  });
});
