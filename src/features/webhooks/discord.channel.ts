/**
 * The Discord channel (`channel = 'discord'`): POSTs an embed (discord-embed.ts) to the
 * endpoint's Discord webhook URL with `?wait=true`, through the egress guard and the destination's
 * circuit breaker. Discord's rate limits are honoured: a 429 is retried after its `retry_after`
 * (or Retry-After), and `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset-After` holds every
 * further send to that webhook until the reset — deferred, without spending attempts, in every
 * worker process (the hold is a `delivery_circuits` row).
 */
import { boundedWaitMs, type Channel, type SendResult } from '../../platform/outbox/outbox.ts';
import type { DeliveryEvent } from '../../shared/delivery-events.ts';
import { discordMessage } from './discord-embed.ts';
import { openColumn } from './endpoint-secrets.ts';
import { outcomeOf, retryAfterMs } from './http-outcome.ts';
import {
  afterAttempt,
  circuitKey,
  endpointTools,
  liveEndpoint,
  maxWaitMs,
  opened,
  type ChannelDeps,
} from './webhook.channel.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * @example
 * const worker = new DeliveryWorker(db, dialect, clock, newId, log, [discordChannel(deps)], options);
 */
export function discordChannel(deps: ChannelDeps): Channel {
  const tools = endpointTools(deps);
  return {
    kind: 'discord',
    async send(delivery, _attempt, signal) {
      const live = await liveEndpoint(deps.db, delivery);
      if ('result' in live) return live.result;
      const { endpoint } = live;
      let event: DeliveryEvent;
      try {
        event = JSON.parse(delivery.payload) as DeliveryEvent;
      } catch {
        return { outcome: 'failed', errorClass: 'payload_invalid', error: 'the payload is not JSON' };
      }
      const rateKey = `discord-webhook:${endpoint.id}`;
      const destination = circuitKey('discord', endpoint);
      for (const key of [rateKey, destination]) {
        const gate = await tools.breaker.gate(key);
        if (!gate.pass) {
          return {
            outcome: 'deferred',
            errorClass: key === rateKey ? 'rate_limited' : 'circuit_open',
            error: key === rateKey ? 'Discord asked to wait (rate limit)' : `the circuit of ${endpoint.host} is open`,
            retryAfterMs: gate.retryAfterMs,
          };
        }
      }
      const url = opened(() => openColumn(deps.box, endpoint.id, 'url_sealed', endpoint.url_sealed));
      if ('result' in url) return url.result;
      const target = new URL(url.value);
      target.searchParams.set('wait', 'true');
      const res = await tools.guard.post(target, {
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'cardquant-webhooks/1' },
        body: JSON.stringify(discordMessage(event)),
        timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
        signal,
      });
      const now = deps.clock.now();
      // Every wait Discord asks for is bounded by the schedule's longest delay: no answer holds a webhook longer.
      const maxMs = maxWaitMs(deps.config);
      let result: SendResult = outcomeOf(res, now, maxMs);
      if (res.ok) {
        const remaining = header(res.headers['x-ratelimit-remaining']);
        const resetAfter = Number(header(res.headers['x-ratelimit-reset-after']));
        if (remaining === '0' && Number.isFinite(resetAfter) && resetAfter > 0)
          await tools.breaker.holdUntil(rateKey, now + boundedWaitMs(resetAfter * 1000, maxMs));
        if (res.status === 429) {
          let wait = retryAfterMs(res.headers['retry-after'], now, maxMs);
          try {
            const body = JSON.parse(res.body) as { retry_after?: unknown };
            if (typeof body.retry_after === 'number' && Number.isFinite(body.retry_after))
              wait = boundedWaitMs(body.retry_after * 1000, maxMs);
          } catch {
            // Not JSON: the header (if any) decides.
          }
          if (wait !== undefined) {
            await tools.breaker.holdUntil(rateKey, now + wait);
            result = { ...result, retryAfterMs: wait } as SendResult;
          }
        } else if (res.status === 404 || res.status === 401) {
          // Discord answers an unknown or deleted webhook (or a revoked token) this way: it will not come back.
          result = {
            outcome: 'failed',
            errorClass: 'gone',
            error: `Discord answered ${res.status}: the webhook no longer exists`,
            statusCode: res.status,
            responseExcerpt: res.body,
          };
        } else if (res.status === 400) {
          result = {
            outcome: 'failed',
            errorClass: 'payload_invalid',
            error: 'Discord refused the message (400)',
            statusCode: 400,
            responseExcerpt: res.body,
          };
        } else if (result.outcome === 'delivered') {
          try {
            const id = (JSON.parse(res.body) as { id?: unknown }).id;
            if (typeof id === 'string') result = { ...result, providerMessageId: id };
          } catch {
            // A 2xx without a JSON body (204 without ?wait) is still delivered.
          }
        }
      }
      return afterAttempt(tools, endpoint, destination, result);
    },
  };
}
