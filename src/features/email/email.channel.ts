/**
 * The e-mail channel (`channel = 'email'`): renders a delivery from its row (event payload and
 * sealed link tokens) and hands it to the configured provider. Before every send it checks the
 * suppression list and the subscriber: only `subscriber.confirm` goes to a pending address, and
 * nothing else to an address that is not confirmed. A provider's "invalid recipient" suppresses
 * the address at once.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config.ts';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Channel, ChannelDeps, Delivery, SendResult } from '../../platform/outbox/outbox.ts';
import type { DeliveryEvent, SealedLinks } from '../../shared/delivery-events.ts';
import { openLinks } from '../subscribers/link-tokens.ts';
import { addSuppression, findSubscriberByAddress, findSuppression } from '../subscribers/subscribers.repo.ts';
import { suppressionKeys } from '../subscribers/subscriptions.service.ts';
import { fileProvider } from './file.ts';
import { postmarkProvider } from './postmark.ts';
import type { MailProvider } from './provider.ts';
import { resendProvider } from './resend.ts';
import { smtpProvider } from './smtp.ts';
import { mailLinks, renderMail } from './templates.ts';

export type EmailChannelDeps = ChannelDeps;

/** The provider EMAIL_PROVIDER names, or null for `none`. */
export function mailProvider(config: Config, clock: Clock): MailProvider | null {
  const timeoutMs = config.WEBHOOK_TIMEOUT_MS;
  const nowMs = () => clock.now();
  switch (config.EMAIL_PROVIDER) {
    case 'none':
      return null;
    case 'smtp':
      return smtpProvider({
        url: config.SMTP_URL!,
        timeoutMs,
        ...(config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY_FILE
          ? {
              dkim: {
                domainName: config.DKIM_DOMAIN,
                keySelector: config.DKIM_SELECTOR,
                privateKey: readFileSync(config.DKIM_PRIVATE_KEY_FILE, 'utf8'),
              },
            }
          : {}),
      });
    case 'resend':
      return resendProvider({ baseUrl: config.RESEND_BASE_URL, apiKey: config.RESEND_API_KEY!, timeoutMs, nowMs });
    case 'postmark':
      return postmarkProvider({
        baseUrl: config.POSTMARK_BASE_URL,
        serverToken: config.POSTMARK_SERVER_TOKEN!,
        messageStream: config.POSTMARK_MESSAGE_STREAM,
        timeoutMs,
        nowMs,
      });
    case 'file':
      return fileProvider({ dir: config.EMAIL_FILE_DIR });
  }
}

export class EmailChannel implements Channel {
  readonly kind = 'email' as const;

  constructor(
    private readonly deps: EmailChannelDeps,
    private readonly provider: MailProvider,
  ) {}

  async send(delivery: Delivery, _attempt: number, signal: AbortSignal): Promise<SendResult> {
    const { db, config, clock, log } = this.deps;
    const address = delivery.address;
    let event: DeliveryEvent;
    try {
      if (!address) throw new Error('an e-mail delivery without an address');
      event = JSON.parse(delivery.payload) as DeliveryEvent;
    } catch (err) {
      return { outcome: 'failed', errorClass: 'payload_invalid', error: (err as Error).message };
    }

    const suppression = await findSuppression(db, await suppressionKeys(address));
    // Asking to subscribe again after unsubscribing is the one thing an unsubscribed address gets.
    const reasked = event.type === 'subscriber.confirm' && suppression?.reason === 'unsubscribe';
    if (suppression && !reasked) return { outcome: 'suppressed', error: `address suppressed (${suppression.reason})` };
    const subscriber = await findSubscriberByAddress(db, address);
    if (event.type === 'subscriber.confirm') {
      if (subscriber?.status !== 'pending') return { outcome: 'suppressed', error: 'subscriber is no longer pending' };
    } else if (subscriber?.status !== 'confirmed') {
      return { outcome: 'suppressed', error: 'subscriber is not confirmed' };
    }

    let mail;
    try {
      const sealed: SealedLinks = delivery.sealed ? openLinks(this.deps.box, delivery.id, delivery.sealed) : {};
      const links = mailLinks(config.PUBLIC_URL!, sealed);
      if (event.type === 'subscriber.confirm' && !links.confirm) throw new Error('confirmation without a confirm link');
      const rendered = renderMail(event, links);
      const headers: Record<string, string> = {};
      if (links.unsubscribe && event.type !== 'subscriber.confirm') {
        headers['List-Unsubscribe'] = `<${links.unsubscribe}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      mail = { from: config.EMAIL_FROM!, to: address, ...rendered, headers, date: new Date(clock.now()) };
    } catch (err) {
      return { outcome: 'failed', errorClass: 'payload_invalid', error: (err as Error).message };
    }

    const result = await this.provider.send(mail, { id: delivery.id, redeliveries: delivery.redeliveries }, signal);
    if (result.outcome === 'failed' && result.errorClass === 'invalid_recipient') {
      await addSuppression(db, { address, reason: 'hard_bounce', nowIso: isoInstant(clock.now()) });
    }
    if (result.outcome === 'deferred' && result.errorClass === 'auth_failure') {
      log.error(
        { deliveryId: delivery.id, provider: this.provider.name, error: result.error },
        'the e-mail provider refused our credentials; deliveries wait until the configuration is fixed',
      );
    }
    return result;
  }

  close(): void {
    this.provider.close?.();
  }
}

/**
 * The e-mail channel for the composition root, or null when EMAIL_PROVIDER is `none`.
 *
 * @example
 * const email = emailChannel({ db, dialect, clock, box, config, log, newId });
 * if (email) channels.push(email);
 */
export function emailChannel(deps: EmailChannelDeps): EmailChannel | null {
  const provider = mailProvider(deps.config, deps.clock);
  return provider ? new EmailChannel(deps, provider) : null;
}
