/** Date parameters of HTTP requests: a calendar date and a date range. */
import { z } from '@hono/zod-openapi';
import { ValidationFailed } from '../errors.ts';

/** A UTC calendar date parameter, `YYYY-MM-DD`, that exists. */
export const DateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD', abort: true })
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(s);
  }, 'is not a calendar date');

/** 422 on `query.from` when the range is reversed. */
export function checkDateRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationFailed([{ field: 'query.from', message: 'must not be after `to`' }]);
  }
}
