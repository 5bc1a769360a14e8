import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { BUDGET } from './test/budget.ts';

// Coverage may only go up: under CI the committed baseline (minus a small tolerance) is enforced;
// elsewhere, where PostgreSQL or shared-data tests may skip, coverage is reported only.
const baseline = JSON.parse(readFileSync(new URL('./coverage-baseline.json', import.meta.url), 'utf8')) as {
  lines: number;
  branches: number;
  functions: number;
};
const TOLERANCE = 0.5;
// Vitest reads a negative threshold as a maximum count of uncovered items, so never go below 0.
const floor = (pct: number) => Math.max(0, pct - TOLERANCE);
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Generous (test/budget.ts): process-level tests start real `cardquant` processes, slow on a
    // loaded 2-core machine; a deadline guards against hangs, it is not what a test measures.
    testTimeout: BUDGET.testMs,
    hookTimeout: BUDGET.hookMs,
    // A test slower than this is reported (yellow) so the 20-minute suite budget stays visible.
    slowTestThreshold: 10_000,
    // expect.poll waits on a condition (a page rendering, a worker delivering) and only guards
    // against a hang, like every other wait: the start-up budget, not vitest's 1 s default.
    expect: { poll: { timeout: BUDGET.processStartMs } },
    pool: 'forks',
    // Both cores: vitest's default on 2 cores is one worker (cores − 1), which left the second
    // core idle while a file waited on a child process, a browser or PostgreSQL. Every wait in the
    // suite is sized for a busy machine (test/budget.ts), so two files at a time stay green.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: ci
        ? {
            lines: floor(baseline.lines),
            branches: floor(baseline.branches),
            functions: floor(baseline.functions),
          }
        : undefined,
    },
  },
});
