/**
 * The suite's time budgets (test/budget.ts): subprocess waits never use a wall-clock deadline
 * tighter than the start-up budget (a busy 2-core machine takes many seconds to start a process),
 * and heavy repeated trials stop adding trials once their budget is spent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUDGET, trials } from './budget.ts';

const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Every TypeScript file of the suite (test/ and its subfolders). */
function suiteFiles(dir = TEST_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? suiteFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const literal = (text: string) => Number(text.replace(/_/g, ''));

describe('time budgets of the suite', () => {
  it('gives every wait on a child process at least the start-up budget when it is a number written in the test', () => {
    const tight: string[] = [];
    // This file names the forbidden forms in its comments.
    for (const file of suiteFiles().filter((f) => !f.endsWith('budget.test.ts'))) {
      const text = readFileSync(file, 'utf8');
      const waits = [
        // p.waitForExit(20_000), p.waitForStdout(/x/, 15_000), p.stop('SIGTERM', 5000), default parameters `timeoutMs = 15_000`
        ...text.matchAll(/\b(?:waitForExit|waitForStdout|stop)\((?:[^()]*,\s*)?(\d[\d_]*)\)/g),
        ...text.matchAll(/timeoutMs\s*=\s*(\d[\d_]*)/g),
        // execFile/spawnSync options
        ...(/\b(?:execFile|spawnSync|execFileSync)\b/.test(text) ? text.matchAll(/\btimeout:\s*(\d[\d_]*)/g) : []),
      ];
      for (const m of waits)
        if (literal(m[1]!) < BUDGET.processStartMs) tight.push(`${file.slice(TEST_DIR.length)}: ${m[0]}`);
    }
    expect(tight, 'use BUDGET from test/budget.ts (or time what the test measures from its own event)').toEqual([]);
  });

  it('runs at least the minimum number of trials, then none beyond the budget, and never more than the maximum', async () => {
    let t = 0;
    const now = () => t;
    const ran: number[] = [];
    // Each trial costs 10 ms of the (fake) clock; the budget of 35 ms is spent after 4 trials.
    const count = await trials({ min: 2, max: 100, budgetMs: 35, now }, async (i) => {
      ran.push(i);
      t += 10;
    });
    expect(count).toBe(4);
    expect(ran).toEqual([0, 1, 2, 3]);

    t = 0;
    expect(
      await trials({ min: 5, max: 100, budgetMs: 0, now }, async () => void (t += 1000)),
      'the minimum runs whatever the budget',
    ).toBe(5);
    t = 0;
    expect(
      await trials({ min: 1, max: 3, budgetMs: 1e9, now }, async () => void (t += 1)),
      'never more than the maximum',
    ).toBe(3);
  });

  it('scales every budget with TEST_TIME_SCALE and keeps the start-up budget inside a test', () => {
    expect(BUDGET.processStartMs).toBeLessThan(BUDGET.testMs);
    expect(BUDGET.processRunMs).toBeLessThan(BUDGET.heavyTestMs);
    expect(BUDGET.processStartMs / BUDGET.scale).toBeGreaterThanOrEqual(30_000);
  });
});
