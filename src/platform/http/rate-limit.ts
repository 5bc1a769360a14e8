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
import type { Access, AppEnv } from './context.ts';

export interface RateLimitSettings {
  windowSeconds: number;
  anonymousPoints: number;
  authenticatedPoints: number;
  /** Failed authentications allowed per IP per window; further failures are answered 429. */
  authFailurePoints: number;
  /** Portfolios one IP may create per hour, so minting capabilities cannot multiply its budget. */
  portfolioCreationsPerHour: number;
  /** Alert rules, webhook endpoints and e-mail subscriptions per client IP per hour. */
  alertCreationsPerHour: number;
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
    RateLimit: `"${policy.name}";r=${Math.max(0, res.remainingPoints)};t=${resetSeconds}`,
  };
  if (!allowed) headers['Retry-After'] = String(resetSeconds);
  return { allowed, headers };
}

export class RateLimits {
  private readonly anonymous: Policy;
  private readonly authenticated: Policy;
  private readonly authFailures: Policy;
  private readonly portfolioCreations: Policy;
  private readonly alertCreations: Policy;

  constructor(settings: RateLimitSettings) {
    const make = (name: string, points: number, windowSeconds = settings.windowSeconds): Policy => ({
      name,
      points,
      windowSeconds,
      limiter: new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: name }),
    });
    this.anonymous = make('anonymous', settings.anonymousPoints);
    this.authenticated = make('authenticated', settings.authenticatedPoints);
    this.authFailures = make('auth-failures', settings.authFailurePoints);
    this.portfolioCreations = make('portfolio-creations', settings.portfolioCreationsPerHour, 3600);
    this.alertCreations = make('alert-creations', settings.alertCreationsPerHour, 3600);
  }

  /** Counts one request of a caller; `identity` null means anonymous (keyed by IP). */
  async take(identity: string | null, ip: string): Promise<Decision> {
    const policy = identity ? this.authenticated : this.anonymous;
    return this.consume(policy, identity ?? ip);
  }

  /**
   * Counts one failed authentication of an IP; refused once the IP has spent its failures for the
   * window. Only failures count and only failures are refused: a valid key from the same IP (a
   * shared NAT, an office) keeps working while someone next to it guesses.
   */
  async authFailed(ip: string): Promise<Decision> {
    return this.consume(this.authFailures, ip);
  }

  /** Counts one portfolio creation of an IP (per hour). */
  async portfolioCreated(ip: string): Promise<Decision> {
    return this.consume(this.portfolioCreations, ip);
  }

  /** Counts one creation of an alert rule, webhook endpoint or subscription by an IP (per hour). */
  async alertCreated(ip: string): Promise<Decision> {
    return this.consume(this.alertCreations, ip);
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
 * On public routes a portfolio counts as its IP: portfolios are free to create, so their own
 * budgets would otherwise multiply an anonymous client's.
 *
 * @example
 * defineRoute({ access: 'public' }, route) // adds rateLimit('public') to the route
 */
export function rateLimit(access: Access = 'public'): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const principal = c.get('principal');
    const identity =
      principal === null || ((principal.kind === 'portfolio' || principal.kind === 'subscriber') && access === 'public')
        ? null
        : principal.actor;
    const decision = await c.get('platform').rateLimits.take(identity, c.get('clientIp'));
    if (!decision.allowed) throw tooManyRequests(decision.headers);
    // Set before the handler, so they are written into its response as it is created.
    for (const [k, v] of Object.entries(decision.headers)) c.header(k, v);
    await next();
  };
}

/**
 * Middleware for the route that creates portfolios: `PORTFOLIO_CREATE_PER_HOUR` per client IP.
 * Runs after idempotency, so a replayed creation does not count.
 *
 * @example
 * defineRoute({ access: 'public', idempotent: true, limit: 'portfolio-creation' }, route)
 */
export function portfolioCreationLimit(): MiddlewareHandler<AppEnv> {
  return async function portfolioCreationLimit(c, next) {
    const decision = await c.get('platform').rateLimits.portfolioCreated(c.get('clientIp'));
    if (!decision.allowed) throw tooManyRequests(decision.headers);
    await next();
  };
}

/**
 * Middleware for routes that create alert rules, webhook endpoints and e-mail subscriptions:
 * `ALERT_CREATE_PER_HOUR` per client IP. Runs after idempotency, so a replay does not count.
 */
export function alertCreationLimit(): MiddlewareHandler<AppEnv> {
  return async function alertCreationLimit(c, next) {
    const decision = await c.get('platform').rateLimits.alertCreated(c.get('clientIp'));
    if (!decision.allowed) throw tooManyRequests(decision.headers);
    await next();
  };
}
