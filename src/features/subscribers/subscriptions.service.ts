/**
 * E-mail subscriptions with double opt-in (docs/EMAIL.md, "Subscribers"). Subscribing writes the
 * principal, its pending row and the confirmation delivery in one transaction; nothing but that
 * confirmation is ever sent to a pending address. Confirming answers a manage token once;
 * unsubscribing needs no login; "delete everything about this address" is one link.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuditEntry } from '../../platform/http/context.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { SubscriberConfirmEvent } from '../../shared/delivery-events.ts';
import { LINK_TTL_MS, mintLinkTokens } from './link-tokens.ts';
import { insertToken } from './owner-tokens.repo.ts';
import { newManageToken } from './subscriber-auth.ts';
import {
  addSuppression,
  deliveryExists,
  findLiveToken,
  findSubscriber,
  findSubscriberByAddress,
  findSuppression,
  forgetAddress,
  insertSubscriber,
  liftUnsubscribe,
  setDigest,
  setSubscriberStatus,
  useToken,
  type SubscriberRow,
} from './subscribers.repo.ts';

/** Who asks, for the audit log. */
export interface Requester {
  requestId: string;
  ip: string;
}

export interface AuditRecorder {
  record(entry: AuditEntry, db?: Kysely<Tables>): Promise<void>;
}

/** One confirmation mail per address per this window, however often it is asked for. */
export const CONFIRM_RESEND_WINDOW_MS = 3_600_000;

/** The link is unknown, expired or already used (one answer for all three: it reveals nothing). */
export class LinkNotFound extends AppError {
  constructor() {
    super(404, 'link_not_found', 'This link is unknown, has expired or was already used.');
  }
}

/** A unique constraint refused an insert (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Lower-cased and trimmed: one principal per address. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The keys an address may be suppressed under: itself, and its digest once it was forgotten. */
export async function suppressionKeys(address: string): Promise<string[]> {
  return [address, `sha256:${await sha256Hex(address)}`];
}

export interface SubscriberView {
  address: string;
  status: SubscriberRow['status'];
  digest: boolean;
  created_at: string;
  confirmed_at: string | null;
}

function view(row: SubscriberRow): SubscriberView {
  return {
    address: row.address,
    status: row.status,
    digest: row.digest === 1,
    created_at: row.created_at,
    confirmed_at: row.confirmed_at,
  };
}

