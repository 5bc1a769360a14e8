/**
 * Alert rules of an owner (a portfolio's principal, a confirmed e-mail subscriber, or the
 * operators): create within the per-owner cap, read, edit (an edited condition re-arms the rule),
 * pause, snooze, delete, and the firings of a rule. Another owner's rule is never found.
 */
import type { Insertable, Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { DialectName } from '../../platform/db/database.ts';
import type { AlertKind, AlertRulesTable, ChannelKind, Tables } from '../../platform/db/schema.ts';
import { AppError, Conflict, NotFound, ValidationFailed, type FieldProblem } from '../../platform/errors.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { parseAmount } from '../portfolios/money.ts';
import { toMajor } from '../prices/wire.ts';
import {
  cardExists,
  deleteRule,
  findRule,
  insertRuleWithinCap,
  listFirings,
  listRules,
  ownEndpoint,
  printingKeyOf,
  subscriberOf,
  updateRule,
  type FiringRow,
  type RuleRow,
} from './alerts.repo.ts';

/** The currency each market's prices are in: a price rule's threshold is in it. */
export const MARKET_CURRENCY: Record<string, string> = { tcgplayer: 'USD', cardmarket: 'EUR' };

export const PRICE_KINDS: readonly AlertKind[] = ['price_above', 'price_below'];
export const CHANGE_KINDS: readonly AlertKind[] = ['change_above', 'change_below'];

export interface RuleInput {
  printing_id?: string;
  card_id?: string;
  kind: AlertKind;
  market: string;
  threshold?: number | string;
  currency?: string;
  change_pct?: number;
  window_days?: number;
  action?: 'BUY' | 'HOLD' | 'SELL' | null;
  channel: ChannelKind;
  endpoint_id?: string;
  note?: string | null;
}

export interface RulePatch {
  threshold?: number | string;
  change_pct?: number;
  window_days?: number;
  action?: 'BUY' | 'HOLD' | 'SELL' | null;
  channel?: ChannelKind;
  endpoint_id?: string | null;
  note?: string | null;
  status?: 'active' | 'paused';
}

/** Who acts: the owner principal and whether it is an e-mail subscriber. */
export interface Owner {
  id: string;
  subscriber: boolean;
}

/** A rule as the API sends it. */
export interface AlertRule {
  id: string;
  kind: AlertKind;
  printing_id: string | null;
  card_id: string | null;
  subject: { card_id: string; name: string } | null;
  market: string;
  threshold: number | null;
  currency: string | null;
  change_pct: number | null;
  window_days: number | null;
  action: string | null;
  channel: ChannelKind;
  endpoint_id: string | null;
  note: string | null;
  status: 'active' | 'paused';
  snoozed_until: string | null;
  state: 'armed' | 'fired';
  last_evaluated_on: string | null;
  last_fired_at: string | null;
  fired_count: number;
  created_at: string;
  updated_at: string;
}

export interface AlertFiring {
  id: string;
  fired_at: string;
  as_of: string;
  market: string;
  price: number | null;
  currency: string | null;
  change_pct: number | null;
  from_date: string | null;
  from_price: number | null;
  previous_action: string | null;
  action: string | null;
}

export function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    kind: r.kind,
    printing_id: r.card_id === null ? r.printing_id : null,
    card_id: r.card_id,
    subject:
      r.subject_card_id === null || r.subject_name === null
        ? null
        : { card_id: r.subject_card_id, name: r.subject_name },
    market: r.market,
    threshold: r.threshold_minor === null || r.currency === null ? null : toMajor(r.threshold_minor, r.currency),
    currency: r.currency,
    change_pct: r.change_pct,
    window_days: r.window_days,
    action: r.signal_action,
    channel: r.channel,
    endpoint_id: r.endpoint_id,
    note: r.note,
    status: r.status,
    snoozed_until: r.snoozed_until,
    state: r.state,
    last_evaluated_on: r.last_evaluated_on,
    last_fired_at: r.last_fired_at,
    fired_count: r.fired_count,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function toFiring(f: FiringRow): AlertFiring {
  const major = (minor: number | null) => (minor === null || f.currency === null ? null : toMajor(minor, f.currency));
  return {
    id: f.id,
    fired_at: f.fired_at,
    as_of: f.as_of,
    market: f.market,
    price: major(f.price_minor),
    currency: f.currency,
    change_pct: f.change_pct,
    from_date: f.from_date,
    from_price: major(f.from_price_minor),
    previous_action: f.previous_action,
    action: f.action,
  };
}

type Condition = Pick<AlertRulesTable, 'threshold_minor' | 'change_pct' | 'window_days' | 'signal_action'>;

/** The condition columns of a rule of `kind`, or the problems of the fields given. */
function condition(
  kind: AlertKind,
  currency: string,
  given: { threshold?: number | string; change_pct?: number; window_days?: number; action?: string | null },
  problems: FieldProblem[],
): Condition {
  const out: Condition = { threshold_minor: null, change_pct: null, window_days: null, signal_action: null };
  const refuse = (field: string, message: string) => problems.push({ field: `body.${field}`, message });
  const price = PRICE_KINDS.includes(kind);
  const change = CHANGE_KINDS.includes(kind);
  if (price) {
    if (given.threshold === undefined) refuse('threshold', `is required for ${kind}`);
    else {
      const parsed = parseAmount(given.threshold, currency);
      if (!parsed.ok) refuse('threshold', parsed.message);
      else if (parsed.minor <= 0) refuse('threshold', 'must be greater than 0');
      else out.threshold_minor = parsed.minor;
    }
  } else if (given.threshold !== undefined) refuse('threshold', `applies only to price_above and price_below`);
  if (change) {
    if (given.change_pct === undefined) refuse('change_pct', `is required for ${kind}`);
    else out.change_pct = given.change_pct;
    if (given.window_days === undefined) refuse('window_days', `is required for ${kind} (1, 7 or 30)`);
    else out.window_days = given.window_days;
  } else {
    if (given.change_pct !== undefined) refuse('change_pct', 'applies only to change_above and change_below');
    if (given.window_days !== undefined) refuse('window_days', 'applies only to change_above and change_below');
  }
  if (kind === 'signal_change') out.signal_action = (given.action ?? null) as Condition['signal_action'];
  else if (given.action !== undefined && given.action !== null) refuse('action', 'applies only to signal_change');
  return out;
}

export class AlertsService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly newId: (prefix: 'alr') => string,
    private readonly rulesPerOwner: number,
  ) {}

  /** Checks the channel: e-mail for a confirmed subscriber; an enabled endpoint of the right kind otherwise. */
  private async checkChannel(owner: Owner, channel: ChannelKind, endpointId: string | null | undefined) {
    if (channel === 'email') {
      if (endpointId !== undefined && endpointId !== null)
        throw new ValidationFailed([{ field: 'body.endpoint_id', message: 'does not apply to the email channel' }]);
      const subscriber = owner.subscriber ? await subscriberOf(this.db, owner.id) : undefined;
      if (subscriber?.status !== 'confirmed')
        throw new AppError(
          422,
          'email_channel_unavailable',
          'The email channel is for e-mail subscribers (a confirmed address using its manage token); use a webhook or discord endpoint.',
        );
      return;
    }
    if (endpointId === undefined || endpointId === null)
      throw new ValidationFailed([{ field: 'body.endpoint_id', message: `is required for the ${channel} channel` }]);
    const endpoint = await ownEndpoint(this.db, owner.id, endpointId);
    if (!endpoint) throw new NotFound('endpoint', endpointId);
    const kind = channel === 'webhook' ? 'standard' : 'discord';
    if (endpoint.kind !== kind)
      throw new ValidationFailed([
        {
          field: 'body.endpoint_id',
          message: `is a ${endpoint.kind} endpoint; the ${channel} channel needs a ${kind} one`,
        },
      ]);
    if (endpoint.status !== 'enabled')
      throw new ValidationFailed([{ field: 'body.endpoint_id', message: 'is disabled; enable it first' }]);
  }

  async create(owner: Owner, input: RuleInput): Promise<AlertRule> {
    const problems: FieldProblem[] = [];
    if ((input.printing_id === undefined) === (input.card_id === undefined))
      problems.push({ field: 'body.printing_id', message: 'give exactly one of printing_id and card_id' });
    const marketCurrency = MARKET_CURRENCY[input.market]!;
    if (input.currency !== undefined && input.currency !== marketCurrency)
      problems.push({ field: 'body.currency', message: `${input.market} prices are in ${marketCurrency}` });
    // Signals are derived from the primary series only (docs/METHODS.md, "Alert conditions").
    if (input.kind === 'signal_change' && input.market !== PRIMARY_SERIES.market)
      problems.push({
        field: 'body.market',
        message: `signal_change rules follow the signals, which are derived from ${PRIMARY_SERIES.market} prices only`,
      });
    const cond = condition(input.kind, marketCurrency, input, problems);
    if (problems.length > 0) throw new ValidationFailed(problems);

    let printingKey: number | null = null;
    if (input.printing_id !== undefined) {
      printingKey = (await printingKeyOf(this.db, input.printing_id)) ?? null;
      if (printingKey === null) throw new NotFound('printing', input.printing_id);
    } else if (!(await cardExists(this.db, input.card_id!))) throw new NotFound('card', input.card_id!);
    await this.checkChannel(owner, input.channel, input.endpoint_id);

    const now = isoInstant(this.clock.now());
    const row: Insertable<AlertRulesTable> & { id: string } = {
      id: this.newId('alr'),
      owner_id: owner.id,
      kind: input.kind,
      printing_key: printingKey,
      card_id: input.card_id ?? null,
      market: input.market,
      currency: marketCurrency,
      ...cond,
      channel: input.channel,
      endpoint_id: input.channel === 'email' ? null : input.endpoint_id!,
      note: input.note ?? null,
      status: 'active',
      snoozed_until: null,
      state: 'armed',
      last_action: null,
      last_evaluated_on: null,
      last_fired_at: null,
      fired_count: 0,
      created_at: now,
      updated_at: now,
    };
    if (!(await insertRuleWithinCap(this.db, this.dialect, row, this.rulesPerOwner)))
      throw new Conflict(
        'alert_rule_limit',
        `An owner holds at most ${this.rulesPerOwner} alert rules; delete one before creating another.`,
      );
    return this.get(owner.id, row.id);
  }

  async get(ownerId: string, id: string): Promise<AlertRule> {
    const row = await findRule(this.db, ownerId, id);
    if (!row) throw new NotFound('alert', id);
    return toRule(row);
  }

  async list(ownerId: string, opts: { limit: number; afterId?: string }): Promise<AlertRule[]> {
    return (await listRules(this.db, ownerId, opts)).map(toRule);
  }

  async update(owner: Owner, id: string, patch: RulePatch): Promise<AlertRule> {
    const row = await findRule(this.db, owner.id, id);
    if (!row) throw new NotFound('alert', id);
    const problems: FieldProblem[] = [];
    const conditionEdited =
      patch.threshold !== undefined ||
      patch.change_pct !== undefined ||
      patch.window_days !== undefined ||
      patch.action !== undefined;
    const current = toRule(row);
    const cond = condition(
      row.kind,
      row.currency ?? MARKET_CURRENCY[row.market] ?? 'USD',
      {
        threshold: patch.threshold ?? (current.threshold === null ? undefined : String(current.threshold)),
        change_pct: patch.change_pct ?? current.change_pct ?? undefined,
        window_days: patch.window_days ?? current.window_days ?? undefined,
        action: patch.action === undefined ? current.action : patch.action,
      },
      problems,
    );
    if (problems.length > 0) throw new ValidationFailed(problems);
    const channel = patch.channel ?? row.channel;
    const endpointId =
      patch.endpoint_id === undefined ? (patch.channel === 'email' ? null : row.endpoint_id) : patch.endpoint_id;
    if (patch.channel !== undefined || patch.endpoint_id !== undefined)
      await this.checkChannel(owner, channel, endpointId);
    await updateRule(this.db, owner.id, id, {
      ...cond,
      channel,
      endpoint_id: channel === 'email' ? null : endpointId,
      ...(patch.note !== undefined ? { note: patch.note } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(conditionEdited ? { state: 'armed' as const } : {}),
      updated_at: isoInstant(this.clock.now()),
    });
    return this.get(owner.id, id);
  }

  /** Snoozes until an instant (null: wakes the rule now). */
  async snooze(ownerId: string, id: string, until: string | null): Promise<AlertRule> {
    const found = await updateRule(this.db, ownerId, id, {
      snoozed_until: until,
      updated_at: isoInstant(this.clock.now()),
    });
    if (!found) throw new NotFound('alert', id);
    return this.get(ownerId, id);
  }

  async remove(ownerId: string, id: string): Promise<void> {
    if (!(await deleteRule(this.db, ownerId, id))) throw new NotFound('alert', id);
  }

  async firings(ownerId: string, id: string, opts: { limit: number; beforeId?: string }): Promise<AlertFiring[]> {
    if (!(await findRule(this.db, ownerId, id))) throw new NotFound('alert', id);
    return (await listFirings(this.db, ownerId, id, opts)).map(toFiring);
  }
}
