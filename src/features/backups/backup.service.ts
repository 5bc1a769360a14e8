/**
 * Backups that are proven (docs/RUNBOOK.md, "Backup", "Restore", "Restore drill"): take one
 * (file + manifest from its own snapshot, optionally sealed, copied to every destination),
 * restore one into an empty database and verify it against its manifest, drill the latest one
 * into scratch, and expire old ones (BACKUP_KEEP_LAST, BACKUP_RETENTION_DAYS).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  expiredBackups,
  failStaleBackups,
  findBackup,
  insertBackup,
  insertDrill,
  latestBackup,
  liveSqlite,
  updateBackup,
  type BackupRow,
  type DrillRow,
} from './backups.repo.ts';
import { dumpPostgres, dumpSqlite, restorePostgres, restoreSqlite, type RestoredState } from './dialects.ts';
import { compareManifest, type Manifest } from './manifest.ts';
import { isSealed, openFile, sealFile } from './sealed-file.ts';
import { BackupStorage, type StorageSettings } from './storage.ts';

/**
 * A backup still `running` this long after it was registered is taken as interrupted (its process
 * is gone) and marked `failed` before the next backup: a daily backup that runs for a day is broken.
 */
export const STALE_RUNNING_MS = 24 * 3_600_000;

export interface BackupSettings extends StorageSettings {
  /** Seal backup files with the data key. */
  encrypt: boolean;
  keepLast: number;
  retentionDays: number;
}

export interface BackupDeps {
  /** The live database and its registry; null for a restore from a file alone (disaster recovery). */
  database: Database | null;
  /** The URL `database` was opened from (pg_dump connects with it). */
  databaseUrl: string;
  clock: Clock;
  newId: (prefix: IdPrefix) => string;
  box: SecretBox;
  /** Whether the data key comes from DATA_ENCRYPTION_KEY (a key that outlives the database). */
  keyFromSetting: boolean;
}

export interface RestoreResult {
  backupId: string;
  manifest: Manifest;
  mismatches: string[];
  durationMs: number;
}

export class BackupService {
  readonly storage: BackupStorage;

  constructor(
    private readonly deps: BackupDeps,
    private readonly settings: BackupSettings,
  ) {
    this.storage = new BackupStorage(settings);
  }

  get configured(): boolean {
    return this.storage.configured;
  }

  private live(): Database {
    if (!this.deps.database) throw new Error('this command needs the database (DATABASE_URL) and its backup registry');
    return this.deps.database;
  }

