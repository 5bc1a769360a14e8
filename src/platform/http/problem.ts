/** RFC 9457 problem documents: the one shape every error response takes. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { statusTitles, type FieldProblem } from '../errors.ts';

export interface ProblemInit {
  status: number;
  code: string;
  detail: string;
  fields?: FieldProblem[];
  headers?: Record<string, string>;
  /** RFC 9457 extension members beside the standard ones (e.g. an import's per-row report). */
  extensions?: Record<string, unknown>;
}

/**
 * Builds an `application/problem+json` response.
 *
 * @example
 * return problem(c, { status: 404, code: 'not_found', detail: 'No route GET /nope.' });
 */
export function problem(c: Context, init: ProblemInit): Response {
  const body: Record<string, unknown> = {
    ...init.extensions,
    type: 'about:blank',
    title: statusTitles[init.status] ?? 'Error',
    status: init.status,
    code: init.code,
    detail: init.detail,
    instance: c.req.path,
  };
  // The request roll-ups count errors by code (observe.ts).
  c.set('problemCode', init.code);
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
