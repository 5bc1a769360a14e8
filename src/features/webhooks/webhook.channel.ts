/**
 * The Standard Webhooks channel (`channel = 'webhook'`): POSTs the delivery's payload verbatim
 * to its endpoint, signed (signing.ts), through the egress guard, behind the destination's
 * circuit breaker; maps the answer to an outcome (http-outcome.ts) and keeps the endpoint's
 * health (endpoint-health.ts).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { EgressGuard } from '../../platform/egress.ts';
import { CircuitBreaker } from '../../platform/outbox/circuit.ts';
import type { Channel, ChannelDeps as OutboxChannelDeps, Delivery, SendResult } from '../../platform/outbox/outbox.ts';
import { UnsealError } from '../../platform/secret-box.ts';
import { EndpointHealth } from './endpoint-health.ts';
import { openColumn } from './endpoint-secrets.ts';
import { findEndpoint, type EndpointRow } from './endpoints.repo.ts';
import { countsAgainstCircuit, outcomeOf } from './http-outcome.ts';
import { signedHeaders } from './signing.ts';

/** Largest payload a webhook carries (bytes of UTF-8 JSON). */
export const MAX_PAYLOAD_BYTES = 20 * 1024;

export type ChannelConfig = Pick<
  Config,
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_DISABLE_AFTER_DAYS'
  | 'EGRESS_ALLOW'
  | 'DNS_SERVERS'
  | 'CIRCUIT_FAILURE_THRESHOLD'
  | 'CIRCUIT_OPEN_SECONDS'
  | 'DISCORD_API_BASE'
  | 'DELIVERY_BACKOFF_MAX_HOURS'
>;

/** The longest wait a receiver may impose on a delivery: the retry schedule's longest delay. */
export function maxWaitMs(config: ChannelConfig): number {
  return config.DELIVERY_BACKOFF_MAX_HOURS * 3_600_000;
}

export type ChannelDeps = OutboxChannelDeps<ChannelConfig>;

/** What the webhook and Discord channels share: the guard, the breaker, endpoint health. */
export function endpointTools(deps: ChannelDeps) {
  return {
    guard: new EgressGuard({
      allow: deps.config.EGRESS_ALLOW,
      dnsServers: deps.config.DNS_SERVERS,
      dnsTimeoutMs: Math.min(deps.config.WEBHOOK_TIMEOUT_MS, 5000),
    }),
    breaker: new CircuitBreaker(deps.db, deps.clock, {
      threshold: deps.config.CIRCUIT_FAILURE_THRESHOLD,
      openMs: deps.config.CIRCUIT_OPEN_SECONDS * 1000,
    }),
    health: new EndpointHealth({
      db: deps.db,
      clock: deps.clock,
      box: deps.box,
      log: deps.log,
      newId: deps.newId,
      disableAfterDays: deps.config.WEBHOOK_DISABLE_AFTER_DAYS,
    }),
  };
}

/** The endpoint a delivery goes to, or the failed outcome when it is disabled or gone. */
export async function liveEndpoint(
  db: Kysely<Tables>,
  delivery: Delivery,
): Promise<{ endpoint: EndpointRow } | { result: SendResult }> {
  const endpoint = delivery.endpoint_id === null ? undefined : await findEndpoint(db, delivery.endpoint_id);
  if (!endpoint) {
    return { result: { outcome: 'failed', errorClass: 'destination_disabled', error: 'the endpoint was deleted' } };
  }
  if (endpoint.status !== 'enabled') {
    return {
      result: {
        outcome: 'failed',
        errorClass: 'destination_disabled',
        error: `the endpoint is disabled${endpoint.disabled_reason ? `: ${endpoint.disabled_reason}` : ''}`,
      },
    };
  }
  const kind = endpoint.kind === 'discord' ? 'discord' : 'webhook';
  if (delivery.channel !== kind) {
    return {
      result: {
        outcome: 'failed',
        errorClass: 'payload_invalid',
        error: `a ${delivery.channel} delivery to a ${endpoint.kind} endpoint`,
      },
    };
  }
  return { endpoint };
}

/** Opens a sealed column, or the `payload_invalid` outcome when it cannot be opened. */
export function opened(open: () => string): { value: string } | { result: SendResult } {
  try {
    return { value: open() };
  } catch (err) {
    if (!(err instanceof UnsealError)) throw err;
    return { result: { outcome: 'failed', errorClass: 'payload_invalid', error: err.message } };
  }
}

