import { describe, expect, it } from 'vitest';
import { imageOrigins } from './image-hosts.ts';

describe('imageOrigins', () => {
  it('finds the origin of every http(s) URL at any depth, with its port', () => {
    expect(
      imageOrigins(
        JSON.stringify({
          pokemontcg: {
            small: 'https://images.pokemontcg.io/base1/4.png',
            large: 'https://images.pokemontcg.io/x.png',
          },
          tcgdex: ['http://assets.example:8080/a.webp'],
        }),
      ),
    ).toEqual(['https://images.pokemontcg.io', 'https://images.pokemontcg.io', 'http://assets.example:8080']);
  });

  it('ignores what is not an http(s) URL and documents that are not JSON', () => {
    expect(
      imageOrigins(JSON.stringify({ a: 'data:image/png;base64,AAAA', b: 'ftp://x.example/a', c: 42, d: null })),
    ).toEqual([]);
    expect(imageOrigins(JSON.stringify({ a: 'https://' }))).toEqual([]);
    expect(imageOrigins('not json')).toEqual([]);
  });
});
