import { describe, expect, it } from 'vitest';
import { ResponseCache } from './response-cache.ts';

const body = (n: number) => 'x'.repeat(n);

describe('ResponseCache', () => {
  it('answers only for the version an entry was built from', () => {
    const cache = new ResponseCache(1_000_000);
    cache.set('/v1/cards', 'v1', { body: '{"items":[]}', contentType: 'application/json' });
    expect(cache.get('/v1/cards', 'v1')?.body.toString('utf8')).toBe('{"items":[]}');
    expect(cache.get('/v1/cards', 'v2')).toBeUndefined();
    expect(cache.get('/v1/movers', 'v1')).toBeUndefined();
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it('keeps within its byte budget, dropping the least recently used first', () => {
    const cache = new ResponseCache(16_000); // entries of 1,982 bytes; at most 8 fit
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const k of keys) cache.set(k, 'v', { body: body(990), contentType: 't' });
    expect(cache.get('a', 'v')).toBeDefined(); // a is now the most recent
    cache.set('i', 'v', { body: body(990), contentType: 't' });
    expect(cache.get('b', 'v')).toBeUndefined();
    for (const k of ['a', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) expect(cache.get(k, 'v'), k).toBeDefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(16_000);
  });

  it('replaces an entry in place, skips bodies over an eighth of the budget, and does nothing when disabled', () => {
    const cache = new ResponseCache(8_000);
    cache.set('a', 'v1', { body: body(100), contentType: 't' });
    cache.set('a', 'v2', { body: body(200), contentType: 't' });
    expect(cache.size).toEqual({ entries: 1, bytes: 402 });
    cache.set('big', 'v', { body: body(501), contentType: 't' }); // 1,006 bytes > 8,000 / 8
    expect(cache.get('big', 'v')).toBeUndefined();
    const off = new ResponseCache(0);
    off.set('a', 'v', { body: 'x', contentType: 't' });
    expect(off.enabled).toBe(false);
    expect(off.get('a', 'v')).toBeUndefined();
  });
});
