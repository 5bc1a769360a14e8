/**
 * Provider events (delivered, bounced, complained) from Resend (signed with Svix, the Standard
 * Webhooks scheme under `svix-*` header names) and Postmark (HTTP Basic auth). Each event is
 * stored once per (provider, provider event id), linked to its delivery by the provider message
 * id; a hard bounce or a complaint suppresses the address in the same transaction, so the next
 * send to it is refused before the request is answered.
 */
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { timingSafeEqual } from '../../platform/crypto.ts';
import type { EmailEventsTable, Tables } from '../../platform/db/schema.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { addSuppression } from '../subscribers/subscribers.repo.ts';
import { normalizeAddress } from '../subscribers/subscriptions.service.ts';
import { findDeliveryByMessage, insertEmailEvent } from './email-events.repo.ts';

/** How far a signed timestamp may be from our clock (Standard Webhooks' tolerance). */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** A provider event, parsed. */
export interface ProviderEvent {
  providerEventId: string;
  type: EmailEventsTable['type'];
  bounceKind: 'hard' | 'soft' | null;
  address: string | null;
  providerMessageId: string | null;
  occurredAt: string | null;
}

/**
 * Checks a Svix signature: `svix-signature` holds space-separated `v1,<base64>` entries over
 * `id.timestamp.body`, signed with the `whsec_` secret; the timestamp must be within five
 * minutes of our clock. Returns why it fails, or null when it is valid.
 */
export function svixFailure(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  nowMs: number,
): string | null {
  if (!headers.id || !headers.timestamp || !headers.signature) return 'missing_signature_headers';
  if (!/^\d{1,12}$/.test(headers.timestamp)) return 'bad_timestamp';
  const timestampMs = Number(headers.timestamp) * 1000;
  if (Math.abs(nowMs - timestampMs) > SIGNATURE_TOLERANCE_MS) return 'timestamp_out_of_tolerance';
  let expected: string;
  try {
    expected = new Webhook(secret).sign(headers.id, new Date(timestampMs), body);
  } catch {
    return 'bad_secret';
  }
  const given = headers.signature.split(' ').filter((s) => s.startsWith('v1,'));
  return given.some((s) => timingSafeEqual(s, expected)) ? null : 'bad_signature';
}

/**
 * Checks `Authorization: Basic …` against the configured pair in constant time (both sides are
 * compared in full, whatever matches first).
 */
export function basicAuthValid(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/.exec(header ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const givenUser = colon >= 0 ? decoded.slice(0, colon) : '';
  const givenPassword = colon >= 0 ? decoded.slice(colon + 1) : '';
  const userOk = timingSafeEqual(givenUser, user);
  const passwordOk = timingSafeEqual(givenPassword, password);
  return match !== null && userOk && passwordOk;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 1000 ? v : null);

/** A Resend webhook body (`{type, created_at, data: {email_id, to, bounce?}}`), or null when it is not one. */
export function parseResendEvent(svixId: string, body: unknown): ProviderEvent | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { type?: unknown; created_at?: unknown; data?: Record<string, unknown> };
  const type = str(b.type);
  if (!type || !b.data || typeof b.data !== 'object') return null;
  const to = Array.isArray(b.data.to) ? str(b.data.to[0]) : str(b.data.to);
  const bounce = (b.data.bounce ?? {}) as { type?: unknown };
  const kind: ProviderEvent['type'] =
    type === 'email.delivered'
      ? 'delivered'
      : type === 'email.bounced'
        ? 'bounced'
        : type === 'email.complained'
          ? 'complained'
          : 'other';
  return {
    providerEventId: svixId,
    type: kind,
    // Resend reports `Permanent` for a hard bounce, `Transient`/`Undetermined` otherwise.
    bounceKind: kind === 'bounced' ? (bounce.type === 'Permanent' ? 'hard' : 'soft') : null,
    address: to ? normalizeAddress(to) : null,
    providerMessageId: str(b.data.email_id),
    occurredAt: str(b.created_at),
  };
}

/** Postmark bounce types that mean the address will never accept mail. */
const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);

/** A Postmark webhook body (`RecordType` Delivery, Bounce, SpamComplaint, …), or null when it is not one. */
export function parsePostmarkEvent(body: unknown): ProviderEvent | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const record = str(b.RecordType);
  const messageId = str(b.MessageID);
  if (!record) return null;
  const id = typeof b.ID === 'number' || typeof b.ID === 'string' ? String(b.ID) : null;
  if (record === 'Delivery') {
    const recipient = str(b.Recipient);
    if (!messageId) return null;
    return {
      providerEventId: `Delivery:${messageId}:${recipient ?? ''}`,
      type: 'delivered',
      bounceKind: null,
      address: recipient ? normalizeAddress(recipient) : null,
      providerMessageId: messageId,
      occurredAt: str(b.DeliveredAt),
    };
  }
  if (!id && !messageId) return null;
  const email = str(b.Email) ?? str(b.Recipient);
  const common = {
    address: email ? normalizeAddress(email) : null,
    providerMessageId: messageId,
    providerEventId: `${record}:${id ?? messageId}`,
  };
  if (record === 'Bounce') {
    const hard = POSTMARK_HARD.has(String(b.Type)) || b.Inactive === true;
    return { ...common, type: 'bounced', bounceKind: hard ? 'hard' : 'soft', occurredAt: str(b.BouncedAt) };
  }
  if (record === 'SpamComplaint')
    return { ...common, type: 'complained', bounceKind: null, occurredAt: str(b.BouncedAt) };
  return { ...common, type: 'other', bounceKind: null, occurredAt: str(b.ReceivedAt) ?? null };
}

/**
 * Stores an event once and, for a hard bounce or a complaint, suppresses its address — in one
 * transaction. Returns false for a repeat (nothing changes).
 */
export async function recordProviderEvent(
  db: Kysely<Tables>,
  deps: { clock: Clock; newId: (prefix: IdPrefix) => string },
  provider: 'resend' | 'postmark',
  event: ProviderEvent,
): Promise<boolean> {
  const nowIso = isoInstant(deps.clock.now());
  return db.transaction().execute(async (trx) => {
    const id = deps.newId('eev');
    const deliveryId = event.providerMessageId ? await findDeliveryByMessage(trx, event.providerMessageId) : null;
    const inserted = await insertEmailEvent(trx, {
      id,
      provider,
      provider_event_id: event.providerEventId,
      type: event.type,
      bounce_kind: event.bounceKind,
      address: event.address,
      provider_message_id: event.providerMessageId,
      delivery_id: deliveryId,
      occurred_at: event.occurredAt,
      received_at: nowIso,
    });
    if (!inserted) return false;
    const suppress =
      event.type === 'complained'
        ? 'complaint'
        : event.type === 'bounced' && event.bounceKind === 'hard'
          ? 'hard_bounce'
          : null;
    if (suppress && event.address)
      await addSuppression(trx, { address: event.address, reason: suppress, nowIso, eventId: id });
    return true;
  });
}
