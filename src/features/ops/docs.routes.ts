/**
 * `/docs`: Swagger UI served from the installed `swagger-ui-dist` package, so the page loads
 * nothing from a CDN and runs under a CSP without inline scripts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { sha256Hex } from '../../platform/crypto.ts';
import { ifNoneMatch } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { rateLimit } from '../../platform/http/rate-limit.ts';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cardquant API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles from script; everything else stays same-origin.
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

export function docsRoutes(): Hono<AppEnv> {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // Read on first request, not when the app is built: the bundle is ~4 MB that every CLI
  // command (which builds the app too) would otherwise carry in its heap.
  const files = new Map<string, { body: string; type: string }>([
    ['init.js', { body: INIT_JS, type: 'text/javascript; charset=utf-8' }],
  ]);
  const asset = (name: string) => {
    let file = files.get(name);
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!file && type) files.set(name, (file = { body: readFileSync(join(dir, name), 'utf8'), type }));
    return file;
  };

  const app = new Hono<AppEnv>();
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    return c.html(PAGE, 200);
  });
  app.get('/docs/:file', (c) => {
    const file = asset(c.req.param('file'));
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' });
  });
  return app;
}

/**
 * `/openapi.json`: generated once, on the first request (every route is registered by then), and
 * served from memory with a strong ETag; generating it costs tens of milliseconds. Rate limited
 * like every public route.
 */
export function openApiRoutes(generate: () => unknown): Hono<AppEnv> {
  let document: Promise<{ body: string; etag: string }> | undefined;
  const build = async () => {
    const body = JSON.stringify(generate());
    return { body, etag: `"${(await sha256Hex(body)).slice(0, 32)}"` };
  };
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', rateLimit('public'), async (c) => {
    const { body, etag } = await (document ??= build());
    const headers = { ETag: etag, 'Cache-Control': 'public, no-cache' };
    if (ifNoneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, 'Content-Type': 'application/json' });
  });
  return app;
}
