#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ when it is there (built by `npm ci` / `npm run build`);
// a checkout that was not built runs the TypeScript sources through tsx instead, and says so on
// stderr. See docs/adr/0015-compiled-javascript-at-runtime.md.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (existsSync(compiled)) {
  // Stack traces name the .ts sources (the same as node --enable-source-maps).
  process.setSourceMapsEnabled(true);
  await import(compiled.href);
} else {
  process.stderr.write('cardquant: dist/ not built (npm run build); running the TypeScript sources through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
