/**
 * SLOs through the whole runtime on both dialects: the objectives API (roles, audit,
 * Idempotency-Key), status and recommendations from real roll-ups, and the `slo.evaluate` job
 * turning a 100 % outage into one page through the outbox and recovery into one resolve.
 */
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../src/runtime.ts';
import { insertDelivery } from '../src/platform/outbox/outbox.repo.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase, json } from './harness.ts';

const admin = bearer(ADMIN_TOKEN);

/** `n` requests to GET /healthz answered with `status`, recorded in this minute's roll-up. */
function traffic(runtime: Runtime, n: number, status: number, seconds = 0.002) {
  for (let i = 0; i < n; i++)
    runtime.rollups!.record('/healthz', 'GET', status, status >= 500 ? 'internal_error' : '', seconds);
}

describe.each(dialects)('SLOs on $name', (d) => {
  const h = harnessDatabase(d);

  it.skipIf(d.skip)(
    `${label(d)}: objectives: defaults for public routes, admin CRUD audited and idempotent`,
    async () => {
      const viewer = (await h.runtime.keys.create({ name: 'v', role: 'viewer' }, { actor: 't', role: 'admin' })).key;
      const list = await h.request('/v1/admin/slo/objectives', { headers: bearer(viewer) });
      expect(list.status).toBe(200);
      const items = ((await list.json()) as { items: { route: string; method: string; source: string }[] }).items;
      expect(items).toContainEqual(expect.objectContaining({ route: '/healthz', method: 'GET', source: 'default' }));
      expect(items.some((o) => o.route.startsWith('/v1/admin'))).toBe(false);

      const body = {
        route: '/v1/cards/:id',
        method: 'GET',
        availability_target: 0.995,
        latency_threshold_seconds: 0.5,
        latency_target: 0.95,
      };
      expect((await h.request('/v1/admin/slo/objectives', json(body, bearer(viewer)))).status).toBe(403);
      const bad = await h.request('/v1/admin/slo/objectives', json({ ...body, latency_threshold_seconds: 0.3 }, admin));
      expect(bad.status).toBe(422);
      const headers = { ...admin, 'Idempotency-Key': 'slo-create-1' };
      const created = await h.request('/v1/admin/slo/objectives', json(body, headers));
      expect(created.status).toBe(201);
      const replay = await h.request('/v1/admin/slo/objectives', json(body, headers));
      expect(replay.status).toBe(201);
      expect(await replay.json()).toEqual(await created.json());
      const again = await h.request('/v1/admin/slo/objectives', json(body, admin));
      expect(again.status).toBe(409);
      expect(((await again.json()) as { code: string }).code).toBe('slo_objective_exists');

      const q = `?route=${encodeURIComponent('/v1/cards/:id')}&method=GET`;
      const patched = await h.request(`/v1/admin/slo/objectives${q}`, {
        method: 'PATCH',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ enabled: false, source: 'configured', availability_target: 0.995 });
      expect((await h.request(`/v1/admin/slo/objectives${q}`, { method: 'DELETE', headers: admin })).status).toBe(204);
      expect((await h.request(`/v1/admin/slo/objectives${q}`, { method: 'DELETE', headers: admin })).status).toBe(404);
      const actions = (await h.runtime.audit.list({ limit: 50 })).map((r) => r.action);
      expect(actions.filter((a) => a.startsWith('slo.objective.')).sort()).toEqual([
        'slo.objective.create',
        'slo.objective.delete',
        'slo.objective.update',
      ]);
    },
  );

  it.skipIf(d.skip)(`${label(d)}: a 100 % outage pages once through the outbox; recovery resolves once`, async () => {
    const { runtime, clock } = h;
    const db = runtime.database.db;
    await db
      .insertInto('webhook_endpoints')
      .values({
        id: 'whe_ops',
        owner_id: 'prn_operators',
        kind: 'standard',
        url_sealed: 'sealed',
        host: 'hooks.example.com',
        description: null,
        secret_sealed: null,
        previous_secret_sealed: null,
        previous_secret_until: null,
        status: 'enabled',
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        created_at: '2026-11-25T12:00:00.000Z',
        updated_at: '2026-11-25T12:00:00.000Z',
      })
      .execute();
    clock.set('2026-11-26T00:00:00.000Z');
    traffic(runtime, 100, 200);
    const evaluateAt = async (minute: number) => {
      await runtime.rollups!.flush();
      clock.set(Date.parse('2026-11-26T00:00:00.000Z') + minute * 60_000);
      await runtime.slo.evaluate();
    };
    await evaluateAt(1);
    // Minutes 1–3: every request fails.
    for (let m = 1; m <= 3; m++) {
      traffic(runtime, 100, 500);
      await evaluateAt(m + 1);
      await runtime.slo.evaluate(); // a second evaluation in the same minute changes nothing
    }
    // Healthy again.
    for (let m = 4; m <= 40; m++) {
      traffic(runtime, 100, 200);
      await evaluateAt(m + 1);
    }
    const deliveries = await db
      .selectFrom('deliveries')
      .select(['event_type', 'payload', 'endpoint_id', 'owner_id'])
      .orderBy('created_at')
      .execute();
    const pages = deliveries
      .map((r) => ({ ...r, event: JSON.parse(r.payload) as { data: { slo: string; severity: string } } }))
      .filter((r) => r.event.data.slo === 'availability:GET /healthz' && r.event.data.severity === 'page');
    expect(pages.map((p) => p.event_type)).toEqual(['slo.firing', 'slo.resolved']);
    expect(pages.every((p) => p.endpoint_id === 'whe_ops' && p.owner_id === 'prn_operators')).toBe(true);

    const status = await h.request('/v1/admin/slo', { headers: admin });
    expect(status.status).toBe(200);
    const report = (await status.json()) as {
      items: { name: string; status: string; budget_remaining: number; events: { total: number; bad: number } }[];
    };
    const health = report.items.find((i) => i.name === 'availability:GET /healthz')!;
    expect(health.events).toEqual({ total: 4100, bad: 300 });
    expect(health.budget_remaining).toBeCloseTo(1 - 300 / (0.001 * 4100), 6);
    // The latency SLI counts every answer, 5xx included, and only slow ones as bad: the outage
    // answered fast (docs/METHODS.md, "Service level objectives and burn rates").
    expect(report.items.find((i) => i.name === 'latency:GET /healthz')!.events).toEqual({ total: 4100, bad: 0 });
    expect(report.items.map((i) => i.name)).toContain('delivery:success');

    const recommend = await h.request('/v1/admin/slo/recommend?window=1d', { headers: admin });
    expect(recommend.status).toBe(200);
    const rec = (await recommend.json()) as {
      items: { route: string; suggested_threshold_seconds: number; availability: number }[];
    };
    expect(rec.items.find((i) => i.route === '/healthz')).toMatchObject({
      suggested_threshold_seconds: 0.005,
      availability: 1 - 300 / 4100,
    });
    expect((await h.request('/v1/admin/slo/recommend')).status).toBe(401);
    const strict = await h.request('/v1/admin/slo/recommend?window=1d&latency_target=0.5', { headers: admin });
    expect(strict.status).toBe(200);
    for (const bad of ['latency_target=1', 'latency_target=0', 'latency_target=x']) {
      const res = await h.request(`/v1/admin/slo/recommend?${bad}`, { headers: admin });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.latency_target');
    }
    const long = await h.request('/v1/admin/slo/recommend?window=31d', { headers: admin });
    expect(long.status).toBe(422);
    expect(((await long.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.window');

    const metrics = await (await h.request('/metrics', { headers: admin })).text();
    expect(metrics).toContain('cardquant_slo_burn_rate{slo="availability:GET /healthz",window="5m"} 0');
    expect(metrics).toMatch(/cardquant_slo_error_budget_remaining_ratio\{slo="availability:GET \/healthz"\} -?[\d.]+/);
  });

  it.skipIf(d.skip)(
    `${label(d)}: the pipeline deadline SLO counts the minutes past the deadline without a finished scheduled run`,
    async () => {
      const { runtime, clock } = h;
      const steps = runtime.pipeline.names();
      let n = 0;
      const run = async (step: string, trigger: string, status: string, started: string, finished: string) => {
        await runtime.database.db
          .insertInto('pipeline_runs')
          .values({
            id: `run_${++n}`,
            step,
            trigger,
            status: status as 'succeeded',
            range_from: null,
            range_to: null,
            started_at: started,
            finished_at: finished,
            duration_ms: Date.parse(finished) - Date.parse(started),
            counts: null,
            error: null,
            holder: null,
            heartbeat_at: null,
          })
          .execute();
      };
      // 1 Dec: the scheduled run finishes every step before the 23:30 deadline.
      for (const step of steps)
        await run(step, 'schedule', 'succeeded', '2026-12-01T21:15:00.000Z', '2026-12-01T22:00:00.000Z');
      // 2 Dec: a manual backup succeeds, and the scheduled run has one failed step: no daily run.
      await run(steps[0]!, 'cli', 'succeeded', '2026-12-02T12:00:00.000Z', '2026-12-02T12:05:00.000Z');
      for (const [i, step] of steps.entries())
        await run(
          step,
          'schedule',
          i === 1 ? 'failed' : 'succeeded',
          '2026-12-02T21:15:00.000Z',
          '2026-12-02T22:00:00.000Z',
        );
      // 3 Dec: the scheduled run starts late and finishes after the deadline: it counts for no day.
      for (const step of steps)
        await run(step, 'schedule', 'succeeded', '2026-12-03T23:00:00.000Z', '2026-12-03T23:45:00.000Z');
      // Before the 2 Dec deadline the run of 1 Dec holds; after it, every minute is bad, and the late
      // run of 3 Dec counts neither for 3 Dec (after its deadline) nor for 4 Dec (started before 3 Dec's).
      for (const at of [
        '2026-12-02T23:00:00.000Z',
        '2026-12-02T23:31:00.000Z',
        '2026-12-03T23:50:00.000Z',
        '2026-12-04T23:31:00.000Z',
      ]) {
        clock.set(at);
        await runtime.slo.recordSamples();
      }
      clock.set('2026-12-04T23:33:00.000Z');
      const report = (await (await h.request('/v1/admin/slo', { headers: admin })).json()) as {
        items: { name: string; events: { total: number; bad: number } }[];
      };
      expect(report.items.find((i) => i.name === 'pipeline:deadline')?.events).toEqual({ total: 4, bad: 3 });
    },
  );

  it.skipIf(d.skip)(`${label(d)}: dead letters page the delivery success SLO`, async () => {
    const { runtime, clock } = h;
    const db = runtime.database.db;
    clock.set('2026-12-03T10:00:00.000Z');
    for (let i = 0; i < 20; i++) {
      const at = `2026-12-03T09:${String(50 + (i % 10)).padStart(2, '0')}:00.000Z`;
      await insertDelivery(db, `dlv_dead_${i}`, at, {
        channel: 'email',
        eventType: 'test.ping',
        dedupeKey: `dead-${i}`,
        payload: { type: 'test.ping', timestamp: at, data: { endpoint_id: 'whe_x' } },
        address: 'ops@example.com',
      });
      await db
        .updateTable('deliveries')
        .set({ status: 'dead', updated_at: at })
        .where('id', '=', `dlv_dead_${i}`)
        .execute();
    }
    // The SLO alerts' own deliveries (slo.* events) do not count: 5 dead ones change nothing.
    const end = async (id: string, eventType: string, status: 'dead' | 'delivered', triggered: string, at: string) => {
      await insertDelivery(db, id, triggered, {
        channel: 'email',
        eventType,
        dedupeKey: id,
        payload: { type: eventType, timestamp: triggered, data: {} },
        address: 'ops@example.com',
        triggeredAt: triggered,
      });
      await db
        .updateTable('deliveries')
        .set({ status, updated_at: at, delivered_at: status === 'delivered' ? at : null })
        .where('id', '=', id)
        .execute();
    };
    for (let i = 0; i < 5; i++)
      await end(`dlv_slo_${i}`, 'slo.firing', 'dead', '2026-12-03T09:50:00.000Z', '2026-12-03T09:51:00.000Z');
    // Three delivered: two within SLO_DELIVERY_LATENCY_SECONDS of their trigger, one an hour late.
    await end('dlv_ok_1', 'test.ping', 'delivered', '2026-12-03T09:55:00.000Z', '2026-12-03T09:55:01.000Z');
    await end('dlv_ok_2', 'test.ping', 'delivered', '2026-12-03T09:55:00.000Z', '2026-12-03T09:55:02.000Z');
    await end('dlv_late', 'test.ping', 'delivered', '2026-12-03T08:55:00.000Z', '2026-12-03T09:55:00.000Z');
    const report = (await (await h.request('/v1/admin/slo', { headers: admin })).json()) as {
      items: { name: string; status: string; events: { total: number; bad: number } }[];
    };
    expect(report.items.find((i) => i.name === 'delivery:success')).toMatchObject({
      status: 'page',
      events: { total: 23, bad: 20 },
    });
    expect(report.items.find((i) => i.name === 'delivery:latency')?.events).toEqual({ total: 3, bad: 1 });

    // One statement per source for every window: the count does not grow with the windows or the rows.
    const before = runtime.database.queryCount;
    await runtime.slo.status();
    expect(runtime.database.queryCount - before).toBe(5); // objectives, roll-ups, samples, deliveries, alerts
  });

  it.skipIf(d.skip)(
    `${label(d)}: the latency SLI counts every answer, a slow 5xx as slow and a fast one as not (as the Prometheus rules do)`,
    async () => {
      const { runtime, clock } = h;
      // Two months after the other tests' traffic: their roll-ups are outside the 30-day period.
      clock.set('2027-02-01T00:00:00.000Z');
      traffic(runtime, 10, 200, 0.002);
      traffic(runtime, 10, 200, 1);
      traffic(runtime, 10, 500, 1);
      traffic(runtime, 10, 500, 0.002);
      await runtime.rollups!.flush();
      clock.set('2027-02-01T00:01:00.000Z');
      const report = (await (await h.request('/v1/admin/slo', { headers: admin })).json()) as {
        items: { name: string; events: { total: number; bad: number } }[];
      };
      expect(report.items.find((i) => i.name === 'latency:GET /healthz')!.events).toEqual({ total: 40, bad: 20 });
      expect(report.items.find((i) => i.name === 'availability:GET /healthz')!.events).toEqual({ total: 40, bad: 20 });
    },
  );
});
