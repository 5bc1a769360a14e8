// Runs TypeScript without a build (tests, and a checkout that was not built; see
// docs/adr/0015-compiled-javascript-at-runtime.md): registers tsx, then imports the module given as
// the first argument, which is removed from process.argv so that module sees its own arguments.
//   node typescript-entry.mjs <module.ts> [args…]
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [target] = process.argv.splice(2, 1);
if (!target) throw new Error('typescript-entry: expected the module to run as the first argument');
await import(target.startsWith('file:') ? target : pathToFileURL(target).href);
