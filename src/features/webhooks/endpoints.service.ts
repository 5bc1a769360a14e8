/**
 * Webhook endpoints of an owner: create (the signing secret answered once), list, read, change,
 * re-enable, delete, rotate the secret (the previous one keeps signing for
 * WEBHOOK_SECRET_OVERLAP_HOURS), send a `test.ping`, list recent attempts. Every change is audited
 * in its own transaction; URLs and secrets are stored sealed (endpoint-secrets.ts).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { EgressGuard } from '../../platform/egress.ts';
import { AppError, NotFound, ValidationFailed } from '../../platform/errors.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { TestPingEvent } from '../../shared/delivery-events.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { newSigningSecret, openColumn, sealColumn } from './endpoint-secrets.ts';
import { displayUrl, parseEndpointUrl, type EndpointKind } from './endpoint-url.ts';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  updateEndpoint,
  type AttemptView,
  type EndpointRow,
} from './endpoints.repo.ts';

/** Who acts, for the audit log. */
export interface Actor {
  ownerId: string;
  actor: string;
  role: string | null;
  requestId?: string;
  ip?: string;
}

export interface EndpointView {
  id: string;
  kind: EndpointKind;
  url: string;
  host: string;
  description: string | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: string | null;
  failing_since: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type EndpointsConfig = Pick<
  Config,
  'DISCORD_API_BASE' | 'EGRESS_ALLOW' | 'DNS_SERVERS' | 'WEBHOOK_SECRET_OVERLAP_HOURS' | 'WEBHOOK_TIMEOUT_MS'
>;

export class WebhookEndpoints {
  private readonly guard: EgressGuard;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: EndpointsConfig,
  ) {
    this.guard = new EgressGuard({
      allow: config.EGRESS_ALLOW,
      dnsServers: config.DNS_SERVERS,
      dnsTimeoutMs: Math.min(config.WEBHOOK_TIMEOUT_MS, 5000),
    });
  }

  /** Checks the URL's form and where it resolves; answers the host. */
  private async checkUrl(text: string, kind: EndpointKind): Promise<string> {
    const parsed = parseEndpointUrl(text, kind, this.config.DISCORD_API_BASE);
    if (!parsed.ok) throw new ValidationFailed([parsed.problem]);
    const hostname = parsed.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const checked = await this.guard.check(hostname);
    if (!checked.ok && checked.reason === 'refused') {
      throw new AppError(
        422,
        'egress_refused',
        `${parsed.url.hostname} resolves to a ${checked.kind} address, which deliveries may not reach.`,
        { fields: [{ field: 'body.url', message: `resolves to a ${checked.kind} address (refused)` }] },
      );
    }
    if (!checked.ok) {
      throw new AppError(422, 'url_unresolved', `${parsed.url.hostname} does not resolve to an address.`, {
        fields: [{ field: 'body.url', message: 'does not resolve' }],
      });
    }
    return parsed.host;
  }

  view(row: EndpointRow): EndpointView {
    const until = row.previous_secret_until;
    return {
      id: row.id,
      kind: row.kind,
      url: displayUrl(openColumn(this.box, row.id, 'url_sealed', row.url_sealed), row.kind),
      host: row.host,
      description: row.description,
      status: row.status,
      disabled_reason: row.disabled_reason,
      disabled_at: row.disabled_at,
      failing_since: row.failing_since,
      previous_secret_expires_at:
        row.previous_secret_sealed !== null && until !== null && Date.parse(until) > this.clock.now() ? until : null,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  async create(
    input: { url: string; kind: EndpointKind; description?: string | null },
    by: Actor,
    within?: (trx: Kysely<Tables>, answer: unknown) => Promise<void>,
  ): Promise<EndpointView & { secret: string | null }> {
    const host = await this.checkUrl(input.url, input.kind);
    const id = this.newId('whe');
    const now = isoInstant(this.clock.now());
    const secret = input.kind === 'standard' ? newSigningSecret() : null;
    const row: EndpointRow = {
      id,
      owner_id: by.ownerId,
      kind: input.kind,
      url_sealed: sealColumn(this.box, id, 'url_sealed', input.url),
      host,
      description: input.description ?? null,
      secret_sealed: secret === null ? null : sealColumn(this.box, id, 'secret_sealed', secret),
      previous_secret_sealed: null,
      previous_secret_until: null,
      status: 'enabled',
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    };
    const answer = { ...this.view(row), secret };
    await this.db.transaction().execute(async (trx) => {
      await insertEndpoint(trx, row);
      await this.record(trx, by, 'webhook_endpoint.create', id, { kind: input.kind, host });
      await within?.(trx, answer);
    });
    return answer;
  }

  async get(id: string, ownerId: string): Promise<EndpointRow> {
    const row = await findEndpoint(this.db, id, ownerId);
    if (!row) throw new NotFound('webhook_endpoint', id);
    return row;
  }

  async list(ownerId: string, args: { afterId?: string; limit: number }): Promise<EndpointRow[]> {
    return listEndpoints(this.db, ownerId, args);
  }

  /** Changes the URL or description; `status: 'enabled'` re-enables a disabled endpoint. */
  async update(
    id: string,
    patch: { url?: string; description?: string | null; status?: 'enabled' },
    by: Actor,
  ): Promise<EndpointRow> {
    const current = await this.get(id, by.ownerId);
    const now = isoInstant(this.clock.now());
    const set: Partial<EndpointRow> = { updated_at: now };
    const changed: string[] = [];
    if (patch.url !== undefined) {
      set.host = await this.checkUrl(patch.url, current.kind);
      set.url_sealed = sealColumn(this.box, id, 'url_sealed', patch.url);
      changed.push('url');
    }
    if (patch.description !== undefined) {
      set.description = patch.description;
      changed.push('description');
    }
    if (patch.status === 'enabled' && current.status !== 'enabled') {
      Object.assign(set, { status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null });
      changed.push('status');
    }
    await this.db.transaction().execute(async (trx) => {
      if (!(await updateEndpoint(trx, id, by.ownerId, set))) throw new NotFound('webhook_endpoint', id);
      await this.record(trx, by, 'webhook_endpoint.update', id, {
        changed,
        host: set.host ?? current.host,
        ...(changed.includes('status') ? { reenabled: true } : {}),
      });
    });
    return this.get(id, by.ownerId);
  }

  async remove(id: string, by: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await findEndpoint(trx, id, by.ownerId);
      if (!row || !(await deleteEndpoint(trx, id, by.ownerId))) throw new NotFound('webhook_endpoint', id);
      await this.record(trx, by, 'webhook_endpoint.delete', id, { host: row.host, kind: row.kind });
    });
  }

