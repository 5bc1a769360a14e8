/** Global middleware: one access-log line, one histogram observation and one roll-up count per request. */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { methodLabel, type Metrics } from '../metrics.ts';
import type { AppEnv } from './context.ts';
import { statusClass, type RequestRollups } from './rollups.ts';

/** The template of the route that answered (`/v1/admin/keys/:id`), or `unmatched`. */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

export function observe(metrics: Metrics, rollups?: RequestRollups): MiddlewareHandler<AppEnv> {
  return async function observe(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const status = c.res.status;
      const route = routeTemplate(c);
      const method = methodLabel(c.req.method);
      metrics.httpDuration.observe({ route, method, status_class: statusClass(status) }, seconds);
      // The problem code is set where the problem is built (problem.ts), never parsed from the body.
      rollups?.record(route, method, status, c.get('problemCode') ?? '', seconds);
      // Allow-listed fields only: no headers, no raw path or query (a pasted key could sit there), no body.
      const line = {
        requestId: c.get('requestId'),
        method: c.req.method,
        route,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        ip: c.get('clientIp'),
        actor: c.get('principal')?.actor,
      };
      const log = c.get('platform').accessLog;
      if (status >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    }
  };
}
