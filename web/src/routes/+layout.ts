// A single-page app: every page renders in the browser against the API; nothing is prerendered.
import { meta } from '$lib/meta.svelte';

export const ssr = false;
export const prerender = false;

/**
 * The layout waits for /v1/meta before its first render, so the demo banner and the sources are
 * there from the first paint instead of pushing the page down when they arrive (no layout shift).
 * A failed /v1/meta does not block the app: the footer then says why.
 */
export const load = async (): Promise<Record<string, never>> => {
  await meta.load();
  return {};
};
