/**
 * Per-minute request roll-ups through the whole app (docs/OBSERVABILITY.md "Request roll-ups"):
 * bounded series and keys under random paths, two runtimes (replicas) on one database adding up,
 * counts surviving a restart, and a failed flush keeping its counts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dialects, label } from './dialects.ts';
import { startHarness, type Harness } from './harness.ts';
import { rollupsBetween } from '../src/platform/http/rollups.repo.ts';
import type { Runtime } from '../src/runtime.ts';

/** The runtime's roll-up writer (on by default). */
const rollupsOf = (runtime: Runtime) => runtime.rollups!;

const ALL = ['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z'] as const;

describe('1,000 random paths', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('keep the Prometheus series count and the roll-up key count bounded', async () => {
    h = await startHarness('sqlite::memory:');
    for (let i = 0; i < 1000; i++) {
      const id = randomBytes(6).toString('hex');
      // Under /v1 an unknown path is a 404 problem whether or not the web app is built (outside
      // /v1 a built web app answers its shell).
      const path = i % 2 === 0 ? `/v1/${id}/${i}` : `/v1/cards/${id}`;
      const res = await h.request(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      await res.body?.cancel();
    }
    const metric = (await h.runtime.metrics.registry.getMetricsAsJSON()).find(
      (m) => m.name === 'http_server_request_duration_seconds',
    ) as unknown as { values: { metricName?: string; labels: Record<string, string> }[] };
    const series = new Set(metric.values.map((v) => JSON.stringify(v.labels)));
    expect(series.size).toBeLessThanOrEqual(20 * 2); // buckets × (a few route/status keys): never per path
    const routes = new Set(metric.values.map((v) => v.labels.route));
    expect(routes.size).toBeLessThanOrEqual(3);

    expect(rollupsOf(h.runtime).size).toBeLessThanOrEqual(3);
    await rollupsOf(h.runtime).flush();
    const rows = await rollupsBetween(h.runtime.database.db, ...ALL);
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(1000);
    expect(rows.every((r) => r.code !== '' && r.status_class === '4xx')).toBe(true);
    expect(rows.some((r) => r.route === 'unmatched' && r.code === 'route_not_found')).toBe(true);
  });

  it('fold keys beyond ROLLUP_MAX_KEYS_PER_MINUTE into route unmatched', async () => {
    const capped = await startHarness('sqlite::memory:', { ROLLUP_MAX_KEYS_PER_MINUTE: '10' });
    try {
      const rollups = rollupsOf(capped.runtime);
      for (let i = 0; i < 50; i++) rollups.record(`/r${i}`, 'GET', 200, '', 0.001);
      expect(rollups.size).toBe(11);
      await rollups.flush();
      const rows = await rollupsBetween(capped.runtime.database.db, ...ALL);
      expect(rows.find((r) => r.route === 'unmatched')?.requests).toBe(40);
    } finally {
      await capped.close();
    }
  });
});

describe.each(dialects)('roll-ups on $name', (d) => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-rollups-'));
  let url = '';
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    if (url && d.name === 'postgres') await d.drop(url);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = async () => {
    url = d.name === 'sqlite' ? `sqlite:${join(dir, `${randomBytes(4).toString('hex')}.db`)}` : await d.create();
    return url;
  };
  const start = async () => {
    const h = await startHarness(url);
    open.push(h);
    return h;
  };

  it.skipIf(d.skip)(`${label(d)}: two replicas add up, survive a restart, and one write per flush`, async () => {
    await fresh();
    const [a, b] = [await start(), await start()];
    for (let i = 0; i < 5; i++) await (await a.request('/healthz')).text();
    for (let i = 0; i < 3; i++) await (await b.request('/healthz')).text();
    await (await b.request('/v1/nope')).text();
    const before = a.runtime.database.queryCount;
    await rollupsOf(a.runtime).flush();
    expect(a.runtime.database.queryCount - before).toBe(1);
    await rollupsOf(b.runtime).flush();
    const rows = await rollupsBetween(a.runtime.database.db, ...ALL);
    const health = rows.find((r) => r.route === '/healthz' && r.method === 'GET' && r.status_class === '2xx');
    expect(health).toMatchObject({ minute: '2026-11-25T12:00:00.000Z', code: '', requests: 8 });
    expect(health!.le_10000ms).toBe(8);
    expect(rows.find((r) => r.route === 'unmatched')).toMatchObject({ status_class: '4xx', code: 'route_not_found' });

    // A restart: counts recorded before close are flushed by close and added to on the next start.
    await (await a.request('/healthz')).text();
    await a.close();
    open.splice(open.indexOf(a), 1);
    const c = await start();
    await (await c.request('/healthz')).text();
    await rollupsOf(c.runtime).flush();
    const after = await rollupsBetween(c.runtime.database.db, ...ALL);
    expect(after.find((r) => r.route === '/healthz')?.requests).toBe(10);
  });

  it.skipIf(d.skip)(`${label(d)}: a failed final flush at shutdown logs how many requests were lost`, async () => {
    await fresh();
    const h = await start();
    for (let i = 0; i < 3; i++) await (await h.request('/healthz')).text();
    await sql`alter table request_rollups rename to request_rollups_away`.execute(h.runtime.database.db);
    await h.close();
    open.splice(open.indexOf(h), 1);
    const line = h.logs.find((l) => l.includes('lost at shutdown'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ lostRequests: 3 });
  });

  it.skipIf(d.skip)(`${label(d)}: a flush failing in a later chunk adds no chunk twice`, async () => {
    await fresh();
    const h = await start();
    const db = h.runtime.database.db;
    // A trigger refuses one key, which sorts into the second chunk of 500 rows.
    if (d.name === 'sqlite') {
      await sql`create trigger refuse before insert on request_rollups when new.route = '/z-refused'
        begin select raise(abort, 'refused'); end`.execute(db);
    } else {
      await sql`create function refuse() returns trigger language plpgsql as $$
        begin if new.route = '/z-refused' then raise exception 'refused'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse before insert on request_rollups for each row execute function refuse()`.execute(
        db,
      );
    }
    const rollups = rollupsOf(h.runtime);
    for (let i = 0; i < 700; i++) rollups.record(`/r${String(i).padStart(4, '0')}`, 'GET', 200, '', 0.001);
    rollups.record('/z-refused', 'GET', 200, '', 0.001);
    await rollups.flush();
    expect(h.logs.some((l) => l.includes('request roll-up flush failed'))).toBe(true);
    expect(await rollupsBetween(db, ...ALL)).toHaveLength(0);
    await sql`drop trigger refuse${sql.raw(d.name === 'postgres' ? ' on request_rollups' : '')}`.execute(db);
    await rollups.flush();
    const rows = await rollupsBetween(db, ...ALL);
    expect(rows).toHaveLength(701);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(701);
  });

  it.skipIf(d.skip)(`${label(d)}: a failed flush keeps its counts for the next one and logs`, async () => {
    await fresh();
    const h = await start();
    const db = h.runtime.database.db;
    await (await h.request('/healthz')).text();
    await sql`alter table request_rollups rename to request_rollups_away`.execute(db);
    await rollupsOf(h.runtime).flush();
    expect(h.logs.some((l) => l.includes('request roll-up flush failed'))).toBe(true);
    await (await h.request('/healthz')).text();
    await sql`alter table request_rollups_away rename to request_rollups`.execute(db);
    await rollupsOf(h.runtime).flush();
    const rows = await rollupsBetween(db, ...ALL);
    expect(rows.find((r) => r.route === '/healthz')?.requests).toBe(2);
  });
});
