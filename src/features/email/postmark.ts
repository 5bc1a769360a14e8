/**
 * Postmark's HTTP API: `POST {POSTMARK_BASE_URL}/email` with `X-Postmark-Server-Token` on the
 * configured message stream. Postmark has no idempotency key: an answer lost after Postmark
 * accepted the message means the retry sends it again (docs/EMAIL.md). The answer's `MessageID`
 * is the provider message id Postmark's webhooks name.
 */
import type { SendResult } from '../../platform/outbox/outbox.ts';
import {
  httpFailure,
  accepted,
  networkFailure,
  parseJson,
  postJson,
  type MailDelivery,
  type MailProvider,
  type OutgoingMail,
} from './provider.ts';

export interface PostmarkOptions {
  baseUrl: string;
  serverToken: string;
  messageStream: string;
  timeoutMs: number;
  nowMs: () => number;
}

/** ErrorCode 300 (invalid email request, e.g. an illegal address) and 406 (inactive recipient). */
const RECIPIENT_ERRORS = new Set([300, 406]);

export function postmarkProvider(options: PostmarkOptions): MailProvider {
  return {
    name: 'postmark',
    async send(mail: OutgoingMail, _delivery: MailDelivery, signal: AbortSignal): Promise<SendResult> {
      let answer;
      try {
        answer = await postJson(
          `${options.baseUrl.replace(/\/+$/, '')}/email`,
          { 'X-Postmark-Server-Token': options.serverToken },
          {
            From: mail.from,
            To: mail.to,
            Subject: mail.subject,
            TextBody: mail.text,
            HtmlBody: mail.html,
            Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })),
            MessageStream: options.messageStream,
          },
          { timeoutMs: options.timeoutMs, signal },
        );
      } catch (err) {
        return networkFailure(err);
      }
      const body = parseJson(answer.body);
      const code = typeof body?.ErrorCode === 'number' ? body.ErrorCode : null;
      if (answer.status >= 200 && answer.status < 300 && (code === null || code === 0)) {
        return accepted(answer.status, body?.MessageID, 'a MessageID');
      }
      if (
        code !== null &&
        RECIPIENT_ERRORS.has(code) &&
        /recipient|address|inactive|\bto\b/i.test(String(body?.Message ?? ''))
      ) {
        return {
          outcome: 'failed',
          errorClass: 'invalid_recipient',
          error: `ErrorCode ${code}: ${String(body?.Message ?? '')}`.slice(0, 500),
          statusCode: answer.status,
          responseExcerpt: answer.body.slice(0, 4096),
        };
      }
      // ErrorCode 10 (bad or missing server token) comes as 401; 429 and 5xx as such.
      if (code === 10) return httpFailure({ ...answer, status: 401 }, options.nowMs());
      return httpFailure(answer, options.nowMs());
    },
  };
}
