/**
 * What every e-mail provider implements, and the HTTP call the API providers (Resend, Postmark)
 * share. A provider never throws for a failed send: it maps the provider's answer to an outcome
 * of the documented taxonomy (docs/EMAIL.md, "Provider errors").
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SendResult } from '../../platform/outbox/outbox.ts';

/** A rendered message ready for a provider. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
  date: Date;
}

/** The delivery a mail is sent for: its id and how often an operator queued it again. */
export interface MailDelivery {
  id: string;
  redeliveries: number;
}

/**
 * The idempotency key of a send: the same for every retry of one delivery (a retry after a lost
 * answer never sends twice), new for every redelivery (an operator who queues a mail again wants
 * it sent again, not the first send's answer replayed). The delivery id until the first
 * redelivery, then `<delivery id>:<redeliveries>`.
 *
 * @example
 * idempotencyKey({ id: 'dlv_01', redeliveries: 0 }); // 'dlv_01'
 * idempotencyKey({ id: 'dlv_01', redeliveries: 2 }); // 'dlv_01:2'
 */
export function idempotencyKey(delivery: MailDelivery): string {
  return delivery.redeliveries === 0 ? delivery.id : `${delivery.id}:${delivery.redeliveries}`;
}

export interface MailProvider {
  name: 'smtp' | 'resend' | 'postmark' | 'file';
  /** `idempotencyKey(delivery)` is sent where the provider supports one. */
  send(mail: OutgoingMail, delivery: MailDelivery, signal: AbortSignal): Promise<SendResult>;
  close?(): void;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Body bytes kept from a provider's answer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs JSON and resolves with the answer; rejects on a network error, a timeout or an abort
 * (the error's `code` says which: `ETIMEDOUT`, `ABORT_ERR`, `ECONNREFUSED` …).
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<HttpAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': String(payload.length),
        },
        signal: options.signal,
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Retry-After (seconds or an HTTP date) in milliseconds, or undefined.
 *
 * @example
 * retryAfterMs('30', Date.now()); // 30000
 */
export function retryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** How long a send waits while the provider refuses our credentials (no attempt is spent). */
export const AUTH_FAILURE_DEFER_MS = 15 * 60_000;

/** A network-level failure (no HTTP answer): retried. */
/** A provider's 2xx answer: delivered with its message id, or a retry when the answer names none. */
export function accepted(status: number, id: unknown, missing: string): SendResult {
  return typeof id === 'string' && id !== ''
    ? { outcome: 'delivered', statusCode: status, providerMessageId: id }
    : { outcome: 'retry', errorClass: 'provider_down', error: `answer without ${missing}`, statusCode: status };
}

export function networkFailure(err: unknown): SendResult {
  const e = err as { code?: string; name?: string; message?: string };
  const timeout = e.code === 'ETIMEDOUT' || e.name === 'AbortError' || e.code === 'ABORT_ERR';
  return {
    outcome: 'retry',
    errorClass: timeout ? 'timeout' : 'network',
    error: `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)}`.slice(0, 500),
  };
}

/**
 * The shared part of the HTTP providers' taxonomy: 429 → rate limited (Retry-After); 401/403 →
 * our credentials are wrong: deferred, not failed, so a configuration mistake does not turn every
 * queued message into a dead letter (docs/EMAIL.md); 5xx and 408 → provider down (retried);
 * anything else 4xx → rejected content (failed). The provider decides invalid recipients first.
 */
export function httpFailure(answer: HttpAnswer, nowMs: number): SendResult {
  const excerpt = answer.body.slice(0, 4096);
  const error = `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.status === 429) {
    const wait = retryAfterMs(answer.headers['retry-after'], nowMs);
    return {
      outcome: 'retry',
      errorClass: 'rate_limited',
      error,
      statusCode: 429,
      responseExcerpt: excerpt,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    };
  }
  if (answer.status === 401 || answer.status === 403)
    return { outcome: 'deferred', errorClass: 'auth_failure', error, retryAfterMs: AUTH_FAILURE_DEFER_MS };
  if (answer.status >= 500 || answer.status === 408)
    return {
      outcome: 'retry',
      errorClass: 'provider_down',
      error,
      statusCode: answer.status,
      responseExcerpt: excerpt,
    };
  return { outcome: 'failed', errorClass: 'rejected', error, statusCode: answer.status, responseExcerpt: excerpt };
}

export function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
