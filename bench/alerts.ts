/**
 * Alert evaluation at scale: --rules alert rules (default 100,000, mixed kinds) on a demo dataset,
 * evaluated by the `alerts` step's core (evaluateAlerts) on SQLite.
 *
 * Dataset: the demo generator with --cards cards (default 20,000) × 1.5 printings per card
 * (≈ 30,000 printings) over --days days (default 40; the evaluation reads only latest_prices, so
 * a short history gives the same latest-price table as a long one), ending 2026-11-20, seeded once
 * into a SQLite file and kept (--db names it). Each run deletes every rule and writes --rules new
 * ones: 1,000 owners (800 portfolio-like principals with one webhook and one Discord endpoint each,
 * 200 confirmed e-mail subscribers, a quarter of them on the digest), kinds 30 % price_above,
 * 20 % price_below, 15 % change_above, 15 % change_below, 20 % signal_change; 80 % on a random
 * priced printing, 20 % on its card (headline); thresholds within ±10 % of the latest price,
 * change thresholds 1–30 % over 1, 7 or 30 days. One signal per priced printing is written for
 * the latest date (the signals step's output is not what is measured here).
 *
 * Timed evaluations (medians of --runs runs each, after a full reset of the rules' states):
 *   first        every rule armed: every condition that holds fires (firings, deliveries, e-mail tokens)
 *   steady       the next day, prices unchanged: nothing fires (the cost of looking)
 *   moved        every latest price moved by a random −5 … +5 %: some rules fire, some re-arm
 *
 * Target (issue 14): evaluating 100,000 rules against a day's prices ≤ 2 s on SQLite.
 *
 *   npx tsx bench/alerts.ts [--db sqlite:PATH] [--rules 100000] [--cards 20000] [--days 40] [--runs 3]
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { seedDemo } from '../src/features/demo/demo.service.ts';
import { evaluateAlerts } from '../src/features/alerts/evaluation.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import { moverRules } from '../src/features/market/movers.repo.ts';
import { manualClock } from '../src/platform/clock.ts';
import type { AlertKind } from '../src/platform/db/schema.ts';
import { createLogger } from '../src/platform/log.ts';
import { createRuntime } from '../src/runtime.ts';
import {
  describeMachine,
  describeRevision,
  machineInfo,
  median,
  positiveInt,
  revision,
  writeResult,
} from './cold-start.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: `sqlite:${join(os.tmpdir(), 'cardquant-bench-alerts.db')}` },
    rules: { type: 'string', default: '100000' },
    cards: { type: 'string', default: '20000' },
    days: { type: 'string', default: '40' },
    runs: { type: 'string', default: '3' },
  },
});
const RULES = positiveInt(args.rules, 100_000, '--rules');
const CARDS = positiveInt(args.cards, 20_000, '--cards');
const DAYS = positiveInt(args.days, 40, '--days');
const RUNS = positiveInt(args.runs, 3, '--runs');
const DB = args.db!;
const END = '2026-11-20';
const OWNERS = 1000;
const SUBSCRIBERS = 200;
const SIGNAL = { engine: 'bench', engineVersion: '1', weightsVersion: 'bench' };

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const path = DB.replace(/^sqlite:/, '');
const fresh = !existsSync(path);
const config = loadConfig({
  DATABASE_URL: DB,
  LOG_LEVEL: 'warn',
  ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghij',
});
const clock = manualClock('2026-11-21T06:00:00.000Z');
const runtime = await createRuntime(config, { clock, log: createLogger('warn'), http: false, processMetrics: false });
const db = runtime.database.db;
const machine = machineInfo();

try {
  if (fresh) {
    const started = performance.now();
    await seedDemo(runtime.ingest, { cards: CARDS, printingsPerCard: 1.5, days: DAYS, seed: 42, end: END });
    await deriveReadModels(runtime.database, clock, moverRules(config));
    console.log(`seeded ${path} in ${Math.round((performance.now() - started) / 1000)} s`);
  }
  const priced = await db
    .selectFrom('latest_prices')
    .select(['printing_key', 'card_id', 'last_cents'])
    .where('market', '=', 'tcgplayer')
    .where('condition', '=', 'NM')
    .where('currency', '=', 'USD')
    .execute();
  console.log(`${priced.length} priced printings`);

  // Reset: rules, owners, endpoints, outbox rows and tokens of earlier runs.
  await db.deleteFrom('deliveries').execute();
  await db.deleteFrom('alert_rules').execute();
  await db.deleteFrom('owner_tokens').execute();
  await db.deleteFrom('email_subscribers').execute();
  await db.deleteFrom('webhook_endpoints').execute();
  await db.deleteFrom('principals').where('id', 'like', 'prn_bench%').execute();
  await db.deleteFrom('signals').where('engine', '=', SIGNAL.engine).execute();

  const at = '2026-11-20T00:00:00.000Z';
  const owners = Array.from({ length: OWNERS }, (_, i) => `prn_bench${String(i).padStart(4, '0')}`);
  await db
    .insertInto('principals')
    .values(owners.map((id) => ({ id, kind: 'user' as const, name: id, created_at: at })))
    .execute();
  const endpoint = (owner: string, kind: 'standard' | 'discord') => ({
    id: `whe_${kind}_${owner}`,
    owner_id: owner,
    kind,
    url_sealed: 'sealed',
    host: 'receiver.example:443',
    description: null,
    secret_sealed: null,
    previous_secret_sealed: null,
    previous_secret_until: null,
    status: 'enabled' as const,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: at,
    updated_at: at,
  });
  const hooks = owners.slice(SUBSCRIBERS).flatMap((o) => [endpoint(o, 'standard'), endpoint(o, 'discord')]);
  for (let i = 0; i < hooks.length; i += 500)
    await db
      .insertInto('webhook_endpoints')
      .values(hooks.slice(i, i + 500))
      .execute();
  await db
    .insertInto('email_subscribers')
    .values(
      owners.slice(0, SUBSCRIBERS).map((o, i) => ({
        principal_id: o,
        address: `${o}@example.com`,
        status: 'confirmed' as const,
        digest: i % 4 === 0 ? 1 : 0,
        created_at: at,
        confirmed_at: at,
      })),
    )
    .execute();
  const actions = ['BUY', 'HOLD', 'SELL'] as const;
  const signals = priced.map((p, i) => ({
    engine: SIGNAL.engine,
    engine_version: SIGNAL.engineVersion,
    weights_version: SIGNAL.weightsVersion,
    date: END,
    printing_key: Number(p.printing_key),
    status: 'ok' as const,
    observations: DAYS,
    last_cents: Number(p.last_cents),
    z: 0,
    score: 0,
    action: actions[i % 3]!,
    confidence: 0.5,
    used_search_interest: 0,
    raw: null,
    standardised: null,
    model: null,
    reasons: '[]',
  }));
  for (let i = 0; i < signals.length; i += 500)
    await db
      .insertInto('signals')
      .values(signals.slice(i, i + 500))
      .execute();

  const rnd = random(14);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const kinds: [AlertKind, number][] = [
    ['price_above', 0.3],
    ['price_below', 0.5],
    ['change_above', 0.65],
    ['change_below', 0.8],
    ['signal_change', 1],
  ];
  const rules = Array.from({ length: RULES }, (_, i) => {
    const owner = owners[i % OWNERS]!;
    const subscriber = i % OWNERS < SUBSCRIBERS;
    const r = rnd();
    const kind = kinds.find(([, upTo]) => r < upTo)![0];
    const p = pick(priced);
    const onCard = rnd() < 0.2;
    const price = kind === 'price_above' || kind === 'price_below';
    const change = kind === 'change_above' || kind === 'change_below';
    const channel = subscriber ? ('email' as const) : rnd() < 0.75 ? ('webhook' as const) : ('discord' as const);
    return {
      id: `alr_bench${String(i).padStart(7, '0')}`,
      owner_id: owner,
      kind,
      printing_key: onCard ? null : Number(p.printing_key),
      card_id: onCard ? p.card_id : null,
      market: 'tcgplayer',
      currency: 'USD',
      threshold_minor: price ? Math.max(1, Math.round(Number(p.last_cents) * (0.9 + rnd() * 0.2))) : null,
      change_pct: change ? 1 + Math.floor(rnd() * 30) : null,
      window_days: change ? pick([1, 7, 30]) : null,
      signal_action: kind === 'signal_change' && rnd() < 0.5 ? pick(actions) : null,
      channel,
      endpoint_id: channel === 'email' ? null : `whe_${channel === 'webhook' ? 'standard' : 'discord'}_${owner}`,
      note: null,
      status: 'active' as const,
      snoozed_until: null,
      state: 'armed' as const,
      last_action: null,
      last_evaluated_on: null,
      last_fired_at: null,
      created_at: at,
      updated_at: at,
    };
  });
  for (let i = 0; i < rules.length; i += 500)
    await db
      .insertInto('alert_rules')
      .values(rules.slice(i, i + 500))
      .execute();
  console.log(`${RULES} rules written`);

  const deps = { database: runtime.database, clock, newId: runtime.newId, box: runtime.dataKeys.box };
  const tuning = { hysteresisPct: config.ALERT_HYSTERESIS_PCT, cooldownHours: config.ALERT_COOLDOWN_HOURS };
  const original = await db
    .selectFrom('latest_prices')
    .select(['printing_key', 'market', 'condition', 'currency', 'last_cents'])
    .execute();
  const timings: Record<string, number[]> = { first: [], steady: [], moved: [] };
  /** CPU time of this process (SQLite runs in it): what a shared machine's load does not inflate. */
  const cpu: Record<string, number[]> = { first: [], steady: [], moved: [] };
  const counts: Record<string, unknown> = {};
  for (let run = 0; run < RUNS; run++) {
    // Reset every rule to armed and the prices to the derived ones.
    await db.deleteFrom('deliveries').execute();
    await db.deleteFrom('alert_firings').execute();
    await db.deleteFrom('owner_tokens').execute();
    await db
      .updateTable('alert_rules')
      .set({ state: 'armed', last_fired_at: null, last_action: null, fired_count: 0 })
      .execute();
    for (let i = 0; i < original.length; i += 500) {
      // Prices back to the derived values (a no-op on the first run).
      const part = original.slice(i, i + 500);
      await sql`update latest_prices set last_cents = case printing_key ${sql.join(
        part.map((p) => sql`when ${p.printing_key} then ${p.last_cents}`),
        sql` `,
      )} else last_cents end where printing_key in (${sql.join(part.map((p) => p.printing_key))})`.execute(db);
    }
    clock.set(Date.parse('2026-11-21T06:00:00.000Z') + run * 10 * 86_400_000);
    for (const phase of ['first', 'steady', 'moved'] as const) {
      if (phase !== 'first') clock.advance(25 * 3_600_000);
      if (phase === 'moved')
        await sql`update latest_prices set last_cents = max(1, cast(last_cents * (0.95 + (abs(random()) % 1001) / 10000.0) as integer))`.execute(
          db,
        );
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const c = await evaluateAlerts(deps, tuning, SIGNAL);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      const cpuMs = (used.user + used.system) / 1000;
      timings[phase]!.push(ms);
      cpu[phase]!.push(cpuMs);
      counts[phase] = c;
      console.log(`run ${run + 1} ${phase}: ${Math.round(ms)} ms (CPU ${Math.round(cpuMs)} ms) ${JSON.stringify(c)}`);
    }
  }
  const result = {
    benchmark: 'alerts',
    rules: RULES,
    printings: priced.length,
    dataset: `demo --cards ${CARDS} --printings-per-card 1.5 --days ${DAYS} --seed 42 --end ${END}`,
    median_ms: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(median(v))])),
    median_cpu_ms: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(median(v))])),
    runs_ms: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, v.map(Math.round)])),
    counts,
    target_ms: 2000,
    machine,
    revision: revision(),
  };
  console.log(`median wall ${JSON.stringify(result.median_ms)}, CPU ${JSON.stringify(result.median_cpu_ms)}`);
  console.log(describeMachine(machine));
  console.log(describeRevision(result.revision));
  console.log(`written to ${writeResult('alerts.json', result)}`);
} finally {
  await runtime.close();
}
