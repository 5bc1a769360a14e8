/**
 * Statements of the alerts feature: rules and firings of an owner (the API), the one read that
 * evaluates every active rule against the day's prices and signals (the `alerts` step), the
 * chunked writes of its transitions, and what the digest reads.
 */
import { sql, type Insertable, type Kysely, type Selectable, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { DialectName } from '../../platform/db/database.ts';
import type { AlertFiringsTable, AlertRulesTable, Tables } from '../../platform/db/schema.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';

/** Ids per statement in chunked writes (well below every bind-parameter limit). */
const CHUNK = 500;

const chunks = <T>(items: readonly T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export type RuleRow = Selectable<AlertRulesTable> & {
  printing_id: string | null;
  /** The card the rule is about (a printing rule's card), and its name, for people reading the rule. */
  subject_card_id: string | null;
  subject_name: string | null;
};
export type FiringRow = Selectable<AlertFiringsTable>;

/** The printing key of an API printing id. */
export async function printingKeyOf(db: Kysely<Tables>, printingId: string): Promise<number | undefined> {
  const row = await db.selectFrom('printings').select('key').where('id', '=', printingId).executeTakeFirst();
  return row === undefined ? undefined : Number(row.key);
}

export async function cardExists(db: Kysely<Tables>, cardId: string): Promise<boolean> {
  return (await db.selectFrom('cards').select('id').where('id', '=', cardId).executeTakeFirst()) !== undefined;
}

/** An endpoint of `ownerId` (read only: the webhooks feature owns the table). */
export async function ownEndpoint(
  db: Kysely<Tables>,
  ownerId: string,
  endpointId: string,
): Promise<{ kind: 'standard' | 'discord'; status: 'enabled' | 'disabled' } | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['kind', 'status'])
    .where('id', '=', endpointId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

/** The e-mail subscriber a principal is, if it is one. */
export async function subscriberOf(
  db: Kysely<Tables>,
  principalId: string,
): Promise<{ address: string; status: 'pending' | 'confirmed' | 'unsubscribed'; digest: number } | undefined> {
  const row = await db
    .selectFrom('email_subscribers')
    .select(['address', 'status', 'digest'])
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row && { ...row, digest: Number(row.digest) };
}

const ruleColumns = [
  'r.id',
  'r.owner_id',
  'r.kind',
  'r.printing_key',
  'r.card_id',
  'r.market',
  'r.threshold_minor',
  'r.currency',
  'r.change_pct',
  'r.window_days',
  'r.signal_action',
  'r.channel',
  'r.endpoint_id',
  'r.note',
  'r.status',
  'r.snoozed_until',
  'r.state',
  'r.last_action',
  'r.last_evaluated_on',
  'r.last_fired_at',
  'r.fired_count',
  'r.created_at',
  'r.updated_at',
  'p.id as printing_id',
  'c.id as subject_card_id',
  'c.name as subject_name',
] as const;

const normalise = (r: RuleRow): RuleRow => ({
  ...r,
  printing_key: r.printing_key === null ? null : Number(r.printing_key),
  threshold_minor: r.threshold_minor === null ? null : Number(r.threshold_minor),
  change_pct: r.change_pct === null ? null : Number(r.change_pct),
  window_days: r.window_days === null ? null : Number(r.window_days),
  fired_count: Number(r.fired_count),
});

/**
 * Inserts a rule unless its owner already holds `cap`, counting inside the inserting transaction:
 * the owner's principal row is locked first (PostgreSQL `FOR UPDATE`; SQLite holds its one
 * writer), so concurrent creations cannot pass the cap together. Returns false at the cap.
 */
export async function insertRuleWithinCap(
  db: Kysely<Tables>,
  dialect: DialectName,
  row: Insertable<AlertRulesTable>,
  cap: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const lock = trx.selectFrom('principals').select('id').where('id', '=', row.owner_id);
    if (dialect === 'postgres') await lock.forUpdate().execute();
    else
      await trx
        .updateTable('principals')
        .set({ name: sql`name` })
        .where('id', '=', row.owner_id)
        .execute();
    const { n } = await trx
      .selectFrom('alert_rules')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', row.owner_id)
      .executeTakeFirstOrThrow();
    if (Number(n) >= cap) return false;
    await trx.insertInto('alert_rules').values(row).execute();
    return true;
  });
}

