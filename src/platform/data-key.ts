/**
 * Where the data encryption key comes from (docs/SECURITY.md, docs/RUNBOOK.md):
 * 1. `DATA_ENCRYPTION_KEY` (base64, 32 bytes) when set — required for several processes on
 *    PostgreSQL to replay each other's stored answers;
 * 2. otherwise, for a SQLite file, a key file beside the database (`<database>.key`), created with
 *    mode 0600 on first start and read by every later process on that database;
 * 3. otherwise (PostgreSQL without the setting, or an in-memory SQLite database) a key that lives
 *    only as long as this process: stored answers are then replayed by this process only.
 * `DATA_ENCRYPTION_KEY_PREVIOUS` is accepted for opening (rotation), never for sealing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataKey, SecretBox, type DataKey } from './secret-box.ts';

export type DataKeySource =
  | { kind: 'setting' }
  | { kind: 'file'; path: string; created: boolean }
  | { kind: 'process'; reason: 'postgres' | 'memory' };

export interface DataKeys {
  box: SecretBox;
  source: DataKeySource;
  /** Problems worth a warning in the log (never the key). */
  warnings: string[];
}

/** The file a SQLite database's key lives in, or null when the database is not a file. */
export function keyFileOf(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === '' || path === ':memory:') return null;
  return `${resolve(path)}.key`;
}

function parseKey(text: string, what: string): DataKey {
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== 32) throw new Error(`${what} does not hold a base64 key of 32 bytes`);
  return dataKey(bytes);
}

/**
 * Reads the key file, or creates it (mode 0600) when it does not exist. Creation is atomic: the
 * key is written to a private temporary file and hard-linked into place, so two processes starting
 * together agree on one key and neither ever reads a half-written file.
 */
export function readOrCreateKeyFile(path: string): { key: DataKey; created: boolean; warnings: string[] } {
  const warnings: string[] = [];
  let created = false;
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, path);
      created = true;
    } catch (linkErr) {
      if ((linkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw linkErr;
    } finally {
      unlinkSync(temp);
    }
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    warnings.push(`the data key file is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  return { key: parseKey(readFileSync(path, 'utf8'), 'the data key file'), created, warnings };
}

/**
 * @example
 * const { box } = resolveDataKeys({ DATABASE_URL: 'sqlite:./data/cardquant.db' });
 */
export function resolveDataKeys(settings: {
  DATABASE_URL: string;
  DATA_ENCRYPTION_KEY?: string;
  DATA_ENCRYPTION_KEY_PREVIOUS?: string;
}): DataKeys {
  const previous = settings.DATA_ENCRYPTION_KEY_PREVIOUS
    ? [parseKey(settings.DATA_ENCRYPTION_KEY_PREVIOUS, 'DATA_ENCRYPTION_KEY_PREVIOUS')]
    : [];
  if (settings.DATA_ENCRYPTION_KEY) {
    return {
      box: new SecretBox(parseKey(settings.DATA_ENCRYPTION_KEY, 'DATA_ENCRYPTION_KEY'), previous),
      source: { kind: 'setting' },
      warnings: [],
    };
  }
  const file = keyFileOf(settings.DATABASE_URL);
  if (file) {
    const { key, created, warnings } = readOrCreateKeyFile(file);
    return { box: new SecretBox(key, previous), source: { kind: 'file', path: file, created }, warnings };
  }
  const postgres = !settings.DATABASE_URL.startsWith('sqlite:');
  return {
    box: new SecretBox(dataKey(randomBytes(32)), previous),
    source: { kind: 'process', reason: postgres ? 'postgres' : 'memory' },
    warnings: postgres
      ? [
          'DATA_ENCRYPTION_KEY is not set: stored Idempotency-Key answers can be replayed only by the process that stored them; set it (the same value) on every process',
        ]
      : [],
  };
}
