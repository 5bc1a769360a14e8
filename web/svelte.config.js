// The web app: a single-page app (adapter-static, no server rendering) that the API process serves
// at `/` (src/platform/http/web-app.ts). Built by `npm run build` (and so by `npm ci`) into web/build.
import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
export default {
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: true, strict: true }),
    // The inline start-up script is allowed by hash in the CSP the server computes from the shell.
    output: { bundleStrategy: 'split' },
    version: { pollInterval: 0 },
  },
};
