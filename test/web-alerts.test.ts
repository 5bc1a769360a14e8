/**
 * The alerts page in Chromium against the real `cardquant start`: without an owner it explains and
 * offers the e-mail subscription; with a portfolio signed in it manages webhook endpoints (the
 * signing secret shown once, a test ping reaching a local receiver, attempts, rotation) and alert
 * rules (prefilled from ?printing=, created, listed, snoozed, paused, deleted). Accessible in the
 * light and dark themes and at 360 px, on loopback only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App, type Session } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });

interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.skipIf(skip !== null)('alerts page in Chromium', () => {
  let app: App;
  let browser: Browser;
  let receiver: Server;
  const hooks: Hook[] = [];
  let hookUrl = '';
  let portfolio: { id: string; secret: string };
  let printing = '';
  let cardName = '';
  const mailDir = mkdtempSync(join(tmpdir(), 'cq-e2e-mail-'));

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [app, browser] = await Promise.all([
      startApp({
        EGRESS_ALLOW: 'loopback',
        EMAIL_PROVIDER: 'file',
        EMAIL_FROM: 'alerts@example.com',
        EMAIL_FILE_DIR: mailDir,
        PUBLIC_URL: 'http://127.0.0.1',
      }),
      launchBrowser(),
    ]);
    const created = await fetch(`${app.base}/v1/portfolios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ name: 'Alerts e2e' }),
    });
    expect(created.status).toBe(201);
    portfolio = (await created.json()) as { id: string; secret: string };
    const cards = (await (await fetch(`${app.base}/v1/cards?limit=1&sort=price`)).json()) as {
      items: { name: string; headline: { printing_id: string } | null }[];
    };
    printing = cards.items[0]!.headline!.printing_id;
    cardName = cards.items[0]!.name;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    rmSync(mailDir, { recursive: true, force: true });
  });

  /** A browser session with the portfolio signed in (sessionStorage set before the app loads). */
  async function signedIn(options: Parameters<typeof openSession>[1] = {}): Promise<Session> {
    const s = await openSession(browser, options);
    const value = JSON.stringify({ id: portfolio.id, secret: portfolio.secret });
    await s.context.addInitScript(`window.sessionStorage.setItem('cardquant.portfolio', ${JSON.stringify(value)})`);
    return s;
  }

  const ruleItem = (page: Page) =>
    page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: printing }) });

  it('without an owner explains, links to the portfolio and takes an e-mail subscription', async () => {
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/alerts?printing=${encodeURIComponent(printing)}`);
    const link = s.page.getByRole('link', { name: 'Sign in to a portfolio' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/portfolio');
    await s.page.getByLabel('E-mail address').fill('collector@example.com');
    await s.page.getByRole('button', { name: 'Subscribe' }).click();
    await poll(() => s.page.getByText('A confirmation e-mail was sent').count()).toBe(1);
    expect(await scan(s.page, 'ops-alerts-signed-out')).toEqual([]);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('creates a webhook endpoint (secret once), pings it, lists attempts and rotates the secret', async () => {
    const s = await signedIn();
    await s.page.goto(`${app.base}/alerts`);
    await s.page.getByText('No endpoint yet.').waitFor();
    await s.page.getByLabel('Endpoint URL').fill(hookUrl);
    await s.page.getByLabel('Description').fill('Local receiver');
    await s.page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = s.page.getByTestId('secret');
    await secret.waitFor();
    const first = (await secret.textContent())!.trim();
    expect(first).toMatch(/^whsec_/);
    await poll(() => s.page.getByText('Shown once.').count()).toBe(1);
    await s.page.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => secret.count()).toBe(0);
    // Listed from the API without the secret.
    await s.page.reload();
    const endpoint = s.page
      .getByRole('listitem')
      .filter({ has: s.page.getByRole('heading', { name: /Webhook · 127\.0\.0\.1/ }) });
    await endpoint.waitFor();
    expect(await endpoint.textContent()).toContain('enabled');
    expect(await s.page.content()).not.toContain(first);

    await endpoint.getByRole('button', { name: 'Send test ping' }).click();
    await poll(() => hooks.length).toBeGreaterThan(0);
    expect(hooks[0]!.headers['webhook-signature']).toBeTruthy();
    expect(hooks[0]!.body).toContain('test.ping');
    const attempts = endpoint.getByRole('table', { name: /Recent attempts/ });
    await poll(() => attempts.textContent()).toContain('delivered');
    expect(await attempts.textContent()).toContain('204');

    await endpoint.getByRole('button', { name: 'Rotate secret' }).click();
    await secret.waitFor();
    const rotated = (await secret.textContent())!.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(first);
    await poll(() => endpoint.textContent()).toContain('previous secret signs until');
    await s.page.getByRole('button', { name: 'I have copied it' }).click();
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  }, 90_000);

  it('prefills from ?printing=, creates a price-above rule, snoozes, pauses and deletes it', async () => {
    const s = await signedIn();
    await s.page.goto(`${app.base}/alerts?printing=${encodeURIComponent(printing)}`);
    await poll(() => s.page.getByLabel('Printing id').inputValue()).toBe(printing);
    await s.page.getByText('No alert yet').waitFor();
    await s.page.getByLabel('Condition').selectOption({ label: 'Price above' });
    await s.page.getByLabel('Threshold').fill('12.50');
    await poll(() => s.page.getByRole('combobox', { name: /^Endpoint(?! kind)/ }).inputValue()).toMatch(/^whe_/);
    // The first answer is lost on the way back (the server made the rule): the retry carries the
    // same Idempotency-Key, so the server answers it again instead of making a second rule.
    const keys: (string | undefined)[] = [];
    let lost = false;
    await s.page.route('**/v1/alerts', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key']);
      if (lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await s.page.getByRole('button', { name: 'Create alert' }).click();
    await s.page.getByRole('alert').waitFor();
    await s.page.getByRole('button', { name: 'Create alert' }).click();
    const item = ruleItem(s.page);
    await item.waitFor();
    await s.page.unroute('**/v1/alerts');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/.+/);
    expect(keys[1]).toBe(keys[0]);
    const listed = (await (
      await fetch(`${app.base}/v1/alerts`, {
        headers: { 'x-portfolio-id': portfolio.id, 'x-portfolio-secret': portfolio.secret },
      })
    ).json()) as { items: { printing_id: string | null }[] };
    expect(listed.items.filter((r) => r.printing_id === printing)).toHaveLength(1);
    expect(await item.getByRole('heading').textContent()).toContain('Price above $12.50');
    expect(await item.textContent()).toContain('armed');

    // Listed from the API after a reload.
    await s.page.reload();
    await item.waitFor();

    await item.getByLabel('Snooze for').selectOption({ label: '24 hours' });
    await item.getByRole('button', { name: 'Snooze' }).click();
    await poll(() => item.textContent()).toContain('snoozed');
    await item.getByRole('button', { name: 'Wake' }).click();
    await poll(() => item.textContent()).toContain('armed');

    await item.getByRole('button', { name: 'Pause' }).click();
    await poll(() => item.textContent()).toContain('paused');
    await item.getByRole('button', { name: 'Resume' }).click();
    await poll(() => item.textContent()).toContain('armed');

    await item.getByRole('button', { name: 'Recent firings' }).click();
    await poll(() => item.getByText('This alert has not fired yet.').count()).toBe(1);

    expect(await scan(s.page, 'ops-alerts')).toEqual([]);
    await item.getByRole('button', { name: 'Delete' }).click();
    await item.getByRole('button', { name: 'Confirm delete' }).click();
    await poll(() => ruleItem(s.page).count()).toBe(0);
    // The delete button is gone with the rule: focus is on the list's heading, not the document.
    await poll(() => s.page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Your alerts');
    await poll(() => s.page.getByText('No alert yet').count()).toBe(1);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !/net::ERR_CONNECTION_RESET/.test(e))).toEqual([]);
    await s.context.close();
  }, 90_000);

  it('drops what was shown for one owner when the page starts acting as another', async () => {
    // A confirmed e-mail subscription: its manage token, through the confirmation e-mail's link.
    const address = 'owner-switch@example.com';
    const subscribed = await fetch(`${app.base}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ address }),
    });
    expect(subscribed.status).toBe(202);
    let confirmPath = '';
    await poll(() => {
      for (const name of readdirSync(mailDir)) {
        const text = readFileSync(join(mailDir, name), 'utf8').replace(/=\r?\n/g, '');
        if (!text.includes(address)) continue;
        confirmPath = /\/v1\/subscriptions\/confirm\/cqc_[0-9a-z]+/.exec(text)?.[0] ?? '';
      }
      return confirmPath;
    }).toMatch(/cqc_/);
    const confirmed = await fetch(`${app.base}${confirmPath}`, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    const { manage_token: manageToken } = (await confirmed.json()) as { manage_token: string };

    const s = await openSession(browser);
    const { page } = s;
    await page.goto(`${app.base}/alerts`);
    await page.getByLabel('Manage token').fill(manageToken);
    await page.getByRole('button', { name: 'Manage my alerts' }).click();
    await page.getByRole('button', { name: 'Forget the manage token' }).waitFor();
    // The operator signs in too (in memory); inside the app, back to the alerts: still the subscriber.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operator' }).click();
    await page.getByLabel('Operator key').fill(app.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // Focus moved to the signed-in page, not back to the document.
    await poll(() => page.evaluate<string>('document.activeElement?.tagName ?? ""')).toBe('H1');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('Alerts of your e-mail subscription.').waitFor();

    // The subscriber adds an endpoint: its secret is shown once, and focused.
    await page.getByText('No endpoint yet.').waitFor();
    await page.getByLabel('Endpoint URL').fill(hookUrl);
    await page.getByLabel('Description').fill('Subscriber receiver');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    await poll(() => page.evaluate<string>('document.activeElement?.textContent ?? ""')).toContain('Signing secret of');
    const subscriberEndpoint = page.getByRole('listitem').filter({ hasText: 'Subscriber receiver' });
    await subscriberEndpoint.waitFor();

    // Forgetting the token makes the page act as the operators: nothing of the subscriber stays.
    await page.getByRole('button', { name: 'Forget the manage token' }).click();
    await page.getByText(/^\s*Alerts of the operators/).waitFor();
    expect(await secret.count()).toBe(0);
    await poll(() => subscriberEndpoint.count()).toBe(0);
    expect(await page.getByText('Subscriber receiver').count()).toBe(0);
    expect(await page.getByText(/Endpoint .* added\./).count()).toBe(0);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  }, 90_000);

  it('finds a card by search to target, and is accessible in the dark theme and at 360 px', async () => {
    for (const [name, options] of [
      ['ops-alerts-dark', { colorScheme: 'dark' as const }],
      ['ops-alerts-360', { width: 360, height: 800 }],
    ] as const) {
      const s = await signedIn(options);
      await s.page.goto(`${app.base}/alerts`);
      await s.page.getByRole('heading', { name: /Webhook · 127\.0\.0\.1/ }).waitFor();
      await s.page.getByLabel('Find a card').fill(cardName);
      await s.page.getByRole('button', { name: 'Search cards' }).click();
      const results = s.page.getByRole('list', { name: 'Card search results' });
      await results.waitFor();
      await results
        .getByRole('button', { name: /^Use card/ })
        .first()
        .click();
      await poll(() => s.page.getByLabel('Card id').inputValue()).not.toBe('');
      expect(await scan(s.page, name)).toEqual([]);
      if (options && 'width' in options)
        expect(await s.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      expect(s.offLoopback).toEqual([]);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  }, 90_000);
});
