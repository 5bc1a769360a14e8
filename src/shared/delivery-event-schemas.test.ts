/**
 * docs/WEBHOOKS.md publishes the JSON Schemas of the delivery events: the document must equal
 * what `z.toJSONSchema` makes of the schemas in code, its examples must validate, and payloads
 * stay under the 20 KB a webhook carries. Its retry statement must match the default schedule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleAlert } from '#test/webhook-fixtures.ts';
import { loadConfig } from '../config.ts';
import { minimumRetrySpanMs } from '../platform/outbox/outbox.ts';
import { deliveryEventSchemas, publishedSchema } from './delivery-event-schemas.ts';
import type { DeliveryEvent } from './delivery-events.ts';

const DOC = readFileSync(new URL('../../docs/WEBHOOKS.md', import.meta.url), 'utf8');
const MAX_PAYLOAD_BYTES = 20 * 1024;

/** The JSON block after each `<!-- <marker>: <type> -->` comment. */
function blocks(marker: 'schema' | 'example'): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const pattern = new RegExp(`<!-- ${marker}: ([a-z.]+) -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``, 'g');
  for (const m of DOC.matchAll(pattern)) found.set(m[1]!, JSON.parse(m[2]!));
  return found;
}

describe('published event schemas', () => {
  it('docs/WEBHOOKS.md holds the JSON Schema of every event type, equal to the code', () => {
    const published = blocks('schema');
    expect([...published.keys()]).toEqual(Object.keys(deliveryEventSchemas));
    for (const [type, schema] of published) expect(schema, type).toEqual(publishedSchema(type as never));
  });

  it('its examples validate, and alert.triggered and test.ping are among them', () => {
    const examples = blocks('example');
    expect([...examples.keys()].sort()).toEqual(['alert.triggered', 'test.ping']);
    for (const [type, example] of examples) {
      const parsed = deliveryEventSchemas[type as keyof typeof deliveryEventSchemas].safeParse(example);
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('refuses payloads that do not fit the schema', () => {
    const bad = { type: 'alert.triggered', timestamp: 'x', data: { ...sampleAlert(), kind: 'price_sideways' } };
    expect(deliveryEventSchemas['alert.triggered'].safeParse(bad).success).toBe(false);
    expect(deliveryEventSchemas['test.ping'].safeParse({ type: 'test.ping', timestamp: 'x', data: {} }).success).toBe(
      false,
    );
  });

  it('keeps large but valid payloads under 20 KB (a 1000-character note, a digest of 20 alerts)', () => {
    const alert = sampleAlert({
      note: 'n'.repeat(1000),
      card: { ...sampleAlert().card, name: 'N'.repeat(200), image_url: `https://images.example/${'i'.repeat(300)}` },
      signal: { previous: 'HOLD', action: 'BUY' },
    });
    const samples: DeliveryEvent[] = [
      { type: 'alert.triggered', timestamp: '2026-12-06T06:05:12.000Z', data: alert },
      {
        type: 'test.ping',
        timestamp: '2026-12-06T06:05:12.000Z',
        data: { endpoint_id: 'whe_01JDX8M3Q5W7ZK2N4R6T8V0B1C' },
      },
      {
        type: 'alert.digest',
        timestamp: '2026-12-06T07:00:00.000Z',
        data: { date: '2026-12-05', alerts: Array.from({ length: 20 }, () => sampleAlert({ note: 'n'.repeat(200) })) },
      },
      {
        type: 'endpoint.disabled',
        timestamp: '2026-12-06T07:00:00.000Z',
        data: {
          endpoint_id: 'whe_1',
          host: 'hooks.example.com',
          reason: 'the receiver answered 410 Gone',
          failing_since: null,
        },
      },
    ];
    for (const event of samples) {
      expect(deliveryEventSchemas[event.type].safeParse(event).success, event.type).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(event)), event.type).toBeLessThan(MAX_PAYLOAD_BYTES);
    }
  });

  it('states the default retry span the schedule gives', () => {
    const c = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
    const hours =
      minimumRetrySpanMs({
        maxAttempts: c.DELIVERY_MAX_ATTEMPTS,
        baseMs: c.DELIVERY_BACKOFF_BASE_SECONDS * 1000,
        maxDelayMs: c.DELIVERY_BACKOFF_MAX_HOURS * 3_600_000,
      }) / 3_600_000;
    expect(DOC).toContain(`${c.DELIVERY_MAX_ATTEMPTS} attempts over at least **${hours.toFixed(1)} hours**`);
    expect(hours).toBeGreaterThanOrEqual(72);
  });
});
