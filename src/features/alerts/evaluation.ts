/**
 * The `alerts` pipeline step (docs/METHODS.md, "Alert conditions"): every active, unsnoozed rule
 * is read with its series and signal in one statement, the edge trigger (evaluate.ts) decides each
 * one (`planAlerts`), and the transitions are written in one transaction (`commitAlerts`): the
 * step's fence first, then compare-and-set transitions that apply only to rules still as they were
 * read (a rule edited, paused, snoozed, deleted or fired by an overlapping evaluation meanwhile is
 * skipped), and for each rule that did fire its `alert_firings` row with its delivery in the outbox
 * (dedupe key `alert.triggered:<rule id>:<firing number>`; an e-mail's manage and unsubscribe tokens
 * minted in the same transaction), so a firing never exists without its message, no message
 * without its firing, and one firing of a rule is never written twice.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { AlertFiringsTable, Tables } from '../../platform/db/schema.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { AlertTriggeredEvent } from '../../shared/delivery-events.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { alertData } from './alert-event.ts';
import {
  candidateRules,
  firedDetails,
  fireRules,
  insertFirings,
  latestSignalDate,
  markEvaluated,
  rearmRules,
  setLastActions,
  subjects,
  type CandidateRow,
  type FiredDetailRow,
  type RuleVersion,
  type SignalRef,
  type SubjectRow,
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

const num = (v: number | string | null) => (v === null ? null : Number(v));

function observe(row: CandidateRow): Observation {
  return {
    priceMinor: num(row.last_cents),
    changePct: num(row.window_change),
    excluded: Number(row.excluded ?? 0) === 1,
    action: row.action_now,
  };
}

/** Which message a firing sends: none when its endpoint is disabled, or its subscriber unconfirmed or on a digest. */
function channelTarget(row: FiredDetailRow): 'endpoint' | 'email' | null {
  if (row.channel === 'webhook' || row.channel === 'discord')
    return row.endpoint_status === 'enabled' ? 'endpoint' : null;
  if (row.subscriber_status !== 'confirmed' || row.subscriber_address === null) return null;
  return Number(row.subscriber_digest ?? 0) === 1 ? null : 'email';
}

/** Throws when the calling run no longer holds the `alerts` step (the pipeline's fencing token). */
export type Fence = (db: Kysely<Tables>) => Promise<void>;

/** What one evaluation read and decided, before anything is written. */
export interface AlertPlan {
  nowMs: number;
  nowIso: string;
  signalDate: string | null;
  fired: { row: CandidateRow; detail: FiredDetailRow; firing: AlertFiringsTable }[];
  rearmed: RuleVersion[];
  /** The rules whose stored action changes, by their new action. */
  actions: Map<string, RuleVersion[]>;
  subjectOf: Map<number, SubjectRow>;
}

const version = (row: CandidateRow): RuleVersion => ({
  id: row.id,
  updated_at: row.updated_at,
  fired_count: Number(row.fired_count),
});

/**
 * Reads every active rule at the clock's now against the latest prices and the latest signals of
 * `signal` (null: signal-change rules see no signal and wait) and decides each one; writes nothing.
 */
