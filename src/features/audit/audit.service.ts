import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { AuditEntry, AuditSink } from '../../platform/http/context.ts';
import { hasAction, insertAudit, listAudit, type AuditFilter, type AuditRow } from './audit.repo.ts';

export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  ip: string | null;
  result: 'success' | 'failure';
  detail: Record<string, unknown> | null;
}

function toRecord(row: AuditRow): AuditRecord {
  return { ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null };
}

/** The audit log: who did what, to what, with what result. Entries are append-only. */
export class AuditService implements AuditSink {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: 'aud') => string,
  ) {}

  /** Records an entry; pass `db` to write inside the caller's transaction. */
  async record(entry: AuditEntry, db: Kysely<Tables> = this.db): Promise<void> {
    await insertAudit(db, {
      id: this.newId('aud'),
      at: isoInstant(this.clock.now()),
      actor: entry.actor,
      role: entry.role ?? null,
      action: entry.action,
      target: entry.target ?? null,
      request_id: entry.requestId ?? null,
      ip: entry.ip ?? null,
      result: entry.result,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }

  /** Whether an entry with `action` was ever recorded. */
  async hasRecorded(action: string, db: Kysely<Tables> = this.db): Promise<boolean> {
    return hasAction(db, action);
  }

  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    return (await listAudit(this.db, filter)).map(toRecord);
  }
}