export class SubscriptionsService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly box: SecretBox,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Asks for a subscription. A new or pending address gets a confirmation mail (at most one per
   * CONFIRM_RESEND_WINDOW_MS); an unsubscribed one may subscribe again the same way; a confirmed
   * or bounced/complained address gets nothing. The caller learns none of this.
   */
  async subscribe(rawAddress: string, digest: boolean): Promise<void> {
    const address = normalizeAddress(rawAddress);
    try {
      await this.subscribeOnce(address, digest);
    } catch (err) {
      // Two first requests for one address at once: the loser's insert hits the unique address;
      // run again, now finding the winner's row (its confirmation is deduplicated).
      if (!isUniqueViolation(err)) throw err;
      await this.subscribeOnce(address, digest);
    }
  }

  private async subscribeOnce(address: string, digest: boolean): Promise<void> {
    const nowMs = this.clock.now();
    const nowIso = isoInstant(nowMs);
    const keys = await suppressionKeys(address);
    await this.db.transaction().execute(async (trx) => {
      const suppression = await findSuppression(trx, keys);
      if (suppression && suppression.reason !== 'unsubscribe') return;
      let subscriber = await findSubscriberByAddress(trx, address);
      if (subscriber?.status === 'confirmed') return;
      if (!subscriber) {
        const principalId = this.newId('prn');
        await insertSubscriber(trx, { principalId, address, digest, nowIso });
        subscriber = (await findSubscriber(trx, principalId))!;
      } else if (subscriber.status === 'unsubscribed') {
        await setSubscriberStatus(trx, subscriber.principal_id, 'pending', nowIso);
      }
      const dedupeKey = `subscriber.confirm:${subscriber.principal_id}:${Math.floor(nowMs / CONFIRM_RESEND_WINDOW_MS)}`;
      if (await deliveryExists(trx, dedupeKey)) return;
      const deliveryId = this.newId('dlv');
      const sealed = await mintLinkTokens(trx, this.box, {
        principalId: subscriber.principal_id,
        deliveryId,
        nowMs,
        purposes: ['confirm'],
      });
      const payload: SubscriberConfirmEvent = { type: 'subscriber.confirm', timestamp: nowIso, data: { address } };
      await insertDelivery(trx, deliveryId, nowIso, {
        channel: 'email',
        eventType: 'subscriber.confirm',
        dedupeKey,
        payload,
        ownerId: subscriber.principal_id,
        address,
        sealed,
      });
    });
  }

  /** The subscriber a confirm link names, if the link is live (GET shows a page; nothing changes). */
  async peekConfirm(token: string): Promise<SubscriberView> {
    const found = await findLiveToken(this.db, await sha256Hex(token), 'confirm', isoInstant(this.clock.now()));
    if (!found || found.used_at !== null) throw new LinkNotFound();
    return view(found);
  }

  /** Confirms the address and answers a new manage token, once (the confirm link is single-use). */
  async confirm(token: string, by: Requester): Promise<SubscriberView & { manage_token: string }> {
    const hash = await sha256Hex(token);
    const nowMs = this.clock.now();
    const nowIso = isoInstant(nowMs);
    return this.db.transaction().execute(async (trx) => {
      const found = await findLiveToken(trx, hash, 'confirm', nowIso);
      if (!found || found.used_at !== null || !(await useToken(trx, hash, nowIso))) throw new LinkNotFound();
      await setSubscriberStatus(trx, found.principal_id, 'confirmed', nowIso);
      await liftUnsubscribe(trx, await suppressionKeys(found.address));
      const manageToken = newManageToken();
      await insertToken(trx, {
        tokenHash: await sha256Hex(manageToken),
        principalId: found.principal_id,
        purpose: 'manage',
        createdAt: nowIso,
        expiresAt: isoInstant(nowMs + LINK_TTL_MS.manage),
      });
      await this.audit.record(
        {
          actor: found.principal_id,
          action: 'subscriber.confirm',
          target: found.principal_id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
        },
        trx,
      );
      const confirmed = (await findSubscriber(trx, found.principal_id))!;
      return { ...view(confirmed), manage_token: manageToken };
    });
  }

  async get(principalId: string): Promise<SubscriberView> {
    const row = await findSubscriber(this.db, principalId);
    if (!row) throw new AppError(404, 'subscriber_not_found', 'No such subscriber.');
    return view(row);
  }

  async setDigest(principalId: string, digest: boolean, by: Requester): Promise<SubscriberView> {
    return this.db.transaction().execute(async (trx) => {
      await setDigest(trx, principalId, digest);
      await this.audit.record(
        {
          actor: principalId,
          action: 'subscriber.update',
          target: principalId,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
          detail: { digest },
        },
        trx,
      );
      const row = await findSubscriber(trx, principalId);
      if (!row) throw new AppError(404, 'subscriber_not_found', 'No such subscriber.');
      return view(row);
    });
  }

  /** The subscriber a manage or unsubscribe link names (pages only read). */
  async peek(token: string, purpose: 'manage' | 'unsubscribe'): Promise<SubscriberView> {
    const found = await findLiveToken(this.db, await sha256Hex(token), purpose, isoInstant(this.clock.now()));
    if (!found) throw new LinkNotFound();
    return view(found);
  }

  /**
   * RFC 8058 one-click unsubscribe: marks the subscriber unsubscribed and suppresses the address.
   * Repeating it changes nothing and answers the same; an unknown or expired link is 404.
   */
  async unsubscribe(token: string, by: Requester): Promise<SubscriberView> {
    const nowIso = isoInstant(this.clock.now());
    return this.db.transaction().execute(async (trx) => {
      const found = await findLiveToken(trx, await sha256Hex(token), 'unsubscribe', nowIso);
      if (!found) throw new LinkNotFound();
      if (found.status !== 'unsubscribed') {
        await setSubscriberStatus(trx, found.principal_id, 'unsubscribed', nowIso);
        await addSuppression(trx, { address: found.address, reason: 'unsubscribe', nowIso });
        await this.audit.record(
          {
            actor: found.principal_id,
            action: 'subscriber.unsubscribe',
            target: found.principal_id,
            result: 'success',
            requestId: by.requestId,
            ip: by.ip,
          },
          trx,
        );
      }
      return view((await findSubscriber(trx, found.principal_id))!);
    });
  }

  /** Deletes everything about the address a manage link names. */
  async forgetByToken(token: string, by: Requester): Promise<void> {
    const found = await findLiveToken(this.db, await sha256Hex(token), 'manage', isoInstant(this.clock.now()));
    if (!found) throw new LinkNotFound();
    await this.forget(found.principal_id, by);
  }

  /**
   * Deletes everything about a subscriber's address (docs/EMAIL.md, "Delete everything"). The
   * audit entry names the principal id only, never the address.
   */
  async forget(principalId: string, by: Requester): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await findSubscriber(trx, principalId);
      if (!row) throw new LinkNotFound();
      const [, digestKey] = await suppressionKeys(row.address);
      await forgetAddress(trx, { principalId, address: row.address, digestKey: digestKey! });
      await this.audit.record(
        {
          actor: principalId,
          action: 'subscriber.forget',
          target: principalId,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
        },
        trx,
      );
    });
  }
}
