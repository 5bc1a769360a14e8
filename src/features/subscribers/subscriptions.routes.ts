/**
 * `/v1/subscriptions` (double opt-in, the subscriber's own view, delete everything) and
 * `/v1/unsubscribe/{token}` (RFC 8058 one-click). Link routes answer small HTML pages on GET and
 * act on POST; an unknown, expired or used link answers a 404 problem.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Forbidden } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { buttonPage, messagePage, page, PAGE_CSP } from './pages.ts';
import type { SubscriptionsService } from './subscriptions.service.ts';
import { html } from '../../platform/html.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const linkGone = problemResponse('The link is unknown, has expired or was already used.');

const token = (prefix: 'cqc_' | 'cqm_' | 'cqu_', what: string) =>
  z.object({
    token: z
      .string()
      .regex(new RegExp(`^${prefix}[0-9a-hjkmnp-tv-z]{32}$`), `must be a ${what} token from an e-mail link`)
      .openapi({
        param: { name: 'token', in: 'path' },
        description: `The ${what} token of the link.`,
        example: `${prefix}${'0'.repeat(32)}`,
      }),
  });

const SubscribeBody = z
  .object({
    address: z.email().max(254).openapi({ example: 'collector@example.com' }),
    digest: z.boolean().optional().openapi({ description: 'One daily digest e-mail instead of one per alert.' }),
  })
  .strict()
  .openapi('SubscribeRequest');

const Accepted = z
  .object({ status: z.literal('accepted'), detail: z.string() })
  .openapi('SubscriptionAccepted', { description: 'The same answer whatever the address’s state.' });

const Subscriber = z
  .object({
    address: z.string(),
    status: z.enum(['pending', 'confirmed', 'unsubscribed']),
    digest: z.boolean(),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
  })
  .openapi('Subscriber');

const Confirmed = Subscriber.extend({
  manage_token: z.string().openapi({
    description:
      'Shown once: send as `Authorization: Bearer cqm_…` to manage alerts. Only its digest is stored; every alert e-mail carries a fresh manage link.',
  }),
}).openapi('ConfirmedSubscriber');

export const subscribeRoute = defineRoute(
  { access: 'public', idempotent: true, limit: 'alert-creation' },
  {
    method: 'post',
    path: '/v1/subscriptions',
    tags: ['subscriptions'],
    summary: 'Subscribe an e-mail address (double opt-in: a confirmation e-mail is sent; the answer reveals nothing)',
    request: { body: { required: true, content: { 'application/json': { schema: SubscribeBody } } } },
    responses: { 202: { description: 'Accepted.', ...json(Accepted) } },
  },
);

export const confirmPageRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/subscriptions/confirm/{token}',
    tags: ['subscriptions'],
    summary: 'The confirmation page (a button; the GET changes nothing)',
    request: { params: token('cqc_', 'confirm') },
    responses: { 200: htmlPage('A page with a confirm button.'), 404: linkGone },
  },
);

export const confirmRoute = defineRoute(
  { access: 'public' },
  {
    method: 'post',
    path: '/v1/subscriptions/confirm/{token}',
    tags: ['subscriptions'],
    summary: 'Confirm the subscription; answers the manage token once',
    request: { params: token('cqc_', 'confirm') },
    responses: { 200: { description: 'Confirmed.', ...json(Confirmed) }, 404: linkGone },
  },
);

export const getMeRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/subscriptions/me',
    tags: ['subscriptions'],
    summary: 'The subscriber calling with its manage token: address, status, digest',
    responses: { 200: { description: 'The subscriber.', ...json(Subscriber) } },
  },
);

export const patchMeRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'patch',
    path: '/v1/subscriptions/me',
    tags: ['subscriptions'],
    summary: 'Choose a daily digest or one e-mail per alert',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ digest: z.boolean() }).strict().openapi('SubscriberPatch'),
          },
        },
      },
    },
    responses: { 200: { description: 'Changed.', ...json(Subscriber) } },
  },
);

export const deleteMeRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'delete',
    path: '/v1/subscriptions/me',
    tags: ['subscriptions'],
    summary: 'Delete everything about the address (rules, endpoints, deliveries, tokens, events)',
    responses: { 204: { description: 'Deleted.' } },
  },
);

export const managePageRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/subscriptions/manage/{token}',
    tags: ['subscriptions'],
    summary: 'The manage page an alert e-mail links to',
    request: { params: token('cqm_', 'manage') },
    responses: { 200: htmlPage('The subscription and a delete-everything button.'), 404: linkGone },
  },
);

export const forgetPageRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/subscriptions/forget/{token}',
    tags: ['subscriptions'],
    summary: 'The delete-everything page (a button; the GET changes nothing)',
    request: { params: token('cqm_', 'manage') },
    responses: { 200: htmlPage('A page with a delete button.'), 404: linkGone },
  },
);

export const forgetRoute = defineRoute(
  { access: 'public' },
  {
    method: 'post',
    path: '/v1/subscriptions/forget/{token}',
    tags: ['subscriptions'],
    summary: 'Delete everything about the address the manage link names',
    request: { params: token('cqm_', 'manage') },
    responses: { 200: htmlPage('Deleted.'), 404: linkGone },
  },
);

export const unsubscribePageRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/unsubscribe/{token}',
    tags: ['subscriptions'],
    summary: 'The unsubscribe page (a button; the GET changes nothing)',
    request: { params: token('cqu_', 'unsubscribe') },
    responses: { 200: htmlPage('A page with an unsubscribe button.'), 404: linkGone },
  },
);

export const unsubscribeRoute = defineRoute(
  { access: 'public' },
  {
    method: 'post',
    path: '/v1/unsubscribe/{token}',
    tags: ['subscriptions'],
    summary: 'RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click` or empty; no login; idempotent)',
    request: { params: token('cqu_', 'unsubscribe') },
    responses: { 200: htmlPage('Unsubscribed (also on a repeat).'), 404: linkGone },
  },
);

function by(c: Context<AppEnv>) {
  return { requestId: c.get('requestId'), ip: c.get('clientIp') };
}

/** The subscriber principal of the caller; other owners (portfolios, operators) have no subscription. */
function subscriberOf(c: Context<AppEnv>): string {
  const principal = c.get('principal');
  if (principal?.kind !== 'subscriber' || !principal.ownerId)
    throw new Forbidden('This route needs a subscriber’s manage token (Authorization: Bearer cqm_…).');
  return principal.ownerId;
}

