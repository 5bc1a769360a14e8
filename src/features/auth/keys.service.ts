import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Role, Tables } from '../../platform/db/schema.ts';
import { AppError, NotFound, ValidationFailed } from '../../platform/errors.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { displayPrefix, generateApiKey } from './api-key.ts';
import * as repo from './keys.repo.ts';

/** Audit action recording that a database's one-time admin key decision was taken. */
export const BOOTSTRAP_ACTION = 'admin_key.bootstrap';

/** Who performs an action, for the audit log. */
export interface Actor {
  actor: string;
  role: Role | null;
  requestId?: string | null;
  ip?: string | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  owner_id: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface CreateKeyInput {
  name: string;
  role: Role;
  ownerId?: string;
  expiresAt?: string;
}

function view(row: repo.ApiKeyRow): ApiKeyView {
  const { key_hash: _hash, revoked_by: _by, ...rest } = row;
  return rest;
}

/** API keys: created with a role, shown once, stored hashed, revoked but never deleted. */
export class KeysService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a key; the plaintext is in the result and nowhere else, ever. `within` runs in the
   * same transaction (a write that must commit with the key, or a check that may veto it), and
   * sees the result (to store an `Idempotency-Key` answer with the key).
   */
  async create(
    input: CreateKeyInput,
    by: Actor,
    within?: (trx: Kysely<Tables>, created: { key: string; record: ApiKeyView }) => Promise<void>,
  ): Promise<{ key: string; record: ApiKeyView }> {
    const now = this.clock.now();
    if (input.expiresAt && Date.parse(input.expiresAt) <= now) {
      throw new ValidationFailed([{ field: 'body.expires_at', message: 'must be in the future' }]);
    }
    const key = await generateApiKey();
    const row: repo.ApiKeyRow = {
      id: this.newId('key'),
      owner_id: input.ownerId ?? '',
      name: input.name,
      prefix: displayPrefix(key),
      key_hash: await sha256Hex(key),
      role: input.role,
      created_at: isoInstant(now),
      created_by: by.actor,
      expires_at: input.expiresAt ? isoInstant(Date.parse(input.expiresAt)) : null,
      revoked_at: null,
      revoked_by: null,
      last_used_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      if (input.ownerId) {
        if (!(await repo.principalExists(trx, input.ownerId))) {
          throw new ValidationFailed([{ field: 'body.owner_id', message: 'no such owner' }]);
        }
      } else {
        row.owner_id = this.newId('prn');
        await repo.insertPrincipal(trx, {
          id: row.owner_id,
          kind: 'service',
          name: input.name,
          created_at: row.created_at,
        });
      }
      await repo.insertKey(trx, row);
      await this.audit.record(
        {
          ...by,
          action: 'api_key.create',
          target: row.id,
          result: 'success',
          detail: { role: row.role, name: row.name, owner_id: row.owner_id },
        },
        trx,
      );
      await within?.(trx, { key, record: view(row) });
    });
    return { key, record: view(row) };
  }

  async list(opts: { beforeId?: string; limit: number; includeRevoked: boolean }): Promise<ApiKeyView[]> {
    return (await repo.listKeys(this.db, opts)).map(view);
  }

  /** Revokes a key at once; the record stays for the audit trail. */
  async revoke(id: string, by: Actor): Promise<ApiKeyView> {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findKeyById(trx, id);
      if (!row) throw new NotFound('api_key', id);
      if (row.revoked_at)
        throw new AppError(409, 'api_key_already_revoked', `Key ${id} was revoked at ${row.revoked_at}.`);
      const at = isoInstant(this.clock.now());
      // Concurrent revocations all read the key unrevoked; only the one whose update changes the
      // row goes on to the audit log (on PostgreSQL the others wait for its lock, then match nothing).
      if (!(await repo.markRevoked(trx, id, at, by.actor)))
        throw new AppError(409, 'api_key_already_revoked', `Key ${id} was revoked meanwhile.`);
      await this.audit.record({ ...by, action: 'api_key.revoke', target: id, result: 'success' }, trx);
      return view({ ...row, revoked_at: at, revoked_by: by.actor });
    });
  }

  /**
   * Very first start of a database without ADMIN_TOKEN: creates an admin key for a new
   * `bootstrap-admin` principal and returns its plaintext (to be printed once). The decision is
   * recorded in the audit log (`admin_key.bootstrap`), in the same transaction as the key, so it
   * is taken once per database: later starts return null even when that key has been revoked
   * (recovery: `cardquant keys create --role admin`). A database that already has a usable admin
   * key gets none, and that is recorded too.
   */
  async ensureBootstrapAdmin(): Promise<string | null> {
    if (await this.audit.hasRecorded(BOOTSTRAP_ACTION)) return null;
    const system: Actor = { actor: 'system', role: null };
    if ((await repo.countActiveAdminKeys(this.db, isoInstant(this.clock.now()))) > 0) {
      await this.audit.record({
        ...system,
        action: BOOTSTRAP_ACTION,
        result: 'success',
        detail: { printed_once: false, reason: 'an admin key already exists' },
      });
      return null;
    }
    try {
      const { key } = await this.create({ name: 'bootstrap-admin', role: 'admin' }, system, async (trx) => {
        // Checked again after this transaction's first write: on SQLite it holds the write lock,
        // so of two processes starting at once the second finds the first's record and rolls back.
        if (await this.audit.hasRecorded(BOOTSTRAP_ACTION, trx))
          throw new AppError(409, 'admin_key_bootstrapped', 'The one-time admin key was already created.');
        await this.audit.record(
          { ...system, action: BOOTSTRAP_ACTION, result: 'success', detail: { printed_once: true } },
          trx,
        );
      });
      return key;
    } catch (err) {
      if (err instanceof AppError && err.code === 'admin_key_bootstrapped') return null;
      throw err;
    }
  }
}
