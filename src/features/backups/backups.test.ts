/**
 * Backups that are proven, on both dialects: a backup taken while another connection writes
 * restores to exactly its manifest (through a local S3-compatible server, s3rver); restore refuses
 * a non-empty target; encrypted files survive a round trip and refuse a flipped byte; a restore
 * that fails part-way leaves the target empty; the integrity checks count foreign-key orphans; an
 * interrupted backup is marked failed and a backup does not hold its own registry row; a restore
 * drill passes and is recorded, and a corrupted backup fails the drill (spawns pg_dump/pg_restore).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupService, STALE_RUNNING_MS, type BackupSettings } from './backup.service.ts';
import { restorePostgres, restoreSqlite, sqlitePath, TargetNotEmptyError } from './dialects.ts';
import {
  findBackup,
  insertBackup,
  postgresIntegrityProblems,
  postgresObjectCount,
  sqliteIntegrityProblems,
} from './backups.repo.ts';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Manifest } from './manifest.ts';
import { BackupIntegrityError, openFile, sealFile } from './sealed-file.ts';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { idFactory } from '../../platform/ids.ts';
import { isoInstant } from '../../platform/clock.ts';
import { dataKey, SecretBox } from '../../platform/secret-box.ts';
import { dialects, label } from '#test/dialects.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { ADMIN_TOKEN, bearer, startHarness, type Harness } from '#test/harness.ts';

let work: string;
let s3: S3rver;
let s3Endpoint: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cardquant-backups-test-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: 'backups' }],
  });
  const { port } = await s3.run();
  s3Endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await s3?.close();
  await rm(work, { recursive: true, force: true });
});

const keyBytes = randomBytes(32);
const box = new SecretBox(dataKey(keyBytes));

async function flipByte(path: string, at: (size: number) => number): Promise<void> {
  const bytes = await readFile(path);
  const i = at(bytes.length);
  bytes[i] = bytes[i]! ^ 0xff;
  await writeFile(path, bytes);
}

describe('sealed backup files', () => {
  it('round-trip, open after a key rotation, and refuse a flipped byte or an unknown key', async () => {
    const plain = join(work, 'plain.bin');
    const content = randomBytes(70_000);
    await writeFile(plain, content);
    const sealed = join(work, 'sealed.bin');
    await sealFile(box, 'bak_test', plain, sealed, 16_384);

    const rotated = new SecretBox(dataKey(randomBytes(32)), [dataKey(keyBytes)]);
    await openFile(rotated, sealed, join(work, 'opened.bin'));
    expect((await readFile(join(work, 'opened.bin'))).equals(content)).toBe(true);

    await expect(openFile(new SecretBox(dataKey(randomBytes(32))), sealed, join(work, 'x1'))).rejects.toThrow(
      /sealed with data key [0-9a-f]{8}, which is not configured/,
    );
    await flipByte(sealed, (n) => n - 100);
    const err = await openFile(box, sealed, join(work, 'x2')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BackupIntegrityError);
    expect((err as Error).message).toMatch(/chunk 4 of the encrypted backup fails authentication/);
  });
});

describe.each(dialects)('backups on $name', (d) => {
  let h: Harness;
  let url: string;
  const targets: string[] = [];
  const fresh = async () => {
    const t =
      d.name === 'sqlite' ? `sqlite:${join(await mkdtemp(join(work, 'target-')), 'restored.db')}` : await d.create();
    targets.push(t);
    return t;
  };
  // Each test's backups are later than the ones before (ids from separate factories do not order).
  const service = (settings: Partial<BackupSettings>) => {
    h.clock.advance(60_000);
    return new BackupService(
      {
        database: h.runtime.database,
        databaseUrl: url,
        clock: h.clock,
        newId: idFactory(h.clock),
        box,
        keyFromSetting: true,
      },
      { encrypt: false, keepLast: 7, retentionDays: 30, ...settings },
    );
  };

  beforeAll(async () => {
    if (d.skip) return;
    url = d.name === 'sqlite' ? `sqlite:${join(await mkdtemp(join(work, 'live-')), 'live.db')}` : await d.create();
    h = await startHarness(url);
    await seedMarket(h.runtime.ingest);
  });
  afterAll(async () => {
    if (d.skip) return;
    await h?.close();
    if (d.name === 'postgres') for (const t of [url, ...targets]) await d.drop(t);
  });

  it.skipIf(d.skip)(`${label(d)}: a backup under write load restores to its manifest, via S3`, async () => {
    const dir = join(work, `${d.name}-load`);
    const backups = service({
      dir,
      s3: {
        bucket: 'backups',
        prefix: `${d.name}/`,
        endpoint: s3Endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      },
    });
    // The writer is another connection (pool), inserting audit rows until the backup is done.
    const writer: Database = openDatabase(url);
    let written = 0;
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        await writer.db
          .insertInto('audit_log')
          .values({
            id: `aud_load_${written}`,
            at: '2026-11-25T12:00:00.000Z',
            actor: 'load',
            action: 'load.write',
            result: 'success',
          } as never)
          .execute();
        written++;
        // SQLite answers synchronously: yield, so the backup (and this test) get their turns.
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      while (written < 20) await new Promise((r) => setImmediate(r));
      const row = await backups.backup();
      const writtenAtEnd = written;
      while (written < writtenAtEnd + 20) await new Promise((r) => setImmediate(r));
      stop = true;
      await writing;
      const manifest = JSON.parse(row.manifest!) as Manifest;
      const audit = manifest.tables.find((t) => t.table === 'audit_log')!;
      // The snapshot holds some of the writes, not all: the writer went on during and after.
      expect(audit.rows).toBeGreaterThanOrEqual(20);
      expect(audit.rows).toBeLessThan(written);
      expect(JSON.parse(row.locations)).toEqual([
        `file:${join(dir, row.file_name!)}`,
        `s3://backups/${d.name}/${row.file_name}`,
      ]);

      // The local copy is gone: the restore downloads the S3 one.
      await rm(join(dir, row.file_name!));
      const target = await fresh();
      const restored = await backups.restore('latest', target);
      expect(restored.mismatches).toEqual([]);
      expect(restored.manifest.tables.length).toBeGreaterThan(40);

      await expect(backups.restore('latest', target)).rejects.toThrow(TargetNotEmptyError);
      await expect(backups.restore('latest', target)).rejects.toThrow(
        /is not empty: restore only into an empty database/,
      );
    } finally {
      stop = true;
      await writing.catch(() => undefined);
      await writer.close();
      backups.close();
    }
  });

  it.skipIf(d.skip)(`${label(d)}: an encrypted backup round-trips; a flipped byte is refused`, async () => {
    const dir = join(work, `${d.name}-sealed`);
    const backups = service({ dir, encrypt: true });
    const row = await backups.backup();
    expect(row.file_name).toMatch(/\.sealed$/);
    const file = join(dir, row.file_name!);
    const target = await fresh();
    expect((await backups.restore(file, target)).mismatches).toEqual([]);

    await flipByte(file, (n) => Math.floor(n / 2));
    await expect(backups.restore(row.id, await fresh())).rejects.toThrow(/is damaged: its SHA-256 is/);
  });

  it.skipIf(d.skip)(`${label(d)}: a failed restore leaves the target empty; a good one then succeeds`, async () => {
    const dir = join(work, `${d.name}-truncated`);
    const backups = service({ dir });
    const row = await backups.backup();
    backups.close();
    const good = join(dir, row.file_name!);
    const truncated = join(work, `${d.name}-truncated.bin`);
    await writeFile(truncated, await readFile(good));
    // SQLite: half the pages gone. PostgreSQL: cut inside the last table's data, so the schema and
    // the earlier tables restore before pg_restore fails.
    const size = (await stat(good)).size;
    await truncate(truncated, d.name === 'sqlite' ? Math.floor(size / 2) : size - 16);
    const restoreFile = d.name === 'sqlite' ? restoreSqlite : restorePostgres;
    const target = await fresh();

    await expect(restoreFile(truncated, target)).rejects.toThrow();
    if (d.name === 'sqlite') {
      const path = sqlitePath(target);
      expect((await readdir(join(path, '..'))).filter((f) => f.startsWith('restored.db'))).toEqual([]);
    } else {
      const client = new pg.Client({ connectionString: target });
      await client.connect();
      try {
        expect(await postgresObjectCount(client)).toBe(0);
      } finally {
        await client.end();
      }
    }

    const restored = await restoreFile(good, target);
    expect(restored.problems).toEqual([]);
    expect(restored.tables.length).toBeGreaterThan(40);
  });

  it.skipIf(d.skip)(`${label(d)}: the integrity checks count rows whose foreign key refers to nothing`, async () => {
    const target = await fresh();
    const ddl = [
      'create table fk_parent (a text not null, b text not null, primary key (a, b))',
      'create table fk_child (id text primary key, a text, b text, foreign key (a, b) references fk_parent (a, b))',
    ];
    // One sound row, one with a null key column (refers to nothing, allowed), two orphans.
    const rows = [
      "insert into fk_parent values ('x', '1')",
      "insert into fk_child values ('c1', 'x', '1'), ('c2', 'x', null), ('c3', 'x', '2'), ('c4', 'y', '1')",
    ];
    if (d.name === 'sqlite') {
      const db = new SqliteDatabase(sqlitePath(target));
      try {
        db.pragma('foreign_keys = off');
        for (const q of [...ddl, ...rows]) db.exec(q);
        expect(sqliteIntegrityProblems(db)).toEqual([
          'foreign key: fk_child row 3 refers to a missing fk_parent row',
          'foreign key: fk_child row 4 refers to a missing fk_parent row',
        ]);
      } finally {
        db.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      for (const q of ddl) await client.query(q);
      expect(await postgresIntegrityProblems(client)).toEqual([]);
      // A validated key with orphans under it: what a restore through triggers-off loading could leave.
      await client.query('set session_replication_role = replica');
      for (const q of rows) await client.query(q);
      await client.query('set session_replication_role = default');
      expect(await postgresIntegrityProblems(client)).toEqual([
        'foreign key fk_child_a_b_fkey: 2 fk_child row(s) refer to a missing fk_parent row',
      ]);
    } finally {
      await client.end();
    }
  });

  it.skipIf(d.skip)(`${label(d)}: an interrupted backup is failed; a backup does not hold its own row`, async () => {
    const backups = service({ dir: join(work, `${d.name}-stale`) });
    const db = h.runtime.database.db;
    const running = (id: string, ageMs: number) => ({
      id,
      created_at: isoInstant(h.clock.now() - ageMs),
      dialect: d.name,
      status: 'running' as const,
      file_name: null,
      locations: '[]',
      bytes: null,
      sha256: null,
      encrypted: 0,
      manifest: null,
      duration_ms: null,
      error: null,
    });
    await insertBackup(db, running('bak_STALE', STALE_RUNNING_MS + 60_000));
    await insertBackup(db, running('bak_RECENT', 60_000));
    const row = await backups.backup();
    expect(await findBackup(db, 'bak_STALE')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted/),
    });
    expect(await findBackup(db, 'bak_RECENT')).toMatchObject({ status: 'running' });
    await db.deleteFrom('backups').where('id', '=', 'bak_RECENT').execute();

    const target = await fresh();
    expect((await backups.restore(row.id, target)).mismatches).toEqual([]);
    backups.close();
    const restored = openDatabase(target);
    try {
      expect(await findBackup(restored.db, row.id)).toBeUndefined();
      expect(await findBackup(restored.db, 'bak_STALE')).toMatchObject({ status: 'failed' });
    } finally {
      await restored.close();
    }
  });

  it.skipIf(d.skip)(`${label(d)}: a drill passes and is recorded; a corrupted backup fails it`, async () => {
    const dir = join(work, `${d.name}-drill`);
    const backups = service({ dir, keepLast: 1, retentionDays: 0 });
    const row = await backups.backup();
    const passed = await backups.drill();
    expect(passed).toMatchObject({ backup_id: row.id, result: 'passed', mismatches: '[]', error: null });

    const listed = await h.request('/v1/admin/backups', { headers: bearer(ADMIN_TOKEN) });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as {
      items: { id: string; manifest: { tables: number } }[];
      last_drill: unknown;
    };
    expect(body.items[0]).toMatchObject({ id: row.id });
    expect(body.items[0]!.manifest.tables).toBeGreaterThan(40);
    expect(body.last_drill).toMatchObject({ id: passed.id, result: 'passed' });
    const metrics = await (await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) })).text();
    expect(metrics).toMatch(/^cardquant_restore_drill_last_success 1$/m);
    expect(metrics).toMatch(new RegExp(`^cardquant_backup_last_bytes ${row.bytes}$`, 'm'));

    await flipByte(join(dir, row.file_name!), (n) => n - 10);
    const failed = await backups.drill();
    expect(failed).toMatchObject({ backup_id: row.id, result: 'failed' });
    expect(failed.error).toMatch(/is damaged: its SHA-256/);
    const after = await (await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) })).text();
    expect(after).toMatch(/^cardquant_restore_drill_last_success 0$/m);

    // Retention (keep 1, no age): a newer backup expires this one, file and manifest.
    h.clock.advance(1000);
    await backups.backup();
    expect(await backups.applyRetention()).toBeGreaterThanOrEqual(1);
    expect((await readdir(dir)).filter((f) => f.includes(row.id))).toEqual([]);
    backups.close();
  });
});
