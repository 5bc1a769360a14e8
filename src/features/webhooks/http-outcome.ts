/**
 * How a receiver's HTTP answer maps to a delivery outcome (docs/WEBHOOKS.md, "Outcome mapping").
 */
import type { EgressResponse } from '../../platform/egress.ts';
import { boundedWaitMs, type SendResult } from '../../platform/outbox/outbox.ts';

/** The longest wait a receiver may ask for when the caller names none: the longest backoff setting (7 days). */
export const MAX_WAIT_MS = 168 * 3_600_000;

/**
 * `Retry-After` in milliseconds (delay-seconds or an HTTP date), bounded to [0, `maxMs`] (the
 * retry schedule's longest delay), or undefined.
 */
export function retryAfterMs(
  value: string | string[] | undefined,
  nowMs: number,
  maxMs: number = MAX_WAIT_MS,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return boundedWaitMs(Number(text) * 1000, maxMs);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : boundedWaitMs(at - nowMs, maxMs);
}

/**
 * 2xx delivered; 410 failed (`gone`, the caller disables the endpoint); 429 retried after
 * Retry-After; 408, 5xx, timeouts and network errors retried; 3xx retried as `redirect` (never
 * followed); other 4xx retried as `rejected`; an address the egress guard refuses fails.
 *
 * @example
 * outcomeOf({ ok: true, address: '203.0.113.7', status: 503, headers: {}, body: '' }, Date.now()); // retry provider_down
 */
export function outcomeOf(res: EgressResponse, nowMs: number, maxWaitMs: number = MAX_WAIT_MS): SendResult {
  if (!res.ok) {
    return res.errorClass === 'egress_refused'
      ? { outcome: 'failed', errorClass: 'egress_refused', error: res.error }
      : { outcome: 'retry', errorClass: res.errorClass, error: res.error };
  }
  const { status } = res;
  const common = { statusCode: status, responseExcerpt: res.body };
  if (status >= 200 && status < 300) return { outcome: 'delivered', ...common };
  if (status === 410)
    return { outcome: 'failed', errorClass: 'gone', error: 'the receiver answered 410 Gone', ...common };
  if (status === 429) {
    const wait = retryAfterMs(res.headers['retry-after'], nowMs, maxWaitMs);
    return {
      outcome: 'retry',
      errorClass: 'rate_limited',
      error: 'the receiver answered 429',
      ...common,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  if (status === 408) return { outcome: 'retry', errorClass: 'timeout', error: 'the receiver answered 408', ...common };
  if (status >= 500)
    return { outcome: 'retry', errorClass: 'provider_down', error: `the receiver answered ${status}`, ...common };
  if (status >= 300 && status < 400) {
    const where = res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : '';
    return { outcome: 'retry', errorClass: 'redirect', error: `redirect ${status}${where} not followed`, ...common };
  }
  return { outcome: 'retry', errorClass: 'rejected', error: `the receiver answered ${status}`, ...common };
}

/** Whether an outcome says the destination itself is unwell (counts toward its circuit). */
export function countsAgainstCircuit(result: SendResult): boolean {
  return (
    result.outcome === 'retry' &&
    (result.errorClass === 'timeout' || result.errorClass === 'network' || result.errorClass === 'provider_down')
  );
}
