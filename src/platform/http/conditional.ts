/**
 * Conditional GETs (RFC 9110 §13): weak ETags built from version stamps, `If-None-Match`
 * comparison, and the 304 answer. Routes read their version stamp first (one statement) and
 * answer 304 before doing any other work; `versionedRead` also serves public reads from the
 * process's response cache (response-cache.ts).
 */
import type { Context, TypedResponse } from 'hono';
import type { AppEnv } from './context.ts';
import { readQueueOf } from './read-queue.ts';
import type { CachedResponse } from './response-cache.ts';

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
 * A public read built from data of `version`: 304 when the client holds its ETag, else the body
 * cached for this URL and version, else `produce()` — whose answer is cached for the next request.
 * On SQLite `produce()` waits for its turn in the read queue (read-queue.ts).
 * Typed like `c.json` so the route keeps its declared schema.
 *
 * @example
 * return versionedRead<CardList>(c, await readDataVersion(db), async () => ({ body: JSON.stringify(list), contentType: 'application/json' }));
 */
export async function versionedRead<T>(
  c: Context<AppEnv>,
  version: string,
  produce: () => Promise<CachedResponse>,
  cacheControl: string = PUBLIC_CACHE,
): Promise<Response & TypedResponse<T, 200, 'json'>> {
  const etag = weakEtag(version);
  const headers = validators(etag, cacheControl);
  const unchanged = notModified(c, etag, cacheControl);
  if (unchanged) return unchanged as unknown as Response & TypedResponse<T, 200, 'json'>;
  const cache = c.get('platform').responseCache;
  const key = cacheKey(c.req.url);
  // A Uint8Array body is written as it is; a string would be encoded on every send.
  let response = cache.get(key, version);
  if (response === undefined) {
    const queue = readQueueOf(c.get('platform').database);
    if (queue === null) response = cache.set(key, version, await produce());
    else
      // While it waited its turn, an earlier request for the same URL may have built the answer.
      response = await queue.run(async () => cache.get(key, version) ?? cache.set(key, version, await produce()));
  }
  return c.body(response.body, 200, {
    ...headers,
    ...response.headers,
    'Content-Type': response.contentType,
  }) as unknown as Response & TypedResponse<T, 200, 'json'>;
}

/** A JSON answer for `versionedRead`. */
export const jsonResponse = (value: unknown): CachedResponse => ({
  body: JSON.stringify(value),
  contentType: 'application/json',
});
