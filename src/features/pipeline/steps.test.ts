import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/run-accounting.ts';
import { summarise } from './steps.ts';

const run = (id: string, status: RunSummary['status']): RunSummary => ({
  id,
  importer: 'tcgcsv',
  status,
  rows_read: 10,
  accepted: 8,
  updated: 1,
  unchanged: 0,
  rejected: 1,
  rejected_by_reason: { placeholder_listing: 1 },
  failures: [],
  dropped_placeholder_fields: 0,
  rejected_examples: [],
  error: status === 'failed' ? 'upstream down' : null,
});

describe('summarise (an ingestion step’s counts)', () => {
  it('names each run’s importer, and under the deprecated `source` until 0.4.0', () => {
    const result = summarise([run('run_a', 'succeeded')]);
    expect(result).toEqual({
      counts: {
        runs: [
          {
            id: 'run_a',
            importer: 'tcgcsv',
            source: 'tcgcsv',
            status: 'succeeded',
            rows_read: 10,
            accepted: 8,
            updated: 1,
            rejected: 1,
          },
        ],
      },
    });
  });

  it('fails the step only when every run failed', () => {
    expect(() => summarise([run('run_a', 'failed'), run('run_b', 'succeeded')])).not.toThrow();
    expect(() => summarise([run('run_a', 'failed')])).toThrow('every importer failed: tcgcsv: upstream down');
  });
});
