/**
 * The `file` provider (local development): each message becomes `<EMAIL_FILE_DIR>/<delivery
 * id>.eml`, composed by nodemailer's MailComposer and written atomically (a temporary file
 * renamed into place), so a reader never sees half a message and a retry overwrites, never
 * duplicates.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { SendResult } from '../../platform/outbox/outbox.ts';
import type { MailDelivery, MailProvider, OutgoingMail } from './provider.ts';

export function fileProvider(options: { dir: string }): MailProvider {
  return {
    name: 'file',
    async send(mail: OutgoingMail, delivery: MailDelivery): Promise<SendResult> {
      const deliveryId = delivery.id;
      try {
        const node = new MailComposer({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          date: mail.date,
          // Stable across retries: the file a retry overwrites keeps the same Message-ID.
          messageId: `<${deliveryId}@${/@([^>\s]+)>?\s*$/.exec(mail.from)?.[1] ?? 'cardquant.invalid'}>`,
        }).compile();
        const message = await node.build();
        await mkdir(options.dir, { recursive: true });
        const target = join(options.dir, `${deliveryId}.eml`);
        const temporary = `${target}.${process.pid}.tmp`;
        await writeFile(temporary, message, { mode: 0o600 });
        await rename(temporary, target);
        return { outcome: 'delivered', providerMessageId: node.messageId() };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return { outcome: 'retry', errorClass: 'provider_down', error: `${e.code ?? 'error'}: ${e.message ?? ''}` };
      }
    },
  };
}
