/**
 * The `alerts` pipeline step (docs/METHODS.md, "Alert conditions"): every active, unsnoozed rule
 * is read with its series and signal in one statement, the edge trigger (evaluate.ts) decides each
 * one, and the transitions are written in one transaction: each firing's `alert_firings` row with
 * its delivery in the outbox (dedupe key `alert.triggered:<firing id>`; an e-mail's manage and
 * unsubscribe tokens minted in the same transaction), so a firing never exists without its message
 * and no message without its firing.
 */
import type { Insertable } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { AlertFiringsTable } from '../../platform/db/schema.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { AlertTriggeredEvent } from '../../shared/delivery-events.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { alertData } from './alert-event.ts';
import {
  applyTransitions,
  candidateRules,
  insertFirings,
  latestSignalDate,
  markEvaluated,
  setLastActions,
  subjects,
  type CandidateRow,
  type SignalRef,
} from './alerts.repo.ts';
import { decide, type Action, type Observation } from './evaluate.ts';

export interface AlertTuning {
  /** ALERT_HYSTERESIS_PCT. */
  hysteresisPct: number;
  /** ALERT_COOLDOWN_HOURS. */
  cooldownHours: number;
}

export interface AlertEvaluationCounts {
  rules_evaluated: number;
  fired: number;
  rearmed: number;
  deliveries_written: number;
  /** The signal date signal-change rules were evaluated against (null: no signals). */
  signal_date: string | null;
}

export interface AlertEvaluationDeps {
  database: Database;
  clock: Clock;
  newId: (prefix: IdPrefix) => string;
  /** The data key: seals the link tokens of e-mail deliveries. */
  box: SecretBox;
}

const windowed = (row: CandidateRow) => {
  const w = row.window_days;
  if (w !== 1 && w !== 7 && w !== 30) return { change: null, fromCents: null, fromDate: null };
  return {
    change: row[`change_${w}d`] === null ? null : Number(row[`change_${w}d`]),
    fromCents: row[`from_cents_${w}d`] === null ? null : Number(row[`from_cents_${w}d`]),
    fromDate: row[`from_date_${w}d`],
  };
};

function observe(row: CandidateRow): Observation {
  return {
    priceMinor: row.last_cents === null ? null : Number(row.last_cents),
    changePct: windowed(row).change,
    excluded: Number(row.stale ?? 0) === 1 || Number(row.flagged) === 1,
    action: row.action_now,
  };
}

/** Which message a firing sends: none when its endpoint is disabled, or its subscriber unconfirmed or on a digest. */
function channelTarget(row: CandidateRow): 'endpoint' | 'email' | null {
  if (row.channel === 'webhook' || row.channel === 'discord')
    return row.endpoint_status === 'enabled' ? 'endpoint' : null;
  if (row.subscriber_status !== 'confirmed' || row.subscriber_address === null) return null;
  return Number(row.subscriber_digest ?? 0) === 1 ? null : 'email';
}

/**
 * Evaluates every active rule once at the clock's now against the latest prices and the latest
 * signals of `signal` (null: signal-change rules see no signal and wait).
 */
