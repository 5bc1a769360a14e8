/**
 * Serves the built web app (web/build, a SvelteKit single-page app) from the API process. It is
 * reached only when no API route matched (the app's not-found handler), so it can never shadow
 * `/v1`, `/metrics`, `/docs` or any other route; under `/v1/` nothing falls back to the app.
 * Hashed assets (`/_app/immutable/`) are cached for a year, everything else and the HTML shell are
 * revalidated (`no-cache`). Documents get the app's CSP: the shell's inline start-up script by
 * hash, images from the catalogue's hosts only (docs/SECURITY.md).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../platform/http/context.ts';
import type { ImageHosts } from '../catalog/image-hosts.ts';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/build', import.meta.url));
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths that belong to the API even when nothing under them matched: never the app's shell. */
const API_PREFIXES = ['/v1/', '/v1', '/docs', '/metrics', '/openapi.json', '/healthz', '/readyz'];

export interface WebAppOptions {
  dir: string;
  images: ImageHosts;
}

/** The sha256 CSP sources of the inline scripts in an HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = m[1] ?? '';
    if (body.trim()) hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** The Content-Security-Policy of the app's documents. */
export function appCsp(scriptHashes: string[], imageHosts: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.join(' ')}`.trim(),
    // Svelte and uPlot set element styles at run time; scripts stay hash-only.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: ${imageHosts.join(' ')}`.trim(),
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`)));
}

/**
 * The handler the app's not-found handler calls for GET and HEAD outside the API: a file of the
 * build, or the shell for an app route (a path without a file extension, or any path a browser
 * navigates to that is no file). `null` when the build is absent, so the caller answers its usual
 * 404 problem.
 */
export function webApp(options: WebAppOptions): ((c: Context<AppEnv>) => Promise<Response | null>) | null {
  const shellPath = join(options.dir, 'index.html');
  if (!existsSync(shellPath)) return null;
  const shell = readFileSync(shellPath, 'utf8');
  const hashes = inlineScriptHashes(shell);
  const csp = async () => appCsp(hashes, await options.images.list());
  // Files are not documents: only a worker script obeys a CSP, and it loads no image. No database read.
  const fileCsp = appCsp(hashes, []);
  const files: MiddlewareHandler<AppEnv> = serveStatic<AppEnv>({ root: options.dir, precompressed: true });

  return async (c) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || isApiPath(path)) return null;
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (last.includes('.') && path !== '/index.html') {
      const res = await files(c, async () => {});
      if (res instanceof Response) {
        res.headers.set('Cache-Control', path.startsWith('/_app/immutable/') ? IMMUTABLE : 'no-cache');
        res.headers.set('Content-Security-Policy', fileCsp);
        return res;
      }
      // Not a file: a page whose id has a dot (a TCGdex card such as `swsh3.5-1`) when a browser
      // navigates to it; a missing asset otherwise.
      if (!(c.req.header('Accept') ?? '').includes('text/html')) return null;
    }
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Security-Policy', await csp());
    return c.html(c.req.method === 'HEAD' ? '' : shell);
  };
}
