import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase } from '#test/harness.ts';
import { isoInstant } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { purge, retentionSettings, RETENTION_TABLES, type RetentionSettings } from './retention.ts';

const NOW = '2026-11-25T12:00:00.000Z';
const DAY = 86_400_000;
const ago = (days: number) => isoInstant(Date.parse(NOW) - days * DAY);

/** Both dialects: what each policy deletes and keeps, batch bounds, the step's counts, the gauges. */
describe.each(dialects)('retention on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d, {
      RETENTION_BATCH_ROWS: '3',
      RETENTION_PAUSE_MS: '0',
      BACKTEST_RETENTION_DAYS: '100',
    });
    const db = () => h.runtime.database.db;
    const settings = (): RetentionSettings => retentionSettings(h.runtime.config);
    const ids = async <T extends keyof Tables>(table: T, column = 'id') =>
      (
        (await sql<{ k: string }>`select ${sql.ref(column)} as k from ${sql.table(table)}`.execute(db())).rows as {
          k: string;
        }[]
      )
        .map((r) => String(r.k))
        .filter((k) => k.startsWith('old') || k.startsWith('keep'))
        .sort();

    beforeEach(async () => {
      h.clock.set(NOW);
      for (const t of [
        'delivery_attempts',
        'email_events',
        'email_suppressions',
        'deliveries',
        'alert_firings',
        'alert_rules',
        'owner_tokens',
        'audit_log',
        'idempotency_keys',
        'request_rollups',
        'pipeline_runs',
        'scheduled_runs',
        'ingestion_unmatched',
        'ingestion_payloads',
        'ingestion_runs',
        'anomalies',
        'backtests',
        'slo_samples',
        'restore_drills',
      ] as const)
        await db().deleteFrom(t).execute();
    });

    const audit = (id: string, at: string) =>
      db().insertInto('audit_log').values({ id, at, actor: 'a', action: 'x', result: 'success' }).execute();

    it('deletes the audit rows past AUDIT_RETENTION_DAYS, oldest first, in batches of RETENTION_BATCH_ROWS (one statement each)', async () => {
      for (let i = 0; i < 10; i++) await audit(`old${i}`, ago(401 + i));
      await audit('keep1', ago(399));
      const left: number[] = [];
      const before = h.runtime.database.queryCount;
      const r = await purge(h.runtime.database, h.clock, settings(), {
        only: ['audit_log'],
        onBatch: async () => {
          left.push((await ids('audit_log')).length);
        },
      });
      // 3 + 3 + 3 + 1: the short batch ends the loop. One delete statement a batch, plus the probes.
      expect(r.batches).toBe(4);
      expect(h.runtime.database.queryCount - before).toBe(4 + 4);
      expect(left).toEqual([8, 5, 2, 1]);
      expect(r.deleted).toEqual({ audit_log: 10 });
      expect(await ids('audit_log')).toEqual(['keep1']);
    });

    it('deletes finished deliveries with their attempts in batches of RETENTION_BATCH_ROWS, one transaction each', async () => {
      await db().insertInto('principals').values({ id: 'prn_b', kind: 'user', name: 'p', created_at: NOW }).execute();
      for (let i = 0; i < 7; i++) {
        const id = `old_d${i}`;
        await db()
          .insertInto('deliveries')
          .values({
            id,
            channel: 'webhook',
            event_type: 'test.ping',
            owner_id: 'prn_b',
            dedupe_key: id,
            payload: '{}',
            status: i % 2 ? 'delivered' : 'dead',
            next_attempt_at: ago(100 + i),
            triggered_at: ago(100 + i),
            created_at: ago(100 + i),
            updated_at: ago(100 + i),
          })
          .execute();
        await db()
          .insertInto('delivery_attempts')
          .values({
            id: `old_a${i}`,
            delivery_id: id,
            attempt: 1,
            started_at: ago(100 + i),
            duration_ms: 1,
            outcome: 'failed',
          })
          .execute();
      }
      const left: number[] = [];
      const r = await purge(h.runtime.database, h.clock, settings(), {
        only: ['deliveries'],
        onBatch: async () => {
          left.push((await ids('deliveries')).length);
        },
      });
      expect(left).toEqual([4, 1, 0]);
      expect(r).toMatchObject({ batches: 3, deleted: { deliveries: 7, delivery_attempts: 7 } });
      expect(await ids('delivery_attempts')).toEqual([]);
    });

    it('stops starting batches at RETENTION_MAX_SECONDS and says so', async () => {
      for (let i = 0; i < 7; i++) await audit(`old${i}`, ago(500));
      const r = await purge(h.runtime.database, h.clock, { ...settings(), maxSeconds: 0 }, { only: ['audit_log'] });
      expect(r).toMatchObject({ capped: true, batches: 0 });
      expect((await ids('audit_log')).length).toBe(7);
    });

    it('keeps live and referenced rows of every policy and deletes the rest', async () => {
      await seedEveryTable(db());
      const r = await purge(h.runtime.database, h.clock, settings());
      expect(r.capped).toBe(false);
      expect(await ids('idempotency_keys', 'key')).toEqual(['keep_live']);
      expect(await ids('request_rollups', 'route')).toEqual(['keep_34d']);
      expect(await ids('pipeline_runs')).toEqual(['keep_latest_ok', 'keep_newer_failed', 'keep_running']);
      expect(await ids('scheduled_runs', 'slot')).toEqual(['keep_latest_ok', 'keep_recent', 'keep_running']);
      expect(await ids('ingestion_runs')).toEqual(['keep_latest', 'keep_price_run', 'keep_running']);
      expect(await ids('ingestion_payloads', 'name')).toEqual(['keep_recent']);
      expect(await ids('ingestion_unmatched', 'run_id')).toEqual(['keep_latest']);
      expect(await ids('anomalies')).toEqual(['keep_open', 'keep_recent']);
      expect(await ids('deliveries')).toEqual(['keep_pending', 'keep_recent']);
      expect(await ids('delivery_attempts')).toEqual(['keep_a_pending']);
      expect(await ids('alert_firings')).toEqual(['keep_delivered', 'keep_recent']);
      expect(await ids('email_events')).toEqual(['keep_recent', 'keep_suppression']);
      expect(await ids('owner_tokens', 'token_hash')).toEqual(['keep_live', 'keep_recently_used']);
      expect(await ids('backtests')).toEqual(['keep_recent', 'keep_running']);
      expect(await ids('slo_samples', 'slo')).toEqual(['keep_34d']);
      expect(await ids('restore_drills')).toEqual(['keep_latest']);
      expect(r.deleted).toMatchObject({
        idempotency_keys: 1,
        request_rollups: 1,
        pipeline_runs: 2,
        scheduled_runs: 1,
        ingestion_runs: 1,
        ingestion_payloads: 2,
        ingestion_unmatched: 1,
        anomalies: 2,
        deliveries: 3,
        delivery_attempts: 4,
        alert_firings: 1,
        email_events: 1,
        owner_tokens: 2,
        backtests: 1,
        slo_samples: 1,
        restore_drills: 1,
      });
      // The email event of a purged delivery stays, without its delivery.
      const event = await db()
        .selectFrom('email_events')
        .select('delivery_id')
        .where('id', '=', 'keep_recent')
        .executeTakeFirstOrThrow();
      expect(event.delivery_id).toBeNull();
    });

    it('keeps everything of a table whose limit is 0', async () => {
      await audit('keep_ancient', ago(5000));
      const r = await purge(h.runtime.database, h.clock, {
        ...settings(),
        days: { ...settings().days, audit_log: 0 },
      });
      expect(r.deleted.audit_log).toBeUndefined();
      expect(await ids('audit_log')).toEqual(['keep_ancient']);
    });

    it('the retention step reports its counts per table, and /metrics the age of each oldest deletable row', async () => {
      for (let i = 0; i < 5; i++) await audit(`old${i}`, ago(450));
      await audit('keep1', ago(10));
      await h.runtime.pipeline.run(['retention'], { trigger: 'cli' });
      const run = await db()
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('step', '=', 'retention')
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(run.status).toBe('succeeded');
      const counts = JSON.parse(run.counts!) as {
        deleted: Record<string, number>;
        rows_deleted: number;
        batches: number;
      };
      expect(counts.deleted.audit_log).toBeGreaterThanOrEqual(5);
      expect(counts.rows_deleted).toBe(Object.values(counts.deleted).reduce((a, b) => a + b, 0));
      expect(counts.batches).toBeGreaterThanOrEqual(2);
      expect(Object.keys(counts.deleted)).toContain('delivery_attempts');

      await audit('old_gauge', ago(2));
      const res = await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) });
      const text = await res.text();
      const value = (name: string, table: string) => {
        const m = new RegExp(`^${name}\\{table="${table}"\\} (\\S+)$`, 'm').exec(text);
        return m ? Number(m[1]) : undefined;
      };
      // The harness's own audit entries are newer than the one of two days ago.
      expect(value('cardquant_retention_oldest_row_age_seconds', 'audit_log')).toBeCloseTo(10 * 86_400, 0);
      expect(value('cardquant_retention_oldest_row_age_seconds', 'deliveries')).toBe(0);
      expect(value('cardquant_retention_limit_seconds', 'audit_log')).toBe(400 * 86_400);
      expect(value('cardquant_retention_limit_seconds', 'backtests')).toBe(100 * 86_400);
      expect(value('cardquant_retention_last_deleted_rows', 'audit_log')).toBe(counts.deleted.audit_log);
      for (const table of RETENTION_TABLES)
        expect(value('cardquant_retention_oldest_row_age_seconds', table), table).toBeDefined();
    });
  });
});

