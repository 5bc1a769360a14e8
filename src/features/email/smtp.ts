/**
 * SMTP through nodemailer (SMTP_URL), DKIM-signed when DKIM_DOMAIN/SELECTOR/PRIVATE_KEY_FILE are
 * set. SMTP reply codes map to the taxonomy of docs/EMAIL.md: 421/450/451/452 rate limited
 * (retried); a dead mailbox — enhanced status 5.1.x about the recipient (5.1.1 …), or 551/553
 * without an enhanced status — invalid recipient (failed, address suppressed); 530/535 or EAUTH
 * our credentials (deferred); every other 5xx, a policy or spam refusal such as `550 5.7.1`
 * included, rejected (failed, not suppressed); other 4xx and connection failures retried.
 *
 * A send is bounded as a whole, not only by nodemailer's idle-based timeouts (a server that
 * trickles a reply line by line never goes idle): after `timeoutMs`, or when the worker's signal
 * aborts (shutdown, lease), the send's own connection is destroyed — a message whose DATA was
 * not answered yet is then not accepted — and the outcome is a retry with class `timeout`.
 */
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { SendResult } from '../../platform/outbox/outbox.ts';
import {
  AUTH_FAILURE_DEFER_MS,
  networkFailure,
  type MailDelivery,
  type MailProvider,
  type OutgoingMail,
} from './provider.ts';

export interface SmtpOptions {
  url: string;
  timeoutMs: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * The enhanced status code (RFC 3463) that opens an SMTP reply's text, or null.
 *
 * @example
 * enhancedStatus('550 5.1.1 <a@example.test>: user unknown'); // '5.1.1'
 */
export function enhancedStatus(response: string | undefined): string | null {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(response?.trim() ?? '');
  return m ? m[1]! : null;
}

/**
 * Whether a permanent reply says the recipient's mailbox does not exist: enhanced status 5.1.x
 * except 5.1.7 and 5.1.8 (those are about our sender address); without an enhanced status, reply
 * 551 (user not local) or 553 (mailbox name not allowed). A bare 550 is ambiguous (servers use it
 * for spam and policy refusals too) and is not taken as a dead mailbox.
 */
function deadMailbox(reply: number, enhanced: string | null): boolean {
  if (enhanced === null) return reply === 551 || reply === 553;
  return /^5\.1\.\d+$/.test(enhanced) && enhanced !== '5.1.7' && enhanced !== '5.1.8';
}

/** Maps a nodemailer error to an outcome. */
export function smtpFailure(err: unknown): SendResult {
  const e = err as SmtpError;
  const reply = e.responseCode;
  const error = `${reply ?? e.code ?? 'error'}: ${e.response ?? e.message ?? String(err)}`.slice(0, 500);
  if (e.code === 'EAUTH' || reply === 530 || reply === 535)
    return { outcome: 'deferred', errorClass: 'auth_failure', error, retryAfterMs: AUTH_FAILURE_DEFER_MS };
  if (reply === undefined) return networkFailure(err);
  if (reply === 421 || reply === 450 || reply === 451 || reply === 452)
    return { outcome: 'retry', errorClass: 'rate_limited', error, statusCode: reply };
  if (reply >= 500 && deadMailbox(reply, enhancedStatus(e.response)))
    return { outcome: 'failed', errorClass: 'invalid_recipient', error, statusCode: reply };
  if (reply >= 500) return { outcome: 'failed', errorClass: 'rejected', error, statusCode: reply };
  return { outcome: 'retry', errorClass: 'provider_down', error, statusCode: reply };
}

export function smtpProvider(options: SmtpOptions): MailProvider {
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // Closing a connection (done, aborted, out of time) destroys the socket at once.
    socketCloseTimeout: 0,
    ...(options.dkim ? { dkim: options.dkim } : {}),
  } as SMTPTransportOptions);
  return {
    name: 'smtp',
    async send(mail: OutgoingMail, _delivery: MailDelivery, signal: AbortSignal): Promise<SendResult> {
      // Each sendMail opens its own connection (no pool); aborting it closes that connection.
      const deadline = AbortSignal.timeout(options.timeoutMs);
      try {
        const info = (await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          date: mail.date,
          signal: AbortSignal.any([signal, deadline]),
        })) as { messageId?: string; response?: string };
        return {
          outcome: 'delivered',
          ...(info.messageId ? { providerMessageId: info.messageId } : {}),
          ...(info.response ? { responseExcerpt: info.response.slice(0, 4096) } : {}),
        };
      } catch (err) {
        if (deadline.aborted && !signal.aborted)
          return {
            outcome: 'retry',
            errorClass: 'timeout',
            error: `the SMTP session took longer than ${options.timeoutMs} ms`,
          };
        return smtpFailure(err);
      }
    },
    close: () => transport.close(),
  };
}
