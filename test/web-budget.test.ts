/**
 * The web app's performance budget on the real build (web/build, made by `npm ci` / `npm run
 * build`): the JavaScript the first page loads stays within 120 KB gzipped, and the build report
 * lists a chunk for every route (scripts/web-report.ts; docs/BENCHMARKS.md). And the app's sources
 * never write markup from strings (`{@html}`, `innerHTML`): Svelte escapes every API string.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_KB, webReport } from '../scripts/web-report.ts';
import { WEB_BUILD } from './browser.ts';

const built = existsSync(join(WEB_BUILD, 'index.html'));
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (!built && ci) throw new Error('web/build is missing under CI: `npm ci` builds it (scripts/build.mjs)');
if (!built) console.warn('web budget skipped: the web app is not built (run `npm run build`)');

/** Every page route in web/src/routes (a folder holding +page.svelte), as SvelteKit names it. */
function pageRoutes(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === '+page.svelte') out.push(prefix || '/');
    if (entry.isDirectory()) out.push(...pageRoutes(join(dir, entry.name), `${prefix}/${entry.name}`));
  }
  return out;
}

describe.skipIf(!built)('web app budget', () => {
  const report = built ? webReport() : null;

  it(`loads at most ${INITIAL_JS_BUDGET_KB} KB of gzipped JavaScript for the first page`, () => {
    expect(report!.initial.files.length).toBeGreaterThan(0);
    expect(report!.initial.gzipKb).toBeLessThanOrEqual(INITIAL_JS_BUDGET_KB);
    expect(report!.firstPageKb).toBeLessThanOrEqual(INITIAL_JS_BUDGET_KB);
  });

  it('lists every route of the app with its chunks', () => {
    const routes = pageRoutes(join(WEB_BUILD, '..', 'src', 'routes')).sort();
    expect(report!.routes.map((r) => r.route).sort()).toEqual(routes);
    for (const r of report!.routes) expect(r.files.length, r.route).toBeGreaterThan(0);
  });
});

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('web app sources', () => {
  it('never turn a string into markup ({@html}, innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const src = join(WEB_BUILD, '..', 'src');
    const offending = walk(src)
      .filter((f) => /\.(svelte|ts|js)$/.test(f))
      .filter((f) =>
        /\{@html|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/.test(readFileSync(f, 'utf8')),
      );
    expect(offending).toEqual([]);
  });
});
