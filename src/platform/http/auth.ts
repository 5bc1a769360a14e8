/**
 * Authentication runs once per request and sets `principal`; each route then states what it
 * needs with `requireAccess`. Credentials that are present but wrong are refused even on public
 * routes, so a broken client learns at once. Every failure is audited until the IP has used up
 * its failures for the window; after that failures answer 429 while valid credentials still pass.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Forbidden, Unauthorized } from '../errors.ts';
import { roleRank, type Access, type AppEnv, type Principal } from './context.ts';
import { tooManyRequests } from './rate-limit.ts';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/;

/** Audits a refused request; an audit failure is logged, never turned into a 500. */
async function auditRefusal(
  c: Context<AppEnv>,
  action: 'auth.failure' | 'auth.forbidden',
  reason: string,
): Promise<void> {
  const platform = c.get('platform');
  const principal = c.get('principal');
  try {
    await platform.audit.record({
      actor: principal?.actor ?? 'anonymous',
      role: principal?.role ?? null,
      action,
      result: 'failure',
      requestId: c.get('requestId'),
      ip: c.get('clientIp'),
      detail: { reason, method: c.req.method, route: c.req.routePath },
    });
  } catch (err) {
    platform.log.error(
      { err: { message: (err as Error).message }, requestId: c.get('requestId') },
      'audit write failed',
    );
  }
}

/**
 * A failed authentication: counted per IP; past the IP's allowance for the window it is answered
 * 429 (and no longer audited, so a guesser cannot flood the audit log). Valid credentials from
 * the same IP are never refused by this count.
 */
async function refuse(c: Context<AppEnv>, reason: string): Promise<never> {
  const decision = await c.get('platform').rateLimits.authFailed(c.get('clientIp'));
  if (!decision.allowed) throw tooManyRequests(decision.headers);
  await auditRefusal(c, 'auth.failure', reason);
  throw new Unauthorized('The credentials given are not valid.', 'invalid_credentials');
}

/** Prefix of a subscriber's manage token (the other bearer tokens are API keys and admin tokens). */
export const MANAGE_TOKEN_PREFIX = 'cqm_';

/** Routes that authenticate their callers themselves (e-mail providers' event webhooks). */
export const INBOUND_PREFIX = '/v1/inbound/';

/** The principal that owns the operators' alert channels (webhook endpoints, rules). */
export const OPERATORS_PRINCIPAL = 'prn_operators';

/**
 * The owner of alert rules and webhook endpoints a caller acts for: its portfolio's or
 * subscriber's principal, or the operators' principal for a caller with the operator role; null
 * for anyone else.
 */
export function ownerOf(principal: Principal | null): string | null {
  if (!principal) return null;
  if (principal.kind === 'portfolio' || principal.kind === 'subscriber') return principal.ownerId;
  return principal.role !== null && roleRank[principal.role] >= roleRank.operator ? OPERATORS_PRINCIPAL : null;
}

async function resolveBearer(c: Context<AppEnv>, header: string): Promise<void> {
  const match = BEARER.exec(header);
  if (!match) await refuse(c, 'not_bearer');
  const token = match![1]!;
  const platform = c.get('platform');
  const outcome = token.startsWith(MANAGE_TOKEN_PREFIX)
    ? await platform.subscriberAuthenticator.verifyManageToken(token)
    : await platform.authenticator.verifyBearer(token);
  if (!outcome.ok) await refuse(c, outcome.reason);
  else c.set('principal', outcome.principal);
}

async function resolvePortfolio(c: Context<AppEnv>, id: string | undefined, secret: string | undefined): Promise<void> {
  if (id === undefined || secret === undefined) await refuse(c, 'incomplete_portfolio_credentials');
  const outcome = await c.get('platform').portfolioAuthenticator.verifyPortfolio(id!, secret!);
  if (!outcome.ok) await refuse(c, outcome.reason);
  else {
    c.set('principal', outcome.principal);
    c.set('portfolioSession', outcome.session);
  }
}

/**
 * Global middleware: resolves `Authorization: Bearer …` or the `X-Portfolio-Id` +
 * `X-Portfolio-Secret` pair into a principal (or null). Both kinds at once, or half a pair, are
 * refused rather than guessed at.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set('principal', null);
    c.set('portfolioSession', null);
    // Providers' event webhooks carry their own credentials (HTTP Basic, signatures), checked by the route.
    if (c.req.path.startsWith(INBOUND_PREFIX)) return next();
    const header = c.req.header('Authorization');
    const portfolioId = c.req.header('X-Portfolio-Id');
    const portfolioSecret = c.req.header('X-Portfolio-Secret');
    const portfolio = portfolioId !== undefined || portfolioSecret !== undefined;
    if (header !== undefined || portfolio) {
      if (!portfolio) await resolveBearer(c, header!);
      else if (header !== undefined) await refuse(c, 'mixed_credentials');
      else await resolvePortfolio(c, portfolioId, portfolioSecret);
    }
    await next();
  };
}

/**
 * Route middleware: the caller must hold `access` (a role at least that high, or a portfolio
 * capability). 401 without credentials, 403 with too little.
 */
export function requireAccess(access: Access): MiddlewareHandler<AppEnv> {
  return async function requireAccess(c, next) {
    if (access !== 'public') {
      const principal = c.get('principal');
      if (!principal) {
        await auditRefusal(c, 'auth.failure', 'missing_credentials');
        throw new Unauthorized();
      }
      const allowed =
        access === 'portfolio'
          ? principal.kind === 'portfolio'
          : access === 'owner'
            ? ownerOf(principal) !== null
            : principal.role !== null && roleRank[principal.role] >= roleRank[access];
      if (!allowed) {
        await auditRefusal(c, 'auth.forbidden', `needs_${access}`);
        throw new Forbidden(
          access === 'portfolio'
            ? 'This route needs portfolio credentials.'
            : access === 'owner'
              ? 'This route needs portfolio credentials, a manage token or the operator role.'
              : `This route needs the ${access} role.`,
        );
      }
    }
    await next();
  };
}
