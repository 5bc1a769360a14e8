import { describe, expect, it } from 'vitest';
import { progressReporter } from './cli.ts';
import { createLogger } from './log.ts';

describe('progress of long imports off a terminal', () => {
  it('writes a structured line at most every interval, and always the last one', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => void lines.push(l) });
    let now = 0;
    const report = progressReporter(log, false, () => now, 10_000);
    report(1, 100, 'set a');
    now = 5_000;
    report(2, 100, 'set b');
    now = 10_000;
    report(3, 100, 'set c');
    now = 11_000;
    report(100, 100, 'set z');
    const parsed = lines.map((l) => JSON.parse(l) as { done: number; total: number; label: string; msg: string });
    expect(parsed.map((p) => [p.done, p.label])).toEqual([
      [1, 'set a'],
      [3, 'set c'],
      [100, 'set z'],
    ]);
    expect(parsed.every((p) => p.msg === 'progress' && p.total === 100)).toBe(true);
  });
});
