/**
 * How an endpoint's deliveries are going: a failed attempt starts a failing run (`failing_since`)
 * unless one is running, a delivered one ends it. An endpoint failing for
 * WEBHOOK_DISABLE_AFTER_DAYS, or answering 410 Gone, is disabled once, with its reason, and its
 * owner is told: an `endpoint.disabled` e-mail when the owner is a confirmed e-mail subscriber
 * (with manage and unsubscribe links), else the reason the API shows and a warning in the log.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { EndpointDisabledEvent } from '../../shared/delivery-events.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { clearFailing, disableEndpoint, markFailing, subscriberAddress, type EndpointRow } from './endpoints.repo.ts';

export interface EndpointHealthDeps {
  db: Kysely<Tables>;
  clock: Clock;
  box: SecretBox;
  log: Logger;
  newId: (prefix: IdPrefix) => string;
  disableAfterDays: number;
}

export class EndpointHealth {
  constructor(private readonly deps: EndpointHealthDeps) {}

  /** A delivered attempt: the failing run, if any, ends. */
  async succeeded(endpoint: EndpointRow): Promise<void> {
    if (endpoint.failing_since !== null) await clearFailing(this.deps.db, endpoint.id);
  }

  /**
   * A failed attempt: starts the failing run, or disables the endpoint when the run has lasted
   * WEBHOOK_DISABLE_AFTER_DAYS. Returns whether the endpoint is now disabled.
   */
  async failed(endpoint: EndpointRow): Promise<boolean> {
    const now = this.deps.clock.now();
    if (endpoint.failing_since === null) {
      await markFailing(this.deps.db, endpoint.id, isoInstant(now));
      return false;
    }
    const days = (now - Date.parse(endpoint.failing_since)) / 86_400_000;
    if (days < this.deps.disableAfterDays) return false;
    await this.disable(endpoint, `failing since ${endpoint.failing_since} (${this.deps.disableAfterDays} days)`);
    return true;
  }

  /** Disables the endpoint (once) and tells its owner, in one transaction. */
  async disable(endpoint: EndpointRow, reason: string): Promise<void> {
    const { db, clock, box, newId, log } = this.deps;
    const now = clock.now();
    const nowIso = isoInstant(now);
    const told = await db.transaction().execute(async (trx) => {
      if (!(await disableEndpoint(trx, endpoint.id, reason, nowIso))) return null;
      const address = await subscriberAddress(trx, endpoint.owner_id);
      if (address === undefined) return 'api';
      const id = newId('dlv');
      const event: EndpointDisabledEvent = {
        type: 'endpoint.disabled',
        timestamp: nowIso,
        data: { endpoint_id: endpoint.id, host: endpoint.host, reason, failing_since: endpoint.failing_since },
      };
      await insertDelivery(trx, id, nowIso, {
        channel: 'email',
        eventType: event.type,
        dedupeKey: `endpoint.disabled:${endpoint.id}:${nowIso}`,
        payload: event,
        ownerId: endpoint.owner_id,
        endpointId: endpoint.id,
        address,
        sealed: await mintLinkTokens(trx, box, {
          principalId: endpoint.owner_id,
          deliveryId: id,
          nowMs: now,
          purposes: ['manage', 'unsubscribe'],
        }),
      });
      return 'email';
    });
    if (told === null) return;
    log.warn(
      { endpointId: endpoint.id, ownerId: endpoint.owner_id, host: endpoint.host, reason, toldBy: told },
      told === 'email'
        ? 'webhook endpoint disabled; its owner is told by e-mail'
        : 'webhook endpoint disabled; its owner has no e-mail address, the reason is shown by the API',
    );
  }
}
