/**
 * Security headers on every response, set before the handler runs (`c.header`), so Hono writes
 * them into the response as it is created. Setting them afterwards, as hono/secure-headers does,
 * rebuilds every response and cost a third of /healthz throughput (docs/BENCHMARKS.md). Responses
 * made with `new Response` bypass this: build them with `c.body` (as `problem()` does).
 */
import type { MiddlewareHandler } from 'hono';

export interface SecurityHeaderOptions {
  /** Content-Security-Policy for API responses; pages override it per route. */
  contentSecurityPolicy: string;
  /** Send Strict-Transport-Security (only when served over TLS). */
  hsts: boolean;
}

/** @example app.use('*', securityHeaders({ contentSecurityPolicy: "default-src 'none'", hsts: false })) */
export function securityHeaders(options: SecurityHeaderOptions): MiddlewareHandler {
  const headers: [string, string][] = [
    ['Content-Security-Policy', options.contentSecurityPolicy],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
  ];
  if (options.hsts) headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return async function securityHeaders(c, next) {
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}
