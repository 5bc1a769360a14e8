/**
 * Delivery load on loopback, shared by the crash-safety test and bench/delivery.ts: a webhook
 * endpoint (sealed with the data key the worker processes share) pointing at a receiver that
 * verifies every request with the `standardwebhooks` package and records it, and N deliveries
 * (`test.ping` and `alert.triggered`, each body unique) written to the outbox.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, sealColumn } from '../src/features/webhooks/endpoint-secrets.ts';
import { insertEndpoint } from '../src/features/webhooks/endpoints.repo.ts';
import { isoInstant } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { OPERATORS_PRINCIPAL } from '../src/platform/http/auth.ts';
import { insertDelivery } from '../src/platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../src/platform/secret-box.ts';
import type { AlertTriggeredEvent, TestPingEvent } from '../src/shared/delivery-events.ts';

export interface Arrival {
  webhookId: string;
  body: string;
  /** performance.timeOrigin + performance.now() when the request ended. */
  atMs: number;
}

export interface CountingReceiver {
  port: number;
  url: string;
  arrivals: Arrival[];
  /** Requests whose signature did not verify (must stay empty). */
  unverified: string[];
  /** The endpoint's signing secret every request is verified with (set once the endpoint exists). */
  secret: string;
  /** While true, requests are recorded but not answered (a receiver that hangs). */
  hold: boolean;
  /** Distinct webhook-ids seen. */
  readonly unique: number;
  /** Resolves once `predicate` holds (checked after every request). */
  until(predicate: (r: CountingReceiver) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** A receiver answering 200 at once, verifying each request against its `secret`. */
export async function startCountingReceiver(): Promise<CountingReceiver> {
  const ids = new Set<string>();
  const waiters: { predicate: (r: CountingReceiver) => boolean; resolve: () => void }[] = [];
  const arrivals: Arrival[] = [];
  const unverified: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhookId = String(req.headers['webhook-id']);
      try {
        new Webhook(receiver.secret).verify(body, {
          'webhook-id': webhookId,
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
      } catch {
        unverified.push(webhookId);
      }
      arrivals.push({ webhookId, body, atMs: performance.timeOrigin + performance.now() });
      ids.add(webhookId);
      if (!receiver.hold) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      }
      for (const w of [...waiters]) {
        if (w.predicate(receiver)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: CountingReceiver = {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    unverified,
    secret: '',
    hold: false,
    get unique() {
      return ids.size;
    },
    until: (predicate) =>
      predicate(receiver) ? Promise.resolve() : new Promise((resolve) => waiters.push({ predicate, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

/** Creates the operators' endpoint for `receiverUrl` (sealed with `box`); returns its id and signing secret. */
export async function createLoadEndpoint(
  database: Database,
  box: SecretBox,
  receiverUrl: string,
): Promise<{ endpointId: string; secret: string }> {
  const endpointId = `whe_load_${Date.now().toString(36)}`;
  const secret = newSigningSecret();
  const now = isoInstant(Date.now());
  await insertEndpoint(database.db, {
    id: endpointId,
    owner_id: OPERATORS_PRINCIPAL,
    kind: 'standard',
    url_sealed: sealColumn(box, endpointId, 'url_sealed', receiverUrl),
    host: new URL(receiverUrl).host,
    description: 'delivery load',
    secret_sealed: sealColumn(box, endpointId, 'secret_sealed', secret),
    previous_secret_sealed: null,
    previous_secret_until: null,
    status: 'enabled',
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  });
  return { endpointId, secret };
}

/**
 * Writes deliveries `from`…`from + n - 1` to the endpoint, half `test.ping` and half
 * `alert.triggered`, 100 per transaction; `triggered_at` is the moment of the write.
 */
export async function enqueueLoad(database: Database, endpointId: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i += 100) {
    await database.db.transaction().execute(async (trx) => {
      for (let j = i; j < Math.min(from + n, i + 100); j++) {
        const now = isoInstant(Date.now());
        const event: TestPingEvent | AlertTriggeredEvent =
          j % 2 === 0
            ? { type: 'test.ping', timestamp: now, data: { endpoint_id: endpointId } }
            : {
                type: 'alert.triggered',
                timestamp: now,
                data: {
                  alert_id: `alr_load_${j}`,
                  firing_id: `alf_load_${j}`,
                  kind: 'price_above',
                  note: `load ${j}`,
                  card: { id: 'base1-4', name: 'Charizard', set_id: 'base1', number: '4', image_url: null },
                  printing: { id: 'base1-4:holo', finish: 'holo' },
                  market: 'tcgplayer',
                  as_of: '2026-12-05',
                  price: 420.5,
                  currency: 'USD',
                  threshold: 400,
                  window_days: null,
                  change_pct: null,
                  from_date: null,
                  from_price: null,
                  signal: null,
                },
              };
        await insertDelivery(trx, `dlv_load_${String(j).padStart(6, '0')}`, now, {
          channel: 'webhook',
          eventType: event.type,
          dedupeKey: `load:${j}`,
          // A test.ping's own fields do not tell two apart; the sequence number does (receivers ignore unknown fields).
          payload: event.type === 'test.ping' ? { ...event, data: { ...event.data, seq: j } } : event,
          ownerId: OPERATORS_PRINCIPAL,
          endpointId,
        });
      }
    });
  }
}
