import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { Conflict, NotFound } from '../../platform/errors.ts';
import type { AuditSink } from '../../platform/http/context.ts';
import {
  findAnomaly,
  listAnomalies,
  setStatus,
  type AnomalyFilter,
  type AnomalyRow,
  type AnomalyStatus,
} from './anomalies.repo.ts';

/** An anomaly as the API sends it: `detail` parsed, the printing's public id and card beside its subject. */
export type AnomalyView = Omit<AnomalyRow, 'printing_key' | 'detail'> & { detail: Record<string, unknown> };

export type ResolveAction = 'acknowledge' | 'dismiss';

/** Who resolves, for `resolved_by` and the audit log. */
export interface Resolver {
  actor: string;
  role: string | null;
  requestId: string | null;
  ip: string | null;
}

export function toView(row: AnomalyRow): AnomalyView {
  const { printing_key: _key, detail, ...rest } = row;
  return { ...rest, detail: JSON.parse(detail) as Record<string, unknown> };
}

/** Statuses an action may start from. Dismissed is final: a dismissal is an operator's decision that the data is right. */
const ALLOWED_FROM: Record<ResolveAction, AnomalyStatus[]> = {
  acknowledge: ['open'],
  dismiss: ['open', 'acknowledged'],
};
const RESULT: Record<ResolveAction, AnomalyStatus> = { acknowledge: 'acknowledged', dismiss: 'dismissed' };

/** Lists anomalies and moves them through open → acknowledged → dismissed. */
export class AnomaliesService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
  ) {}

  async list(filter: AnomalyFilter): Promise<AnomalyView[]> {
    return (await listAnomalies(this.db, filter)).map(toView);
  }

  /**
   * Acknowledges or dismisses an anomaly and audits the change. Acknowledging an acknowledged
   * anomaly changes nothing and succeeds; anything on a dismissed one is a conflict.
   */
  async resolve(
    id: string,
    action: ResolveAction,
    note: string | null,
    by: Resolver,
    audit: AuditSink,
  ): Promise<AnomalyView> {
    const at = isoInstant(this.clock.now());
    const changed = await setStatus(this.db, id, ALLOWED_FROM[action], {
      status: RESULT[action],
      note,
      resolved_by: by.actor,
      resolved_at: at,
    });
    const row = await findAnomaly(this.db, id);
    if (!row) throw new NotFound('anomaly', id);
    if (!changed) {
      if (row.status === 'dismissed')
        throw new Conflict(
          'anomaly_dismissed',
          `Anomaly ${id} was dismissed at ${row.resolved_at}; a dismissal is final.`,
        );
      return toView(row);
    }
    await audit.record({
      actor: by.actor,
      role: by.role,
      action: `anomaly.${action}`,
      target: id,
      result: 'success',
      requestId: by.requestId,
      ip: by.ip,
      detail: { kind: row.kind, subject: row.subject, date: row.date },
    });
    return toView(row);
  }
}
