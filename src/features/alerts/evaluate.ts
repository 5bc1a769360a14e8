/**
 * The edge trigger of an alert rule (docs/METHODS.md, "Alert conditions"), decided from what the
 * evaluation read for it: no I/O, so every transition is tested directly.
 *
 * - An `armed` rule whose condition holds fires (and becomes `fired`) unless the cooldown since
 *   its last firing has not passed; then it stays armed, keeps the action it last recorded (a
 *   signal rule), and may fire on a later evaluation.
 * - A `fired` rule re-arms only once its condition is false beyond the hysteresis band: a price
 *   rule when the price is more than ALERT_HYSTERESIS_PCT percent of the threshold on the other
 *   side; a change rule when the change is more than that many percentage points on the other
 *   side; a signal rule when the action has changed away.
 * - Without a usable observation (no series, a stale or flagged price, no change for the window,
 *   no signal) nothing changes.
 */
import type { AlertKind } from '../../platform/db/schema.ts';

export type AlertState = 'armed' | 'fired';
export type Action = 'BUY' | 'HOLD' | 'SELL';

export interface RuleCondition {
  kind: AlertKind;
  /** Price kinds: the threshold in minor units. */
  thresholdMinor: number | null;
  /** Change kinds: the move in percent (positive). */
  changePct: number | null;
  /** signal_change: the action that fires it (null: any change). */
  signalAction: Action | null;
}

export interface RuleMemory {
  state: AlertState;
  lastFiredAt: string | null;
  /** signal_change: the action seen at the previous evaluation. */
  lastAction: string | null;
}

/** What the evaluation observed for the rule's series (or signal). */
export interface Observation {
  /** Latest price in minor units (price and change kinds). */
  priceMinor: number | null;
  /** The window's change in percent (change kinds). */
  changePct: number | null;
  /** The price is stale (behind its market) or a print the quality rules exclude. */
  excluded: boolean;
  /** signal_change: the action of the latest signal date (null: no signal for the printing). */
  action: string | null;
}

export interface Tuning {
  /** Percent of the threshold (price kinds) or percentage points (change kinds). */
  hysteresisPct: number;
  cooldownMs: number;
}

export type Transition = 'fire' | 'rearm' | 'none';

export interface Decision {
  transition: Transition;
  /** The condition held (or null: nothing usable observed). */
  condition: boolean | null;
  /** What `last_action` becomes (signal rules; otherwise the stored value). */
  lastAction: string | null;
}

/** Whether the rule's condition holds for the observation; null when nothing usable was observed. */
export function conditionHolds(rule: RuleCondition, memory: RuleMemory, seen: Observation): boolean | null {
  switch (rule.kind) {
    case 'price_above':
    case 'price_below': {
      if (seen.excluded || seen.priceMinor === null || rule.thresholdMinor === null) return null;
      return rule.kind === 'price_above'
        ? seen.priceMinor >= rule.thresholdMinor
        : seen.priceMinor <= rule.thresholdMinor;
    }
    case 'change_above':
    case 'change_below': {
      if (seen.excluded || seen.changePct === null || rule.changePct === null) return null;
      return rule.kind === 'change_above' ? seen.changePct >= rule.changePct : seen.changePct <= -rule.changePct;
    }
    case 'signal_change': {
      if (seen.action === null) return null;
      if (rule.signalAction !== null) return seen.action === rule.signalAction;
      return memory.lastAction !== null && seen.action !== memory.lastAction;
    }
  }
}

/** Whether a fired rule's condition is false beyond the hysteresis band (so it may re-arm). */
export function clearedBeyondBand(rule: RuleCondition, seen: Observation, hysteresisPct: number): boolean {
  switch (rule.kind) {
    case 'price_above':
      return seen.priceMinor! < rule.thresholdMinor! * (1 - hysteresisPct / 100);
    case 'price_below':
      return seen.priceMinor! > rule.thresholdMinor! * (1 + hysteresisPct / 100);
    case 'change_above':
      return seen.changePct! < rule.changePct! - hysteresisPct;
    case 'change_below':
      return seen.changePct! > -rule.changePct! + hysteresisPct;
    case 'signal_change':
      return true;
  }
}

/**
 * The rule's transition at `nowMs`.
 *
 * @example
 * decide(
 *   { kind: 'price_above', thresholdMinor: 10_000, changePct: null, signalAction: null },
 *   { state: 'armed', lastFiredAt: null, lastAction: null },
 *   { priceMinor: 10_500, changePct: null, excluded: false, action: null },
 *   { hysteresisPct: 2, cooldownMs: 86_400_000 },
 *   Date.parse('2026-11-21T06:00:00Z'),
 * ); // { transition: 'fire', condition: true, lastAction: null }
 */
export function decide(
  rule: RuleCondition,
  memory: RuleMemory,
  seen: Observation,
  tuning: Tuning,
  nowMs: number,
): Decision {
  const condition = conditionHolds(rule, memory, seen);
  const lastAction = rule.kind === 'signal_change' && seen.action !== null ? seen.action : memory.lastAction;
  if (condition === null) return { transition: 'none', condition, lastAction };
  if (memory.state === 'armed') {
    const cooled = memory.lastFiredAt === null || nowMs - Date.parse(memory.lastFiredAt) >= tuning.cooldownMs;
    if (condition && cooled) return { transition: 'fire', condition, lastAction };
    // Held back by the cooldown: the stored action stays, so the change still fires once it has passed.
    return { transition: 'none', condition, lastAction: condition ? memory.lastAction : lastAction };
  }
  const rearm = !condition && clearedBeyondBand(rule, seen, tuning.hysteresisPct);
  return { transition: rearm ? 'rearm' : 'none', condition, lastAction };
}
