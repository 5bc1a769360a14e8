/**
 * The operators' delivery API on both dialects: lists with filters and cursors, one delivery with
 * its attempts (never its sealed part), redeliver with a fresh budget and a stable id, redrive of
 * a time range in batches, the audit of both, and the backlog gauges of /metrics.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase, json } from '#test/harness.ts';
import { isoInstant } from '../../platform/clock.ts';
import { createLogger } from '../../platform/log.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { Channel, SendResult } from '../../platform/outbox/outbox.ts';
import { DeliveryWorker } from '../../platform/outbox/worker.ts';
import { REDRIVE_BATCH } from './deliveries.routes.ts';

const admin = bearer(ADMIN_TOKEN);
const schedule = { maxAttempts: 2, baseMs: 60_000, maxDelayMs: 3_600_000 };

interface Listed {
  id: string;
  status: string;
  attempts: number;
  budget_start: number;
  redeliveries: number;
  event_type: string;
}

describe.each(dialects)('delivery admin API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    const now = () => isoInstant(h.clock.now());
    let seq = 0;
    // One database per dialect: each scenario starts from an empty outbox.
    beforeEach(async () => {
      await h.runtime.database.db.deleteFrom('deliveries').execute();
    });

    async function enqueue(eventType: string, extra: { ownerId?: string; sealed?: string } = {}) {
      const id = `dlv_${eventType.replace(/\W/g, '')}_${String(seq++).padStart(5, '0')}`;
      await insertDelivery(h.runtime.database.db, id, now(), {
        channel: 'webhook',
        eventType,
        dedupeKey: `${eventType}:${id}`,
        payload: { type: eventType, n: seq },
        sealed: extra.sealed ?? null,
      });
      return id;
    }

    function worker(results: SendResult[], eventType: string) {
      const channel: Channel = {
        kind: 'webhook',
        send: async (delivery) =>
          delivery.event_type === eventType
            ? (results.shift() ?? { outcome: 'delivered', statusCode: 200 })
            : { outcome: 'deferred', errorClass: 'circuit_open', error: 'not this test', retryAfterMs: 3_600_000 },
      };
      return new DeliveryWorker(
        h.runtime.database.db,
        h.runtime.database.dialect,
        h.clock,
        h.runtime.newId,
        createLogger('silent'),
        [channel],
        { owner: 'test-worker', concurrency: 50, leaseMs: 60_000, pollMs: 1000, schedule, random: () => 0 },
        h.runtime.metrics,
      );
    }

    const get = async <T>(path: string) => {
      const res = await h.request(path, { headers: admin });
      return { status: res.status, body: (await res.json()) as T, text: '' };
    };

    it('lists newest first with filters and a cursor; refuses bad filters with problem JSON', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await enqueue('list.test'));
      const first = await get<{ items: Listed[]; next_cursor: string }>(
        '/v1/admin/deliveries?event_type=list.test&limit=3',
      );
      expect(first.status).toBe(200);
      expect(first.body.items.map((i) => i.id)).toEqual([ids[4], ids[3], ids[2]]);
      const second = await get<{ items: Listed[]; next_cursor: string | null }>(
        `/v1/admin/deliveries?event_type=list.test&limit=3&cursor=${first.body.next_cursor}`,
      );
      expect(second.body.items.map((i) => i.id)).toEqual([ids[1], ids[0]]);
      expect(second.body.next_cursor).toBeNull();
      const filtered = await get<{ items: Listed[] }>(
        `/v1/admin/deliveries?event_type=list.test&status=pending&channel=webhook&since=${now()}`,
      );
      expect(filtered.body.items).toHaveLength(5);
      const none = await get<{ items: Listed[] }>('/v1/admin/deliveries?event_type=list.test&status=dead');
      expect(none.body.items).toEqual([]);

      for (const [query, field] of [
        ['status=lost', 'query.status'],
        ['channel=pigeon', 'query.channel'],
        ['since=yesterday', 'query.since'],
        ['since=2026-11-25T12:00:00Z&until=2026-11-25T11:00:00Z', 'query.until'],
        ['cursor=not-a-cursor', 'query.cursor'],
        ['limit=0', 'query.limit'],
      ] as const) {
        const res = await h.request(`/v1/admin/deliveries?${query}`, { headers: admin });
        expect(res.status, query).toBe(422);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const problem = (await res.json()) as { errors: { field: string }[] };
        expect(problem.errors.map((e) => e.field)).toContain(field);
      }
    });

    it('shows one delivery with its payload and attempts, never its sealed part; 404 for an unknown id', async () => {
      const id = await enqueue('detail.test', { sealed: 'SEALED-LINK-TOKENS-7f3a' });
      const w = worker(
        [
          {
            outcome: 'retry',
            errorClass: 'provider_down',
            error: '503 from receiver',
            statusCode: 503,
            responseExcerpt: 'busy',
          },
        ],
        'detail.test',
      );
      await w.runOnce();
      const res = await h.request(`/v1/admin/deliveries/${id}`, { headers: admin });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toContain('SEALED-LINK-TOKENS-7f3a');
      const body = JSON.parse(text) as Listed & { has_sealed: boolean; payload: unknown; attempt_log: unknown[] };
      expect(body).toMatchObject({
        id,
        status: 'pending',
        attempts: 1,
        has_sealed: true,
        payload: { type: 'detail.test' },
      });
      expect(body.attempt_log).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'retry',
          status_code: 503,
          error_class: 'provider_down',
          response_excerpt: 'busy',
        }),
      ]);
      const listed = await get<{ items: object[] }>('/v1/admin/deliveries?event_type=detail.test');
      expect(JSON.stringify(listed.body)).not.toContain('SEALED');
      expect(listed.body.items[0]).not.toHaveProperty('payload');

      const missing = await h.request('/v1/admin/deliveries/dlv_nope', { headers: admin });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { code: string }).code).toBe('delivery_not_found');
    });

    it('redelivers a dead letter with its id and a fresh budget; attempt numbers continue; audited', async () => {
      const id = await enqueue('redeliver.test');
      const fail: SendResult = { outcome: 'retry', errorClass: 'provider_down', error: '503', statusCode: 503 };
      const w = worker([fail, fail, fail], 'redeliver.test');
      await w.runOnce();
      h.clock.advance(60_000);
      expect((await w.runOnce()).outcomes).toEqual({ dead: 1 });

      const pending = await enqueue('redeliver.test');
      const refused = await h.request(`/v1/admin/deliveries/${pending}/redeliver`, { method: 'POST', headers: admin });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { code: string }).code).toBe('delivery_pending');
      expect(
        (await h.request('/v1/admin/deliveries/dlv_nope/redeliver', { method: 'POST', headers: admin })).status,
      ).toBe(404);

      const res = await h.request(`/v1/admin/deliveries/${id}/redeliver`, { method: 'POST', headers: admin });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, status: 'pending', attempts: 2, budget_start: 2, redeliveries: 1 });
      // A fresh budget of two: the third attempt retries instead of dying, the fourth delivers.
      expect((await w.runOnce()).outcomes).toEqual({ retry: 1, delivered: 1 });
      h.clock.advance(60_000);
      expect((await w.runOnce()).outcomes).toEqual({ delivered: 1 });
      const detail = await get<Listed & { attempt_log: { attempt: number; outcome: string }[] }>(
        `/v1/admin/deliveries/${id}`,
      );
      expect(detail.body.status).toBe('delivered');
      expect(detail.body.attempt_log.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'retry'],
        [2, 'retry'],
        [3, 'retry'],
        [4, 'delivered'],
      ]);
      // A delivered one may be sent again too (a receiver that lost it).
      expect((await h.request(`/v1/admin/deliveries/${id}/redeliver`, { method: 'POST', headers: admin })).status).toBe(
        200,
      );
      const audit = await h.runtime.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'delivery.redeliver')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.target, a.actor, JSON.parse(a.detail!).previous_status])).toEqual([
        [id, 'admin-token', 'dead'],
        [id, 'admin-token', 'delivered'],
      ]);
    });

    it('redrives every dead letter that died in the range, in batches, and counts them', async () => {
      const db = h.runtime.database.db;
      const died = (minutesAgo: number) => isoInstant(h.clock.now() - minutesAgo * 60_000);
      const rows = Array.from({ length: REDRIVE_BATCH + 3 }, (_, i) => ({
        id: `dlv_redrive_${String(i).padStart(5, '0')}`,
        channel: 'webhook' as const,
        event_type: 'redrive.test',
        dedupe_key: `redrive:${i}`,
        payload: '{}',
        status: 'dead' as const,
        attempts: 12,
        next_attempt_at: died(120),
        triggered_at: died(120),
        created_at: died(120),
        // Three died before the outage began.
        updated_at: i < 3 ? died(90) : died(30),
      }));
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('deliveries')
          .values(rows.slice(i, i + 100))
          .execute();

      const bad = await h.request('/v1/admin/deliveries/redrive', json({ since: died(60), until: died(61) }, admin));
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('body.until');
      expect((await h.request('/v1/admin/deliveries/redrive', json({ since: 'soon' }, admin))).status).toBe(422);

      const res = await h.request(
        '/v1/admin/deliveries/redrive',
        json({ since: died(60), channel: 'webhook', event_type: 'redrive.test' }, admin),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ redriven: REDRIVE_BATCH, more: false, until: now() });
      const left = await db
        .selectFrom('deliveries')
        .select(['status', 'budget_start'])
        .where('event_type', '=', 'redrive.test')
        .execute();
      expect(left.filter((r) => r.status === 'dead')).toHaveLength(3);
      expect(left.filter((r) => r.status === 'pending' && Number(r.budget_start) === 12)).toHaveLength(REDRIVE_BATCH);
      const again = await h.request('/v1/admin/deliveries/redrive', json({ since: died(60) }, admin));
      expect(await again.json()).toEqual({ redriven: 0, more: false, until: now() });
      const audit = await db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'delivery.redrive')
        .execute();
      expect(audit.map((a) => JSON.parse(a.detail!).redriven)).toEqual([REDRIVE_BATCH, 0]);
      await db.deleteFrom('deliveries').where('event_type', '=', 'redrive.test').execute();
    });

    it('redrives at most `limit` per request, says whether more remain, and never past the request’s start', async () => {
      const db = h.runtime.database.db;
      const at = (minutesAgo: number) => isoInstant(h.clock.now() - minutesAgo * 60_000);
      const start = now();
      const rows = Array.from({ length: 6 }, (_, i) => ({
        id: `dlv_capped_${i}`,
        channel: 'webhook' as const,
        event_type: 'capped.test',
        dedupe_key: `capped:${i}`,
        payload: '{}',
        status: 'dead' as const,
        attempts: 2,
        next_attempt_at: at(120),
        triggered_at: at(120),
        created_at: at(120),
        // The last one dies at the very moment the request begins: it is not part of the range.
        updated_at: i < 5 ? at(30 - i) : start,
      }));
      await db.insertInto('deliveries').values(rows).execute();
      const redrive = async (body: object) => {
        const res = await h.request('/v1/admin/deliveries/redrive', json(body, admin));
        expect(res.status).toBe(200);
        return res.json();
      };
      const first = { since: at(60), event_type: 'capped.test', limit: 2 };
      expect(await redrive(first)).toEqual({ redriven: 2, more: true, until: start });
      // The redriven ones die again later: a continuation pinned to the first `until` leaves them alone.
      h.clock.advance(60_000);
      await db
        .updateTable('deliveries')
        .set({ status: 'dead', updated_at: now() })
        .where('id', 'in', ['dlv_capped_0', 'dlv_capped_1'])
        .execute();
      expect(await redrive({ ...first, until: start })).toEqual({ redriven: 2, more: true, until: start });
      expect(await redrive({ ...first, until: start })).toEqual({ redriven: 1, more: false, until: start });
      const states = await db
        .selectFrom('deliveries')
        .select(['id', 'status', 'redeliveries'])
        .where('event_type', '=', 'capped.test')
        .orderBy('id')
        .execute();
      expect(states.map((r) => [r.id, r.status, Number(r.redeliveries)])).toEqual([
        ['dlv_capped_0', 'dead', 1],
        ['dlv_capped_1', 'dead', 1],
        ['dlv_capped_2', 'pending', 1],
        ['dlv_capped_3', 'pending', 1],
        ['dlv_capped_4', 'pending', 1],
        ['dlv_capped_5', 'dead', 0],
      ]);
      for (const limit of [0, 10_001, 1.5])
        expect((await h.request('/v1/admin/deliveries/redrive', json({ ...first, limit }, admin))).status).toBe(422);
      await db.deleteFrom('deliveries').where('event_type', '=', 'capped.test').execute();
    });

    it('the backlog gauges and the attempt counter move with the outbox', async () => {
      const scrape = async () => (await h.request('/metrics', { headers: admin })).text();
      const value = (text: string, metric: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${metric}{channel="webhook"`));
        return line === undefined ? undefined : Number(line.split(' ').at(-1));
      };
      const db = h.runtime.database.db;
      await db.deleteFrom('deliveries').execute();
      let text = await scrape();
      expect(value(text, 'cardquant_deliveries_pending')).toBe(0);
      expect(value(text, 'cardquant_deliveries_dead')).toBe(0);
      expect(value(text, 'cardquant_delivery_oldest_due_age_seconds')).toBe(0);

      await enqueue('gauge.test');
      await enqueue('gauge.test');
      h.clock.advance(90_000);
      text = await scrape();
      expect(value(text, 'cardquant_deliveries_pending')).toBe(2);
      expect(value(text, 'cardquant_delivery_oldest_due_age_seconds')).toBe(90);
      const stats = await get<{ channels: { channel: string; pending: number; dead: number }[] }>(
        '/v1/admin/deliveries/stats',
      );
      expect(stats.body.channels.find((c) => c.channel === 'webhook')).toMatchObject({ pending: 2, dead: 0 });

      const w = worker([{ outcome: 'failed', errorClass: 'rejected', error: '400' }], 'gauge.test');
      expect((await w.runOnce()).outcomes).toEqual({ dead: 1, delivered: 1 });
      text = await scrape();
      expect(value(text, 'cardquant_deliveries_pending')).toBe(0);
      expect(value(text, 'cardquant_deliveries_dead')).toBe(1);
      expect(value(text, 'cardquant_delivery_oldest_due_age_seconds')).toBe(0);
      expect(text).toMatch(/cardquant_delivery_attempts_total\{channel="webhook",outcome="delivered"\} [1-9]/);
      expect(text).toMatch(/cardquant_delivery_latency_seconds_count\{channel="webhook"\} [1-9]/);
    });
  });
});
