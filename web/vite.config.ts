import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // Inside the app's folder (not node_modules/.vite), so several checkouts can build at once.
  cacheDir: '.svelte-kit/vite-cache',
  build: { target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 200 },
  // Development only: `npx vite dev` in web/ proxies the API of a `cardquant serve` on :3000.
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/readyz': 'http://127.0.0.1:3000' } },
});
