/** Global middleware: a server span per request, registered only when tracing is on (platform/tracing.ts). */
import type { MiddlewareHandler } from 'hono';
import { inRequestSpan } from '../tracing.ts';
import type { AppEnv } from './context.ts';
import { routeTemplate } from './observe.ts';

/**
 * Names the span by route template (never the raw path), continues an incoming W3C
 * `traceparent`, and records the status and the `X-Request-Id` answered.
 *
 * @example
 * if (tracingOn()) app.use('*', traceRequests());
 */
export function traceRequests(): MiddlewareHandler<AppEnv> {
  return async function traceRequests(c, next) {
    await inRequestSpan(
      c.req.method,
      (name) => c.req.header(name),
      next,
      () => ({ route: routeTemplate(c), status: c.res.status, requestId: c.get('requestId') }),
    );
  };
}
