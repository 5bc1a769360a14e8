/**
 * The delivery events (delivery-events.ts) as zod schemas: what docs/WEBHOOKS.md publishes as
 * JSON Schemas (`z.toJSONSchema`; a test keeps the document equal to them) and what a test
 * checks sample payloads against. Each schema is typed against its interface, so the two cannot
 * drift apart.
 */
import { z } from 'zod';
import type {
  AlertDigestEvent,
  AlertTriggeredData,
  AlertTriggeredEvent,
  EndpointDisabledEvent,
  SloAlertEvent,
  SubscriberConfirmEvent,
  TestPingEvent,
} from './delivery-events.ts';

const instant = z.string().describe('ISO-8601 UTC instant');
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('UTC calendar date');

const AlertTriggeredDataSchema: z.ZodType<AlertTriggeredData> = z
  .object({
    alert_id: z.string(),
    firing_id: z.string(),
    kind: z.enum(['price_above', 'price_below', 'change_above', 'change_below', 'signal_change']),
    note: z.string().nullable(),
    card: z.object({
      id: z.string(),
      name: z.string(),
      set_id: z.string(),
      number: z.string(),
      image_url: z.string().nullable(),
    }),
    printing: z.object({ id: z.string(), finish: z.string().nullable() }),
    market: z.string(),
    as_of: date.describe('The market date of the price or signal that fired the alert'),
    price: z.number().nullable().describe('Major units of `currency`'),
    currency: z.string().nullable(),
    threshold: z.number().nullable().describe('A price (price kinds, in `currency`) or a percent (change kinds)'),
    window_days: z.number().int().nullable(),
    change_pct: z.number().nullable().describe('Percent, rounded to 4 decimals'),
    from_date: date.nullable(),
    from_price: z.number().nullable(),
    signal: z.object({ previous: z.string().nullable(), action: z.string().nullable() }).nullable(),
  })
  .strict();

export const AlertTriggeredEventSchema: z.ZodType<AlertTriggeredEvent> = z
  .object({ type: z.literal('alert.triggered'), timestamp: instant, data: AlertTriggeredDataSchema })
  .strict();

export const AlertDigestEventSchema: z.ZodType<AlertDigestEvent> = z
  .object({
    type: z.literal('alert.digest'),
    timestamp: instant,
    data: z
      .object({
        date,
        alerts: z.array(AlertTriggeredDataSchema),
        omitted: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Older firings this digest includes without listing them (absent: none)'),
      })
      .strict(),
  })
  .strict();

export const TestPingEventSchema: z.ZodType<TestPingEvent> = z
  .object({ type: z.literal('test.ping'), timestamp: instant, data: z.object({ endpoint_id: z.string() }).strict() })
  .strict();

export const SubscriberConfirmEventSchema: z.ZodType<SubscriberConfirmEvent> = z
  .object({
    type: z.literal('subscriber.confirm'),
    timestamp: instant,
    data: z.object({ address: z.string() }).strict(),
  })
  .strict();

export const EndpointDisabledEventSchema: z.ZodType<EndpointDisabledEvent> = z
  .object({
    type: z.literal('endpoint.disabled'),
    timestamp: instant,
    data: z
      .object({ endpoint_id: z.string(), host: z.string(), reason: z.string(), failing_since: instant.nullable() })
      .strict(),
  })
  .strict();

const sloAlertSchema = (type: SloAlertEvent['type']): z.ZodType<SloAlertEvent> =>
  z
    .object({
      type: z.literal(type),
      timestamp: instant,
      data: z
        .object({
          slo: z.string(),
          sli: z.string(),
          severity: z.enum(['page', 'ticket']),
          target: z.number(),
          since: instant,
          budget_remaining: z.number(),
          burn_rates: z.array(z.object({ window_minutes: z.number().int(), rate: z.number() }).strict()),
        })
        .strict(),
    })
    .strict();

export const SloFiringEventSchema = sloAlertSchema('slo.firing');
export const SloResolvedEventSchema = sloAlertSchema('slo.resolved');

/** Every event type with its schema, in the order docs/WEBHOOKS.md lists them. */
export const deliveryEventSchemas = {
  'alert.triggered': AlertTriggeredEventSchema,
  'test.ping': TestPingEventSchema,
  'alert.digest': AlertDigestEventSchema,
  'endpoint.disabled': EndpointDisabledEventSchema,
  'subscriber.confirm': SubscriberConfirmEventSchema,
  'slo.firing': SloFiringEventSchema,
  'slo.resolved': SloResolvedEventSchema,
} as const;

/**
 * The JSON Schema docs/WEBHOOKS.md publishes for an event type.
 *
 * @example
 * publishedSchema('test.ping').properties.type; // { type: 'string', const: 'test.ping' }
 */
export function publishedSchema(type: keyof typeof deliveryEventSchemas): Record<string, unknown> & {
  properties: Record<string, unknown>;
} {
  return z.toJSONSchema(deliveryEventSchemas[type], { target: 'draft-2020-12' }) as never;
}