export async function planAlerts(
  deps: AlertEvaluationDeps,
  tuning: AlertTuning,
  signal: SignalRef | null,
): Promise<AlertPlan> {
  const { database, clock, newId } = deps;
  const db = database.db;
  const nowMs = clock.now();
  const nowIso = isoInstant(nowMs);
  const signalDate = signal === null ? null : await latestSignalDate(db, signal);
  const signalOn = signal === null || signalDate === null ? null : { ...signal, date: signalDate };
  const rows = await candidateRules(db, { nowIso, signal: signalOn });
  const cooldownMs = tuning.cooldownHours * 3_600_000;
  const firing: CandidateRow[] = [];
  const rearmed: RuleVersion[] = [];
  const actions = new Map<string, RuleVersion[]>();
  for (const row of rows) {
    const decision = decide(
      {
        kind: row.kind,
        thresholdMinor: num(row.threshold_minor),
        changePct: num(row.change_pct),
        signalAction: row.signal_action as Action | null,
      },
      { state: row.state, lastFiredAt: row.last_fired_at, lastAction: row.last_action },
      observe(row),
      { hysteresisPct: tuning.hysteresisPct, cooldownMs },
      nowMs,
    );
    if (decision.lastAction !== row.last_action && decision.lastAction !== null) {
      const list = actions.get(decision.lastAction) ?? [];
      list.push(version(row));
      actions.set(decision.lastAction, list);
    }
    if (decision.transition === 'rearm') rearmed.push(version(row));
    if (decision.transition === 'fire' && row.subject_key !== null) firing.push(row);
  }

  // What the firings and their messages need, read for the fired rules only.
  const detailOf = new Map(
    (firing.length === 0
      ? []
      : await firedDetails(
          db,
          firing.map((r) => r.id),
          signalOn,
        )
    ).map((d) => [d.id, d]),
  );
  const subjectOf = new Map(
    (firing.length === 0
      ? []
      : await subjects(
          db,
          firing.map((r) => Number(r.subject_key)),
        )
    ).map((s) => [s.key, s]),
  );
  const fired: AlertPlan['fired'] = [];
  for (const row of firing) {
    // A rule deleted since the first read has no details: it is skipped (its transition would be too).
    const detail = detailOf.get(row.id);
    if (detail === undefined) continue;
    const signalKind = row.kind === 'signal_change';
    const record: AlertFiringsTable = {
      id: newId('alf'),
      rule_id: row.id,
      owner_id: detail.owner_id,
      fired_at: nowIso,
      as_of: signalKind ? signalDate! : detail.last_date!,
      printing_key: Number(row.subject_key),
      // A signal (and its price) is of the primary series, whatever market the rule names.
      market: signalKind ? PRIMARY_SERIES.market : detail.market,
      currency: signalKind ? PRIMARY_SERIES.currency : detail.currency,
      price_minor: signalKind ? num(detail.signal_cents) : num(row.last_cents),
      change_pct: signalKind ? null : num(row.window_change),
      from_date: signalKind ? null : detail.from_date,
      from_price_minor: signalKind ? null : num(detail.from_cents),
      previous_action: signalKind ? row.last_action : null,
      action: signalKind ? row.action_now : null,
      digest_delivery_id: null,
    };
    fired.push({ row, detail, firing: record });
  }
  return { nowMs, nowIso, signalDate, fired, rearmed, actions, subjectOf };
}

/**
 * Writes a plan in one transaction: `fence` first (a run that lost its step writes nothing), then
 * the compare-and-set transitions, and firings and deliveries for the rules that did fire.
 */
export async function commitAlerts(
  deps: AlertEvaluationDeps,
  plan: AlertPlan,
  fence?: Fence,
): Promise<AlertEvaluationCounts> {
  const { database, newId, box } = deps;
  const { nowMs, nowIso, subjectOf } = plan;
  let deliveries = 0;
  let evaluated = 0;
  let fired = 0;
  let rearmed = 0;
  await database.db.transaction().execute(async (trx) => {
    // First statement a write (SQLite takes its write lock now); the lock row stays locked until the commit.
    await fence?.(trx);
    // The actions first: the transitions below move `fired_count`, which the compare-and-set reads.
    await setLastActions(trx, plan.actions, nowIso);
    const firedIds = await fireRules(
      trx,
      plan.fired.map((f) => version(f.row)),
      nowIso,
    );
    rearmed = await rearmRules(trx, plan.rearmed, nowIso);
    const writes = plan.fired.filter((f) => firedIds.has(f.row.id));
    fired = writes.length;
    await insertFirings(
      trx,
      writes.map((f) => f.firing),
    );
    for (const { row, detail, firing } of writes) {
      const target = channelTarget(detail);
      if (target === null) continue;
      const event: AlertTriggeredEvent = {
        type: 'alert.triggered',
        timestamp: nowIso,
        data: alertData(
          {
            id: row.id,
            kind: row.kind,
            note: detail.note,
            threshold_minor: num(row.threshold_minor),
            change_pct: num(row.change_pct),
            window_days: num(row.window_days),
          },
          firing,
          subjectOf.get(firing.printing_key),
        ),
      };
      const id = newId('dlv');
      const written = await insertDelivery(trx, id, nowIso, {
        channel: detail.channel,
        eventType: 'alert.triggered',
        // From the rule and its firing number: the one firing the compare-and-set let through.
        dedupeKey: `alert.triggered:${row.id}:${Number(row.fired_count) + 1}`,
        payload: event,
        ownerId: detail.owner_id,
        endpointId: target === 'endpoint' ? detail.endpoint_id : null,
        address: target === 'email' ? detail.subscriber_address : null,
        sealed:
          target === 'email'
            ? await mintLinkTokens(trx, box, {
                principalId: detail.owner_id,
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
    evaluated = await markEvaluated(trx, nowIso, nowIso.slice(0, 10));
  });
  return {
    rules_evaluated: evaluated,
    fired,
    rearmed,
    deliveries_written: deliveries,
    signal_date: plan.signalDate,
  };
}

/** Plans and commits one evaluation (the `alerts` step passes its fence). */
export async function evaluateAlerts(
  deps: AlertEvaluationDeps,
  tuning: AlertTuning,
  signal: SignalRef | null,
  fence?: Fence,
): Promise<AlertEvaluationCounts> {
  return commitAlerts(deps, await planAlerts(deps, tuning, signal), fence);
}
