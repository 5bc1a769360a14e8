/**
 * A child-process fixture bundled into one JavaScript file, so a test that starts it many times
 * (crash trials) does not pay for loading TypeScript through tsx at every start. The bundle is made
 * from the current sources when the test runs (never a stale `dist/`), with the esbuild that tsx
 * itself uses to run them; npm packages stay external and load from node_modules as usual.
 *
 * Only for fixtures whose code never locates files relative to its own module (`import.meta`:
 * migrations, worker threads, the web build): bundled, such a path would point at the bundle.
 * `bundleScript` refuses those; run them through tsx instead.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Esbuild {
  build(options: {
    entryPoints: string[];
    outfile: string;
    bundle: true;
    platform: 'node';
    format: 'esm';
    target: string;
    packages: 'external';
    logLevel: 'error';
  }): Promise<unknown>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as Esbuild;

export interface BundledScript {
  /** The bundled script: run it with `node <path> …`. */
  path: string;
  /** Removes the bundle (for afterAll). */
  dispose(): void;
}

/** Bundles the TypeScript `script` (a path) and what it imports from the repository. */
export async function bundleScript(script: string): Promise<BundledScript> {
  const dir = mkdtempSync(join(tmpdir(), 'cardquant-bundle-'));
  // Package imports of the bundle resolve from its folder: point it at the repository's packages.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const path = join(dir, 'script.mjs');
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await esbuild.build({
      entryPoints: [script],
      outfile: path,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node}`,
      packages: 'external',
      logLevel: 'error',
    });
    if (/\bimport\.meta\b/.test(readFileSync(path, 'utf8')))
      throw new Error(`${script} reaches code that uses import.meta; run it through tsx, not bundled`);
  } catch (err) {
    dispose();
    throw err;
  }
  return { path, dispose };
}
