/**
 * Conditional GETs (RFC 9110 §13): weak ETags built from version stamps, `If-None-Match`
 * comparison, and the 304 answer. Routes read their version stamp first (one statement) and
 * answer 304 before doing any other work; `versionedRead` also serves public reads from the
 * process's response cache (response-cache.ts).
 */
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import type { AppEnv } from './context.ts';
import { readQueueOf } from './read-queue.ts';
import type { CachedResponse, EntryOrigin, StoredResponse } from './response-cache.ts';

/**
 * Bumped when a release changes the shape of responses, so cached representations revalidate
 * (2: 0.3.0's vocabulary fields — `era`, `robust_z`, `origin`, `importer`, `feeds`).
 */
export const REPRESENTATION = '2';

/** Public market reads: shared caches may keep them for a minute, then revalidate. */
export const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=30';
/** Portfolio reads: only the caller's own cache, always revalidated. */
export const PRIVATE_CACHE = 'private, no-cache';

/**
 * @example
 * weakEtag('01JD…'); // 'W/"2-01JD…"'
 */
export function weakEtag(...versions: string[]): string {
  return `W/"${REPRESENTATION}-${versions.join('-')}"`;
}

/** The 304 entry of a conditional route's `responses`. */
export const notModifiedResponse = { description: 'Not modified: the `If-None-Match` ETag is still current.' } as const;

/** Whether `If-None-Match` names `etag` (weak comparison, `*`, comma-separated lists). */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}

/**
 * Answers 304 when the request already holds `etag`; otherwise null, and the caller builds the
 * 200 with `validators(etag, cacheControl)` as its headers.
 *
 * @example
 * const etag = weakEtag(await readDataVersion(db));
 * const cached = notModified(c, etag, PUBLIC_CACHE); if (cached) return cached;
 */
export function notModified<C extends Context<AppEnv>>(c: C, etag: string, cacheControl: string) {
  if (!ifNoneMatch(c.req.header('If-None-Match'), etag)) return null;
  return c.body(null, 304, validators(etag, cacheControl));
}

export function validators(etag: string, cacheControl: string): Record<string, string> {
  return { ETag: etag, 'Cache-Control': cacheControl };
}

/** Path and query of a request: the response-cache key. */
function cacheKey(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

/**
 * How a route reads the version its answers are built from. Pass the same function on every
 * request of a route (made once where the route is registered): answers cached with it are served
 * by `answerCachedRead` before validation.
 */
export type VersionReader = () => Promise<string>;

function sendStored<T>(c: Context<AppEnv>, etag: string, cacheControl: string, response: StoredResponse) {
  // A Uint8Array body is written as it is; a string would be encoded on every send.
  return c.body(response.body, 200, {
    ...validators(etag, cacheControl),
    ...response.headers,
    'Content-Type': response.contentType,
  }) as unknown as Response & TypedResponse<T, 200, 'json'>;
}

/**
 * A public read built from data of `version` (or of the version `version()` reads): 304 when the
 * client holds its ETag, else the body cached for this URL and version, else `produce()` — whose
 * answer is cached for the next request. On SQLite `produce()` waits for its turn in the read
 * queue (read-queue.ts). Typed like `c.json` so the route keeps its declared schema.
 *
 * A route whose answer depends only on its URL and the version passes a `VersionReader`: the
 * cached answer then remembers it, and the next request for the same URL is answered by
 * `answerCachedRead` without being validated again. A route that also sets headers of its own
 * before answering (a deprecation notice) passes the version it read instead.
 *
 * @example
 * const version = () => readDataVersion(db); // once, beside the route
 * return versionedRead<CardList>(c, version, async () => ({ body: JSON.stringify(list), contentType: 'application/json' }));
 */
export async function versionedRead<T>(
  c: Context<AppEnv>,
  version: string | VersionReader,
  produce: () => Promise<CachedResponse>,
  cacheControl: string = PUBLIC_CACHE,
): Promise<Response & TypedResponse<T, 200, 'json'>> {
  let current: string;
  let origin: EntryOrigin | undefined;
  if (typeof version === 'string') current = version;
  else {
    const read = c.get('versionRead');
    current = read?.reader === version ? read.version : await version();
    origin = { readVersion: version, cacheControl };
  }
  const etag = weakEtag(current);
  const unchanged = notModified(c, etag, cacheControl);
  if (unchanged) return unchanged as unknown as Response & TypedResponse<T, 200, 'json'>;
  const cache = c.get('platform').responseCache;
  const key = cacheKey(c.req.url);
  let response = cache.get(key, current);
  if (response === undefined) {
    const queue = readQueueOf(c.get('platform').database);
    if (queue === null) response = cache.set(key, current, await produce(), origin);
    else
      // While it waited its turn, an earlier request for the same URL may have built the answer.
      response = await queue.run(
        async () => cache.get(key, current) ?? cache.set(key, current, await produce(), origin),
      );
  }
  return sendStored<T>(c, etag, cacheControl, response);
}

/**
 * Route middleware of public GETs: a URL whose answer is cached together with its route's version
 * reader is answered here, from one version read, before its parameters are validated again —
 * only a URL that passed validation and its route's checks once has such an entry (the key is
 * the exact path and query), and the answer depends on nothing else. It runs after rate limiting
 * and the control-character check, so those answer as before. An entry of an older version hands
 * the version it read on to the route, so the request still reads it once.
 *
 * @example
 * defineRoute({ access: 'public' }, { method: 'get', … }) // adds answerCachedRead()
 */
export function answerCachedRead(): MiddlewareHandler<AppEnv> {
  return async function answerCachedRead(c, next) {
    const cache = c.get('platform').responseCache;
    const key = cacheKey(c.req.url);
    const origin = cache.peek(key)?.origin;
    if (origin === undefined) return next();
    const version = await origin.readVersion();
    // Looked up again: another request may have replaced the entry while the version was read.
    if (cache.peek(key)?.version !== version) {
      c.set('versionRead', { reader: origin.readVersion, version });
      return next();
    }
    const etag = weakEtag(version);
    const unchanged = notModified(c, etag, origin.cacheControl);
    if (unchanged) return unchanged;
    return sendStored(c, etag, origin.cacheControl, cache.get(key, version)!);
  };
}

/** A JSON answer for `versionedRead`. */
export const jsonResponse = (value: unknown): CachedResponse => ({
  body: JSON.stringify(value),
  contentType: 'application/json',
});
