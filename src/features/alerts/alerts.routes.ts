/**
 * `/v1/alerts`: an owner's alert rules (docs/METHODS.md, "Alert conditions"). Callers are owners
 * (portfolio credentials, a subscriber's manage token, or the operator role); each sees only its
 * own rules, another owner's id answers 404.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isoInstant } from '../../platform/clock.ts';
import { ownerOf } from '../../platform/http/auth.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { AmountSchema, CurrencySchema } from '../portfolios/money.ts';
import type { AlertsService, Owner } from './alerts.service.ts';

const KINDS = ['price_above', 'price_below', 'change_above', 'change_below', 'signal_change'] as const;
const CHANNELS = ['email', 'webhook', 'discord'] as const;
const ACTIONS = ['BUY', 'HOLD', 'SELL'] as const;

const AlertId = z
  .string()
  .min(1)
  .max(100)
  .openapi({ param: { name: 'id', in: 'path' }, example: 'alr_01JD8X2Q8KZ6M3N4P5R6S7T8V9' });

const ChangePct = z.number().positive().max(100_000).openapi({ description: 'Percent (positive).', example: 10 });
const WindowDays = z
  .union([z.literal(1), z.literal(7), z.literal(30)])
  .openapi({ description: 'Days of the change (1, 7 or 30).', example: 7 });
const Note = z.string().max(200).nullable().openapi({ example: 'sell half' });
const EndpointId = z.string().min(1).max(100).openapi({ example: 'whe_01JD8X2Q8KZ6M3N4P5R6S7T8V9' });

const AlertRuleSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KINDS),
    printing_id: z.string().nullable().openapi({ example: 'base1-4.holofoil' }),
    card_id: z.string().nullable().openapi({ description: "A card rule follows its card's headline printing." }),
    subject: z
      .object({ card_id: z.string(), name: z.string() })
      .nullable()
      .openapi({
        description:
          "The card the rule is about (a printing rule's card) with its name; null once it left the catalogue.",
        example: { card_id: 'base1-4', name: 'Charizard' },
      }),
    market: z.string().openapi({ example: 'tcgplayer' }),
    threshold: z.number().nullable().openapi({ description: 'Price kinds: major units of `currency`.', example: 400 }),
    currency: z.string().nullable().openapi({ example: 'USD' }),
    change_pct: z.number().nullable().openapi({ description: 'Change kinds: percent.' }),
    window_days: z.number().int().nullable(),
    action: z
      .string()
      .nullable()
      .openapi({ description: 'signal_change: the action that fires it; null: any change.' }),
    channel: z.enum(CHANNELS),
    endpoint_id: z.string().nullable(),
    note: z.string().nullable(),
    status: z.enum(['active', 'paused']),
    snoozed_until: z.string().nullable(),
    state: z.enum(['armed', 'fired']).openapi({ description: '`fired` waits until the condition is false again.' }),
    last_evaluated_on: z.string().nullable(),
    last_fired_at: z.string().nullable(),
    fired_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('AlertRule');

const AlertFiringSchema = z
  .object({
    id: z.string(),
    fired_at: z.string(),
    as_of: z.string().openapi({ description: 'Market date of the price or signal that fired it.' }),
    market: z.string(),
    price: z.number().nullable().openapi({ description: 'Major units of `currency`.' }),
    currency: z.string().nullable(),
    change_pct: z.number().nullable(),
    from_date: z.string().nullable(),
    from_price: z.number().nullable(),
    previous_action: z.string().nullable(),
    action: z.string().nullable(),
  })
  .openapi('AlertFiring');

const CreateBody = z
  .object({
    printing_id: z.string().min(1).max(200).optional().openapi({ example: 'base1-4.holofoil' }),
    card_id: z.string().min(1).max(200).optional(),
    kind: z.enum(KINDS),
    market: z.enum(['tcgplayer', 'cardmarket']).default('tcgplayer'),
    threshold: AmountSchema.optional(),
    currency: CurrencySchema.optional(),
    change_pct: ChangePct.optional(),
    window_days: WindowDays.optional(),
    action: z.enum(ACTIONS).nullable().optional(),
    channel: z.enum(CHANNELS),
    endpoint_id: EndpointId.optional(),
    note: Note.optional(),
  })
  .strict()
  .openapi('AlertRuleCreate');

const PatchBody = z
  .object({
    threshold: AmountSchema.optional(),
    change_pct: ChangePct.optional(),
    window_days: WindowDays.optional(),
    action: z.enum(ACTIONS).nullable().optional(),
    channel: z.enum(CHANNELS).optional(),
    endpoint_id: EndpointId.nullable().optional(),
    note: Note.optional(),
    status: z.enum(['active', 'paused']).optional(),
  })
  .strict()
  .openapi('AlertRulePatch');

const SnoozeBody = z
  .union([
    z.object({ until: z.iso.datetime({ offset: true }).nullable() }).strict(),
    z.object({ hours: z.number().positive().max(8_760) }).strict(),
  ])
  .openapi('AlertSnooze', { description: '`{until}` (an instant; null wakes the rule) or `{hours}` from now.' });

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const notFound = problemResponse('No such alert rule of this owner (alert_not_found).');

export const createAlertRoute = defineRoute(
  { access: 'owner', idempotent: true, limit: 'alert-creation' },
  {
    method: 'post',
    path: '/v1/alerts',
    tags: ['alerts'],
    summary: 'Create an alert rule',
    request: { body: { required: true, content: json(CreateBody) } },
    responses: {
      201: { description: 'Created, armed.', content: json(AlertRuleSchema) },
      404: problemResponse(
        'No such printing, card or endpoint (printing_not_found, card_not_found, endpoint_not_found).',
      ),
      409: problemResponse('The owner already holds ALERT_RULES_PER_OWNER rules (alert_rule_limit).'),
    },
  },
);

export const listAlertsRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/alerts',
    tags: ['alerts'],
    summary: "The caller's alert rules, oldest first",
    request: { query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of rules.',
        content: json(z.object({ items: z.array(AlertRuleSchema), next_cursor: z.string().nullable() })),
      },
    },
  },
);

export const getAlertRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/alerts/{id}',
    tags: ['alerts'],
    summary: 'One alert rule',
    request: { params: z.object({ id: AlertId }) },
    responses: { 200: { description: 'The rule.', content: json(AlertRuleSchema) }, 404: notFound },
  },
);

export const patchAlertRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'patch',
    path: '/v1/alerts/{id}',
    tags: ['alerts'],
    summary: 'Edit, pause or resume an alert rule (an edited condition re-arms it)',
    request: { params: z.object({ id: AlertId }), body: { required: true, content: json(PatchBody) } },
    responses: {
      200: { description: 'The rule after the edit.', content: json(AlertRuleSchema) },
      404: problemResponse('No such alert rule of this owner, or no such endpoint.'),
    },
  },
);

export const deleteAlertRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'delete',
    path: '/v1/alerts/{id}',
    tags: ['alerts'],
    summary: 'Delete an alert rule and its firings',
    request: { params: z.object({ id: AlertId }) },
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
  },
);

export const snoozeAlertRoute = defineRoute(
  { access: 'owner', idempotent: true },
  {
    method: 'post',
    path: '/v1/alerts/{id}/snooze',
    tags: ['alerts'],
    summary: 'Snooze an alert rule until an instant or for some hours (`{until: null}` wakes it)',
    request: { params: z.object({ id: AlertId }), body: { required: true, content: json(SnoozeBody) } },
    responses: { 200: { description: 'The rule.', content: json(AlertRuleSchema) }, 404: notFound },
  },
);

export const alertFiringsRoute = defineRoute(
  { access: 'owner' },
  {
    method: 'get',
    path: '/v1/alerts/{id}/firings',
    tags: ['alerts'],
    summary: "A rule's firings, newest first, with the price, date and change that caused each",
    request: { params: z.object({ id: AlertId }), query: z.object(pageQuery) },
    responses: {
      200: {
        description: 'A page of firings.',
        content: json(z.object({ items: z.array(AlertFiringSchema), next_cursor: z.string().nullable() })),
      },
      404: notFound,
    },
  },
);

function ownerOfRequest(c: Context<AppEnv>): Owner {
  const principal = c.get('principal');
  // requireAccess('owner') already refused callers without an owner.
  return { id: ownerOf(principal)!, subscriber: principal?.kind === 'subscriber' };
}

async function audit(c: Context<AppEnv>, action: string, target: string, detail?: Record<string, unknown>) {
  const principal = c.get('principal');
  await c.get('platform').audit.record({
    actor: principal?.actor ?? 'anonymous',
    role: principal?.role ?? null,
    action,
    target,
    result: 'success',
    requestId: c.get('requestId'),
    ip: c.get('clientIp'),
    detail: { owner_id: ownerOf(principal), ...detail },
  });
}

export function alertsRoutes(alerts: AlertsService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(createAlertRoute, async (c) => {
    const rule = await alerts.create(ownerOfRequest(c), c.req.valid('json'));
    await audit(c, 'alert.create', rule.id, { kind: rule.kind, channel: rule.channel });
    return c.json(rule, 201);
  });
  app.openapi(listAlertsRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const rules = await alerts.list(ownerOfRequest(c).id, { limit: q.limit + 1, afterId: position?.id });
    return c.json(
      page(rules, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  app.openapi(getAlertRoute, async (c) => c.json(await alerts.get(ownerOfRequest(c).id, c.req.valid('param').id), 200));
  app.openapi(patchAlertRoute, async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const rule = await alerts.update(ownerOfRequest(c), id, patch);
    await audit(c, 'alert.update', id, { fields: Object.keys(patch) });
    return c.json(rule, 200);
  });
  app.openapi(deleteAlertRoute, async (c) => {
    const { id } = c.req.valid('param');
    await alerts.remove(ownerOfRequest(c).id, id);
    await audit(c, 'alert.delete', id);
    return c.body(null, 204);
  });
  app.openapi(snoozeAlertRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const until =
      'hours' in body
        ? isoInstant(c.get('platform').clock.now() + Math.round(body.hours * 3_600_000))
        : body.until === null
          ? null
          : isoInstant(Date.parse(body.until));
    const rule = await alerts.snooze(ownerOfRequest(c).id, id, until);
    await audit(c, 'alert.snooze', id, { until });
    return c.json(rule, 200);
  });
  app.openapi(alertFiringsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const firings = await alerts.firings(ownerOfRequest(c).id, id, { limit: q.limit + 1, beforeId: position?.id });
    return c.json(
      page(firings, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  return app;
}
