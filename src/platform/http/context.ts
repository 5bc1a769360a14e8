/** Types every route and middleware share: who is calling, and the platform services per request. */
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import type { IdempotencyStore, IdempotentAnswer } from './idempotency.ts';
import type { RateLimits } from './rate-limit.ts';
import type { ResponseCache } from './response-cache.ts';

/**
 * What a route requires of its caller, from least to most. `portfolio` is a capability, not a
 * role; `owner` is any caller that owns alert rules and webhook endpoints: a portfolio, an e-mail
 * subscriber (manage token), or an operator (for the operators' channels).
 */
export type Access = 'public' | 'portfolio' | 'owner' | Role;

export const roleRank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface Principal {
  /** Stable id written to the audit log: an API key id, `admin-token`, `admin-token-next`, a portfolio id. */
  actor: string;
  kind: 'admin_token' | 'api_key' | 'portfolio' | 'subscriber';
  role: Role | null;
  ownerId: string | null;
}

export interface AuditEntry {
  actor: string;
  role?: string | null;
  action: string;
  target?: string | null;
  result: 'success' | 'failure';
  requestId?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** Writes audit entries; implemented by the audit feature. */
export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: string };

/** Turns a bearer token into a caller; implemented by the auth feature. */
export interface Authenticator {
  verifyBearer(token: string): Promise<AuthOutcome>;
}

/** What the one statement that checks a portfolio capability also reads, kept for the request. */
export interface PortfolioSession {
  /** The data version at authentication: part of every ETag of a portfolio read. */
  dataVersion: string;
  watchlist: {
    count: number;
    /** The latest `added_at` on the list (ISO instant), or null when it is empty. */
    lastAddedAt: string | null;
    /** Changes whenever an item is added or removed; equal for equal lists. */
    fingerprint: string;
  };
}

export type PortfolioAuthOutcome =
  { ok: true; principal: Principal; session: PortfolioSession } | { ok: false; reason: string };

/** Checks a subscriber's manage token (`Bearer cqm_…`); implemented by the subscribers feature. */
export interface SubscriberAuthenticator {
  verifyManageToken(token: string): Promise<AuthOutcome>;
}

/** Checks `X-Portfolio-Id` + `X-Portfolio-Secret`; implemented by the portfolios feature. */
export interface PortfolioAuthenticator {
  verifyPortfolio(id: string, secret: string): Promise<PortfolioAuthOutcome>;
}

export interface Platform {
  config: Config;
  log: Logger;
  /** One line per request, allow-listed fields only (see createAccessLogger). */
  accessLog: Logger;
  clock: Clock;
  database: Database;
  /**
   * The database lag-tolerant public market reads use, their data version included: the read
   * replica when DATABASE_READ_URL is set, else `database` itself.
   */
  readDatabase: Database;
  rateLimits: RateLimits;
  idempotency: IdempotencyStore;
  /** Serialised public reads by URL and data version (RESPONSE_CACHE_MB). */
  responseCache: ResponseCache;
  audit: AuditSink;
  authenticator: Authenticator;
  portfolioAuthenticator: PortfolioAuthenticator;
  subscriberAuthenticator: SubscriberAuthenticator;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    platform: Platform;
    principal: Principal | null;
    /** Set with a portfolio principal, null otherwise. */
    portfolioSession: PortfolioSession | null;
    clientIp: string;
    /** The header lines as received (name, value, …) when the server supplies them (AppDeps.rawHeaders). */
    rawHeaders: readonly string[] | undefined;
    /** On a request with an `Idempotency-Key` to an idempotent route: stores the answer with the write. */
    idempotency: IdempotentAnswer | null;
    /** The `code` of the problem answer built for this request (problem.ts), for the request roll-ups. */
    problemCode: string | undefined;
    /** The version `answerCachedRead` read for an out-of-date cached answer, handed on to its route (conditional.ts). */
    versionRead: { reader: () => Promise<string>; version: string } | undefined;
  };
};
