/** RFC 9457 problem documents: the one shape every error response takes. */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorCodes, isErrorCode, UNREGISTERED, type ErrorCode } from '../error-codes.ts';
import { statusTitles, type FieldProblem } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { AppEnv } from './context.ts';

export interface ProblemInit {
  status: number;
  /** A code of the registry (src/platform/error-codes.ts), answered with its registered status. */
  code: ErrorCode;
  detail: string;
  fields?: FieldProblem[];
  headers?: Record<string, string>;
  /** RFC 9457 extension members beside the standard ones (e.g. an import's per-row report). */
  extensions?: Record<string, unknown>;
}

/**
 * Builds an `application/problem+json` response and records its code on the context
 * (`problemCode`) for the request's metrics and roll-ups. A code missing from the registry, or
 * answered with another status than registered, is a bug: it is logged (and counted as
 * `unregistered`), never refused, since the answer itself is still a valid problem.
 *
 * @example
 * return problem(c, { status: 404, code: 'route_not_found', detail: 'No route GET /nope.' });
 */
export function problem(c: Context, init: ProblemInit): Response {
  const code: string = init.code;
  if (problemCodeLabel(code, init.status) === UNREGISTERED) {
    c.get('platform')?.log.error(
      {
        requestId: c.get('requestId'),
        code,
        status: init.status,
        registered: isErrorCode(code) ? errorCodes[code].status : null,
      },
      'problem code not registered with this status (src/platform/error-codes.ts)',
    );
  }
  // The request roll-ups (observe.ts) and the problem counter count errors by code.
  c.set('problemCode', code);
  const body: Record<string, unknown> = {
    ...init.extensions,
    type: 'about:blank',
    title: statusTitles[init.status] ?? 'Error',
    status: init.status,
    code,
    detail: init.detail,
    instance: c.req.path,
  };
  const requestId = c.get('requestId');
  if (requestId) body.request_id = requestId;
  if (init.fields) body.errors = init.fields;
  const headers: Record<string, string> = {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    ...init.headers,
  };
  // c.body (not new Response) keeps the headers middleware set before the handler ran.
  return c.body(JSON.stringify(body), init.status as ContentfulStatusCode, headers);
}

/**
 * The `code` label of `cardquant_http_problems_total`: a code answered with its registered status,
 * or `unregistered`, so the series count is bounded by the registry whatever a bug answers.
 *
 * @example
 * problemCodeLabel('rate_limited', 429); // 'rate_limited'
 * problemCodeLabel('teapot', 418); // 'unregistered'
 */
export function problemCodeLabel(code: string, status: number): string {
  return isErrorCode(code) && errorCodes[code].status === status ? code : UNREGISTERED;
}

/**
 * Global middleware: counts each problem answer by code and status once the request is answered
 * (thrown errors reach `onError` inside, so their problems are counted too).
 *
 * @example
 * app.use('*', countProblems(metrics));
 */
export function countProblems(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async function countProblems(c, next) {
    await next();
    const code = c.get('problemCode') as string | undefined;
    if (code === undefined) return;
    const status = c.res.status;
    metrics.httpProblems.inc({ code: problemCodeLabel(code, status), status: String(status) });
  };
}
