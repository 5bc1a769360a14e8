/**
 * Rate limits per identity (API key, admin token, portfolio) or, for anonymous callers, per
 * client IP. Answers carry the IETF `RateLimit-Policy` / `RateLimit` fields
 * (draft-ietf-httpapi-ratelimit-headers); refusals are 429 problems with `Retry-After`.
 *
 * The counters live in a store (`RATE_LIMIT_STORE`, rate-limit-store.ts): in memory for one
 * process, or shared by every process and replica in Redis, the `rate_limits` table of PostgreSQL,
 * or the primary of `serve --processes N`. When a shared store does not answer, each process
 * counts in its own memory until it answers again (never a 500); every such fallback is counted.
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

export type RateLimitStoreKind = 'memory' | 'postgres' | 'redis' | 'cluster';

/** Where counters live: one limiter per policy, all sharing the store's connection. */
export interface RateLimitStore {
  readonly kind: RateLimitStoreKind;
  /** A limiter for one policy; `keyPrefix` (the policy's name) keeps policies apart in the store. */
  limiter(policy: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract;
  /** Releases the store's connection (the database's pool belongs to the database). */
  close(): Promise<void>;
}

/** Counters in this process's memory: exact for one process, per process for several. */
export function memoryStore(): RateLimitStore {
  return {
    kind: 'memory',
    limiter: (policy) => new RateLimiterMemory(policy),
    close: async () => undefined,
  };
}

export interface RateLimitsOptions {
  /** Default: memory. */
  store?: RateLimitStore;
  /** Told each time the store failed and the process's memory counted the request instead. */
  onStoreError?: (err: unknown, policy: string) => void;
}

interface Policy {
  name: string;
  limiter: RateLimiterAbstract;
  /** Counts when a shared store does not answer (absent for the memory store, which cannot fail). */
  fallback: RateLimiterAbstract | null;
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

/** A limiter's answer as a decision; a rejection that is not a refusal (the store failed) is thrown. */
async function consumeOne(policy: Policy, limiter: RateLimiterAbstract, key: string): Promise<Decision> {
  try {
    return decide(policy, await limiter.consume(key), true);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return decide(policy, rejection, false);
    throw rejection;
  }
}

export class RateLimits {
  private readonly anonymous: Policy;
  private readonly authenticated: Policy;
  private readonly authFailures: Policy;
  private readonly portfolioCreations: Policy;
  private readonly alertCreations: Policy;

  private readonly store: RateLimitStore;
  private readonly onStoreError: (err: unknown, policy: string) => void;

  constructor(settings: RateLimitSettings, options: RateLimitsOptions = {}) {
    const store = options.store ?? memoryStore();
    this.store = store;
    this.onStoreError = options.onStoreError ?? (() => undefined);
    const make = (name: string, points: number, windowSeconds = settings.windowSeconds): Policy => {
      const limit = { points, duration: windowSeconds, keyPrefix: name };
      return {
        name,
        points,
        windowSeconds,
        limiter: store.limiter(limit),
        fallback: store.kind === 'memory' ? null : new RateLimiterMemory(limit),
      };
    };
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

  /** Which store counts (`memory`, `redis`, `postgres`, `cluster`). */
  get storeKind(): RateLimitStoreKind {
    return this.store.kind;
  }

  /** Releases the store's connection. */
  close(): Promise<void> {
    return this.store.close();
  }

  private async consume(policy: Policy, key: string): Promise<Decision> {
    try {
      return await consumeOne(policy, policy.limiter, key);
    } catch (err) {
      // The shared store failed (unreachable, timed out): this process counts alone meanwhile,
      // as rate-limiter-flexible's insurance limiter would, but told, so it is logged and counted.
      if (!policy.fallback) throw err;
      this.onStoreError(err, policy.name);
      return consumeOne(policy, policy.fallback, key);
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
