import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { bearer, ADMIN_TOKEN, harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { bumpDataVersion } from '../../platform/db/data-version.ts';
import { catalogWriter } from '../ingest/context.ts';
import { appCsp, inlineScriptHashes, isApiPath } from './web-app.ts';

const INLINE = "window.__start = 'x';";
const SHELL = `<!doctype html><html><head><script src="/_app/immutable/entry/start.js"></script><script>${INLINE}</script></head><body></body></html>`;
const ASSET = 'export const answer = 42;'.repeat(50);

/** A stand-in for web/build: a shell with one inline script, a hashed asset (and its .gz), a manifest. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cq-web-'));
  mkdirSync(join(dir, '_app', 'immutable', 'entry'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), SHELL);
  writeFileSync(join(dir, '_app', 'immutable', 'entry', 'start.js'), ASSET);
  writeFileSync(join(dir, '_app', 'immutable', 'entry', 'start.js.gz'), gzipSync(ASSET));
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"cardquant"}');
  return dir;
}

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('CSP of the app', () => {
  it('allows exactly the inline scripts of the shell, by hash', () => {
    expect(inlineScriptHashes(SHELL)).toEqual([sha(INLINE)]);
    expect(inlineScriptHashes('<script src="/a.js"></script><script>  </script>')).toEqual([]);
  });

  it('names image hosts only in img-src and refuses framing, plugins and other origins', () => {
    const csp = appCsp([sha(INLINE)], ['https://img.example']);
    expect(csp).toContain(`script-src 'self' ${sha(INLINE)}`);
    expect(csp).toContain("img-src 'self' data: https://img.example");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(appCsp([], [])).toContain("img-src 'self' data:;");
  });

  it('treats /v1 and the operational paths as the API', () => {
    for (const p of [
      '/v1',
      '/v1/',
      '/v1/cards',
      '/docs',
      '/docs/x.css',
      '/metrics',
      '/openapi.json',
      '/healthz',
      '/readyz',
    ])
      expect(isApiPath(p), p).toBe(true);
    for (const p of ['/', '/cards', '/v1cards', '/docsy', '/portfolio/lots']) expect(isApiPath(p), p).toBe(false);
  });
});

describe.each(dialects)('web app served by the API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const dir = fakeBuild();
    const h = harnessDatabase(d, { WEB_DIR: dir });

    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    it('answers app routes with the shell: no-cache, the CSP with the script hash and the catalogue image host', async () => {
      for (const path of ['/', '/cards', '/cards/s1-4', '/portfolio/lots']) {
        const res = await h.request(path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain(sha(INLINE));
        expect(csp).toContain("img-src 'self' data: https://img.example;");
        expect(await res.text()).toBe(SHELL);
      }
      const dotted = await h.request('/cards/swsh3.5-1', { headers: { Accept: 'text/html,application/xhtml+xml' } });
      expect(dotted.status).toBe(200);
      expect(await dotted.text()).toBe(SHELL);
      const head = await h.request('/cards', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    });

    it('serves hashed assets as immutable, precompressed when the client accepts it, and other files no-cache', async () => {
      const plain = await h.request('/_app/immutable/entry/start.js');
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-type')).toMatch(/javascript/);
      expect(await plain.text()).toBe(ASSET);
      const gz = await h.request('/_app/immutable/entry/start.js', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      const manifest = await h.request('/manifest.webmanifest');
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('cache-control')).toBe('no-cache');
      expect(manifest.headers.get('content-security-policy')).toContain("worker-src 'self'");
    });

    it('never shadows the API: unknown /v1 paths, missing files and other methods stay 404 problems', async () => {
      for (const [method, path] of [
        ['GET', '/v1/nope'],
        ['GET', '/v1'],
        ['GET', '/missing.png'],
        ['GET', '/_app/immutable/entry/none.js'],
        ['GET', '/..%2f..%2fetc%2fpasswd.txt'],
        ['POST', '/cards'],
        ['DELETE', '/'],
      ] as const) {
        const res = await h.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('content-type'), `${method} ${path}`).toBe('application/problem+json');
      }
      expect((await h.request('/openapi.json')).headers.get('content-type')).toMatch(/json/);
      expect((await h.request('/metrics')).status).toBe(401);
      expect((await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) })).status).toBe(200);
      expect(await (await h.request('/docs')).text()).toContain('swagger');
      expect((await h.request('/healthz')).status).toBe(200);
    });

    it('lists the image hosts in /v1/meta and follows the catalogue when the data changes', async () => {
      const before = (await (await h.request('/v1/meta')).json()) as { images: { remote: boolean; hosts: string[] } };
      expect(before.images).toEqual({ remote: true, hosts: ['https://img.example'] });
      await catalogWriter(h.runtime.ingest).upsertCards(
        [
          {
            id: 's2-9',
            setId: 's2',
            number: '9',
            name: 'Mew',
            rarity: 'Rare',
            types: ['Psychic'],
            supertype: 'Pokémon',
            images: { small: 'https://cdn.cards.example:8443/s2-9.png', large: 'not a url' },
            imageSource: 'pokemontcg',
          },
        ],
        '2026-11-25T00:00:00.000Z',
      );
      await bumpDataVersion(h.runtime.database.db, h.clock);
      const csp = (await h.request('/')).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("img-src 'self' data: https://cdn.cards.example:8443 https://img.example;");
    });

    it('serves files without a database statement, and the shell with the last known hosts while the database fails', async () => {
      await h.request('/');
      const asset = await h.counted('/_app/immutable/entry/start.js');
      expect(asset.res.status).toBe(200);
      expect(asset.statements).toBe(0);
      expect(asset.res.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
      const db = h.runtime.database.db;
      await db.schema.alterTable('data_version').renameTo('data_version_away').execute();
      try {
        const res = await h.request('/portfolio');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-security-policy')).toContain('https://img.example');
        expect(await res.text()).toBe(SHELL);
      } finally {
        await db.schema.alterTable('data_version_away').renameTo('data_version').execute();
      }
    });
  });
});

describe('web app settings', () => {
  const sqlite = dialects[0]!;
  const dir = fakeBuild();

  describe('REMOTE_IMAGES=false', () => {
    const h = harnessDatabase(sqlite, { WEB_DIR: dir, REMOTE_IMAGES: 'false' });
    it('allows no remote image host and says so in /v1/meta', async () => {
      await seedMarket(h.runtime.ingest);
      const csp = (await h.request('/')).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("img-src 'self' data:;");
      expect(csp).not.toContain('img.example');
      expect(((await (await h.request('/v1/meta')).json()) as { images: unknown }).images).toEqual({
        remote: false,
        hosts: [],
      });
    });
  });

  describe('WEB_APP=false', () => {
    const h = harnessDatabase(sqlite, { WEB_DIR: dir, WEB_APP: 'false' });
    it('serves the API only', async () => {
      const res = await h.request('/');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    });
  });

  describe('without a build', () => {
    const h = harnessDatabase(sqlite, { WEB_DIR: join(dir, 'absent') });
    it('answers 404 problems where the app would be', async () => {
      expect((await h.request('/cards')).status).toBe(404);
    });
  });
});
