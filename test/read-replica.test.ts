/**
 * DATABASE_READ_URL: the public market reads (cards, search, card detail, history, movers,
 * dashboard, sets, indexes) and their ETags come from the read replica; every write and every
 * other read from the primary; /readyz checks both. The "replica" is a second PostgreSQL database
 * that holds a market while the primary holds none, so where an answer came from is visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { readDataVersion } from '../src/platform/db/data-version.ts';
import { createRuntime } from '../src/runtime.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';
import { seedMarket } from './market-fixtures.ts';

const postgres = dialects.find((d) => d.name === 'postgres')!;

describe('DATABASE_READ_URL setting', () => {
  it('needs DATABASE_URL on PostgreSQL and a postgres:// URL itself', () => {
    expect(() =>
      loadConfig({ DATABASE_URL: 'sqlite::memory:', DATABASE_READ_URL: 'postgres://replica/cardquant' }),
    ).toThrow(/DATABASE_READ_URL: a read replica needs DATABASE_URL on PostgreSQL too/);
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://primary/cardquant', DATABASE_READ_URL: 'sqlite:./replica.db' }),
    ).toThrow(ConfigError);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://primary/cq', DATABASE_READ_URL: 'postgres://replica/cq' })
        .DATABASE_READ_URL,
    ).toBe('postgres://replica/cq');
  });
});

describe.skipIf(postgres.skip !== null)(`read replica on ${label(postgres)}`, () => {
  let primaryUrl = '';
  let replicaUrl = '';
  let h: Harness;
  let primary: Database;
  let replica: Database;

  beforeAll(async () => {
    primaryUrl = await postgres.create();
    replicaUrl = await postgres.create();
    // The replica's content: migrated (as replication would bring it) and holding the market.
    const filler = await startHarness(replicaUrl);
    await seedMarket(filler.runtime.ingest);
    await filler.close();
    h = await startHarness(primaryUrl, { DATABASE_READ_URL: replicaUrl });
    primary = openDatabase(primaryUrl);
    replica = openDatabase(replicaUrl);
  });

  afterAll(async () => {
    await h?.close();
    await primary?.close();
    await replica?.close();
    if (primaryUrl) await postgres.drop(primaryUrl);
    if (replicaUrl) await postgres.drop(replicaUrl);
  });

  const count = async (database: Database, table: 'cards' | 'api_keys' | 'audit_log' | 'ingestion_runs') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('serves market reads, and their ETags, from the replica', async () => {
    expect(await count(primary, 'cards')).toBe(0);
    expect(await count(replica, 'cards')).toBe(6);
    const replicaVersion = await readDataVersion(replica.db);
    expect(replicaVersion).not.toBe(await readDataVersion(primary.db));

    const list = await h.request('/v1/cards?limit=50');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(6);
    expect(list.headers.get('ETag')).toContain(replicaVersion);

    for (const path of [
      '/v1/cards?q=char',
      '/v1/cards/s1-4',
      '/v1/cards/s1-4/history',
      '/v1/movers',
      '/v1/dashboard',
      '/v1/sets/s1',
      '/v1/indexes',
    ]) {
      const res = await h.request(path);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      expect(res.headers.get('ETag'), path).toContain(replicaVersion);
    }
    const search = (await (await h.request('/v1/cards?q=char')).json()) as { items: { id: string }[] };
    expect(search.items.map((c) => c.id).sort()).toEqual(['s1-4', 's1-5', 's1-6']);
  });

  it('sends writes and every other read to the primary', async () => {
    const created = await h.request(
      '/v1/admin/keys',
      json({ name: 'replica-test', role: 'viewer' }, { Authorization: `Bearer ${ADMIN_TOKEN}` }),
    );
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await count(primary, 'api_keys')).toBe(1);
    expect(await count(replica, 'api_keys')).toBe(0);
    expect(await count(primary, 'audit_log')).toBeGreaterThan(0);
    expect(await count(replica, 'audit_log')).toBe(0);

    // The replica holds the market's ingestion runs; the admin list reads the primary, which has none.
    expect(await count(replica, 'ingestion_runs')).toBeGreaterThan(0);
    const runs = await h.request('/v1/admin/ingestion/runs', { headers: bearer(ADMIN_TOKEN) });
    expect(runs.status).toBe(200);
    expect(((await runs.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('is ready only while the replica is reachable with a current schema', async () => {
    expect((await h.request('/readyz')).status).toBe(200);
    const latest = await replica.db
      .selectFrom('schema_migrations')
      .selectAll()
      .orderBy('name', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await replica.db.deleteFrom('schema_migrations').where('name', '=', latest.name).execute();
    try {
      const res = await h.request('/readyz', { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/^read replica: .*pending/);
    } finally {
      await replica.db.insertInto('schema_migrations').values(latest).execute();
    }
    expect((await h.request('/readyz')).status).toBe(200);
  });

  it('is opened only by processes that serve HTTP (a worker uses the primary alone)', async () => {
    const cfg = loadConfig({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl, LOG_LEVEL: 'silent' });
    const worker = await createRuntime(cfg, { serving: false, processMetrics: false });
    try {
      expect(worker.readDatabase).toBe(worker.database);
    } finally {
      await worker.close();
    }
    const serving = await createRuntime(cfg, { processMetrics: false });
    try {
      expect(serving.readDatabase).not.toBe(serving.database);
    } finally {
      await serving.close();
    }
  });

  it('uses the primary for everything when the setting is unset', async () => {
    const bare = await createRuntime(loadConfig({ DATABASE_URL: primaryUrl, LOG_LEVEL: 'silent' }), { http: false });
    expect(bare.readDatabase).toBe(bare.database);
    await bare.close();
    const plain = await startHarness(primaryUrl);
    try {
      const list = await plain.request('/v1/cards');
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
      expect(list.headers.get('ETag')).toContain(await readDataVersion(primary.db));
    } finally {
      await plain.close();
    }
  });
});