  /** A new secret (answered once); the current one keeps signing for the overlap. */
  async rotateSecret(
    id: string,
    by: Actor,
    within?: (trx: Kysely<Tables>, answer: unknown) => Promise<void>,
  ): Promise<{ id: string; secret: string; previous_secret_expires_at: string | null; rotated_at: string }> {
    const current = await this.get(id, by.ownerId);
    if (current.kind !== 'standard' || current.secret_sealed === null) {
      throw new AppError(409, 'no_signing_secret', 'Discord endpoints are not signed; there is no secret to rotate.');
    }
    const now = this.clock.now();
    const overlapMs = this.config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000;
    const secret = newSigningSecret();
    const previous = openColumn(this.box, id, 'secret_sealed', current.secret_sealed);
    const until = overlapMs > 0 ? isoInstant(now + overlapMs) : null;
    const answer = { id, secret, previous_secret_expires_at: until, rotated_at: isoInstant(now) };
    await this.db.transaction().execute(async (trx) => {
      const updated = await updateEndpoint(trx, id, by.ownerId, {
        secret_sealed: sealColumn(this.box, id, 'secret_sealed', secret),
        previous_secret_sealed: until === null ? null : sealColumn(this.box, id, 'previous_secret_sealed', previous),
        previous_secret_until: until,
        updated_at: isoInstant(now),
      });
      if (!updated) throw new NotFound('webhook_endpoint', id);
      await this.record(trx, by, 'webhook_endpoint.rotate_secret', id, { previous_secret_expires_at: until });
      await within?.(trx, answer);
    });
    return answer;
  }

  /** Writes a `test.ping` delivery to the endpoint; answers its id. */
  async sendTest(
    id: string,
    by: Actor,
    within?: (trx: Kysely<Tables>, answer: unknown) => Promise<void>,
  ): Promise<{ delivery_id: string; endpoint_id: string; status: 'pending' }> {
    const endpoint = await this.get(id, by.ownerId);
    if (endpoint.status !== 'enabled')
      throw new AppError(409, 'endpoint_disabled', 'The endpoint is disabled; re-enable it (PATCH status) first.');
    const deliveryId = this.newId('dlv');
    const now = isoInstant(this.clock.now());
    const event: TestPingEvent = { type: 'test.ping', timestamp: now, data: { endpoint_id: id } };
    const answer = { delivery_id: deliveryId, endpoint_id: id, status: 'pending' as const };
    await this.db.transaction().execute(async (trx) => {
      await insertDelivery(trx, deliveryId, now, {
        channel: endpoint.kind === 'discord' ? 'discord' : 'webhook',
        eventType: event.type,
        dedupeKey: `test.ping:${deliveryId}`,
        payload: event,
        ownerId: by.ownerId,
        endpointId: id,
      });
      await this.record(trx, by, 'webhook_endpoint.test', id, { delivery_id: deliveryId });
      await within?.(trx, answer);
    });
    return answer;
  }

  async attempts(
    id: string,
    ownerId: string,
    args: { before?: { startedAt: string; id: string }; limit: number },
  ): Promise<AttemptView[]> {
    await this.get(id, ownerId);
    return listAttempts(this.db, id, args);
  }

  private async record(
    trx: Kysely<Tables>,
    by: Actor,
    action: string,
    target: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(
      {
        actor: by.actor,
        role: by.role,
        action,
        target,
        result: 'success',
        requestId: by.requestId ?? null,
        ip: by.ip ?? null,
        detail: { owner_id: by.ownerId, ...detail },
      },
      trx,
    );
  }
}