/**
 * The circuit-breaker destination of an endpoint: per owner and host, so one owner's failing (or
 * hostile) endpoints never open the circuit for another owner's endpoints on the same host.
 */
export function circuitKey(kind: 'webhook' | 'discord', endpoint: Pick<EndpointRow, 'owner_id' | 'host'>): string {
  return `${kind}:${endpoint.owner_id}:${endpoint.host}`;
}

/** After an attempt: the circuit, the failing run, and a 410 disables the endpoint. */
export async function afterAttempt(
  tools: ReturnType<typeof endpointTools>,
  endpoint: EndpointRow,
  destination: string,
  result: SendResult,
): Promise<SendResult> {
  if (result.outcome === 'deferred') return result;
  // Only a delivery closes the circuit and only an unwell destination counts against it: a 4xx or
  // a 429 leaves the count as it was, so a receiver alternating 429s and timeouts still trips it.
  if (result.outcome === 'delivered') await tools.breaker.record(destination, true);
  else if (countsAgainstCircuit(result)) await tools.breaker.record(destination, false);
  if (result.outcome === 'delivered') {
    await tools.health.succeeded(endpoint);
    return result;
  }
  if (result.outcome === 'failed' && result.errorClass === 'gone') {
    await tools.health.disable(endpoint, result.error);
    return result;
  }
  if (await tools.health.failed(endpoint)) {
    return {
      outcome: 'failed',
      errorClass: 'destination_disabled',
      error: `${result.error}; the endpoint is now disabled`,
      ...('statusCode' in result ? { statusCode: result.statusCode, responseExcerpt: result.responseExcerpt } : {}),
    };
  }
  return result;
}

/**
 * @example
 * const worker = new DeliveryWorker(db, dialect, clock, newId, log, [webhookChannel(deps)], options);
 */
export function webhookChannel(deps: ChannelDeps): Channel {
  const tools = endpointTools(deps);
  return {
    kind: 'webhook',
    async send(delivery, _attempt, signal) {
      const live = await liveEndpoint(deps.db, delivery);
      if ('result' in live) return live.result;
      const { endpoint } = live;
      const body = delivery.payload;
      if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) {
        return {
          outcome: 'failed',
          errorClass: 'payload_invalid',
          error: `the payload is ${Buffer.byteLength(body)} bytes, over the ${MAX_PAYLOAD_BYTES} byte limit`,
        };
      }
      const destination = circuitKey('webhook', endpoint);
      const gate = await tools.breaker.gate(destination);
      if (!gate.pass) {
        return {
          outcome: 'deferred',
          errorClass: 'circuit_open',
          error: `the circuit of ${endpoint.host} is open`,
          retryAfterMs: gate.retryAfterMs,
        };
      }
      const url = opened(() => openColumn(deps.box, endpoint.id, 'url_sealed', endpoint.url_sealed));
      if ('result' in url) return url.result;
      const secrets: string[] = [];
      for (const [column, sealed] of [
        ['secret_sealed', endpoint.secret_sealed],
        ['previous_secret_sealed', endpoint.previous_secret_sealed],
      ] as const) {
        if (sealed === null) continue;
        if (column === 'previous_secret_sealed') {
          const until = endpoint.previous_secret_until;
          if (until === null || Date.parse(until) <= deps.clock.now()) continue;
        }
        const secret = opened(() => openColumn(deps.box, endpoint.id, column, sealed));
        if ('result' in secret) return secret.result;
        secrets.push(secret.value);
      }
      if (secrets.length === 0)
        return { outcome: 'failed', errorClass: 'payload_invalid', error: 'the endpoint has no signing secret' };
      const headers = {
        'Content-Type': 'application/json',
        'User-Agent': 'cardquant-webhooks/1',
        ...signedHeaders({ id: delivery.id, atMs: deps.clock.now(), body, secrets }),
      };
      const res = await tools.guard.post(new URL(url.value), {
        headers,
        body,
        timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
        signal,
      });
      return afterAttempt(tools, endpoint, destination, outcomeOf(res, deps.clock.now(), maxWaitMs(deps.config)));
    },
  };
}
