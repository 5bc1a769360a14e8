/**
 * docs/DELIVERY.md states the default retry schedule as a table; this test rebuilds the table
 * from the code (`retryDelayMs` with the default DELIVERY_* settings) and requires the document
 * to contain it exactly, and the totals it states to hold.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { minimumRetrySpanMs, retryDelayMs, type RetrySchedule } from './outbox.ts';

const doc = readFileSync(new URL('../../../docs/DELIVERY.md', import.meta.url), 'utf8');

/** 4860 → "1 h 21 min"; 45 → "45 s". */
function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''].filter(Boolean).join(' ') || '0 s';
}

function scheduleTable(schedule: RetrySchedule): string {
  const lines = [
    '| After attempt | Wait (s) | Wait | Longest wait with jitter | Retried for so far |',
    '|---:|---:|---|---|---|',
  ];
  let elapsed = 0;
  for (let attempt = 1; attempt < schedule.maxAttempts; attempt++) {
    const wait = retryDelayMs(attempt, schedule, () => 0);
    const most = retryDelayMs(attempt, schedule, () => 1);
    elapsed += wait;
    lines.push(
      `| ${attempt} | ${wait / 1000} | ${humanDuration(wait)} | ${humanDuration(most)} | ${humanDuration(elapsed)} |`,
    );
  }
  return lines.join('\n');
}

describe('docs/DELIVERY.md retry schedule', () => {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  const schedule: RetrySchedule = {
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    baseMs: config.DELIVERY_BACKOFF_BASE_SECONDS * 1000,
    maxDelayMs: config.DELIVERY_BACKOFF_MAX_HOURS * 3_600_000,
  };

  it('holds the table the code computes from the default settings', () => {
    expect(doc).toContain(scheduleTable(schedule));
  });

  it('states the total the code computes, at least 72 hours over at least 10 attempts', () => {
    const total = minimumRetrySpanMs(schedule);
    expect(total).toBeGreaterThanOrEqual(72 * 3_600_000);
    expect(schedule.maxAttempts).toBeGreaterThanOrEqual(10);
    expect(doc).toContain(`${schedule.maxAttempts} attempts over at least ${humanDuration(total)}`);
  });
});
