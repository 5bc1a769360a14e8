/**
 * Coverage only goes up. Reads the v8 summary of the last `vitest run --coverage` and raises
 * `coverage-baseline.json` for every metric that improved (never lowers it).
 * Usage: npm run coverage:ratchet
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Metric = 'lines' | 'branches' | 'functions';
const METRICS: Metric[] = ['lines', 'branches', 'functions'];
const baselineUrl = new URL('../coverage-baseline.json', import.meta.url);
const summaryUrl = new URL('../coverage/coverage-summary.json', import.meta.url);

const baseline = JSON.parse(readFileSync(baselineUrl, 'utf8')) as Record<Metric, number>;
const summary = JSON.parse(readFileSync(summaryUrl, 'utf8')) as { total: Record<Metric, { pct: number }> };

const next = { ...baseline };
for (const m of METRICS) {
  const measured = Math.floor(summary.total[m].pct * 100) / 100;
  if (measured > baseline[m]) next[m] = measured;
  console.log(
    `${m.padEnd(9)} baseline ${baseline[m].toFixed(2)}  measured ${measured.toFixed(2)}  → ${next[m].toFixed(2)}`,
  );
}
writeFileSync(baselineUrl, `${JSON.stringify(next, null, 2)}\n`);
