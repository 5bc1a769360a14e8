/**
 * Deprecated API names: one place that says when they were deprecated, when they go, and how a
 * response tells the caller it used one (RFC 9745 `Deprecation`, RFC 8594 `Sunset`, and a
 * `Link` with `rel="deprecation"` to the API documentation).
 */
import type { Context } from 'hono';
import { ValidationFailed } from '../errors.ts';

/** The release that removes the names deprecated in 0.3.0 (docs/GLOSSARY.md). */
export const REMOVAL_VERSION = '0.4.0';

/** When the 0.3.0 names were deprecated (the release date of 0.3.0). */
export const DEPRECATED_AT = new Date(Date.UTC(2026, 11, 4));

/** After this instant the deprecated names may stop working. */
export const SUNSET_AT = new Date(Date.UTC(2027, 5, 30));

/** Where the caller reads about the deprecation: the API documentation, where old names are marked. */
export const DEPRECATION_LINK = '</docs>; rel="deprecation"; type="text/html"';

/** The three headers a response carries when the request used a deprecated name. */
export function deprecationHeaders(): Record<string, string> {
  return {
    Deprecation: `@${Math.floor(DEPRECATED_AT.getTime() / 1000)}`,
    Sunset: SUNSET_AT.toUTCString(),
    Link: DEPRECATION_LINK,
  };
}

/** Marks the response of this request as having used a deprecated name. */
export function markDeprecated(c: Context): void {
  const h = deprecationHeaders();
  c.header('Deprecation', h.Deprecation);
  c.header('Sunset', h.Sunset);
  c.header('Link', h.Link, { append: true });
}

/**
 * The value of a renamed field, read under its new name or its deprecated one. Both given and
 * different is a 422 on the new name; the deprecated one alone marks the response deprecated.
 */
export function renamed<T>(
  c: Context,
  names: { field: string; old: string },
  current: T | undefined,
  old: T | undefined,
): T | undefined {
  if (old === undefined) return current;
  if (current !== undefined && current !== old) {
    throw new ValidationFailed([
      { field: names.field, message: `differs from its deprecated alias \`${names.old}\`; give one of them` },
    ]);
  }
  markDeprecated(c);
  return current ?? old;
}
