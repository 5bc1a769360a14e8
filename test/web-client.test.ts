/**
 * The web app has no hand-written DTOs: its API types are generated from the OpenAPI document
 * (scripts/api-client.ts). A route or schema change that is not regenerated fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, apiSchemaSource } from '../scripts/api-client.ts';

describe('generated API client types', () => {
  it('web/src/lib/api/schema.d.ts equals what /openapi.json generates (run `npx tsx scripts/api-client.ts`)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8') === (await apiSchemaSource())).toBe(true);
  });
});
