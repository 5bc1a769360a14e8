/**
 * Checks the module boundaries: the rules in .dependency-cruiser.cjs, and no cycle between
 * features at folder level (every module of src/features/<name> collapsed into one node).
 *
 *   npx tsx scripts/check-boundaries.ts   (npm run lint:deps; exit code 1 on a violation)
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type IConfiguration } from 'dependency-cruiser';

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

export const FEATURE_CYCLE_RULE = 'no-feature-cycle';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as IConfiguration;

const featureOf = (path: string): string | null => /^src\/features\/([^/]+)\//.exec(path)?.[1] ?? null;

/** Feature-level edges (a → b when a module of a imports one of b) and every cycle among them, once. */
export function featureCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const walk = (start: string, node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (next === start) {
        // A cycle is reported once, from its alphabetically first feature.
        if (path.every((p) => p >= start)) cycles.set(path.join(' → '), [...path, start]);
      } else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const start of [...edges.keys()].sort()) walk(start, start, [start]);
  return [...cycles.values()];
}

/** Every violation in the `src` tree under `baseDir` (the repository by default). */
export async function checkBoundaries(baseDir: string = REPO): Promise<Violation[]> {
  const result = await cruise(['src'], {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    baseDir,
  });
  const output = result.output;
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text instead of a result');
  const violations: Violation[] = output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  const edges = new Map<string, Set<string>>();
  for (const m of output.modules) {
    const from = featureOf(m.source);
    if (from === null) continue;
    for (const d of m.dependencies) {
      const to = featureOf(d.resolved);
      if (to === null || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  for (const cycle of featureCycles(edges))
    violations.push({ rule: FEATURE_CYCLE_RULE, from: `src/features/${cycle[0]}`, to: cycle.join(' → ') });
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const violations = await checkBoundaries();
  for (const v of violations) console.error(`${v.rule}: ${v.from} → ${v.to}`);
  if (violations.length > 0) process.exitCode = 1;
  else console.log('module boundaries: no violations');
}
