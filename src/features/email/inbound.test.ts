/**
 * Provider events through the HTTP API: Resend payloads signed with `standardwebhooks` under the
 * Svix header names, Postmark payloads with HTTP Basic auth. Stored once (a repeat answers 200 and
 * changes nothing), linked to the delivery, a hard bounce or complaint suppresses the address in
 * the same request; unsigned, tampered, stale or wrongly authenticated posts answer 401 and are
 * audited; an unconfigured provider answers 404.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { startHarness, type Harness } from '#test/harness.ts';
import { isoInstant } from '../../platform/clock.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import { parsePostmarkEvent, parseResendEvent, svixFailure } from './inbound.ts';

const SECRET = `whsec_${Buffer.from('resend-test-signing-secret-32byte').toString('base64')}`;
const PM_USER = 'postmark-hooks';
const PM_PASSWORD = 'a-long-basic-auth-password';

describe.each(dialects)('inbound e-mail events on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url, {
        RESEND_WEBHOOK_SECRET: SECRET,
        POSTMARK_WEBHOOK_USER: PM_USER,
        POSTMARK_WEBHOOK_PASSWORD: PM_PASSWORD,
      });
    });
    afterAll(async () => {
      await h?.close();
      if (url) await d.drop(url);
    });
    const db = () => h.runtime.database.db;

    function resendPost(id: string, payload: unknown, tamper: { body?: string; ageMs?: number } = {}) {
      const body = JSON.stringify(payload);
      const at = new Date(h.clock.now() - (tamper.ageMs ?? 0));
      const signature = new Webhook(SECRET).sign(id, at, body);
      return h.request('/v1/inbound/email/resend', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'svix-id': id,
          'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
          'svix-signature': `v1,bogus ${signature}`,
        },
        body: tamper.body ?? body,
      });
    }
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    function postmarkPost(payload: unknown, authorization = basic(PM_USER, PM_PASSWORD)) {
      return h.request('/v1/inbound/email/postmark', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authorization },
        body: JSON.stringify(payload),
      });
    }
    async function sentDelivery(messageId: string, address: string): Promise<string> {
      const id = h.runtime.newId('dlv');
      const now = isoInstant(h.clock.now());
      await insertDelivery(db(), id, now, {
        channel: 'email',
        eventType: 'alert.triggered',
        dedupeKey: `inbound-test:${id}`,
        payload: {},
        address,
      });
      await db()
        .updateTable('deliveries')
        .set({ status: 'delivered', provider_message_id: messageId })
        .where('id', '=', id)
        .execute();
      return id;
    }
    const suppression = (address: string) =>
      db().selectFrom('email_suppressions').selectAll().where('address', '=', address).executeTakeFirst();

    it('stores a Resend hard bounce once, linked to its delivery, and suppresses the address at once', async () => {
      const delivery = await sentDelivery('re-msg-1', 'bounce@example.test');
      const event = {
        type: 'email.bounced',
        created_at: '2026-11-25T11:59:00.000Z',
        data: {
          email_id: 're-msg-1',
          to: ['Bounce@Example.test'],
          bounce: { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' },
        },
      };
      const res = await resendPost('msg_2m5n0', event);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, duplicate: false, ignored: false });
      const rows = await db().selectFrom('email_events').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        provider: 'resend',
        provider_event_id: 'msg_2m5n0',
        type: 'bounced',
        bounce_kind: 'hard',
        address: 'bounce@example.test',
        delivery_id: delivery,
      });
      expect(await suppression('bounce@example.test')).toMatchObject({ reason: 'hard_bounce', event_id: rows[0]!.id });

      const repeat = await resendPost('msg_2m5n0', event);
      expect(repeat.status).toBe(200);
      expect(await repeat.json()).toMatchObject({ duplicate: true });
      expect(await db().selectFrom('email_events').select('id').execute()).toHaveLength(1);
    });

    it('keeps a soft bounce as an event without suppressing, and suppresses a complaint', async () => {
      await resendPost('msg_soft', {
        type: 'email.bounced',
        created_at: '2026-11-25T11:59:00.000Z',
        data: { email_id: 're-msg-2', to: ['soft@example.test'], bounce: { type: 'Transient' } },
      });
      expect(await suppression('soft@example.test')).toBeUndefined();
      await resendPost('msg_complaint', {
        type: 'email.complained',
        created_at: '2026-11-25T11:59:00.000Z',
        data: { email_id: 're-msg-3', to: ['angry@example.test'] },
      });
      expect(await suppression('angry@example.test')).toMatchObject({ reason: 'complaint' });
      const delivered = await resendPost('msg_delivered', {
        type: 'email.delivered',
        created_at: '2026-11-25T11:59:00.000Z',
        data: { email_id: 're-msg-4', to: ['fine@example.test'] },
      });
      expect(delivered.status).toBe(200);
      expect(await suppression('fine@example.test')).toBeUndefined();
    });

    it('stores an event without a message id unlinked, and still suppresses on a hard bounce', async () => {
      const res = await resendPost('msg_no_email_id', {
        type: 'email.bounced',
        data: { to: 'orphan@example.test', bounce: { type: 'Permanent' } },
      });
      expect(res.status).toBe(200);
      const event = await db()
        .selectFrom('email_events')
        .select(['delivery_id', 'provider_message_id', 'bounce_kind'])
        .where('provider_event_id', '=', 'msg_no_email_id')
        .executeTakeFirstOrThrow();
      expect(event).toEqual({ delivery_id: null, provider_message_id: null, bounce_kind: 'hard' });
      expect(await suppression('orphan@example.test')).toMatchObject({ reason: 'hard_bounce' });
    });

    it('refuses unsigned, tampered and stale Resend posts with 401 and audits them', async () => {
      const event = { type: 'email.complained', created_at: 'x', data: { email_id: 'm', to: ['victim@example.test'] } };
      const unsigned = await h.request('/v1/inbound/email/resend', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(unsigned.status).toBe(401);
      expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
      const tampered = await resendPost('msg_t', event, {
        body: JSON.stringify({ ...event, data: { ...event.data, to: ['other@example.test'] } }),
      });
      expect(tampered.status).toBe(401);
      const stale = await resendPost('msg_s', event, { ageMs: 6 * 60_000 });
      expect(stale.status).toBe(401);
      expect(await suppression('victim@example.test')).toBeUndefined();
      const audits = await db()
        .selectFrom('audit_log')
        .select(['detail', 'target'])
        .where('action', '=', 'inbound.auth_failure')
        .execute();
      expect(audits.map((a) => JSON.parse(a.detail!).reason)).toEqual([
        'missing_signature_headers',
        'bad_signature',
        'timestamp_out_of_tolerance',
      ]);
    });

    it('stores Postmark bounces, complaints and deliveries behind Basic auth, once each', async () => {
      const delivery = await sentDelivery('pm-msg-1', 'hard@example.test');
      const bounce = {
        RecordType: 'Bounce',
        ID: 4323372036,
        Type: 'HardBounce',
        TypeCode: 1,
        MessageID: 'pm-msg-1',
        Email: 'hard@example.test',
        BouncedAt: '2026-11-25T11:58:00Z',
        Inactive: true,
      };
      const res = await postmarkPost(bounce);
      expect(res.status).toBe(200);
      expect(await suppression('hard@example.test')).toMatchObject({ reason: 'hard_bounce' });
      const stored = await db()
        .selectFrom('email_events')
        .selectAll()
        .where('provider', '=', 'postmark')
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ type: 'bounced', bounce_kind: 'hard', delivery_id: delivery });
      expect(await (await postmarkPost(bounce)).json()).toMatchObject({ duplicate: true });

      await postmarkPost({
        RecordType: 'Bounce',
        ID: 2,
        Type: 'Transient',
        MessageID: 'pm-2',
        Email: 'later@example.test',
      });
      expect(await suppression('later@example.test')).toBeUndefined();
      await postmarkPost({
        RecordType: 'SpamComplaint',
        ID: 3,
        Type: 'SpamComplaint',
        MessageID: 'pm-3',
        Email: 'spam@example.test',
      });
      expect(await suppression('spam@example.test')).toMatchObject({ reason: 'complaint' });
      const delivered = { RecordType: 'Delivery', MessageID: 'pm-1', Recipient: 'ok@example.test', DeliveredAt: 'x' };
      expect(await (await postmarkPost(delivered)).json()).toMatchObject({ duplicate: false });
      expect(await (await postmarkPost(delivered)).json()).toMatchObject({ duplicate: true });
      const count = await db().selectFrom('email_events').select('id').where('provider', '=', 'postmark').execute();
      expect(count).toHaveLength(4);
    });

    it('refuses Postmark posts without or with wrong Basic auth', async () => {
      const event = { RecordType: 'SpamComplaint', ID: 9, MessageID: 'x', Email: 'target@example.test' };
      expect((await postmarkPost(event, basic(PM_USER, 'wrong-password-of-some-length'))).status).toBe(401);
      expect((await postmarkPost(event, basic('someone', PM_PASSWORD))).status).toBe(401);
      expect((await postmarkPost(event, 'Bearer cqk_nothing')).status).toBe(401);
      const none = await h.request('/v1/inbound/email/postmark', { method: 'POST', body: JSON.stringify(event) });
      expect(none.status).toBe(401);
      expect(await suppression('target@example.test')).toBeUndefined();
    });
  });
});

describe('inbound e-mail events without configuration', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite::memory:');
  });
  afterAll(() => h.close());

  it('answers 404 for a provider that is not configured', async () => {
    for (const provider of ['resend', 'postmark']) {
      const res = await h.request(`/v1/inbound/email/${provider}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('inbound_not_configured');
    }
  });
});

describe('parsing provider events', () => {
  it('refuses a Svix timestamp that is not a plain number of seconds', () => {
    const headers = { id: 'msg_1', signature: 'v1,abc' };
    for (const timestamp of ['-5', '1.5', 'soon', '1234567890123'])
      expect(svixFailure(SECRET, { ...headers, timestamp }, '{}', Date.now())).toBe('bad_timestamp');
  });

  it('reads no Resend event from a body that is not an object with a type and data', () => {
    for (const body of [null, 'email.bounced', 42, {}, { type: 'email.bounced' }, { type: '', data: {} }])
      expect(parseResendEvent('msg_1', body)).toBeNull();
    expect(parseResendEvent('msg_1', { type: 'email.bounced', data: 'x' })).toBeNull();
  });

  it('reads a Resend recipient given as a string, keeps unknown types as other and missing fields as null', () => {
    expect(parseResendEvent('msg_2', { type: 'email.opened', data: { to: ' Reader@Example.TEST ' } })).toEqual({
      providerEventId: 'msg_2',
      type: 'other',
      bounceKind: null,
      address: 'reader@example.test',
      providerMessageId: null,
      occurredAt: null,
    });
    const bounced = parseResendEvent('msg_3', { type: 'email.bounced', data: { to: [], email_id: 'em_1' } });
    expect(bounced).toMatchObject({ type: 'bounced', bounceKind: 'soft', address: null, providerMessageId: 'em_1' });
  });

  it('reads no Postmark event from a body without a record type, or without any id to store it under', () => {
    for (const body of [null, 'Bounce', {}, { RecordType: '' }, { RecordType: 'Bounce', Email: 'a@example.test' }])
      expect(parsePostmarkEvent(body)).toBeNull();
    expect(parsePostmarkEvent({ RecordType: 'Delivery', Recipient: 'a@example.test' })).toBeNull();
  });

  it('keys a Postmark delivery without a recipient by its message id alone', () => {
    expect(parsePostmarkEvent({ RecordType: 'Delivery', MessageID: 'pm-1' })).toEqual({
      providerEventId: 'Delivery:pm-1:',
      type: 'delivered',
      bounceKind: null,
      address: null,
      providerMessageId: 'pm-1',
      occurredAt: null,
    });
  });

  it('classifies Postmark bounces: hard by type or by an inactive address, soft otherwise', () => {
    const bounce = (extra: Record<string, unknown>) =>
      parsePostmarkEvent({ RecordType: 'Bounce', ID: 7, MessageID: 'pm-2', Email: 'x@example.test', ...extra });
    expect(bounce({ Type: 'BadEmailAddress' })?.bounceKind).toBe('hard');
    expect(bounce({ Type: 'SoftBounce', Inactive: true })?.bounceKind).toBe('hard');
    expect(bounce({ Type: 'SoftBounce', Inactive: false })?.bounceKind).toBe('soft');
    expect(bounce({ Type: 'Transient' })).toMatchObject({ bounceKind: 'soft', providerEventId: 'Bounce:7' });
  });

  it('keys a Postmark event without an ID by its message id and falls back to Recipient for the address', () => {
    expect(parsePostmarkEvent({ RecordType: 'SpamComplaint', MessageID: 'pm-3', Recipient: 'Y@Example.test' })).toEqual(
      {
        providerEventId: 'SpamComplaint:pm-3',
        type: 'complained',
        bounceKind: null,
        address: 'y@example.test',
        providerMessageId: 'pm-3',
        occurredAt: null,
      },
    );
  });

  it('keeps other Postmark record types as other, with their ReceivedAt when given', () => {
    expect(parsePostmarkEvent({ RecordType: 'Open', ID: 'o-1', ReceivedAt: '2026-01-02T03:04:05Z' })).toEqual({
      providerEventId: 'Open:o-1',
      type: 'other',
      bounceKind: null,
      address: null,
      providerMessageId: null,
      occurredAt: '2026-01-02T03:04:05Z',
    });
    expect(parsePostmarkEvent({ RecordType: 'Click', ID: 9 })?.occurredAt).toBeNull();
  });
});
