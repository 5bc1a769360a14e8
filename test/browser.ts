/**
 * End-to-end tests in a real browser: Debian's Chromium (`/usr/bin/chromium`, never a downloaded
 * browser) driven by playwright-core, against the real `cardquant start` (demo data seeded on a
 * fresh SQLite database, the built web app served at `/`). Outside CI, without Chromium or a
 * built app, the tests skip with a message saying what to install; under `CI=true` they never skip.
 * Every request the browser makes must stay on loopback; axe-core scans each page for WCAG 2.1
 * AA violations, and every page's screenshot is saved under test-artifacts/e2e/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_TOKEN } from './harness.ts';
import { startCliReady, type CliProcess } from './process.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_BUILD = join(ROOT, 'web', 'build');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const ci = process.env.CI === 'true' || process.env.CI === '1';

/** Why the browser tests cannot run here, or null when they can (under CI a missing part is an error). */
export function browserSkipReason(): string | null {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM))
    missing.push(`Chromium is not installed at ${CHROMIUM} (install it with \`apt-get install chromium\`)`);
  if (!existsSync(join(WEB_BUILD, 'index.html'))) missing.push('the web app is not built (run `npm run build`)');
  if (missing.length === 0) return null;
  const reason = `browser tests skipped: ${missing.join('; ')}`;
  if (ci) throw new Error(`${reason} — under CI=true they must run (.ci/run installs chromium)`);
  return reason;
}

export interface App {
  base: string;
  adminToken: string;
  process: CliProcess;
  stop(): Promise<void>;
}

/** `cardquant start` on a fresh SQLite database in a temporary folder: demo data, web app at `/`. */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const cwd = mkdtempSync(join(tmpdir(), 'cq-e2e-'));
  const p = await startCliReady(['start'], {
    cwd,
    env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ADMIN_TOKEN, ...env },
  });
  const listening = p.jsonLines().find((l) => l.msg === 'listening');
  if (!listening) throw new Error(`no listening line:\n${p.stdout}`);
  return {
    base: `http://127.0.0.1:${listening.port as number}`,
    adminToken: ADMIN_TOKEN,
    process: p,
    stop: async () => {
      await p.stop('SIGTERM');
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** URLs the browser tried to reach off loopback (they were refused). */
  offLoopback: string[];
  /** Console errors, page errors and CSP violations. */
  errors: string[];
}

/** A fresh browser context (own storage) with loopback-only networking and error capture. */
export async function openSession(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const offLoopback: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:') return route.continue();
    offLoopback.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return { context, page, offLoopback, errors };
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Scans the page with axe-core (WCAG 2.1 A and AA rules) and saves a full-page screenshot as
 * test-artifacts/e2e/<name>.png; returns the violations (the test expects none).
 */
export async function scan(page: Page, name: string): Promise<AxeViolation[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) =>
      (
        globalThis as unknown as {
          axe: {
            run(
              ctx: unknown,
              o: unknown,
            ): Promise<{
              violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
            }>;
          };
        }
      ).axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: tags } }),
    WCAG_21_AA,
  );
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => JSON.stringify(n.target)),
  }));
}
