/**
 * Authentication runs once per request and sets `principal`; each route then states what it
 * needs with `requireAccess`. Credentials that are present but wrong are refused even on public
 * routes, so a broken client learns at once. Every failure is audited.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Forbidden, Unauthorized } from '../errors.ts';
import { roleRank, type Access, type AppEnv } from './context.ts';
import { tooManyRequests } from './rate-limit.ts';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/;

async function refuse(c: Context<AppEnv>, reason: string, detail: Record<string, unknown> = {}): Promise<never> {
  const platform = c.get('platform');
  await platform.rateLimits.authFailed(c.get('clientIp'));
  try {
    await platform.audit.record({
      actor: 'anonymous',
      action: 'auth.failure',
      result: 'failure',
      requestId: c.get('requestId'),
      ip: c.get('clientIp'),
      detail: { reason, route: c.req.path, ...detail },
    });
  } catch (err) {
    platform.log.error({ err: { message: (err as Error).message }, requestId: c.get('requestId') }, 'audit write failed');
  }
  throw new Unauthorized('The credentials given are not valid.', 'invalid_credentials');
}

/** Global middleware: resolves `Authorization: Bearer …` into a principal (or null). */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set('principal', null);
    const header = c.req.header('Authorization');
    if (header !== undefined) {
      const platform = c.get('platform');
      const gate = await platform.rateLimits.authAllowed(c.get('clientIp'));
      if (!gate.allowed) throw tooManyRequests(gate.headers);
      const match = BEARER.exec(header);
      if (!match) await refuse(c, 'not_bearer');
      const outcome = await platform.authenticator.verifyBearer(match![1]!);
      if (!outcome.ok) await refuse(c, outcome.reason);
      else c.set('principal', outcome.principal);
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
      if (!principal) throw new Unauthorized();
      if (access === 'portfolio') {
        if (principal.kind !== 'portfolio') throw new Forbidden('This route needs portfolio credentials.');
      } else if (!principal.role || roleRank[principal.role] < roleRank[access]) {
        throw new Forbidden(`This route needs the ${access} role.`);
      }
    }
    await next();
  };
}
