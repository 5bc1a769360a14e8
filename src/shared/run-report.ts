/** The summary an import command prints for a run. */
import { print } from '../platform/cli.ts';
import type { RunSummary } from './run-accounting.ts';

/** Prints an import summary; returns the exit code (0 only when every part succeeded). */
export function reportRun(summary: RunSummary): number {
  const reasons = Object.entries(summary.rejected_by_reason)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  print(`run ${summary.id} (${summary.importer}): ${summary.status}`);
  print(
    `  read ${summary.rows_read}, accepted ${summary.accepted}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}${reasons ? ` (${reasons})` : ''}`,
  );
  if (summary.dropped_placeholder_fields > 0)
    print(`  placeholder fields dropped from kept rows: ${summary.dropped_placeholder_fields}`);
  for (const x of summary.rejected_examples) print(`  rejected ${x.at} (${x.reason}): ${x.detail}`);
  for (const f of summary.failures) print(`  failed part ${f.item}: ${f.error}`);
  if (summary.error) print(`  error: ${summary.error}`);
  return summary.status === 'succeeded' ? 0 : 1;
}