export async function evaluateAlerts(
  deps: AlertEvaluationDeps,
  tuning: AlertTuning,
  signal: SignalRef | null,
): Promise<AlertEvaluationCounts> {
  const { database, clock, newId, box } = deps;
  const db = database.db;
  const nowMs = clock.now();
  const nowIso = isoInstant(nowMs);
  const signalDate = signal === null ? null : await latestSignalDate(db, signal);
  const rows = await candidateRules(db, {
    nowIso,
    signal: signal === null || signalDate === null ? null : { ...signal, date: signalDate },
  });
  const cooldownMs = tuning.cooldownHours * 3_600_000;
  const fired: { row: CandidateRow; firing: Insertable<AlertFiringsTable> }[] = [];
  const rearmed: string[] = [];
  const actions = new Map<string, string[]>();
  for (const row of rows) {
    const decision = decide(
      {
        kind: row.kind,
        thresholdMinor: row.threshold_minor === null ? null : Number(row.threshold_minor),
        changePct: row.change_pct === null ? null : Number(row.change_pct),
        signalAction: row.signal_action as Action | null,
      },
      { state: row.state, lastFiredAt: row.last_fired_at, lastAction: row.last_action },
      observe(row),
      { hysteresisPct: tuning.hysteresisPct, cooldownMs },
      nowMs,
    );
    if (decision.lastAction !== row.last_action && decision.lastAction !== null) {
      const ids = actions.get(decision.lastAction) ?? [];
      ids.push(row.id);
      actions.set(decision.lastAction, ids);
    }
    if (decision.transition === 'rearm') rearmed.push(row.id);
    if (decision.transition !== 'fire' || row.subject_key === null) continue;
    const signalKind = row.kind === 'signal_change';
    const w = windowed(row);
    fired.push({
      row,
      firing: {
        id: newId('alf'),
        rule_id: row.id,
        owner_id: row.owner_id,
        fired_at: nowIso,
        as_of: signalKind ? signalDate! : row.last_date!,
        printing_key: Number(row.subject_key),
        market: row.market,
        currency: row.currency,
        price_minor: signalKind
          ? row.signal_cents === null
            ? null
            : Number(row.signal_cents)
          : Number(row.last_cents),
        change_pct: signalKind ? null : w.change,
        from_date: signalKind ? null : w.fromDate,
        from_price_minor: signalKind ? null : w.fromCents,
        previous_action: signalKind ? row.last_action : null,
        action: signalKind ? row.action_now : null,
      },
    });
  }

  const details = new Map(
    (fired.length === 0
      ? []
      : await subjects(
          db,
          fired.map((f) => Number(f.firing.printing_key)),
        )
    ).map((s) => [s.key, s]),
  );
  let deliveries = 0;
  await db.transaction().execute(async (trx) => {
    await applyTransitions(trx, { fired: fired.map((f) => f.row.id), rearmed, nowIso });
    await setLastActions(trx, actions);
    await insertFirings(
      trx,
      fired.map((f) => f.firing),
    );
    for (const { row, firing } of fired) {
      const target = channelTarget(row);
      if (target === null) continue;
      const event: AlertTriggeredEvent = {
        type: 'alert.triggered',
        timestamp: nowIso,
        data: alertData(
          {
            id: row.id,
            kind: row.kind,
            note: row.note,
            threshold_minor: row.threshold_minor === null ? null : Number(row.threshold_minor),
            change_pct: row.change_pct === null ? null : Number(row.change_pct),
            window_days: row.window_days === null ? null : Number(row.window_days),
          },
          firing as AlertFiringsTable,
          details.get(Number(firing.printing_key)),
        ),
      };
      const id = newId('dlv');
      const written = await insertDelivery(trx, id, nowIso, {
        channel: row.channel,
        eventType: 'alert.triggered',
        dedupeKey: `alert.triggered:${firing.id}`,
        payload: event,
        ownerId: row.owner_id,
        endpointId: target === 'endpoint' ? row.endpoint_id : null,
        address: target === 'email' ? row.subscriber_address : null,
        sealed:
          target === 'email'
            ? await mintLinkTokens(trx, box, {
                principalId: row.owner_id,
                deliveryId: id,
                nowMs,
                purposes: ['manage', 'unsubscribe'],
              })
            : null,
        firingId: firing.id,
        triggeredAt: nowIso,
      });
      if (written) deliveries++;
    }
    await markEvaluated(trx, nowIso, nowIso.slice(0, 10));
  });
  return {
    rules_evaluated: rows.length,
    fired: fired.length,
    rearmed: rearmed.length,
    deliveries_written: deliveries,
    signal_date: signalDate,
  };
}
