/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The offline shell: the app's files are cached at install; the public dashboard and /v1/meta are
// fetched from the network first and kept, so offline the dashboard shows its last-seen copy with
// the date it was fetched (header `X-Cardquant-Offline-Copy`). Nothing else the API answers is
// cached: never a portfolio, an alert, an admin answer, or any request that carries credentials.
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const APP_CACHE = `app-${version}`;
const DATA_CACHE = 'public-data-v1';
/** The only API answers kept for offline use. */
export const OFFLINE_READS = new Set(['/v1/dashboard', '/v1/meta']);
const SHELL = '/';

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(APP_CACHE)
      .then((cache) => cache.addAll([...build, ...files, SHELL]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== APP_CACHE && k !== DATA_CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

function carriesCredentials(request: Request): boolean {
  return ['authorization', 'x-portfolio-id', 'x-portfolio-secret'].some((h) => request.headers.has(h));
}

async function publicRead(request: Request): Promise<Response> {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const headers = new Headers(response.headers);
      headers.set('X-Cardquant-Offline-Copy', new Date().toISOString());
      await cache.put(
        request,
        new Response(await response.clone().arrayBuffer(), { status: response.status, headers }),
      );
    }
    return response;
  } catch (err) {
    const copy = await cache.match(request);
    if (copy) return copy;
    throw err;
  }
}

async function appFile(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(APP_CACHE);
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  return fetch(request);
}

async function navigation(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await (await caches.open(APP_CACHE)).match(SHELL);
    if (shell) return shell;
    throw err;
  }
}

const appFiles = new Set([...build, ...files]);

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/v1/')) {
    if (OFFLINE_READS.has(url.pathname) && !carriesCredentials(request)) event.respondWith(publicRead(request));
    return;
  }
  if (appFiles.has(url.pathname)) event.respondWith(appFile(request, url));
  else if (request.mode === 'navigate') event.respondWith(navigation(request));
});
