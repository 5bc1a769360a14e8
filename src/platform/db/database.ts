import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Tables } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  dialect: DialectName;
  /** The driver underneath, for bulk paths that bypass the query builder (prepared statements, unnest). */
  native: { kind: 'sqlite'; db: SqliteDatabase.Database } | { kind: 'postgres'; pool: pg.Pool };
  /** Statements executed so far through `db` (every query, auth and rate limiting included). */
  readonly queryCount: number;
  /** A description safe to log: dialect and location, never credentials. */
  describe(): string;
  close(): Promise<void>;
}

export interface OpenOptions {
  sqliteBusyTimeoutMs?: number;
  pgPoolMax?: number;
  /** Told about errors of idle PostgreSQL connections (they are replaced automatically). */
  onIdleError?: (err: Error) => void;
}

/**
 * pg returns int8 and date as strings by default; counts are small integers and dates stay
 * `YYYY-MM-DD` strings, exactly as SQLite gives them back.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Prepared statements kept per SQLite connection, by SQL text. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * What Kysely's SQLite dialect sees of the connection: `prepare` answers from a cache of
 * prepared statements, so a repeated query skips SQLite's parse and plan (a large share of a
 * small read's cost). A cached statement still iterating (a stream) is never handed out twice.
 */
function withStatementCache(native: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => native.close(),
    prepare(text: string): SqliteDatabase.Statement {
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = native.prepare(text);
      if (!cached) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

/**
 * Opens a database from a URL: `sqlite:PATH`, `sqlite::memory:` or `postgres://…`.
 *
 * @example
 * const database = openDatabase('sqlite:./data/cardquant.db');
 * await database.db.selectFrom('principals').selectAll().execute();
 */
export function openDatabase(url: string, options: OpenOptions = {}): Database {
  let count = 0;
  const log = (event: LogEvent) => {
    if (event.level === 'query') count++;
  };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const memory = path === ':memory:' || path === '';
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const native = new SqliteDatabase(memory ? ':memory:' : path);
    native.pragma(`busy_timeout = ${options.sqliteBusyTimeoutMs ?? 5000}`);
    if (!memory) native.pragma('journal_mode = WAL');
    native.pragma('synchronous = NORMAL');
    native.pragma('foreign_keys = ON');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(native) }), log });
    return {
      db,
      dialect: 'sqlite',
      native: { kind: 'sqlite', db: native },
      get queryCount() {
        return count;
      },
      describe: () => `sqlite:${memory ? ':memory:' : path}`,
      close: () => db.destroy(),
    };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: options.pgPoolMax ?? 10, types: pgTypes });
    // An idle pooled connection the server drops (restart, failover, terminated backend) emits an
    // error on the pool; pg discards that client and the next query opens a new one. Unhandled,
    // the event would crash the process.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }), log });
    const where = new URL(url);
    return {
      db,
      dialect: 'postgres',
      native: { kind: 'postgres', pool },
      get queryCount() {
        return count;
      },
      describe: () => `postgres://${where.hostname}:${where.port || 5432}${where.pathname}`,
      close: () => db.destroy(),
    };
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}
