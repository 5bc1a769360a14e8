/**
 * Generates the web app's API types (web/src/lib/api/schema.d.ts) from the OpenAPI document the
 * app serves at /openapi.json, so the client has no hand-written DTOs. `npm run build` runs it
 * before the web build; test/web-client.test.ts fails when the committed file is behind the API.
 * Usage: npx tsx scripts/api-client.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { createRuntime } from '../src/runtime.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../web/src/lib/api/schema.d.ts', import.meta.url));

const HEADER = '// Generated from /openapi.json by scripts/api-client.ts: do not edit.\n';

/** The OpenAPI document of the current code, built in memory (an empty in-memory database). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
  const runtime = await createRuntime(config, { log: createLogger('silent'), processMetrics: false });
  try {
    return (await (await runtime.app.request('/openapi.json')).json()) as Record<string, unknown>;
  } finally {
    await runtime.close();
  }
}

export async function apiSchemaSource(): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(await openApiDocument())), { alphabetize: true });
  return HEADER + astToString(ast);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = await apiSchemaSource();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // absent: behind
    }
    if (current !== source) {
      console.error('web/src/lib/api/schema.d.ts is behind the API: run `npx tsx scripts/api-client.ts`.');
      process.exit(1);
    }
  } else writeFileSync(SCHEMA_FILE, source);
}
