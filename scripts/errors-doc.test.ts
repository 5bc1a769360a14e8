/** docs/ERRORS.md is the registry's table as scripts/errors-doc.ts prints it today. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/platform/error-codes.ts';
import { errorsDoc } from './errors-doc.ts';

const committed = readFileSync(new URL('../docs/ERRORS.md', import.meta.url), 'utf8');

describe('docs/ERRORS.md', () => {
  it('is generated from the current registry (regenerate: npx tsx scripts/errors-doc.ts > docs/ERRORS.md)', () => {
    expect(committed).toBe(errorsDoc());
  });

  it('lists every registered code once', () => {
    for (const code of Object.keys(errorCodes)) expect(committed.split(`| \`${code}\` |`).length, code).toBe(2);
  });
});
