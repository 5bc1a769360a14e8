/**
 * Rate limits per identity (API key, admin token, portfolio) or, for anonymous callers, per
 * client IP. Answers carry the IETF `RateLimit-Policy` / `RateLimit` fields
 * (draft-ietf-httpapi-ratelimit-headers); refusals are 429 problems with `Retry-After`.
 *
 * The store is in memory by default (one process); replicas need a shared store, which
 * rate-limiter-flexible provides behind the same interface.
 */
import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

export interface RateLimitSettings {
  windowSeconds: number;
  anonymousPoints: number;
  authenticatedPoints: number;
  /** Failed authentications allowed per IP per window before even the lookup is refused. */
  authFailurePoints: number;
}

interface Policy {
  name: string;
  limiter: RateLimiterAbstract;
  points: number;
  windowSeconds: number;
}

export interface Decision {
  allowed: boolean;
  headers: Record<string, string>;
}

function decide(policy: Policy, res: RateLimiterRes, allowed: boolean): Decision {
  const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${policy.name}";q=${policy.points};w=${policy.windowSeconds}`,
    'RateLimit': `"${policy.name}";r=${Math.max(0, res.remainingPoints)};t=${resetSeconds}`,
  };
  if (!allowed) headers['Retry-After'] = String(resetSeconds);
  return { allowed, headers };
}

export class RateLimits {
  private readonly anonymous: Policy;
  private readonly authenticated: Policy;
  private readonly authFailures: Policy;

  constructor(settings: RateLimitSettings) {
    const make = (name: string, points: number): Policy => ({
      name,
      points,
      windowSeconds: settings.windowSeconds,
      limiter: new RateLimiterMemory({ points, duration: settings.windowSeconds, keyPrefix: name }),
    });
    this.anonymous = make('anonymous', settings.anonymousPoints);
    this.authenticated = make('authenticated', settings.authenticatedPoints);
    this.authFailures = make('auth-failures', settings.authFailurePoints);
  }

  /** Counts one request of a caller; `identity` null means anonymous (keyed by IP). */
  async take(identity: string | null, ip: string): Promise<Decision> {
    const policy = identity ? this.authenticated : this.anonymous;
    return this.consume(policy, identity ?? ip);
  }

  /** Whether this IP may still try to authenticate (does not count). */
  async authAllowed(ip: string): Promise<Decision> {
    const res = await this.authFailures.limiter.get(ip);
    if (res && res.consumedPoints >= this.authFailures.points) return decide(this.authFailures, res, false);
    return { allowed: true, headers: {} };
  }

  /** Counts one failed authentication of an IP. */
  async authFailed(ip: string): Promise<void> {
    await this.consume(this.authFailures, ip);
  }

  private async consume(policy: Policy, key: string): Promise<Decision> {
    try {
      return decide(policy, await policy.limiter.consume(key), true);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return decide(policy, rejection, false);
      throw rejection;
    }
  }
}

export function tooManyRequests(headers: Record<string, string>): AppError {
  return new AppError(429, 'rate_limited', 'Too many requests; retry after the time in Retry-After.', { headers });
}

/**
 * Route middleware: counts the request against the caller's budget and answers 429 when spent.
 *
 * @example
 * defineRoute({ …, rateLimit: true }) // adds rateLimit() to the route
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const principal = c.get('principal');
    const decision = await c.get('platform').rateLimits.take(principal?.actor ?? null, c.get('clientIp'));
    if (!decision.allowed) throw tooManyRequests(decision.headers);
    // Set before the handler, so they are written into its response as it is created.
    for (const [k, v] of Object.entries(decision.headers)) c.header(k, v);
    await next();
  };
}
