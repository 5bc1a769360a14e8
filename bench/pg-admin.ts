/** The benchmarks' PostgreSQL administration: the local server's `postgres` database (trust auth). */
import pg from 'pg';

export const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement (CREATE/DROP DATABASE) on the administration database. */
export async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
