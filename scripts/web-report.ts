/**
 * The web app's build report: the JavaScript the first page needs (the shell's module preloads)
 * and, per route, the chunks it loads beyond that, each with its gzipped size. Reads web/build and
 * the build's Vite manifest. test/web-budget.test.ts holds the budget (docs/BENCHMARKS.md).
 * Usage: npx tsx scripts/web-report.ts (after `npm run build`)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));
export const INITIAL_JS_BUDGET_KB = 120;

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface RouteReport {
  route: string;
  /** The route's own chunks (page and layouts, with what they import, also dynamically), beyond the initial JavaScript. */
  files: string[];
  gzipKb: number;
}

export interface WebReport {
  initial: { files: string[]; gzipKb: number };
  /** What the dashboard (`/`) loads as it renders: the initial JavaScript and its route's chunks. */
  firstPageKb: number;
  routes: RouteReport[];
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

function gzipBytes(file: string): number {
  return gzipSync(readFileSync(join(WEB, 'build', file)), { level: 9 }).length;
}

export function webReport(): WebReport {
  const manifest = JSON.parse(
    readFileSync(join(WEB, '.svelte-kit', 'output', 'client', '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, ManifestChunk>;
  const shell = readFileSync(join(WEB, 'build', 'index.html'), 'utf8');
  const initial = [...shell.matchAll(/<link href="\/([^"]+\.js)" rel="modulepreload">/g)].map((m) => m[1]!);
  const inInitial = new Set(initial);

  const closure = (key: string, into: Set<string>) => {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) return;
    into.add(chunk.file);
    // A route's dynamic imports (the chart library) load as it renders: they count.
    for (const i of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) closure(i, into);
  };
  const app = readFileSync(join(WEB, '.svelte-kit', 'generated', 'client-optimized', 'app.js'), 'utf8');
  const dictionary = app.slice(
    app.indexOf('export const dictionary'),
    app.indexOf('};', app.indexOf('export const dictionary')),
  );
  const routes: RouteReport[] = [];
  for (const m of dictionary.matchAll(/"([^"]+)":\s*\[([^\n]*)\]/g)) {
    const nodes = new Set([0, ...[...m[2]!.matchAll(/\d+/g)].map((n) => Number(n[0]))]);
    const files = new Set<string>();
    for (const n of nodes) closure(`.svelte-kit/generated/client-optimized/nodes/${n}.js`, files);
    const own = [...files].filter((f) => !inInitial.has(f)).sort();
    routes.push({ route: m[1]!, files: own, gzipKb: kb(own.reduce((s, f) => s + gzipBytes(f), 0)) });
  }
  const initialKb = kb(initial.reduce((s, f) => s + gzipBytes(f), 0));
  const home = routes.find((r) => r.route === '/');
  return {
    initial: { files: initial, gzipKb: initialKb },
    firstPageKb: Math.round((initialKb + (home?.gzipKb ?? 0)) * 10) / 10,
    routes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = webReport();
  console.log(
    `initial JavaScript (the shell's preloads): ${r.initial.gzipKb} KB gzipped (budget ${INITIAL_JS_BUDGET_KB} KB)`,
  );
  console.log(`dashboard first load (initial + its route): ${r.firstPageKb} KB gzipped\n`);
  console.log('| route | chunks beyond the initial JavaScript | KB gzipped |\n|---|---|---|');
  for (const route of r.routes)
    console.log(
      `| \`${route.route}\` | ${route.files.map((f) => `\`${f.replace('_app/immutable/', '')}\``).join(' ')} | ${route.gzipKb} |`,
    );
}
