import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The architectural lint rules, checked against planted code: nothing is written to disk, the text is
// linted as if it lived at the given path, so the file globs of eslint.config.js are exercised too.
const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleHits(code: string, filePath: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return result!.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

const QUERY_CALL = `
import type { Kysely } from 'kysely';
export async function firstCard(db: Kysely<any>): Promise<unknown> {
  return db.selectFrom('cards').selectAll().executeTakeFirst();
}
`;

const SQL_TEMPLATE = `
import { sql } from 'kysely';
export const today = sql<string>\`current_date\`;
`;

const SQL_RAW = `
import { sql } from 'kysely';
export const order = sql.raw('name asc');
`;

describe('queries live in repositories', () => {
  it('rejects a query-builder call in a route file', async () => {
    expect(await ruleHits(QUERY_CALL, 'src/features/x/foo.routes.ts', 'no-restricted-syntax')).toEqual([
      'Queries live in repositories (*.repo.ts) or src/platform/db.',
    ]);
  });

  it('accepts the same call in a repository', async () => {
    expect(await ruleHits(QUERY_CALL, 'src/features/x/foo.repo.ts', 'no-restricted-syntax')).toEqual([]);
  });

  it('accepts the same call in the database platform and in tests', async () => {
    expect(await ruleHits(QUERY_CALL, 'src/platform/db/foo.ts', 'no-restricted-syntax')).toEqual([]);
    expect(await ruleHits(QUERY_CALL, 'src/features/x/foo.test.ts', 'no-restricted-syntax')).toEqual([]);
  });

  it('rejects a sql template and sql.raw outside repositories', async () => {
    expect(await ruleHits(SQL_TEMPLATE, 'src/features/x/foo.service.ts', 'no-restricted-syntax')).toHaveLength(1);
    expect(await ruleHits(SQL_RAW, 'src/platform/http/foo.ts', 'no-restricted-syntax')).toHaveLength(1);
    expect(await ruleHits(SQL_TEMPLATE, 'src/features/x/foo.repo.ts', 'no-restricted-syntax')).toEqual([]);
  });
});

describe('no way around the repository rule', () => {
  const RENAMED_SQL = `
import { sql as q } from 'kysely';
export const today = q<string>\`current_date\`;
`;
  const DIALECT_HELPER = `
import { rawRows } from '../../platform/db/dialect.ts';
export const rows = (database: any) => rawRows(database, 'select 1', []);
`;
  const DRIVER = `
export const count = (database: any) => database.native.db.prepare('select count(*) from cards').get();
`;

  it('rejects importing sql from kysely (renamed or not) outside repositories', async () => {
    expect(await ruleHits(RENAMED_SQL, 'src/features/x/foo.ts', 'no-restricted-imports')).toHaveLength(1);
    expect(await ruleHits(SQL_TEMPLATE, 'src/features/x/foo.ts', 'no-restricted-imports')).toHaveLength(1);
    expect(await ruleHits(RENAMED_SQL, 'src/features/x/foo.repo.ts', 'no-restricted-imports')).toEqual([]);
  });

  it('rejects the dialect helpers outside repositories', async () => {
    expect(await ruleHits(DIALECT_HELPER, 'src/features/x/foo.ts', 'no-restricted-imports')).toHaveLength(1);
    expect(await ruleHits(DIALECT_HELPER, 'src/features/x/foo.repo.ts', 'no-restricted-imports')).toEqual([]);
  });

  it('rejects the database driver outside repositories', async () => {
    expect(await ruleHits(DRIVER, 'src/features/x/foo.service.ts', 'no-restricted-syntax')).toHaveLength(1);
    expect(await ruleHits(DRIVER, 'src/features/x/foo.repo.ts', 'no-restricted-syntax')).toEqual([]);
  });
});

describe('settings are read through src/config.ts', () => {
  const READS_ENV = `export const port = process.env.PORT;\n`;

  it('rejects process.env in a feature file', async () => {
    expect(await ruleHits(READS_ENV, 'src/features/x/foo.ts', 'no-restricted-properties')).toEqual([
      "'process.env' is restricted from being used. Read settings through src/config.ts.",
    ]);
  });

  it('accepts process.env in src/config.ts', async () => {
    expect(await ruleHits(READS_ENV, 'src/config.ts', 'no-restricted-properties')).toEqual([]);
  });
});
