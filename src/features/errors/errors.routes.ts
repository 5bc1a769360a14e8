/** GET /v1/admin/errors: problem answers per code over a window, read from the per-minute request roll-ups. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { errorCodes, isErrorCode } from '../../platform/error-codes.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { problemCounts, requestTotal } from './errors.repo.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest window: the retention of request roll-ups is counted in days, and 90 covers every SLO window. */
export const MAX_WINDOW_MS = 90 * UNIT_MS.d;
const WINDOW = /^([1-9]\d{0,4})([mhd])$/;

/**
 * A window such as `15m`, `1h`, `24h` or `7d` in milliseconds; null when it is malformed or longer
 * than MAX_WINDOW_MS.
 *
 * @example
 * windowMs('24h'); // 86_400_000
 */
export function windowMs(text: string): number | null {
  const m = WINDOW.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms <= MAX_WINDOW_MS ? ms : null;
}

const ErrorCount = z
  .object({
    code: z.string().openapi({ example: 'rate_limited' }),
    status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The registered status; null for an unregistered code.' }),
    status_class: z.string().openapi({ example: '4xx' }),
    registered: z.boolean().openapi({
      description: 'False for a code missing from the registry (docs/ERRORS.md), e.g. one an older version answered.',
    }),
    meaning: z.string().nullable(),
    retry: z
      .enum(['no', 'after', 'yes'])
      .nullable()
      .openapi({ description: 'Whether a client should retry (docs/ERRORS.md).' }),
    count: z.number().int(),
    share: z
      .number()
      .openapi({ description: 'count ÷ all requests in the window (0 when there were none).', example: 0.0125 }),
  })
  .openapi('ErrorCount');

export const listErrorsRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/errors',
    tags: ['admin'],
    summary: 'Problem answers per code over a window, most frequent first',
    request: {
      query: z.object({
        window: z
          .string()
          .default('24h')
          .refine((w) => windowMs(w) !== null, {
            message: 'is a count and a unit (m, h or d), e.g. 15m, 1h, 24h or 7d, at most 90d',
          })
          .openapi({
            description:
              'How far back from now: `15m`, `1h`, `24h`, `7d` … (at most 90d, and at most ROLLUP_RETENTION_DAYS ' +
              'when roll-ups are purged: a longer window is refused with a 422 problem rather than answered ' +
              'with counts that silently miss the purged minutes).',
            example: '24h',
          }),
      }),
    },
    responses: {
      200: {
        description: 'Counts per code from the per-minute request roll-ups of every process.',
        content: {
          'application/json': {
            schema: z.object({
              window: z.string(),
              from: z.string().openapi({ description: 'Start of the first roll-up minute counted.' }),
              to: z.string().openapi({ description: 'Now: the current minute is counted as far as it is written.' }),
              requests: z.number().int().openapi({ description: 'All requests in the window.' }),
              problems: z
                .number()
                .int()
                .openapi({ description: 'Problem answers in the window (the sum of `items`).' }),
              items: z.array(ErrorCount),
            }),
          },
        },
      },
    },
  },
);

/**
 * @param rollupRetentionDays ROLLUP_RETENTION_DAYS (0: kept for ever): windows longer than the
 *   roll-ups are kept are refused, since their oldest minutes are purged.
 */
export function errorsRoutes(db: Kysely<Tables>, clock: Clock, rollupRetentionDays = 0): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listErrorsRoute, async (c) => {
    const { window } = c.req.valid('query');
    if (rollupRetentionDays > 0 && windowMs(window)! > rollupRetentionDays * UNIT_MS.d)
      throw new ValidationFailed([
        {
          field: 'query.window',
          message: `is longer than the ${rollupRetentionDays} days request roll-ups are kept (ROLLUP_RETENTION_DAYS)`,
        },
      ]);
    // The roll-up minutes that overlap the last `window`, the current (still being written) one included.
    const now = clock.now();
    const from = isoInstant(Math.floor((now - windowMs(window)!) / UNIT_MS.m) * UNIT_MS.m);
    const to = isoInstant(now);
    const [counts, requests] = await Promise.all([problemCounts(db, from, to), requestTotal(db, from, to)]);
    const items = counts
      .map((r) => {
        const known = isErrorCode(r.code) ? errorCodes[r.code] : null;
        return {
          code: r.code,
          status: known?.status ?? null,
          status_class: r.status_class,
          registered: known !== null,
          meaning: known?.meaning ?? null,
          retry: known?.retry ?? null,
          count: r.requests,
          share: requests > 0 ? r.requests / requests : 0,
        };
      })
      .sort(
        (a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.status_class.localeCompare(b.status_class),
      );
    const problems = items.reduce((sum, i) => sum + i.count, 0);
    return c.json({ window, from, to, requests, problems, items }, 200);
  });
  return app;
}
