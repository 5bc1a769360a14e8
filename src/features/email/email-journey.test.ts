/**
 * The e-mail subscriber's journey against a real SMTP server on loopback, through the delivery
 * worker (manual clock): subscribe → only the confirmation mail → confirm → manage token →
 * a DKIM-signed alert mail with the RFC 8058 pair, both MIME parts and escaping → one-click
 * unsubscribe (idempotent) → suppressed → delete everything.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { bearer, json, startHarness, type Harness } from '#test/harness.ts';
import { verifyDkim } from '#test/dkim-verify.ts';
import { startSmtpPeer, type SmtpPeer } from '#test/mail-peers.ts';
import { isoInstant } from '../../platform/clock.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import type { AlertTriggeredEvent } from '../../shared/delivery-events.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { SubscriptionsService } from '../subscribers/subscriptions.service.ts';
import { emailChannel } from './email.channel.ts';

const PUBLIC_URL = 'https://alerts.example.test';
const HOSTILE_NAME = 'Charizard <script>alert(1)</script> & "friends"';

export function alertEvent(name: string): AlertTriggeredEvent {
  return {
    type: 'alert.triggered',
    timestamp: '2026-11-25T12:00:00.000Z',
    data: {
      alert_id: 'alr_1',
      firing_id: 'alf_1',
      kind: 'price_above',
      note: null,
      card: { id: 'base1-4', name, set_id: 'base1', number: '4', image_url: null },
      printing: { id: 'base1-4.holofoil', finish: 'holofoil' },
      market: 'tcgplayer',
      as_of: '2026-11-24',
      price: 412.5,
      currency: 'USD',
      threshold: 400,
      window_days: null,
      change_pct: 3.1,
      from_date: '2026-11-23',
      from_price: 400.1,
      signal: null,
    },
  };
}

describe.each(dialects)('e-mail journey on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let smtp: SmtpPeer;
    let h: Harness;
    let url = '';
    let worker: DeliveryWorker;
    const keyDir = mkdtempSync(join(tmpdir(), 'cq-dkim-'));
    let publicKey: KeyObject;

    beforeAll(async () => {
      smtp = await startSmtpPeer();
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const privateKey = pair.privateKey;
      publicKey = pair.publicKey;
      const keyFile = join(keyDir, 'dkim.pem');
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      url = await d.create();
      h = await startHarness(url, {
        EMAIL_PROVIDER: 'smtp',
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'cardquant <alerts@example.test>',
        PUBLIC_URL,
        DKIM_DOMAIN: 'example.test',
        DKIM_SELECTOR: 'cq2026',
        DKIM_PRIVATE_KEY_FILE: keyFile,
      });
      const r = h.runtime;
      const channel = emailChannel({
        db: r.database.db,
        dialect: r.database.dialect,
        clock: h.clock,
        box: r.dataKeys.box,
        config: r.config,
        log: r.log,
        newId: r.newId,
      })!;
      worker = new DeliveryWorker(r.database.db, r.database.dialect, h.clock, r.newId, r.log, [channel], {
        owner: 'test-worker',
        concurrency: 4,
        leaseMs: 60_000,
        pollMs: 1000,
        schedule: { maxAttempts: 3, baseMs: 60_000, maxDelayMs: 3_600_000 },
        random: () => 0,
      });
    });
    afterAll(async () => {
      await h?.close();
      if (url) await d.drop(url);
      await smtp?.close();
      rmSync(keyDir, { recursive: true, force: true });
    });

    const db = () => h.runtime.database.db;
    const subscriber = (address: string) =>
      db().selectFrom('email_subscribers').selectAll().where('address', '=', address).executeTakeFirst();

    /** What the alerts feature writes: an alert mail with sealed manage and unsubscribe tokens. */
    async function enqueueAlert(principalId: string, address: string, name: string): Promise<string> {
      const id = h.runtime.newId('dlv');
      const now = h.clock.now();
      await db()
        .transaction()
        .execute(async (trx) => {
          const sealed = await mintLinkTokens(trx, h.runtime.dataKeys.box, {
            principalId,
            deliveryId: id,
            nowMs: now,
            purposes: ['manage', 'unsubscribe'],
          });
          await insertDelivery(trx, id, isoInstant(now), {
            channel: 'email',
            eventType: 'alert.triggered',
            dedupeKey: `test:${id}`,
            payload: alertEvent(name),
            ownerId: principalId,
            address,
            sealed,
          });
        });
      return id;
    }
    const status = async (id: string) =>
      (await db().selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const header = (m: SmtpPeer['messages'][number], name: string) =>
      m.parsed.headerLines
        .find((l) => l.key === name.toLowerCase())
        ?.line.replace(/\r?\n[ \t]+/g, ' ')
        .slice(name.length + 1)
        .trim();

    let confirmPath = '';
    let manageToken = '';
    let principalId = '';
    const address = 'collector@example.test';

    it('answers 202 with the same body whatever the address, and sends only a confirmation mail', async () => {
      const first = await h.request('/v1/subscriptions', json({ address: 'Collector@Example.test' }));
      expect(first.status).toBe(202);
      const again = await h.request('/v1/subscriptions', json({ address }));
      expect(await again.json()).toEqual(await first.clone().json());
      expect((await subscriber(address))?.status).toBe('pending');
      principalId = (await subscriber(address))!.principal_id;

      // An alert enqueued for the pending address is never sent.
      const early = await enqueueAlert(principalId, address, 'Pikachu');
      const report = await worker.runOnce();
      expect(report.outcomes).toEqual({ delivered: 1, suppressed: 1 });
      expect(await status(early)).toBe('suppressed');
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail.to).toEqual([address]);
      expect(mail.parsed.subject).toBe('Confirm your cardquant alert subscription');
      const link = /https:\/\/alerts\.example\.test(\/v1\/subscriptions\/confirm\/cqc_[0-9a-z]{32})/.exec(
        mail.parsed.text ?? '',
      );
      expect(link).not.toBeNull();
      confirmPath = link![1]!;
      expect(mail.parsed.html).toContain(`href="${PUBLIC_URL}${confirmPath}"`);
      // The confirmation carries no unsubscribe pair (there is nothing to unsubscribe from yet).
      expect(header(mail, 'List-Unsubscribe')).toBeUndefined();
    });

    it('shows the confirmation page on GET without confirming, and confirms once on POST', async () => {
      const page = await h.request(confirmPath);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await page.text()).toContain(`<form method="post" action="${confirmPath}">`);
      expect((await subscriber(address))?.status).toBe('pending');

      const confirmed = await h.request(confirmPath, { method: 'POST' });
      expect(confirmed.status).toBe(200);
      const body = (await confirmed.json()) as { status: string; manage_token: string; address: string };
      expect(body).toMatchObject({ status: 'confirmed', address });
      expect(body.manage_token).toMatch(/^cqm_[0-9a-z]{32}$/);
      manageToken = body.manage_token;

      const replay = await h.request(confirmPath, { method: 'POST' });
      expect(replay.status).toBe(404);
      expect(replay.headers.get('content-type')).toContain('application/problem+json');
      const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'subscriber.confirm').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor).toBe(principalId);
    });

    it('accepts the manage token as Bearer on /v1/subscriptions/me', async () => {
      const me = await h.request('/v1/subscriptions/me', { headers: bearer(manageToken) });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ address, status: 'confirmed', digest: false });
      const patched = await h.request('/v1/subscriptions/me', {
        method: 'PATCH',
        headers: { ...bearer(manageToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ digest: true }),
      });
      expect(await patched.json()).toMatchObject({ digest: true });
      const portfolio = (await (await h.request('/v1/portfolios', { method: 'POST' })).json()) as {
        id: string;
        secret: string;
      };
      const other = await h.request('/v1/subscriptions/me', {
        headers: { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret },
      });
      expect(other.status).toBe(403);
      // A confirmed address asking again gets nothing.
      await h.request('/v1/subscriptions', json({ address }));
      expect((await worker.runOnce()).claimed).toBe(0);
    });

    let unsubscribePath = '';
    let managePath = '';
    it('sends a DKIM-signed alert mail with the RFC 8058 pair, both parts, and every value escaped', async () => {
      const id = await enqueueAlert(principalId, address, HOSTILE_NAME);
      expect((await worker.runOnce()).outcomes).toEqual({ delivered: 1 });
      const mail = smtp.messages.at(-1)!;
      expect(mail.parsed.from?.value[0]?.address).toBe('alerts@example.test');
      expect(mail.to).toEqual([address]);
      expect(mail.parsed.subject).toBe(`${HOSTILE_NAME}: price 412.50 USD is above 400.00 USD`);
      const unsubscribe = header(mail, 'List-Unsubscribe')!;
      expect(unsubscribe).toMatch(/^<https:\/\/alerts\.example\.test\/v1\/unsubscribe\/cqu_[0-9a-z]{32}>$/);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      unsubscribePath = unsubscribe.slice(1, -1).replace(PUBLIC_URL, '');

      expect(mail.parsed.text).toContain(`${HOSTILE_NAME} (base1 4, holofoil) on tcgplayer`);
      expect(mail.parsed.text).toContain('Price on 2026-11-24: 412.50 USD');
      expect(mail.parsed.text).toContain('Compared with 400.10 USD on 2026-11-23');
      const htmlPart = mail.parsed.html as string;
      expect(htmlPart).not.toContain('<script>');
      expect(htmlPart).toContain('Charizard &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;');
      const manage = /href="(https:\/\/alerts\.example\.test\/v1\/subscriptions\/manage\/cqm_[0-9a-z]{32})"/.exec(
        htmlPart,
      );
      expect(manage).not.toBeNull();
      managePath = manage![1]!.replace(PUBLIC_URL, '');

      const dkim = header(mail, 'DKIM-Signature')!;
      expect(dkim).toContain('d=example.test');
      expect(dkim).toContain('s=cq2026');
      expect(dkim).toContain('a=rsa-sha256');
      // RFC 8058: the signature covers both unsubscribe headers.
      const signed = /\bh=([^;]+)/.exec(dkim)![1]!.toLowerCase().replace(/\s/g, '').split(':');
      expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
      // …and verifies with the public key (published as the DKIM TXT record).
      expect(verifyDkim(mail.raw, publicKey)).toEqual({ ok: true, reason: 'valid' });
      expect(
        verifyDkim(mail.raw.replace('List-Unsubscribe=One-Click', 'List-Unsubscribe=Two-Click'), publicKey).ok,
      ).toBe(false);

      const row = await db().selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('delivered');
      expect(row.provider_message_id).toBe(mail.parsed.messageId);
    });

    it('unsubscribes in one click without login, idempotently, and suppresses every later mail', async () => {
      const page = await h.request(unsubscribePath);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="List-Unsubscribe" value="One-Click"');
      expect((await subscriber(address))?.status).toBe('confirmed');

      const form = {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      };
      const first = await h.request(unsubscribePath, form);
      expect(first.status).toBe(200);
      const second = await h.request(unsubscribePath, form);
      expect(second.status).toBe(200);
      expect((await h.request(unsubscribePath, { method: 'POST' })).status).toBe(200);
      expect((await subscriber(address))?.status).toBe('unsubscribed');
      const suppression = await db()
        .selectFrom('email_suppressions')
        .selectAll()
        .where('address', '=', address)
        .executeTakeFirst();
      expect(suppression?.reason).toBe('unsubscribe');
      const audits = await db()
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'subscriber.unsubscribe')
        .execute();
      expect(audits).toHaveLength(1);

      const unknown = await h.request(`/v1/unsubscribe/cqu_${'0'.repeat(32)}`, { method: 'POST' });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');

      const sent = smtp.messages.length;
      const later = await enqueueAlert(principalId, address, 'Blastoise');
      expect((await worker.runOnce()).outcomes).toEqual({ suppressed: 1 });
      expect(await status(later)).toBe('suppressed');
      expect(smtp.messages).toHaveLength(sent);
    });

    it('deletes everything about the address through the manage link', async () => {
      const manage = await h.request(managePath);
      expect(manage.status).toBe(200);
      const forgetPath = managePath.replace('/manage/', '/forget/');
      expect(await manage.text()).toContain(`action="${forgetPath}"`);
      const page = await h.request(forgetPath);
      expect(page.status).toBe(200);
      expect(await subscriber(address)).toBeDefined();

      const done = await h.request(forgetPath, { method: 'POST' });
      expect(done.status).toBe(200);
      expect(await subscriber(address)).toBeUndefined();
      expect(await db().selectFrom('principals').select('id').where('id', '=', principalId).execute()).toEqual([]);
      expect(await db().selectFrom('deliveries').select('id').where('address', '=', address).execute()).toEqual([]);
      expect(
        await db().selectFrom('owner_tokens').select('token_hash').where('principal_id', '=', principalId).execute(),
      ).toEqual([]);
      // An unsubscribe suppression goes with the address: nothing about it is kept.
      expect(await db().selectFrom('email_suppressions').selectAll().execute()).toEqual([]);
      const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'subscriber.forget').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail ?? '').not.toContain(address);

      expect((await h.request(forgetPath, { method: 'POST' })).status).toBe(404);
      expect((await h.request('/v1/subscriptions/me', { headers: bearer(manageToken) })).status).toBe(401);
    });

    it('keeps only a digest of a bounced address that asked to be forgotten, and never mails it again', async () => {
      const bounced = 'gone@example.test';
      await h.request('/v1/subscriptions', json({ address: bounced }));
      smtp.refuseNextRecipient(550, '5.1.1 No such user here');
      expect((await worker.runOnce()).outcomes).toEqual({ dead: 1 });
      const row = await subscriber(bounced);
      expect(
        await db().selectFrom('email_suppressions').select('reason').where('address', '=', bounced).executeTakeFirst(),
      ).toEqual({ reason: 'hard_bounce' });

      // Forget it (as the subscriber could through DELETE /v1/subscriptions/me).
      const service = new SubscriptionsService(db(), h.clock, h.runtime.newId, h.runtime.dataKeys.box, h.runtime.audit);
      await service.forget(row!.principal_id, { requestId: 'test', ip: '127.0.0.1' });
      const kept = await db().selectFrom('email_suppressions').selectAll().execute();
      expect(kept.map((k) => k.reason)).toEqual(['hard_bounce']);
      expect(kept[0]!.address).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(JSON.stringify(kept)).not.toContain(bounced);

      // Subscribing again sends nothing: the digest still suppresses it.
      h.clock.advance(2 * 3_600_000);
      const sent = smtp.messages.length;
      await h.request('/v1/subscriptions', json({ address: bounced }));
      expect((await worker.runOnce()).claimed).toBe(0);
      expect(smtp.messages).toHaveLength(sent);
    });

    it('does not suppress an address whose mail was refused for policy (550 5.7.1), only a dead mailbox', async () => {
      const refused = 'policy@example.test';
      await h.request('/v1/subscriptions', json({ address: refused }));
      smtp.refuseNextRecipient(550, '5.7.1 Message rejected as spam');
      expect((await worker.runOnce()).outcomes).toEqual({ dead: 1 });
      const row = await db()
        .selectFrom('deliveries')
        .select(['status', 'last_error_class'])
        .where('address', '=', refused)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'dead', last_error_class: 'rejected' });
      expect(
        await db().selectFrom('email_suppressions').select('reason').where('address', '=', refused).execute(),
      ).toEqual([]);
    });

    it('answers concurrent first requests for one address alike, with one subscriber and one confirmation', async () => {
      const race = 'race@example.test';
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => h.request('/v1/subscriptions', json({ address: race }))),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
      expect(
        await db().selectFrom('email_subscribers').select('principal_id').where('address', '=', race).execute(),
      ).toHaveLength(1);
      const confirms = await db().selectFrom('deliveries').select('id').where('address', '=', race).execute();
      expect(confirms).toHaveLength(1);
    });
  });
});
