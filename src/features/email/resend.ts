/**
 * Resend's HTTP API: `POST {RESEND_BASE_URL}/emails` with `Authorization: Bearer` and
 * `Idempotency-Key: idempotencyKey(delivery)` (Resend answers a retried key with the first send's
 * id for 24 hours without sending, so a retry after a lost answer never sends twice; a redelivery
 * has a new key, so it is sent again). The answer's `id` is the provider
 * message id that Resend's webhook events name as `data.email_id`.
 */
import type { SendResult } from '../../platform/outbox/outbox.ts';
import {
  httpFailure,
  idempotencyKey,
  accepted,
  networkFailure,
  parseJson,
  postJson,
  type MailDelivery,
  type MailProvider,
  type OutgoingMail,
} from './provider.ts';

export interface ResendOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  nowMs: () => number;
}

/** Resend's validation errors that mean the recipient address itself is unusable. */
function invalidRecipient(status: number, body: Record<string, unknown> | null): boolean {
  if (status !== 422 || !body) return false;
  const message = String(body.message ?? '');
  return /\bto\b/i.test(message) && /invalid|email address|format/i.test(message);
}

export function resendProvider(options: ResendOptions): MailProvider {
  return {
    name: 'resend',
    async send(mail: OutgoingMail, delivery: MailDelivery, signal: AbortSignal): Promise<SendResult> {
      let answer;
      try {
        answer = await postJson(
          `${options.baseUrl.replace(/\/+$/, '')}/emails`,
          { Authorization: `Bearer ${options.apiKey}`, 'Idempotency-Key': idempotencyKey(delivery) },
          {
            from: mail.from,
            to: [mail.to],
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            headers: mail.headers,
          },
          { timeoutMs: options.timeoutMs, signal },
        );
      } catch (err) {
        return networkFailure(err);
      }
      const body = parseJson(answer.body);
      if (answer.status >= 200 && answer.status < 300) {
        return accepted(answer.status, body?.id, 'an id');
      }
      if (invalidRecipient(answer.status, body))
        return {
          outcome: 'failed',
          errorClass: 'invalid_recipient',
          error: `HTTP 422: ${String(body?.message ?? '')}`.slice(0, 500),
          statusCode: 422,
          responseExcerpt: answer.body.slice(0, 4096),
        };
      // 409 concurrent_idempotent_requests: the first request with this key is still running.
      if (answer.status === 409 && String(body?.name ?? '').startsWith('concurrent'))
        return {
          outcome: 'retry',
          errorClass: 'provider_down',
          error: `HTTP 409: ${answer.body.slice(0, 300)}`,
          statusCode: 409,
        };
      return httpFailure(answer, options.nowMs());
    },
  };
}
