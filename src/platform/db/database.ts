import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type LogEvent,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
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
  /** Longest wait for a PostgreSQL connection (a new one, or a free one from a full pool); 0 waits for ever. */
  pgConnectTimeoutMs?: number;
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

/** Reads (`select …`, `with …`) become named prepared statements on PostgreSQL; writes stay unnamed. */
const READ_STATEMENT = /^\s*(select|with)\b/i;
const PG_STATEMENT_NAMES = 500;

/**
 * What Kysely's PostgreSQL dialect sees of the pool: each connection runs a read it has run
 * before as a named prepared statement (`cq_<hash>`), so PostgreSQL parses and plans it once per
 * connection instead of on every request (planning a read with subqueries costs more than
 * executing it). Writes, DDL and statements whose text changes per call stay unnamed. A read
 * whose cached plan the server refuses after a schema change is run unnamed from then on.
 */
function withPreparedReads(pool: pg.Pool) {
  const names = new Map<string, string | null>();
  const nameOf = (text: string): string | null => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= PG_STATEMENT_NAMES || !READ_STATEMENT.test(text)) return null;
      name = `cq_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  const run = async (client: pg.PoolClient, text: string, values: readonly unknown[]) => {
    const name = nameOf(text);
    if (name === null) return client.query(text, [...values]);
    try {
      return await client.query({ name, text, values: [...values] });
    } catch (err) {
      // 0A000 "cached plan must not change result type": the table changed under the statement.
      if ((err as { code?: string }).code !== '0A000') throw err;
      names.set(text, null);
      return client.query(text, [...values]);
    }
  };
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    // A cursor (streaming) goes through unchanged and synchronously, as Kysely expects.
    query: ((textOrCursor: string | object, values: readonly unknown[] = []) =>
      typeof textOrCursor === 'string'
        ? run(client, textOrCursor, values)
        : client.query(textOrCursor as pg.QueryConfig)) as unknown as PostgresPoolClient['query'],
    // Kysely passes `true` for a connection it discards after an error: pg then closes it.
    release: ((destroy?: boolean) => client.release(destroy)) as PostgresPoolClient['release'],
  });
  const wrapped: PostgresPool = {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
  return wrapped;
}

/**
 * Switches a SQLite file to WAL. Two processes opening a new file at once can find the switch
 * busy without SQLite's busy handler being asked, so it is retried within the busy timeout.
 */
function enableWal(native: SqliteDatabase.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      native.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
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
    if (!memory) {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      // A new database file is private to its owner (SQLite gives its -wal and -shm files the
      // same mode); an existing file keeps the mode its operator chose.
      closeSync(openSync(path, 'a', 0o600));
    }
    const native = new SqliteDatabase(memory ? ':memory:' : path);
    native.pragma(`busy_timeout = ${options.sqliteBusyTimeoutMs ?? 5000}`);
    if (!memory) enableWal(native, options.sqliteBusyTimeoutMs ?? 5000);
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
    // Without a bound, a database host that drops packets would hang every request; with it the
    // request fails with pg's "timeout exceeded when trying to connect" (a 503, not a hang).
    const pool = new pg.Pool({
      connectionString: url,
      max: options.pgPoolMax ?? 10,
      connectionTimeoutMillis: options.pgConnectTimeoutMs ?? 10_000,
      types: pgTypes,
    });
    // An idle pooled connection the server drops (restart, failover, terminated backend) emits an
    // error on the pool; pg discards that client and the next query opens a new one. Unhandled,
    // the event would crash the process.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: withPreparedReads(pool) }), log });
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