  /**
   * Takes a backup, registers it and copies it to every destination. The registry row is inserted
   * once the snapshot is taken, so a backup never holds its own row (as `running`); rows of earlier
   * backups interrupted for longer than STALE_RUNNING_MS are marked `failed` first.
   */
  async backup(): Promise<BackupRow> {
    if (!this.configured) throw new Error('no backup destination: set BACKUP_DIR and/or BACKUP_S3_BUCKET');
    if (this.settings.encrypt && !this.deps.keyFromSetting)
      throw new Error(
        'BACKUP_ENCRYPT needs DATA_ENCRYPTION_KEY: a key kept only beside the database (or in this process) would be lost with it',
      );
    const database = this.live();
    const { clock, newId } = this.deps;
    const id = newId('bak');
    const createdAt = isoInstant(clock.now());
    const started = performance.now();
    const row: BackupRow = {
      id,
      created_at: createdAt,
      dialect: database.dialect,
      status: 'running',
      file_name: null,
      locations: '[]',
      bytes: null,
      sha256: null,
      encrypted: this.settings.encrypt ? 1 : 0,
      manifest: null,
      duration_ms: null,
      error: null,
    };
    await failStaleBackups(
      database.db,
      isoInstant(clock.now() - STALE_RUNNING_MS),
      `interrupted: still running ${STALE_RUNNING_MS / 3_600_000} hours after it started (its process is gone)`,
    );
    let registered = false;
    const work = await mkdtemp(join(tmpdir(), 'cardquant-backup-'));
    try {
      const plain = join(work, 'plain');
      const sqlite = liveSqlite(database);
      const snapshot = sqlite ? await dumpSqlite(sqlite, plain) : await dumpPostgres(this.deps.databaseUrl, plain);
      await insertBackup(database.db, row);
      registered = true;
      const fileName = `cardquant-${createdAt.replace(/[:.]/g, '-')}-${id}.${database.dialect === 'sqlite' ? 'sqlite' : 'pgdump'}${this.settings.encrypt ? '.sealed' : ''}`;
      let file = plain;
      if (this.settings.encrypt) {
        file = join(work, fileName);
        await sealFile(this.deps.box, id, plain, file);
      }
      const manifest: Manifest = {
        format: 1,
        backup_id: id,
        dialect: database.dialect,
        created_at: createdAt,
        migration: snapshot.migration,
        tables: snapshot.tables,
        file: {
          name: fileName,
          bytes: (await stat(file)).size,
          sha256: await sha256Of(file),
          encrypted: this.settings.encrypt,
          key_id: this.settings.encrypt ? this.deps.box.keyId : null,
        },
      };
      const manifestPath = join(work, `${fileName}.manifest.json`);
      await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
      const locations = await this.storage.put(file, fileName);
      await this.storage.put(manifestPath, `${fileName}.manifest.json`);
      const done: Partial<BackupRow> = {
        status: 'succeeded',
        file_name: fileName,
        locations: JSON.stringify(locations),
        bytes: manifest.file.bytes,
        sha256: manifest.file.sha256,
        manifest: JSON.stringify(manifest),
        duration_ms: Math.round(performance.now() - started),
      };
      await updateBackup(database.db, id, done);
      return { ...row, ...done };
    } catch (err) {
      const failed: Partial<BackupRow> = {
        status: 'failed',
        error: (err as Error).message.slice(0, 2000),
        duration_ms: Math.round(performance.now() - started),
      };
      if (registered) await updateBackup(database.db, id, failed);
      else await insertBackup(database.db, { ...row, ...failed });
      throw err;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The backup `ref` names: `latest`, a registered id, or a backup file (its manifest beside it). */
  async resolve(ref: string): Promise<{ locations: string[]; manifest: Manifest | null; id: string }> {
    if (ref === 'latest' || /^bak_[0-9A-Z]{26}$/.test(ref)) {
      const db = this.live().db;
      const row = ref === 'latest' ? await latestBackup(db) : await findBackup(db, ref);
      if (!row) throw new Error(ref === 'latest' ? 'there is no succeeded backup' : `no backup ${ref}`);
      if (row.status !== 'succeeded') throw new Error(`backup ${ref} is ${row.status}`);
      return {
        id: row.id,
        locations: JSON.parse(row.locations) as string[],
        manifest: row.manifest ? (JSON.parse(row.manifest) as Manifest) : null,
      };
    }
    const manifest = JSON.parse(await readFile(`${ref}.manifest.json`, 'utf8').catch(() => 'null')) as Manifest | null;
    if (!manifest) throw new Error(`${ref} is neither latest, a backup id, nor a backup file with its .manifest.json`);
    return { id: manifest.backup_id, locations: [`file:${ref}`], manifest };
  }

  /** Restores `ref` into the empty database at `intoUrl` and compares it with the manifest. */
  async restore(ref: string, intoUrl: string): Promise<RestoreResult> {
    const started = performance.now();
    const found = await this.resolve(ref);
    if (!found.manifest) throw new Error(`backup ${found.id} has no manifest`);
    const manifest = found.manifest;
    const intoDialect = intoUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
    if (intoDialect !== manifest.dialect)
      throw new Error(`backup ${found.id} is a ${manifest.dialect} backup; it cannot be restored into ${intoDialect}`);
    const work = await mkdtemp(join(tmpdir(), 'cardquant-restore-'));
    try {
      const fetched = join(work, 'fetched');
      await this.storage.get(found.locations, fetched);
      const sha256 = await sha256Of(fetched);
      if (sha256 !== manifest.file.sha256)
        throw new Error(
          `backup ${found.id} is damaged: its SHA-256 is ${sha256}, the manifest says ${manifest.file.sha256}`,
        );
      let plain = fetched;
      if (manifest.file.encrypted || (await isSealed(fetched))) {
        plain = join(work, 'plain');
        await openFile(this.deps.box, fetched, plain);
      }
      const state: RestoredState =
        manifest.dialect === 'sqlite' ? await restoreSqlite(plain, intoUrl) : await restorePostgres(plain, intoUrl);
      return {
        backupId: found.id,
        manifest,
        mismatches: [...state.problems, ...compareManifest(manifest, state)],
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Restores the latest backup into scratch, checks it, and records the drill. */
  async drill(): Promise<DrillRow> {
    const database = this.live();
    const { clock, newId } = this.deps;
    const startedAt = isoInstant(clock.now());
    const started = performance.now();
    const latest = await latestBackup(database.db);
    let result: Pick<DrillRow, 'result' | 'mismatches' | 'error'>;
    try {
      if (!latest) throw new Error('there is no succeeded backup to drill');
      const { mismatches } = await this.intoScratch(latest.id, latest.dialect);
      result = {
        result: mismatches.length === 0 ? 'passed' : 'failed',
        mismatches: JSON.stringify(mismatches),
        error: null,
      };
    } catch (err) {
      result = { result: 'failed', mismatches: '[]', error: (err as Error).message.slice(0, 2000) };
    }
    const row: DrillRow = {
      id: newId('drl'),
      backup_id: latest?.id ?? null,
      started_at: startedAt,
      duration_ms: Math.round(performance.now() - started),
      ...result,
    };
    await insertDrill(database.db, row);
    return row;
  }

  private async intoScratch(id: string, dialect: 'sqlite' | 'postgres'): Promise<RestoreResult> {
    if (dialect === 'sqlite') {
      const dir = await mkdtemp(join(tmpdir(), 'cardquant-drill-'));
      try {
        return await this.restore(id, `sqlite:${join(dir, 'drill.db')}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const name = `cardquant_drill_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: this.deps.databaseUrl });
    await admin.connect();
    try {
      await createScratchDatabase(admin, name);
      const url = new URL(this.deps.databaseUrl);
      url.pathname = `/${name}`;
      return await this.restore(id, url.toString());
    } finally {
      await dropScratchDatabase(admin, name).catch(() => undefined);
      await admin.end();
    }
  }

  /** Removes expired backups (files and registry status); answers how many. */
  async applyRetention(): Promise<number> {
    const db = this.live().db;
    const before = isoInstant(this.deps.clock.now() - this.settings.retentionDays * 86_400_000);
    const expired = await expiredBackups(db, this.settings.keepLast, before);
    for (const row of expired) {
      const locations = JSON.parse(row.locations) as string[];
      await this.storage.remove([...locations, ...locations.map((l) => `${l}.manifest.json`)]);
      await updateBackup(db, row.id, { status: 'deleted', locations: '[]' });
    }
    return expired.length;
  }

  close(): void {
    this.storage.close();
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
