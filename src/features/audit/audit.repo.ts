import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Tables } from '../../platform/db/schema.ts';

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditFilter {
  action?: string;
  actor?: string;
  result?: 'success' | 'failure';
  from?: string;
  to?: string;
  beforeId?: string;
  limit: number;
}

export async function insertAudit(db: Kysely<Tables>, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Whether any entry with this action was ever recorded (e.g. the one-time admin key bootstrap). */
export async function hasAction(db: Kysely<Tables>, action: string): Promise<boolean> {
  const row = await db.selectFrom('audit_log').select('id').where('action', '=', action).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Newest first; ids are time-ordered so `beforeId` pages backwards in time. */
export async function listAudit(db: Kysely<Tables>, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.result) q = q.where('result', '=', f.result);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.execute();
}