export async function findRule(db: Kysely<Tables>, ownerId: string, id: string): Promise<RuleRow | undefined> {
  const row = await db
    .selectFrom('alert_rules as r')
    .leftJoin('printings as p', 'p.key', 'r.printing_key')
    .leftJoin('cards as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('r.card_id', 'p.card_id'))))
    .select(ruleColumns)
    .where('r.id', '=', id)
    .where('r.owner_id', '=', ownerId)
    .executeTakeFirst();
  return row && normalise(row as RuleRow);
}

/** Up to `limit` rules of the owner after the cursor id, oldest first. */
export async function listRules(
  db: Kysely<Tables>,
  ownerId: string,
  opts: { limit: number; afterId?: string },
): Promise<RuleRow[]> {
  const rows = await db
    .selectFrom('alert_rules as r')
    .leftJoin('printings as p', 'p.key', 'r.printing_key')
    .leftJoin('cards as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('r.card_id', 'p.card_id'))))
    .select(ruleColumns)
    .where('r.owner_id', '=', ownerId)
    .$if(opts.afterId !== undefined, (qb) => qb.where('r.id', '>', opts.afterId!))
    .orderBy('r.id')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => normalise(r as RuleRow));
}

/** Updates the owner's rule; returns whether it exists. */
export async function updateRule(
  db: Kysely<Tables>,
  ownerId: string,
  id: string,
  set: Partial<Omit<AlertRulesTable, 'id' | 'owner_id' | 'fired_count'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_rules')
    .set(set)
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteRule(db: Kysely<Tables>, ownerId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('alert_rules')
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Up to `limit` firings of the owner's rule after the cursor id, newest first. */
export async function listFirings(
  db: Kysely<Tables>,
  ownerId: string,
  ruleId: string,
  opts: { limit: number; beforeId?: string },
): Promise<FiringRow[]> {
  const rows = await db
    .selectFrom('alert_firings')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .where('owner_id', '=', ownerId)
    .$if(opts.beforeId !== undefined, (qb) => qb.where('id', '<', opts.beforeId!))
    .orderBy('id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map(normaliseFiring);
}

const normaliseFiring = (f: FiringRow): FiringRow => ({
  ...f,
  printing_key: Number(f.printing_key),
  price_minor: f.price_minor === null ? null : Number(f.price_minor),
  from_price_minor: f.from_price_minor === null ? null : Number(f.from_price_minor),
  change_pct: f.change_pct === null ? null : Number(f.change_pct),
});

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface SignalRef {
  engine: string;
  engineVersion: string;
  weightsVersion: string;
}

/** The latest date with signals of the configured engine, version and weights; null without any. */
export async function latestSignalDate(db: Kysely<Tables>, key: SignalRef): Promise<string | null> {
  const row = await db
    .selectFrom('signals')
    .select((eb) => eb.fn.max('date').as('date'))
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .executeTakeFirst();
  return (row?.date as string | null | undefined) ?? null;
}

/**
 * One active, unsnoozed rule with what the day's prices and signals say about its subject: only
 * what the edge trigger needs (evaluate.ts). What a message needs is read for the fired rules
 * alone (`firedDetails`).
 */
export interface CandidateRow {
  id: string;
  kind: AlertRulesTable['kind'];
  threshold_minor: number | null;
  change_pct: number | null;
  window_days: number | null;
  signal_action: AlertRulesTable['signal_action'];
  state: 'armed' | 'fired';
  last_action: string | null;
  last_fired_at: string | null;
  /** The rule's version as read: the writes of the evaluation compare it (compare-and-set). */
  updated_at: string;
  fired_count: number;
  /** The printing the rule follows (a card rule: the card's headline printing); null when unknown. */
  subject_key: number | null;
  last_cents: number | null;
  /** The change over the rule's window (change kinds), percent. */
  window_change: number | null;
  /** 1 when the series is stale, or its latest print or the base print of the rule's window is flagged (price_flags). */
  excluded: number | null;
  action_now: string | null;
}

const SUBJECT_JOIN = sql`left join latest_prices h on r.card_id is not null and h.card_id = r.card_id and h.headline = 1`;
// The keys are null for the rules that do not need the row, so those rules cost no index search.
const SERIES_JOIN = sql`left join latest_prices lp
      on lp.printing_key = case when r.kind <> 'signal_change' then coalesce(r.printing_key, h.printing_key) end
      and lp.market = r.market and lp.condition = ${PRIMARY_SERIES.condition} and lp.currency = r.currency`;
const signalJoin = (signal: (SignalRef & { date: string }) | null) =>
  signal === null
    ? sql`left join signals s on 1 = 0`
    : sql`left join signals s on s.engine = ${signal.engine} and s.engine_version = ${signal.engineVersion}
          and s.weights_version = ${signal.weightsVersion} and s.date = ${signal.date}
          and s.printing_key = case when r.kind = 'signal_change' then coalesce(r.printing_key, h.printing_key) end`;
const windowColumn = (prefix: string) =>
  sql.raw(
    `case r.window_days when 1 then lp.${prefix}_1d when 7 then lp.${prefix}_7d when 30 then lp.${prefix}_30d end`,
  );

/**
 * Every active rule not snoozed at `nowIso` whose state may change, joined in one statement with
 * its series in `latest_prices` (the printing's near-mint series in the rule's market and
 * currency; a card rule takes the printing of its card's headline series), the flags of that
 * series' latest and base prints (latest_prices leaves flagged prints out when it is derived, but
 * the quality step may flag a print after that derive), and the signal of the printing on
 * `signal.date`.
 *
 * "May change" is a superset of what evaluate.ts decides, so most of a day's rules never leave
 * the database: a price or change rule whose condition agrees with its state (armed and false,
 * fired and true) or that has no usable price, and a signal rule without a signal, or armed with
 * an unchanged action it does not wait for. The band and the cooldown only narrow it further.
 */
export async function candidateRules(
  db: Kysely<Tables>,
  args: { nowIso: string; signal: (SignalRef & { date: string }) | null },
): Promise<CandidateRow[]> {
  const flaggedOn = (date: ReturnType<typeof sql>) => sql`exists (select 1 from price_flags f
      where f.printing_key = lp.printing_key and f.market = lp.market and f.condition = lp.condition
        and f.currency = lp.currency and f.date = ${date})`;
  const result = await sql<CandidateRow>`
    select * from (select r.id, r.kind, r.threshold_minor, r.change_pct, r.window_days, r.signal_action, r.state, r.last_action,
      r.last_fired_at, r.updated_at, r.fired_count, coalesce(r.printing_key, h.printing_key) as subject_key, lp.last_cents,
      ${windowColumn('change_pct')} as window_change,
      case when lp.printing_key is null then null
        when lp.stale = 1 then 1
        when ${flaggedOn(sql`lp.last_date`)} then 1
        when r.window_days is not null and ${flaggedOn(windowColumn('from_date'))} then 1
        else 0 end as excluded,
      s.action as action_now
    from alert_rules r
    ${SUBJECT_JOIN}
    ${SERIES_JOIN}
    ${signalJoin(args.signal)}
    where r.status = 'active' and (r.snoozed_until is null or r.snoozed_until <= ${args.nowIso})) c
    where (c.kind <> 'signal_change' and c.excluded = 0
        and (case c.kind
          when 'price_above' then c.last_cents >= c.threshold_minor
          when 'price_below' then c.last_cents <= c.threshold_minor
          when 'change_above' then c.window_change >= c.change_pct
          when 'change_below' then c.window_change <= -c.change_pct end) = (c.state = 'armed'))
      or (c.kind = 'signal_change' and c.action_now is not null
        and (c.state = 'fired' or c.last_action is null or c.action_now <> c.last_action
          or c.action_now = c.signal_action))
  `.execute(db);
  return result.rows;
}

/** What a fired rule's firing and message need: its owner, channel and the series' dates and base. */
export interface FiredDetailRow {
  id: string;
  owner_id: string;
  market: string;
  currency: string | null;
  note: string | null;
  channel: AlertRulesTable['channel'];
  endpoint_id: string | null;
  last_date: string | null;
  from_cents: number | null;
  from_date: string | null;
  signal_cents: number | null;
  endpoint_status: string | null;
  subscriber_address: string | null;
  subscriber_status: string | null;
  subscriber_digest: number | null;
}

/** The details of the fired rules `ids` (a block of rules per statement). */
export async function firedDetails(
  db: Kysely<Tables>,
  ids: readonly string[],
  signal: (SignalRef & { date: string }) | null,
): Promise<FiredDetailRow[]> {
  const out: FiredDetailRow[] = [];
  for (const part of chunks(ids)) {
    const result = await sql<FiredDetailRow>`
      select r.id, r.owner_id, r.market, r.currency, r.note, r.channel, r.endpoint_id, lp.last_date,
        ${windowColumn('from_cents')} as from_cents, ${windowColumn('from_date')} as from_date,
        s.last_cents as signal_cents, e.status as endpoint_status,
        sub.address as subscriber_address, sub.status as subscriber_status, sub.digest as subscriber_digest
      from alert_rules r
      ${SUBJECT_JOIN}
      ${SERIES_JOIN}
      ${signalJoin(signal)}
      left join webhook_endpoints e on e.id = r.endpoint_id
      left join email_subscribers sub on r.channel = 'email' and sub.principal_id = r.owner_id
      where r.id in (${sql.join(part)})
    `.execute(db);
    out.push(...result.rows);
  }
  return out;
}

/** Whether any rule is active (paused ones are never evaluated). */
export async function anyActiveRule(db: Kysely<Tables>): Promise<boolean> {
  const row = await db
    .selectFrom('alert_rules')
    .select('id')
    .where('status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stamps every rule the evaluation looked at (one statement); returns how many. */
export async function markEvaluated(db: Kysely<Tables>, nowIso: string, on: string): Promise<number> {
  const result = await db
    .updateTable('alert_rules')
    .set({ last_evaluated_on: on })
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', nowIso)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A rule as the evaluation read it: its writes apply only while the rule is still this version. */
export interface RuleVersion {
  id: string;
  updated_at: string;
  fired_count: number;
}

/**
 * The rules of `rules` that are still active, unsnoozed at `nowIso`, in `state` and unchanged since
 * they were read (same `updated_at` and `fired_count`: not edited, paused, snoozed, deleted, nor
 * fired by another evaluation meanwhile).
 */
function unchanged(
  qb: UpdateQueryBuilder<Tables, 'alert_rules', 'alert_rules', UpdateResult>,
  rules: readonly RuleVersion[],
  nowIso: string,
  state: 'armed' | 'fired' | null,
) {
  return qb
    .where((eb) =>
      eb(
        eb.refTuple('id', 'updated_at', 'fired_count'),
        'in',
        rules.map((r) => eb.tuple(r.id, r.updated_at, Number(r.fired_count))),
      ),
    )
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', nowIso)]))
    .$if(state !== null, (q) => q.where('state', '=', state!));
}

/**
 * Compare-and-set: the armed rules of `rules` still as read become `fired` (their count and last
 * firing updated). Returns the ids that fired: only those get a firing and a message.
 */
export async function fireRules(
  trx: Kysely<Tables>,
  rules: readonly RuleVersion[],
  nowIso: string,
): Promise<Set<string>> {
  const fired = new Set<string>();
  for (const part of chunks(rules)) {
    const rows = await unchanged(
      trx
        .updateTable('alert_rules')
        .set((eb) => ({ state: 'fired', last_fired_at: nowIso, fired_count: eb('fired_count', '+', 1) })),
      part,
      nowIso,
      'armed',
    )
      .returning('id')
      .execute();
    for (const r of rows) fired.add(r.id);
  }
  return fired;
}

/** Compare-and-set: the fired rules of `rules` still as read become `armed`; returns how many. */
export async function rearmRules(trx: Kysely<Tables>, rules: readonly RuleVersion[], nowIso: string): Promise<number> {
  let n = 0;
  for (const part of chunks(rules)) {
    const result = await unchanged(
      trx.updateTable('alert_rules').set({ state: 'armed' }),
      part,
      nowIso,
      'fired',
    ).executeTakeFirst();
    n += Number(result.numUpdatedRows);
  }
  return n;
}

/**
 * Stores the action each signal rule saw (one statement per action and chunk), for the rules still
 * as read. Runs before the transitions, which move `fired_count`.
 */
export async function setLastActions(
  trx: Kysely<Tables>,
  byAction: Map<string, RuleVersion[]>,
  nowIso: string,
): Promise<void> {
  for (const [action, all] of byAction) {
    for (const part of chunks(all)) {
      await unchanged(trx.updateTable('alert_rules').set({ last_action: action }), part, nowIso, null).execute();
    }
  }
}

export async function insertFirings(trx: Kysely<Tables>, rows: Insertable<AlertFiringsTable>[]): Promise<void> {
  for (const part of chunks(rows, 200)) await trx.insertInto('alert_firings').values(part).execute();
}

/** What an alert message shows of a printing and its card. */
export interface SubjectRow {
  key: number;
  printing_id: string;
  finish: string;
  card_id: string;
  name: string;
  set_id: string;
  number: string;
  images: string | null;
}

export async function subjects(db: Kysely<Tables>, keys: readonly number[]): Promise<SubjectRow[]> {
  const out: SubjectRow[] = [];
  for (const part of chunks([...new Set(keys)])) {
    const rows = await db
      .selectFrom('printings as p')
      .innerJoin('cards as c', 'c.id', 'p.card_id')
      .select([
        'p.key',
        'p.id as printing_id',
        'p.finish',
        'c.id as card_id',
        'c.name',
        'c.set_id',
        'c.number',
        'c.images',
      ])
      .where('p.key', 'in', part)
      .execute();
    for (const r of rows) out.push({ ...r, key: Number(r.key) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Digest

/** Confirmed subscribers who chose a daily digest, with the time of their previous digest. */
export async function digestSubscribers(
  db: Kysely<Tables>,
): Promise<{ principal_id: string; address: string; previous: string | null }[]> {
  return db
    .selectFrom('email_subscribers as s')
    .select((eb) => [
      's.principal_id',
      's.address',
      eb
        .selectFrom('deliveries as d')
        .select((e) => e.fn.max('d.triggered_at').as('t'))
        .whereRef('d.owner_id', '=', 's.principal_id')
        .where('d.event_type', '=', 'alert.digest')
        .as('previous'),
    ])
    .where('s.status', '=', 'confirmed')
    .where('s.digest', '=', 1)
    .orderBy('s.principal_id')
    .execute() as Promise<{ principal_id: string; address: string; previous: string | null }[]>;
}

export type DigestFiringRow = FiringRow & {
  kind: AlertRulesTable['kind'];
  note: string | null;
  threshold_minor: number | null;
  rule_change_pct: number | null;
  window_days: number | null;
};

/**
 * The firings a digest of `ownerId` lists: of their e-mail rules, fired after `since`, listed by no
 * digest yet and sent by no e-mail of their own (a firing from before the owner chose the digest);
 * oldest first. Committed-late firings are found whenever they commit: inclusion is recorded, not
 * inferred from a time window.
 */
export async function digestFirings(db: Kysely<Tables>, ownerId: string, since: string): Promise<DigestFiringRow[]> {
  const rows = await db
    .selectFrom('alert_firings as f')
    .innerJoin('alert_rules as r', 'r.id', 'f.rule_id')
    .selectAll('f')
    .select(['r.kind', 'r.note', 'r.threshold_minor', 'r.change_pct as rule_change_pct', 'r.window_days'])
    .where('f.owner_id', '=', ownerId)
    .where('r.channel', '=', 'email')
    .where('f.digest_delivery_id', 'is', null)
    .where('f.fired_at', '>', since)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('deliveries as d').select('d.id').whereRef('d.firing_id', '=', 'f.id'))),
    )
    .orderBy('f.id')
    .execute();
  return rows.map((r) => ({
    ...normaliseFiring(r),
    kind: r.kind,
    note: r.note,
    threshold_minor: r.threshold_minor === null ? null : Number(r.threshold_minor),
    rule_change_pct: r.rule_change_pct === null ? null : Number(r.rule_change_pct),
    window_days: r.window_days === null ? null : Number(r.window_days),
  }));
}

/**
 * Records that digest `deliveryId` includes the firings `ids`, for those no other digest took
 * meanwhile; returns how many it recorded (the caller rolls back when that is not all of them).
 */
export async function markDigested(trx: Kysely<Tables>, ids: readonly string[], deliveryId: string): Promise<number> {
  let n = 0;
  for (const part of chunks(ids)) {
    const result = await trx
      .updateTable('alert_firings')
      .set({ digest_delivery_id: deliveryId })
      .where('id', 'in', part)
      .where('digest_delivery_id', 'is', null)
      .executeTakeFirst();
    n += Number(result.numUpdatedRows);
  }
  return n;
}
