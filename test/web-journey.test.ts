/**
 * A new collector's journey through the web app in Chromium, against the real `cardquant start`
 * on the demo dataset: open the dashboard, search a card, open its detail, change the chart
 * range, create a portfolio, add a lot, see the P&L, record a sale, create an alert, sign out and
 * back in. Every step is scanned by axe (WCAG 2.1 A/AA) and screenshotted; nothing leaves loopback.
 * The alert goes to the collector's webhook: a receiver on loopback (EGRESS_ALLOW=loopback).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

interface CardItem {
  id: string;
  name: string;
  price: number | null;
  headline: { printing_id: string } | null;
}

describe.skipIf(skip !== null)('a new collector in the web app', () => {
  let app: App;
  let browser: Browser;
  let receiver: Server;
  let hookUrl = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [app, browser] = await Promise.all([startApp({ EGRESS_ALLOW: 'loopback' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const accessible = async (page: Page, name: string) => expect(await scan(page, `journey-${name}`)).toEqual([]);

  it('finds a card, follows its price, keeps a portfolio with P&L, sets an alert, and signs back in', async () => {
    // A card with a price whose name is unique in the catalogue, chosen through the API.
    const list = (await (await fetch(`${app.base}/v1/cards?sort=price&order=desc&limit=50`)).json()) as {
      items: CardItem[];
    };
    const names = new Map<string, number>();
    for (const c of list.items) names.set(c.name, (names.get(c.name) ?? 0) + 1);
    const card = list.items.find((c) => c.price !== null && c.headline && names.get(c.name) === 1)!;
    expect(card).toBeDefined();

    const s = await openSession(browser);
    const { page } = s;

    // 1. The dashboard.
    await page.goto(`${app.base}/`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await accessible(page, '1-dashboard');

    // 2. Search the card by name and open it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cards' }).click();
    await page
      .getByRole('searchbox', { name: 'Search cards' })
      .or(page.getByLabel('Search cards'))
      .first()
      .fill(card.name);
    await expect.poll(() => page.url()).toContain('q=');
    const result = page.locator(`a[href="/cards/${card.id}"]`).first();
    await result.waitFor();
    await accessible(page, '2-search');
    await result.click();
    await page.waitForURL(`**/cards/${card.id}**`);
    await page.getByRole('heading', { level: 1, name: card.name }).waitFor();

    // 3. Change the chart's range: the button is pressed, the URL says so, the summary changes.
    const summary = page.locator('figure figcaption').first();
    await summary.waitFor();
    const before = await summary.textContent();
    const range = page.getByRole('button', { name: '30d', exact: true });
    await range.click();
    await expect.poll(() => range.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.url()).toContain('30d');
    await expect.poll(() => summary.textContent()).not.toBe(before);
    await accessible(page, '3-card-detail');
    const cardUrl = page.url();

    // 4. Create a portfolio: the secret is shown once.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click();
    await page.getByRole('button', { name: 'Create portfolio' }).click();
    const idField = page.getByTestId('new-portfolio-id');
    const secretField = page.getByTestId('new-portfolio-secret');
    await secretField.waitFor();
    const read = async (l: typeof idField) =>
      ((await l.evaluate((e) => ((e as { value?: string }).value ?? e.textContent ?? '').trim())) as string).trim();
    const portfolioId = await read(idField);
    const secret = await read(secretField);
    expect(portfolioId).toMatch(/^pf_/);
    expect(secret.length).toBeGreaterThan(20);
    await accessible(page, '4-portfolio-created');

    // 5. Add a lot of the card from its page.
    await page.goto(cardUrl);
    await page.getByLabel('Quantity').fill('3');
    await page.getByLabel('Unit cost').fill('1.00');
    await page.getByLabel('Acquired on').fill('2026-01-15');
    const added = page.waitForResponse((r) => r.url().includes('/lots') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Add lot' }).click();
    expect((await added).status()).toBe(201);

    // 6. The portfolio shows the holding with its P&L.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click();
    const main = page.locator('main');
    await expect.poll(() => main.textContent(), { timeout: 30_000 }).toContain(card.name);
    await expect.poll(() => main.textContent()).toMatch(/P&L|P&amp;L|profit/i);
    await accessible(page, '6-holdings');

    // 7. Record a sale of one copy.
    const holding = page.getByLabel('Holding');
    await holding.waitFor();
    const options = await holding
      .locator('option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as { value: string }).value, text: o.textContent ?? '' })));
    const choice = options.find((o) => o.value && o.text.includes(card.name)) ?? options.find((o) => o.value)!;
    await holding.selectOption(choice.value);
    const sale = page.locator('form').filter({ has: page.getByRole('button', { name: 'Record sale' }) });
    await sale.getByLabel('Quantity').fill('1');
    await sale.getByLabel('Unit price').fill('5.00');
    await sale.getByLabel('Sold on').fill('2026-02-01');
    const sold = page.waitForResponse((r) => r.url().includes('/sales') && r.request().method() === 'POST');
    await sale.getByRole('button', { name: 'Record sale' }).click();
    expect((await sold).status()).toBe(201);
    await expect.poll(() => main.textContent()).toMatch(/realized/i);
    await accessible(page, '7-sale');

    // 8. An alert on the card's headline printing, sent to the collector's webhook.
    await page.goto(`${app.base}/alerts?printing=${encodeURIComponent(card.headline!.printing_id)}`);
    await page.getByLabel('Endpoint URL').fill(hookUrl);
    const endpoint = page.waitForResponse(
      (r) => r.url().endsWith('/v1/webhook-endpoints') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    expect((await endpoint).status()).toBe(201);
    const condition = page.getByLabel('Condition');
    await condition.waitFor();
    const kinds = await condition
      .locator('option')
      .evaluateAll((os) =>
        os.map((o) => ({ value: (o as { value: string }).value, text: (o.textContent ?? '').toLowerCase() })),
      );
    await condition.selectOption(kinds.find((k) => k.text.includes('above') && k.text.includes('price'))!.value);
    await page.getByLabel('Threshold').fill(String(Math.ceil((card.price ?? 1) * 2)));
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/alerts') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create alert' }).click();
    expect((await created).status()).toBe(201);
    await expect.poll(() => main.textContent()).toContain(card.name);
    await accessible(page, '8-alert');

    // 9. Sign out (the secret leaves the browser), then back in with id and secret.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as { sessionStorage: object; localStorage: object };
      return JSON.stringify({ ...g.sessionStorage }) + JSON.stringify({ ...g.localStorage });
    });
    expect(stored).not.toContain(secret);
    await page.getByLabel('Portfolio id').fill(portfolioId);
    await page.getByLabel('Secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => main.textContent(), { timeout: 30_000 }).toContain(card.name);
    await accessible(page, '9-signed-in-again');

    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });
});