/** One or more rows per policy: `old…` ones past their limit, `keep…` ones that must stay. */
async function seedEveryTable(db: import('kysely').Kysely<Tables>): Promise<void> {
  const now = NOW;
  await db
    .insertInto('idempotency_keys')
    .values([
      {
        scope: 's',
        route: 'r',
        key: 'old_expired',
        request_hash: 'h',
        status: 'done',
        created_at: ago(2),
        expires_at: ago(1),
      },
      {
        scope: 's',
        route: 'r',
        key: 'keep_live',
        request_hash: 'h',
        status: 'done',
        created_at: now,
        expires_at: ago(-1),
      },
    ])
    .execute();
  const rollup = {
    method: 'GET',
    status_class: '2xx',
    code: '',
    requests: 1,
    duration_seconds_sum: 0.1,
    ...Object.fromEntries([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].map((ms) => [`le_${ms}ms`, 1])),
  } as Omit<Tables['request_rollups'], 'minute' | 'route'>;
  await db
    .insertInto('request_rollups')
    .values([
      { minute: ago(36), route: 'old_36d', ...rollup },
      { minute: ago(34), route: 'keep_34d', ...rollup },
    ])
    .execute();

  const prun = (id: string, step: string, status: Tables['pipeline_runs']['status'], days: number) => ({
    id,
    step,
    trigger: 'schedule',
    status,
    started_at: ago(days),
  });
  await db
    .insertInto('pipeline_runs')
    .values([
      prun('old_ok', 'signals', 'succeeded', 500),
      prun('old_failed', 'signals', 'failed', 499),
      prun('keep_latest_ok', 'signals', 'succeeded', 450),
      prun('keep_newer_failed', 'signals', 'failed', 1),
      prun('keep_running', 'quality', 'running', 500),
    ])
    .execute();
  await db
    .insertInto('scheduled_runs')
    .values([
      { job: 'j', slot: 'old_done', instance: 'i', started_at: ago(401), status: 'succeeded' },
      { job: 'j', slot: 'keep_running', instance: 'i', started_at: ago(401), status: 'running' },
      // Past SCHEDULED_RUN_RETENTION_DAYS (30) but the job's latest success: its gauge reads it.
      { job: 'j', slot: 'keep_latest_ok', instance: 'i', started_at: ago(40), status: 'succeeded' },
      { job: 'j', slot: 'keep_recent', instance: 'i', started_at: ago(1), status: 'failed' },
    ])
    .execute();

  const irun = (id: string, kind: string, status: Tables['ingestion_runs']['status'], days: number) => ({
    id,
    importer: kind === 'prices' ? 'tcgcsv' : 'tcgdex',
    feed: 'f',
    kind,
    status,
    started_at: ago(days),
    rows_read: 0,
    accepted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejected_by_reason: '{}',
    failures: '[]',
    rejected_examples: '[]',
    dropped_placeholder_fields: 0,
  });
  await db
    .insertInto('ingestion_runs')
    .values([
      irun('old_catalog', 'catalog', 'succeeded', 500),
      irun('keep_latest', 'catalog', 'succeeded', 450),
      irun('keep_running', 'catalog', 'running', 600),
      irun('keep_price_run', 'prices', 'succeeded', 600),
    ])
    .execute();
  const payload = (run_id: string, name: string, days: number) => ({
    run_id,
    name,
    encoding: 'gzip',
    bytes: 1,
    body: new Uint8Array([1]),
    created_at: ago(days),
  });
  await db
    .insertInto('ingestion_payloads')
    .values([
      payload('keep_price_run', 'old_payload', 31),
      payload('old_catalog', 'old_with_run', 500),
      payload('keep_latest', 'keep_recent', 29),
    ])
    .execute();
  await db
    .insertInto('ingestion_unmatched')
    .values([
      { run_id: 'keep_price_run', product_id: 1, reason: 'r', rows: 1 },
      { run_id: 'keep_latest', product_id: 1, reason: 'r', rows: 1 },
    ])
    .execute();
  // keep_latest started 450 days ago but its unmatched list goes with payloads older than 30 days:
  await db
    .updateTable('ingestion_runs')
    .set({ started_at: ago(20) })
    .where('id', '=', 'keep_latest')
    .execute();

  const anomaly = (id: string, status: Tables['anomalies']['status'], resolvedDays: number | null) => ({
    id,
    kind: 'stale_series' as const,
    subject: id,
    date: '2025-01-01',
    severity: 1,
    detail: '{}',
    status,
    resolved_at: resolvedDays === null ? null : ago(resolvedDays),
    detected_at: ago(800),
  });
  await db
    .insertInto('anomalies')
    .values([
      anomaly('old_dismissed', 'dismissed', 366),
      anomaly('old_acked', 'acknowledged', 400),
      anomaly('keep_open', 'open', null),
      anomaly('keep_recent', 'dismissed', 10),
    ])
    .execute();

  await db.insertInto('principals').values({ id: 'prn', kind: 'user', name: 'p', created_at: now }).execute();
  await db
    .insertInto('sets')
    .values({ id: 'set', game: 'pokemon', name: 's', language: 'en', updated_at: now })
    .execute();
  await db
    .insertInto('cards')
    .values({ id: 'card', set_id: 'set', number: '1', name: 'c', kind: 'card', language: 'en', updated_at: now })
    .execute();
  await db
    .insertInto('alert_rules')
    .values({
      id: 'rule',
      owner_id: 'prn',
      kind: 'price_above',
      card_id: 'card',
      market: 'tcgplayer',
      threshold_minor: 1,
      currency: 'USD',
      channel: 'email',
      status: 'active',
      state: 'armed',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const firing = (id: string, days: number) => ({
    id,
    rule_id: 'rule',
    owner_id: 'prn',
    fired_at: ago(days),
    as_of: '2025-01-01',
    printing_key: 1,
    market: 'tcgplayer',
  });
  await db
    .insertInto('alert_firings')
    .values([firing('old_firing', 400), firing('keep_delivered', 400), firing('keep_recent', 10)])
    .execute();
  const delivery = (
    id: string,
    status: Tables['deliveries']['status'],
    days: number,
    firing_id: string | null = null,
  ) => ({
    id,
    channel: 'email' as const,
    event_type: 'alert.triggered',
    owner_id: 'prn',
    dedupe_key: id,
    payload: '{}',
    status,
    next_attempt_at: ago(days),
    triggered_at: ago(days),
    created_at: ago(days),
    updated_at: ago(days),
    firing_id,
  });
  await db
    .insertInto('deliveries')
    .values([
      delivery('old_delivered', 'delivered', 91),
      delivery('old_dead', 'dead', 200),
      delivery('old_cancelled', 'cancelled', 120),
      delivery('keep_pending', 'pending', 300, 'keep_delivered'),
      delivery('keep_recent', 'delivered', 10),
    ])
    .execute();
  const attempt = (id: string, delivery_id: string, n: number) => ({
    id,
    delivery_id,
    attempt: n,
    started_at: now,
    duration_ms: 1,
    outcome: 'retry' as const,
  });
  await db
    .insertInto('delivery_attempts')
    .values([
      attempt('old_a1', 'old_delivered', 1),
      attempt('old_a2', 'old_delivered', 2),
      attempt('old_a3', 'old_dead', 1),
      attempt('old_a4', 'old_dead', 2),
      attempt('keep_a_pending', 'keep_pending', 1),
    ])
    .execute();
  const event = (id: string, days: number, delivery_id: string | null = null) => ({
    id,
    provider: 'p',
    provider_event_id: id,
    type: 'delivered' as const,
    received_at: ago(days),
    delivery_id,
  });
  await db
    .insertInto('email_events')
    .values([event('old_event', 91), event('keep_suppression', 400), event('keep_recent', 1, 'old_delivered')])
    .execute();
  await db
    .insertInto('email_suppressions')
    .values({ address: 'x@example.com', reason: 'hard_bounce', created_at: now, event_id: 'keep_suppression' })
    .execute();
  const token = (hash: string, expires: number | null, used: number | null) => ({
    token_hash: hash,
    principal_id: 'prn',
    purpose: 'confirm' as const,
    created_at: ago(1000),
    expires_at: expires === null ? null : ago(expires),
    used_at: used === null ? null : ago(used),
  });
  await db
    .insertInto('owner_tokens')
    .values([
      token('old_expired', 31, null),
      token('old_used', null, 40),
      token('keep_live', null, null),
      token('keep_recently_used', 100, 5),
    ])
    .execute();
  const backtest = (id: string, status: Tables['backtests']['status'], days: number) => ({
    id,
    status,
    engine: 'e',
    engine_version: '1',
    weights_version: 'w',
    params: '{}',
    created_at: ago(days),
  });
  await db
    .insertInto('backtests')
    .values([
      backtest('old_done', 'succeeded', 101),
      backtest('keep_running', 'running', 500),
      backtest('keep_recent', 'failed', 99),
    ])
    .execute();
  await db
    .insertInto('slo_samples')
    .values([
      { minute: ago(36), slo: 'old_36d', total: 1, bad: 0 },
      { minute: ago(34), slo: 'keep_34d', total: 1, bad: 1 },
    ])
    .execute();
  const drill = (id: string, days: number) => ({
    id,
    backup_id: null,
    started_at: ago(days),
    result: 'passed' as const,
    duration_ms: 1000,
    mismatches: '[]',
    error: null,
  });
  // The latest drill stays however old (drills stopped 450 days ago); an older one goes.
  await db
    .insertInto('restore_drills')
    .values([drill('old_drill', 500), drill('keep_latest', 450)])
    .execute();
}
