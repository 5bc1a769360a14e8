/**
 * Three `serve` and two `worker` processes on one PostgreSQL database (compiled dist/ when built,
 * as production runs), with a `demo` command seeding beside them: all six start at once against
 * an empty database. Load goes round-robin through the three serve processes, as the nginx
 * example sends it. What a deployment on several machines relies on:
 * - the migrations run exactly once, and every process becomes ready;
 * - every request is answered, and a rolling restart (SIGTERM one serve, start it again, wait
 *   for /readyz, the next) under continuous load fails none;
 * - rate limits are shared: one client spread over the three processes gets exactly the limit;
 * - each scheduled slot runs once, in one worker, though both fire every second; each pipeline
 *   step runs once per slot and never beside itself;
 * - after the derive, the three processes answer the same reads with the same ETag and body.
 * The workers' pipeline is due every second (PIPELINE_CRON with a seconds field): slots are whole
 * minutes, so both workers contend for each minute's slot many times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_CATALOGUE } from '../src/features/pipeline/steps.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { readDataVersion } from '../src/platform/db/data-version.ts';
import { listMigrations } from '../src/platform/db/migrator.ts';
import { BUDGET } from './budget.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN } from './harness.ts';
import { closeAgents, driveLoad, get, RoundRobin, startCluster, type Cluster } from './multi-process.ts';
import { stopAll } from './process.ts';

const postgres = dialects.find((d) => d.name === 'postgres')!;
const RATE_LIMIT = 40;
const LOAD_CONCURRENCY = 12;
/** How long the steady load runs: the throughput is reported, not asserted. */
const STEADY_MS = 6000;

