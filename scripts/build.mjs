// `npm run build` (and `prepare`, so `npm ci` builds): emits src/ as JavaScript with source maps
// into dist/ (or --out-dir DIR) with tsconfig.build.json, after emptying it so a moved or deleted
// source leaves nothing behind. Migrations keep their .ts source beside the .js: the migrator
// checksums the source (docs/adr/0004, docs/adr/0015). Types are checked by `npm run typecheck`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    'out-dir': { type: 'string', default: join(root, 'dist') },
    'api-only': { type: 'boolean', default: false },
    'web-only': { type: 'boolean', default: false },
  },
});
const outDir = resolve(values['out-dir']);

const webOnly = values['web-only'];
if (!webOnly) buildApi();

function buildApi() {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    rmSync(outDir, { recursive: true, force: true });
    process.exit(result.status ?? 1);
  }
  const migrations = join('platform', 'db', 'migrations');
  for (const file of readdirSync(join(root, 'src', migrations)).filter((f) => f.endsWith('.ts'))) {
    copyFileSync(join(root, 'src', migrations, file), join(outDir, migrations, file));
  }
}

// The web app (web/, SvelteKit) into web/build, which the API process serves at `/`. Its build
// tools are development dependencies: an install without them keeps the API and skips the app.
let vite;
try {
  vite = join(dirname(createRequire(join(root, 'web', 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.warn('vite is not installed (an install without development dependencies): the web app is not built.');
}
if (vite && !values['api-only']) {
  const web = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'web'),
    stdio: 'inherit',
  });
  if (web.status !== 0) process.exit(web.status ?? 1);
}