function sendPage(c: Context<AppEnv>, body: string) {
  c.header('Content-Security-Policy', PAGE_CSP);
  return c.html(body, 200, NO_STORE);
}

export function subscriptionRoutes(service: SubscriptionsService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(subscribeRoute, async (c) => {
    const body = c.req.valid('json');
    await service.subscribe(body.address, body.digest ?? false);
    return c.json(
      {
        status: 'accepted' as const,
        detail:
          'If this address can be subscribed, a confirmation e-mail is on its way; nothing is sent before it is confirmed.',
      },
      202,
      NO_STORE,
    );
  });
  app.openapi(confirmPageRoute, async (c) => {
    const { token } = c.req.valid('param');
    const s = await service.peekConfirm(token);
    return sendPage(
      c,
      buttonPage(
        'Confirm your subscription',
        `Confirm that ${s.address} wants cardquant price alerts. The next page shows your manage token once.`,
        c.req.path,
        'Confirm',
      ),
    ) as never;
  });
  app.openapi(confirmRoute, async (c) => {
    const { token } = c.req.valid('param');
    return c.json(await service.confirm(token, by(c)), 200, NO_STORE);
  });
  app.openapi(getMeRoute, async (c) => c.json(await service.get(subscriberOf(c)), 200, NO_STORE));
  app.openapi(patchMeRoute, async (c) => {
    const principalId = subscriberOf(c);
    return c.json(await service.setDigest(principalId, c.req.valid('json').digest, by(c)), 200, NO_STORE);
  });
  app.openapi(deleteMeRoute, async (c) => {
    await service.forget(subscriberOf(c), by(c));
    return c.body(null, 204);
  });
  app.openapi(managePageRoute, async (c) => {
    const { token } = c.req.valid('param');
    const s = await service.peek(token, 'manage');
    const body = html`<p>
        Address: ${s.address}<br />Status: ${s.status}<br />E-mails: ${s.digest ? 'one daily digest' : 'one per alert'}
      </p>
      <p>
        This link's token is your manage token: send it as <code>Authorization: Bearer …</code> to the cardquant API to
        manage your alerts.
      </p>
      <form method="post" action="${c.req.path.replace('/manage/', '/forget/')}">
        <button type="submit">Delete everything about this address</button>
      </form>`;
    return sendPage(c, page('Your cardquant alerts', body)) as never;
  });
  app.openapi(forgetPageRoute, async (c) => {
    const { token } = c.req.valid('param');
    const s = await service.peek(token, 'manage');
    return sendPage(
      c,
      buttonPage(
        'Delete everything about this address',
        `This deletes ${s.address}, its alert rules, endpoints and every e-mail record. It cannot be undone.`,
        c.req.path,
        'Delete everything',
      ),
    ) as never;
  });
  app.openapi(forgetRoute, async (c) => {
    const { token } = c.req.valid('param');
    await service.forgetByToken(token, by(c));
    return sendPage(
      c,
      messagePage('Deleted', 'Everything about this address is deleted. You will get no more e-mail from us.'),
    ) as never;
  });
  app.openapi(unsubscribePageRoute, async (c) => {
    const { token } = c.req.valid('param');
    const s = await service.peek(token, 'unsubscribe');
    return sendPage(
      c,
      buttonPage('Unsubscribe', `Stop all cardquant alert e-mails to ${s.address}?`, c.req.path, 'Unsubscribe', true),
    ) as never;
  });
  app.openapi(unsubscribeRoute, async (c) => {
    const { token } = c.req.valid('param');
    await service.unsubscribe(token, by(c));
    return sendPage(
      c,
      messagePage('Unsubscribed', 'You will get no more alert e-mails. Subscribing again needs a new confirmation.'),
    ) as never;
  });
  return app;
}