describe.skipIf(postgres.skip !== null)(`3 serve + 2 worker processes on ${label(postgres)}`, () => {
  let dir = '';
  let url = '';
  let cluster: Cluster;
  let database: Database;
  let cards: string[] = [];
  /** When the demo data (and its derive) was complete. */
  let seededAt = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cq-multi-'));
    url = await postgres.create();
  });
  afterAll(async () => {
    await stopAll();
    closeAgents();
    await database?.close();
    if (url) await postgres.drop(url);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const paths = (i: number) => {
    const card = cards[i % cards.length]!;
    return [
      `/v1/cards?limit=24&sort=${['name', 'price', 'change_7d'][i % 3]}`,
      `/v1/cards/${card}`,
      `/v1/cards/${card}/history`,
      '/v1/movers',
      `/v1/cards?q=${card.slice(0, 5)}`,
      '/v1/dashboard',
    ][i % 6]!;
  };

  it(
    'all start at once on an empty database; the migrations run exactly once',
    { timeout: BUDGET.heavyTestMs },
    async () => {
      cluster = await startCluster({
        cwd: dir,
        databaseUrl: url,
        serve: 3,
        workers: 2,
        env: {
          ADMIN_TOKEN,
          DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
          TRUST_PROXY: 'true',
          TRUSTED_PROXIES: '1',
          WEB_APP: 'false',
          PG_POOL_MAX: '4',
          RATE_LIMIT_ANONYMOUS: String(RATE_LIMIT),
          RATE_LIMIT_WINDOW_SECONDS: '3600',
          SHUTDOWN_GRACE_MS: '10000',
        },
        workerEnv: { PIPELINE_CRON: '* * * * * *', LOG_LEVEL: 'debug' },
        alongside: [['demo', '--cards', '120', '--days', '90', '--seed', '7']],
      });
      seededAt = new Date().toISOString();
      database = openDatabase(url);

      const names = listMigrations().map((m) => m.name);
      const applied = cluster.all.flatMap((p) =>
        p.jsonLines().flatMap((l) => (l.msg === 'migrations applied' ? (l.applied as string[]) : [])),
      );
      expect(applied.sort(), 'every migration applied by exactly one of the six processes').toEqual([...names].sort());
      const rows = await database.db.selectFrom('schema_migrations').select('name').execute();
      expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
      cards = (await database.db.selectFrom('cards').select('id').orderBy('id').execute()).map((c) => c.id);
      expect(cards).toHaveLength(120);
    },
  );

  it('answers every request of a steady load spread over the three', { timeout: BUDGET.heavyTestMs }, async () => {
    const balancer = new RoundRobin(cluster.ports);
    const { elapsedMs } = await driveLoad(balancer, {
      concurrency: LOAD_CONCURRENCY,
      path: paths,
      stop: new Promise((resolve) => setTimeout(resolve, STEADY_MS)),
    });
    const c = balancer.counts;
    console.info(
      `steady load: ${c.requests} requests in ${Math.round(elapsedMs)} ms (${Math.round((c.requests * 1000) / elapsedMs)} req/s), ${c.failed} failed, ${c.retries} retries, per process ${JSON.stringify(c.byPort)}`,
    );
    expect(c.failures).toEqual([]);
    expect(c.failed).toBe(0);
    expect(c.limited, 'no load client reaches its limit').toBe(0);
    expect(c.ok).toBe(c.requests);
    for (const port of cluster.ports) expect(c.byPort[port], `port ${port}`).toBeGreaterThan(c.requests / 6);
  });

  it('shares the rate limit: one client spread over the three gets exactly the limit', async () => {
    const balancer = new RoundRobin(cluster.ports, 1);
    const sent = RATE_LIMIT + 20;
    for (let i = 0; i < sent; i++) await balancer.get('/v1/movers', { 'X-Forwarded-For': '203.0.113.9' });
    const c = balancer.counts;
    for (const port of cluster.ports) expect(c.byPort[port]).toBe(sent / 3);
    expect([c.ok, c.limited, c.failed]).toEqual([RATE_LIMIT, sent - RATE_LIMIT, 0]);
  });

  it('fails no request while each serve is restarted in turn under load', { timeout: BUDGET.heavyTestMs }, async () => {
    const balancer = new RoundRobin(cluster.ports);
    let restarted!: () => void;
    const done = new Promise<void>((resolve) => (restarted = resolve));
    const load = driveLoad(balancer, { concurrency: LOAD_CONCURRENCY, path: paths, stop: done });
    const exits = [];
    try {
      for (let i = 0; i < cluster.serves.length; i++) exits.push(await cluster.restartServe(i));
    } finally {
      restarted();
    }
    const { elapsedMs } = await load;
    const c = balancer.counts;
    console.info(
      `rolling restart: ${c.requests} requests in ${Math.round(elapsedMs)} ms (${Math.round((c.requests * 1000) / elapsedMs)} req/s), ${c.failed} failed, ${c.retries} retried on the next process`,
    );
    expect(exits).toEqual(exits.map(() => ({ exitCode: 0, cutConnections: false })));
    expect(c.failures).toEqual([]);
    expect(c.failed).toBe(0);
    expect(c.ok).toBe(c.requests);
  });

  it(
    'runs each scheduled slot once, in one worker, and each pipeline step once per slot',
    { timeout: BUDGET.heavyTestMs },
    async () => {
      // A pipeline slot that started after the demo data was complete, so its derive saw all of it.
      const deadline = performance.now() + 2 * BUDGET.processRunMs;
      for (;;) {
        const slot = await database.db
          .selectFrom('scheduled_runs')
          .select('slot')
          .where('job', '=', 'pipeline.daily')
          .where('status', '=', 'succeeded')
          .where('started_at', '>=', seededAt)
          .executeTakeFirst();
        if (slot) break;
        if (performance.now() > deadline) throw new Error('no scheduled pipeline run after the demo data');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // Stopped workers write nothing more: the reads below compare one state.
      for (const worker of cluster.workers) expect((await worker.stop('SIGTERM')).code).toBe(0);

      const slots = await database.db.selectFrom('scheduled_runs').selectAll().orderBy('slot').execute();
      const logged = cluster.workers.flatMap((w) =>
        w.jsonLines().filter((l) => l.msg === 'scheduled job done' || l.msg === 'scheduled job failed'),
      );
      for (const s of slots) {
        expect(s.status, `${s.job} ${s.slot}: ${s.error}`).toBe('succeeded');
        expect(
          logged.filter((l) => l.job === s.job && l.slot === s.slot),
          `${s.job} ${s.slot}`,
        ).toHaveLength(1);
      }
      expect(logged).toHaveLength(slots.length);
      const taken = cluster.workers.map(
        (w) =>
          w.jsonLines().filter((l) => l.msg === 'scheduled slot taken by another process' && l.job === 'pipeline.daily')
            .length,
      );
      expect(Math.min(...taken), 'both workers contended for pipeline slots').toBeGreaterThan(0);

      const runs = await database.db.selectFrom('pipeline_runs').selectAll().orderBy('started_at').execute();
      const steps = STEP_CATALOGUE.map((s) => s.name);
      for (const s of slots.filter((x) => x.job === 'pipeline.daily')) {
        const mine = runs.filter(
          (r) =>
            r.trigger === 'schedule' &&
            r.holder?.endsWith(`/${s.instance}`) &&
            r.started_at >= s.started_at &&
            r.started_at <= s.finished_at!,
        );
        expect(mine.map((r) => r.step).sort(), `slot ${s.slot}`).toEqual([...steps].sort());
      }
      expect(runs.filter((r) => r.trigger === 'schedule')).toHaveLength(
        steps.length * slots.filter((x) => x.job === 'pipeline.daily').length,
      );
      // A step never runs beside itself, whichever process or trigger started it.
      for (const step of steps) {
        const ran = runs.filter((r) => r.step === step && r.status !== 'skipped');
        for (let i = 1; i < ran.length; i++)
          expect(ran[i]!.started_at >= ran[i - 1]!.finished_at!, `${step} ran twice at once`).toBe(true);
      }
    },
  );

  it('answers the same reads with the same ETag and body from every process after the derive', async () => {
    const version = await readDataVersion(database.db);
    for (const path of [paths(0), paths(1), paths(2), paths(3), paths(4), paths(5)]) {
      const answers = await Promise.all(
        cluster.ports.map((port) => get(port, path, { 'X-Forwarded-For': '192.0.2.50' })),
      );
      for (const a of answers) {
        expect(a.status, path).toBe(200);
        expect(a.headers.etag, path).toContain(version);
      }
      expect(new Set(answers.map((a) => a.headers.etag)).size, path).toBe(1);
      expect(new Set(answers.map((a) => a.body)).size, path).toBe(1);
    }
  });
});
