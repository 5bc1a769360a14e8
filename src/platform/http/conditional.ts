/**
 * Conditional GETs (RFC 9110 §13): weak ETags built from version stamps, `If-None-Match`
 * comparison, and the 304 answer. Routes read their version stamp first (one statement) and
 * answer 304 before doing any other work.
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';

/** Bumped when a release changes the shape of responses, so cached representations revalidate. */
const REPRESENTATION = '1';

/** Public market reads: shared caches may keep them for a minute, then revalidate. */
export const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=30';
/** Portfolio reads: only the caller's own cache, always revalidated. */
export const PRIVATE_CACHE = 'private, no-cache';

/**
 * @example
 * weakEtag('01JD…'); // 'W/"1-01JD…"'
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
