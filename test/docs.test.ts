import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.ts';
import { configTable } from '../scripts/config-table.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands a newcomer runs', () => {
    const top = readme.split('\n').slice(0, 15).join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm ci && npm test');
  });

  it('documents every setting with its current default', () => {
    const table = readme.split('<!-- config-table:start')[1]?.split('<!-- config-table:end -->')[0] ?? '';
    expect(table.slice(table.indexOf('\n') + 1).trim()).toBe(configTable());
  });
});

describe('.env.example', () => {
  it('mentions every setting', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const missing = Object.keys(configSchema.shape).filter((key) => !new RegExp(`^# ${key}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
