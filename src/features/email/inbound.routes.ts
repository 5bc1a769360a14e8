/**
 * `POST /v1/inbound/email/{resend,postmark}`: provider events. Each is authenticated by the
 * provider's own scheme (Resend: Svix signature; Postmark: HTTP Basic auth, constant time); a
 * missing or wrong one answers 401 and is audited (counted against the caller's failed
 * authentications, like any credential). A provider that is not configured answers 404.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError, Unauthorized, ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { tooManyRequests } from '../../platform/http/rate-limit.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import {
  basicAuthValid,
  parsePostmarkEvent,
  parseResendEvent,
  recordProviderEvent,
  svixFailure,
  type ProviderEvent,
} from './inbound.ts';

const Received = z
  .object({
    received: z.boolean(),
    duplicate: z.boolean().openapi({ description: 'The provider sent this event before; nothing changed.' }),
    ignored: z.boolean().openapi({ description: 'Not an event this API acts on.' }),
  })
  .openapi('InboundEmailEvent');

const responses = {
  200: { description: 'Stored (or a repeat).', content: { 'application/json': { schema: Received } } },
  401: problemResponse('Unsigned, badly signed or wrong credentials.'),
  404: problemResponse('This provider is not configured.'),
};

export const resendInboundRoute = defineRoute(
  { access: 'public', rateLimit: false },
  {
    method: 'post',
    path: '/v1/inbound/email/resend',
    tags: ['inbound'],
    summary: 'Resend webhook events (Svix-signed with RESEND_WEBHOOK_SECRET)',
    responses,
  },
);

export const postmarkInboundRoute = defineRoute(
  { access: 'public', rateLimit: false },
  {
    method: 'post',
    path: '/v1/inbound/email/postmark',
    tags: ['inbound'],
    summary: 'Postmark webhook events (HTTP Basic auth POSTMARK_WEBHOOK_USER / PASSWORD)',
    responses,
  },
);

class InboundNotConfigured extends AppError {
  constructor(provider: string) {
    super(404, 'inbound_not_configured', `Events from ${provider} are not accepted here (not configured).`);
  }
}

/** A refused inbound request: counted per IP like any failed authentication, audited, 401. */
async function refuse(c: Context<AppEnv>, provider: string, reason: string): Promise<never> {
  const platform = c.get('platform');
  const decision = await platform.rateLimits.authFailed(c.get('clientIp'));
  if (!decision.allowed) throw tooManyRequests(decision.headers);
  await platform.audit.record({
    actor: 'anonymous',
    action: 'inbound.auth_failure',
    target: provider,
    result: 'failure',
    requestId: c.get('requestId'),
    ip: c.get('clientIp'),
    detail: { reason },
  });
  throw new Unauthorized(`The ${provider} event is not authenticated.`, 'invalid_signature');
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationFailed([{ field: 'body', message: 'is not JSON' }]);
  }
}

export interface InboundDeps {
  database: Database;
  clock: Clock;
  newId: (prefix: IdPrefix) => string;
  config: Config;
}

export function inboundEmailRoutes(deps: InboundDeps): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const store = async (c: Context<AppEnv>, provider: 'resend' | 'postmark', event: ProviderEvent | null) => {
    if (!event) return c.json({ received: true, duplicate: false, ignored: true }, 200);
    const fresh = await recordProviderEvent(deps.database.db, deps, provider, event);
    return c.json({ received: true, duplicate: !fresh, ignored: false }, 200);
  };

  app.openapi(resendInboundRoute, async (c) => {
    const secret = deps.config.RESEND_WEBHOOK_SECRET;
    if (!secret) throw new InboundNotConfigured('resend');
    const body = await c.req.text();
    const headers = {
      id: c.req.header('svix-id'),
      timestamp: c.req.header('svix-timestamp'),
      signature: c.req.header('svix-signature'),
    };
    const failure = svixFailure(secret, headers, body, deps.clock.now());
    if (failure) await refuse(c, 'resend', failure);
    return store(c, 'resend', parseResendEvent(headers.id!, parseBody(body))) as never;
  });

  app.openapi(postmarkInboundRoute, async (c) => {
    const { POSTMARK_WEBHOOK_USER: user, POSTMARK_WEBHOOK_PASSWORD: password } = deps.config;
    if (!user || !password) throw new InboundNotConfigured('postmark');
    if (!basicAuthValid(c.req.header('Authorization'), user, password)) await refuse(c, 'postmark', 'bad_basic_auth');
    return store(c, 'postmark', parsePostmarkEvent(parseBody(await c.req.text()))) as never;
  });
  return app;
}
