// A single-page app: every page renders in the browser against the API; nothing is prerendered.
export const ssr = false;
export const prerender = false;
