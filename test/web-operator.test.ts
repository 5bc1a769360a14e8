/**
 * The operator pages in Chromium against the real `cardquant start` (demo data): sign in with the
 * admin token (kept in memory only: never in the URL or storage, gone after a reload), then every
 * page renders real data: status (objectives worst first, the backups' empty state, problem
 * codes), ingestion runs with their accounting, pipeline runs, anomalies (one resolved when any is
 * open), a small backtest, deliveries after a webhook test ping with their attempts, a redelivery
 * and a redrive. Accessible in the light and dark themes and at
 * 360 px, on loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App, type Session } from './browser.ts';
import { BUDGET } from './budget.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });

const PAGES = ['Status', 'Ingestion', 'Pipeline', 'Anomalies', 'Backtests', 'Deliveries'] as const;

describe.skipIf(skip !== null)('operator pages in Chromium', () => {
  let app: App;
  let browser: Browser;
  let receiver: Server;
  let pinged: () => void = () => {};
  /** Resolves when the receiver gets its first request (the delivery worker sent the ping). */
  const firstPing = new Promise<void>((resolve) => (pinged = resolve));

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        pinged();
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [app, browser] = await Promise.all([startApp({ EGRESS_ALLOW: 'loopback' }), launchBrowser()]);
    // A delivery to list: a portfolio's endpoint and its test ping, through the API.
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${app.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const pf = await post('/v1/portfolios', { name: 'Operator e2e' });
    const owner = { 'x-portfolio-id': pf.id!, 'x-portfolio-secret': pf.secret! };
    const endpoint = await post('/v1/webhook-endpoints', { url: hookUrl }, owner);
    await post(`/v1/webhook-endpoints/${endpoint.id}/test`, {}, owner);
    // Wait for the delivery worker to send it: the receiver's request, bounded by the budget.
    let deadline: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        firstPing,
        new Promise<never>((_, reject) => {
          deadline = setTimeout(
            () => reject(new Error(`no webhook request reached the receiver within ${BUDGET.processStartMs} ms`)),
            BUDGET.processStartMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(deadline);
    }
  }, 2 * BUDGET.hookMs);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function signIn(s: Session): Promise<void> {
    await s.page.goto(`${app.base}/operator`);
    await s.page.getByLabel('Operator key').fill(app.adminToken);
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Navigates inside the app (a click, not a page load: the key lives in memory). */
  async function open(page: Page, name: (typeof PAGES)[number]): Promise<void> {
    await page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name }).click();
    await page
      .getByRole('heading', { level: 1 })
      .filter({ hasText: name === 'Ingestion' ? 'Ingestion runs' : name === 'Pipeline' ? 'Pipeline runs' : name })
      .waitFor();
  }

  /** Everything in the page's sessionStorage and localStorage, as text. */
  function storageText(page: Page): Promise<string> {
    return page.evaluate<string>(
      `[sessionStorage, localStorage].flatMap((st) => Object.keys(st).map((k) => k + '=' + st.getItem(k))).join('\\n')`,
    );
  }

  it('refuses a wrong key, signs in, keeps the key in memory only and forgets it on reload', async () => {
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/operator`);
    expect(await scan(s.page, 'ops-operator-sign-in')).toEqual([]);
    await s.page.getByLabel('Operator key').fill('cqk_wrong');
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.getByRole('alert').waitFor();
    await s.page.getByLabel('Operator key').fill(app.adminToken);
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.getByRole('button', { name: 'Sign out' }).waitFor();
    await open(s.page, 'Status');
    await open(s.page, 'Ingestion');
    // Away from the operator pages and back, inside the app: still signed in.
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await s.page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operator' }).click();
    await s.page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(s.page.url()).not.toContain(app.adminToken);
    expect(await storageText(s.page)).not.toContain(app.adminToken);
    await s.page.reload();
    await s.page.getByLabel('Operator key').waitFor();
    expect(await s.page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await storageText(s.page)).not.toContain(app.adminToken);
    expect(app.process.stdout + app.process.stderr).not.toContain(app.adminToken);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await s.context.close();
  });

  it('shows status, ingestion, pipeline and anomalies from the demo data', async () => {
    const s = await openSession(browser);
    await signIn(s);
    const { page } = s;

    await open(page, 'Status');
    await poll(() => page.getByRole('region', { name: 'Readiness' }).textContent()).toContain('ready');
    await poll(() => page.getByRole('region', { name: 'Data freshness' }).textContent()).toContain('tcgplayer');
    const steps = page.getByRole('region', { name: 'Last pipeline run per step' }).getByRole('row');
    await poll(() => steps.count()).toBeGreaterThan(1);
    await poll(() => page.getByRole('region', { name: 'Delivery backlog' }).textContent()).toContain('webhook');
    // Every objective with its status as a word, worst first; the public routes have defaults.
    const objectives = page.getByRole('table', { name: /^Objectives, worst first/ }).getByRole('row');
    await poll(() => objectives.count()).toBeGreaterThan(1);
    const publicRow = objectives.filter({ hasText: /availability:GET \/v1\// }).first();
    expect(await publicRow.getByRole('cell').nth(1).textContent()).toMatch(/^\s*(ok|ticket|page)\s*$/);
    expect(await publicRow.getByRole('cell').nth(3).textContent()).toMatch(/% (left|overspent)/);
    const ranks = await objectives.evaluateAll((rows) =>
      rows
        .slice(1)
        .map((r) => ['page', 'ticket', 'ok'].indexOf(r.querySelectorAll('td')[1]?.textContent?.trim() ?? '')),
    );
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks).not.toContain(-1);
    // No backup directory or bucket configured: the empty state says how to turn backups on.
    await poll(() => page.getByRole('region', { name: 'Backups' }).textContent()).toContain(
      'Backups are off until BACKUP_DIR or BACKUP_S3_BUCKET is set',
    );
    await poll(() => page.getByRole('region', { name: 'Errors (24 h)' }).textContent()).toMatch(/requests/);
    expect(await page.getByText('arrive with /v1/admin/slo').count()).toBe(0);
    expect(await scan(page, 'ops-operator-status')).toEqual([]);

    await open(page, 'Ingestion');
    const runs = page.getByRole('table', { name: /Ingestion runs/ }).getByRole('row');
    await poll(() => runs.count()).toBeGreaterThan(1);
    await runs.nth(1).getByRole('link').click();
    await poll(() => page.url()).toContain('run=');
    const detail = page.getByRole('region', { name: /^Run / });
    await poll(() => detail.textContent()).toContain('read =');
    await poll(() => detail.getByRole('heading', { name: 'Unmatched products' }).count()).toBe(1);
    await page.getByLabel('Status').selectOption('succeeded');
    await poll(() => page.url()).toContain('status=succeeded');
    await poll(() => runs.count()).toBeGreaterThan(1);
    expect(await scan(page, 'ops-operator-ingestion')).toEqual([]);

    await open(page, 'Pipeline');
    const steprows = page.getByRole('table', { name: /Pipeline step runs/ }).getByRole('row');
    await poll(() => steprows.count()).toBeGreaterThan(1);
    expect(await page.getByRole('button', { name: 'Run now' }).isEnabled()).toBe(true);
    expect(await scan(page, 'ops-operator-pipeline')).toEqual([]);

    await open(page, 'Anomalies');
    await page.getByLabel('Status').selectOption('all');
    await poll(() => page.url()).toContain('status=all');
    await poll(() => page.locator('.skeleton').count()).toBe(0);
    await page.getByLabel('Status').selectOption('open');
    await poll(() => page.url()).toContain('status=open');
    await poll(() => page.locator('.skeleton').count()).toBe(0);
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
    if ((await acknowledge.count()) > 0) {
      await acknowledge.first().click();
      await poll(() => page.getByText(/acknowledged\.$/).count()).toBe(1);
    } else {
      await page.getByText(/No open anomalies/).waitFor();
    }
    expect(await scan(page, 'ops-operator-anomalies')).toEqual([]);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  }, 90_000);

  it('runs a small backtest and lists deliveries with attempts, redelivers and redrives', async () => {
    const s = await openSession(browser);
    await signIn(s);
    const { page } = s;

    await open(page, 'Backtests');
    await poll(() => page.getByLabel('To', { exact: true }).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await poll(() => page.url()).toContain('run=bt_');
    const result = page.getByRole('region', { name: /^Run bt_/ });
    await poll(() => result.textContent()).toMatch(/succeeded|queued|running/);
    expect(await result.getByRole('link', { name: 'Stored run (JSON)' }).getAttribute('href')).toMatch(
      /^\/v1\/analytics\/backtests\/bt_/,
    );
    await expect
      .poll(() => page.getByRole('table').filter({ hasText: 'Total return' }).getByRole('row').count())
      .toBeGreaterThan(1);
    expect(await scan(page, 'ops-operator-backtests')).toEqual([]);

    await open(page, 'Deliveries');
    await page
      .getByRole('combobox', { name: /^Channel/ })
      .first()
      .selectOption('webhook');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await poll(() => page.url()).toContain('channel=webhook');
    const rows = page.getByRole('table', { name: /Deliveries, newest first/ }).getByRole('row');
    await poll(() => rows.count()).toBeGreaterThan(1);
    expect(await rows.nth(1).textContent()).toContain('test.ping');
    // Opening a delivery keeps the list as it is (no reload: the same table stays in the page).
    await page.getByRole('table', { name: /Deliveries, newest first/ }).evaluate((el) => {
      (globalThis as unknown as { listTable: unknown }).listTable = el;
    });
    await rows.nth(1).getByRole('link').click();
    const detail = page.getByRole('region', { name: /^Delivery / });
    await poll(() => detail.textContent()).toContain('delivered');
    expect(await page.evaluate<boolean>('window.listTable.isConnected')).toBe(true);
    await poll(() => detail.getByRole('row').count()).toBeGreaterThan(1);
    await rows
      .nth(1)
      .getByRole('button', { name: /^Redeliver/ })
      .click();
    await poll(() => page.getByText(/Delivery queued again/).count()).toBe(1);
    await page.getByLabel('Died since (UTC)').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
    await page.getByRole('button', { name: 'Redrive' }).click();
    await poll(() => page.getByText(/dead deliveries queued again|dead delivery queued again/).count()).toBe(1);
    expect(await scan(page, 'ops-operator-deliveries')).toEqual([]);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  }, 120_000);

  it('is accessible in the dark theme and at 360 px without horizontal scroll', async () => {
    for (const [name, options] of [
      ['dark', { colorScheme: 'dark' as const }],
      ['360', { width: 360, height: 800 }],
    ] as const) {
      const s = await openSession(browser, options);
      await signIn(s);
      for (const p of PAGES) {
        await open(s.page, p);
        await poll(() => s.page.locator('.skeleton').count()).toBe(0);
        expect(await scan(s.page, `ops-operator-${p.toLowerCase()}-${name}`)).toEqual([]);
        if (name === '360')
          expect(await s.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      }
      expect(s.offLoopback).toEqual([]);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  }, 180_000);
});
