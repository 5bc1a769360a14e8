/** Opaque cursors and the shared `limit`/`cursor` query parameters of every list. */
import { z } from '@hono/zod-openapi';
import { ValidationFailed } from '../errors.ts';

export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: 'Items per page (1–200).', example: 50 }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
};

/**
 * @example
 * encodeCursor({ id: 'key_01…' }); // 'eyJpZCI6…'
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; anything else is a 422 on `query.cursor`. */
export function decodeCursor<K extends string>(
  cursor: string | undefined,
  keys: readonly K[],
): Record<K, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      keys.every((k) => typeof (value as Record<string, unknown>)[k] === 'string')
    ) {
      return value as Record<K, string>;
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
}

/** Builds the list envelope: fetch `limit + 1` rows, return `limit` and a cursor if more exist. */
export function page<T>(rows: T[], limit: number, positionOf: (last: T) => Record<string, string | number>) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
