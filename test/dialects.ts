/**
 * Storage tests run against both dialects. SQLite always; PostgreSQL on 127.0.0.1:5432 in a fresh
 * database per test file (dropped afterwards). Under CI=true an unreachable PostgreSQL fails the
 * run; elsewhere its cases are skipped with the reason in their name.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { isCi } from '../src/config.ts';

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await probe();
if (pgProblem && isCi()) {
  throw new Error(`PostgreSQL at 127.0.0.1:5432 is required under CI=true but is unreachable: ${pgProblem}`);
}

export interface DialectCase {
  name: 'sqlite' | 'postgres';
  /** Skip reason, shown in the test name when set. */
  skip: string | null;
  /** A fresh, empty database URL. */
  create(): Promise<string>;
  drop(url: string): Promise<void>;
}

const sqliteCase: DialectCase = {
  name: 'sqlite',
  skip: null,
  create: async () => 'sqlite::memory:',
  drop: async () => undefined,
};

const postgresCase: DialectCase = {
  name: 'postgres',
  skip: pgProblem ? `skipped: no PostgreSQL at 127.0.0.1:5432 (${pgProblem})` : null,
  async create() {
    const name = `cardquant_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:5432/${name}`;
  },
  async drop(url) {
    const name = new URL(url).pathname.slice(1);
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  },
};

export const dialects: DialectCase[] = [sqliteCase, postgresCase];

/** `describe.each` label: `sqlite` or `postgres (skipped: …)`. */
export function label(d: DialectCase): string {
  return d.skip ? `${d.name} (${d.skip})` : d.name;
}
