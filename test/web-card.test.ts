/**
 * The card detail page and the analytics pages in Chromium against the real app on the demo
 * dataset: content, the range/printing/market state in the URL, the chart's text alternative, the
 * CSV download, the signal explanation, "Add to portfolio" stored through the API, the signal
 * history, factor statistics and a stored backtest; axe finds nothing in light, dark and at 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App, type Session } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

interface CardDetail {
  id: string;
  name: string;
  number: string;
  rarity: string | null;
  set: { name: string };
  headline_printing_id: string | null;
  printings: { id: string; label: string }[];
}

const summaryOf = (page: Page) => page.getByRole('figure').first().locator('figcaption').textContent();

async function expectClean(s: Session, name: string): Promise<void> {
  expect(await scan(s.page, name)).toEqual([]);
  expect(s.offLoopback).toEqual([]);
  expect(s.errors).toEqual([]);
}

describe.skipIf(skip !== null)('card detail and analytics pages in Chromium', () => {
  let app: App;
  let browser: Browser;
  let card: CardDetail;
  let backtestId: string;

  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${app.base}${path}`, init);
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const list = await getJson<{ items: { id: string }[] }>('/v1/cards?limit=1');
    const first = list.items[0];
    if (!first) throw new Error('the demo dataset has no cards');
    card = await getJson<CardDetail>(`/v1/cards/${first.id}`);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    const run = await getJson<{ id: string }>('/v1/analytics/backtests', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${app.adminToken}`,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ from, to: today }),
    });
    backtestId = run.id;
    // Search interest for the last ten days, so the chart has an overlay to draw.
    const rows = Array.from({ length: 10 }, (_, i) => ({
      card_id: card.id,
      date: new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10),
      granularity: 'day',
      batch: 'e2e-card-page',
      value: 40 + i * 5,
    }));
    await getJson('/v1/ingest/search-interest', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${app.adminToken}`,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ rows }),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows a card: facts, prices, range and printing in the URL, CSV, signal, alert link', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto(`${app.base}/cards/${card.id}`);
    await page.getByRole('heading', { level: 1, name: card.name }).waitFor();
    const main = page.locator('main');
    await expect.poll(() => main.textContent()).toContain(card.set.name);
    expect(await main.textContent()).toContain(card.rarity ?? '—');
    const prices = page.getByRole('table', { name: 'Latest price and changes per printing and market' });
    for (const p of card.printings) expect(await prices.textContent()).toContain(p.label);

    // The chart's summary sentence, then the 30-day range.
    const y1 = page.getByRole('button', { name: '1y', exact: true });
    expect(await y1.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => summaryOf(page)).toMatch(/market price from .+ to .+ over the range/);
    // The search-interest overlay (right axis), on by default, off by its toggle (in the URL).
    const tableHead = page.getByRole('figure').first().locator('details thead');
    expect(await tableHead.textContent()).toContain('Search interest');
    expect(await summaryOf(page)).toContain('Search interest');
    await page.getByLabel('Search interest overlay').uncheck();
    await expect.poll(() => new URL(page.url()).searchParams.get('interest')).toBe('off');
    await expect.poll(() => tableHead.textContent()).not.toContain('Search interest');
    await page.getByLabel('Search interest overlay').check();
    await expect.poll(() => tableHead.textContent()).toContain('Search interest');

    const before = await summaryOf(page);
    await page.getByRole('button', { name: '30d', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('30d');
    expect(await page.getByRole('button', { name: '30d', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await y1.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => summaryOf(page)).not.toBe(before);
    const thirty = await summaryOf(page);
    expect(thirty).toMatch(/over the range/);
    // At most 30 daily points in the chart's data table.
    const rows = page.getByRole('figure').first().locator('details tbody tr');
    await expect.poll(() => rows.count()).toBeLessThanOrEqual(30);
    expect(await rows.count()).toBeGreaterThan(7);

    // The printing selector: another printing, in the URL, the chart and the alert link.
    const other = card.printings.find((p) => p.id !== card.headline_printing_id) ?? card.printings[0]!;
    await page.getByLabel('Printing', { exact: true }).selectOption(other.id);
    await expect.poll(() => new URL(page.url()).searchParams.get('printing')).toBe(other.id);
    expect(new URL(page.url()).searchParams.get('range')).toBe('30d');
    await expect.poll(() => summaryOf(page)).toContain(other.label);
    expect(await page.getByRole('link', { name: 'Create alert' }).getAttribute('href')).toBe(
      `/alerts?printing=${encodeURIComponent(other.id)}`,
    );

    // The CSV link downloads the same series.
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toContain(`printing=${encodeURIComponent(other.id)}`);
    expect(href).toContain('from=');
    const csv = await fetch(`${app.base}${href}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe(
      'date,card_id,printing_id,finish,market,condition,currency,market_price,low_price,mid_price,high_price,search_interest,card_name,flag',
    );
    expect(lines[1]).toContain(other.id);

    // The signal, in words and numbers.
    const signal = page.getByRole('region', { name: /^Signal/ });
    await expect.poll(() => signal.textContent()).toMatch(/Composite z|Not enough history|No signal/);
    await expect.poll(() => signal.textContent()).toContain('Thresholds');
    // Not signed in: a way to a portfolio first.
    expect(await page.getByRole('link', { name: 'sign in to a portfolio or create one' }).getAttribute('href')).toBe(
      '/portfolio',
    );
    await expectClean(s, 'card-detail');
    await s.context.close();
  });

  it('adds a lot to a signed-in portfolio, stored through the API', async () => {
    const created = await getJson<{ id: string; secret: string }>('/v1/portfolios', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ name: 'e2e card page' }),
    });
    const s = await openSession(browser);
    const { page } = s;
    await page.addInitScript(
      `sessionStorage.setItem('cardquant.portfolio', ${JSON.stringify(JSON.stringify({ id: created.id, secret: created.secret }))})`,
    );
    await page.goto(`${app.base}/cards/${card.id}`);
    await page.getByRole('heading', { level: 1, name: card.name }).waitFor();
    await page.getByLabel('Quantity').fill('2');
    await page.getByLabel('Unit cost').fill('1.25');
    await page.getByLabel('Acquired on').fill('2026-01-15');
    const posted = page.waitForResponse((r) => r.url().endsWith(`/v1/portfolios/${created.id}/lots`));
    await page.getByRole('button', { name: 'Add lot' }).click();
    expect((await posted).status()).toBe(201);
    expect((await posted).request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('status').filter({ hasText: 'Added 2' }).waitFor();
    const lots = await getJson<{ items: { printing: { id: string } | null; quantity: number; unit_cost: number }[] }>(
      `/v1/portfolios/${created.id}/lots`,
      { headers: { 'x-portfolio-id': created.id, 'x-portfolio-secret': created.secret } },
    );
    expect(lots.items).toHaveLength(1);
    expect(lots.items[0]).toMatchObject({ quantity: 2, unit_cost: 1.25 });
    expect(lots.items[0]?.printing?.id).toBe(card.headline_printing_id);
    await expectClean(s, 'card-detail-signed-in');

    // A lot that reached the server but whose answer failed, then changed and sent again: the
    // changed lot gets its own Idempotency-Key, so it is added (not the first one replayed).
    const lotsUrl = `**/v1/portfolios/${created.id}/lots`;
    await page.route(lotsUrl, async (route) => {
      await route.fetch();
      await route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Unavailable"}' });
    });
    await page.getByLabel('Quantity').fill('3');
    const failed = page.waitForResponse((r) => r.url().endsWith(`/v1/portfolios/${created.id}/lots`));
    await page.getByRole('button', { name: 'Add lot' }).click();
    expect((await failed).status()).toBe(503);
    await page.getByRole('alert').waitFor();
    await page.unroute(lotsUrl);
    await page.getByLabel('Quantity').fill('4');
    const retried = page.waitForResponse((r) => r.url().endsWith(`/v1/portfolios/${created.id}/lots`));
    await page.getByRole('button', { name: 'Add lot' }).click();
    expect((await retried).status()).toBe(201);
    expect((await retried).request().headers()['idempotency-key']).not.toBe(
      (await failed).request().headers()['idempotency-key'],
    );
    await page.getByRole('status').filter({ hasText: 'Added 4' }).waitFor();
    const after = await getJson<{ items: { quantity: number }[] }>(`/v1/portfolios/${created.id}/lots`, {
      headers: { 'x-portfolio-id': created.id, 'x-portfolio-secret': created.secret },
    });
    expect(after.items.map((l) => l.quantity)).toEqual([2, 3, 4]);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !e.includes('503'))).toEqual([]);
    await s.context.close();
  });

  it('is accessible in the dark theme and fits 360 px', async () => {
    const dark = await openSession(browser, { colorScheme: 'dark' });
    await dark.page.goto(`${app.base}/cards/${card.id}?range=90d`);
    await expect.poll(() => summaryOf(dark.page)).toMatch(/over the range/);
    await expectClean(dark, 'card-detail-dark');
    await dark.context.close();

    const narrow = await openSession(browser, { width: 360, height: 800 });
    await narrow.page.goto(`${app.base}/cards/${card.id}`);
    await expect.poll(() => summaryOf(narrow.page)).toMatch(/over the range/);
    await narrow.page
      .getByRole('region', { name: /^Signal/ })
      .getByRole('heading', { name: 'Thresholds' })
      .waitFor();
    expect(await narrow.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectClean(narrow, 'card-detail-360');
    await narrow.context.close();
  });

  it('tells an unknown card apart from a blank page', async () => {
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/cards/no-such-card`);
    await expect.poll(() => s.page.getByRole('alert').textContent()).toMatch(/not found/i);
    expect(await s.page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(s.offLoopback).toEqual([]);
    await s.context.close();
  });

  it('analytics: finds a card and shows its signal history, factor statistics and backtests', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto(`${app.base}/analytics`);
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    // Typing searches and keeps the search in the URL without adding history entries.
    const historyLength = () =>
      page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length);
    const entries = await historyLength();
    await page.getByLabel('Find a card').fill(card.name);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(card.name);
    expect(await historyLength()).toBe(entries);
    await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: card.name }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('card')).toBe(card.id);
    // Another search, then back: the box and the results follow the URL.
    await page.getByLabel('Find a card').fill('zzzz no such card');
    await page.getByText('No cards match “zzzz no such card”').waitFor();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(card.name);
    await expect.poll(() => page.getByLabel('Find a card').inputValue()).toBe(card.name);
    await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: card.name }).first().waitFor();
    await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: card.name }).first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('card')).toBe(card.id);
    await page.getByRole('heading', { name: 'Latest explanation' }).waitFor();
    const signals = page.getByRole('region', { name: 'Signal history of a card' });
    // The score over time: a chart from two dates on, its summary sentence either way.
    await expect.poll(() => signals.textContent()).toMatch(/\d+ signals? from .+: score/);
    await signals.getByRole('table', { name: 'Score, z and action per date' }).waitFor({ state: 'attached' });
    expect(await signals.textContent()).toMatch(/HOLD|BUY|SELL|Insufficient/);

    const factors = page.getByRole('region', { name: 'Factor statistics' });
    await factors.getByRole('table', { name: 'Rank information coefficient by factor and horizon' }).waitFor();
    expect(await factors.textContent()).toContain('trend');
    expect(await factors.textContent()).toContain('Half-life');
    await factors.getByLabel('From').fill('2026-01-01');
    await factors.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-01-01');
    await expect.poll(() => page.getByTestId('factors-scope').textContent()).toContain('2026');

    const link = page.getByRole('region', { name: 'Backtests' }).getByRole('link', { name: backtestId });
    await link.waitFor();
    await expectClean(s, 'card-analytics');

    await link.click();
    await page.getByRole('heading', { level: 1, name: /Backtest/ }).waitFor();
    await page.getByRole('heading', { name: 'Parameters' }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/Status (succeeded|failed|queued|running)/);
    await page.getByRole('heading', { name: 'Equity curve' }).waitFor();
    await expectClean(s, 'card-backtest');
    await s.context.close();
  });

  it('analytics pages are accessible in the dark theme and fit 360 px', async () => {
    for (const [options, suffix] of [
      [{ colorScheme: 'dark' as const }, 'dark'],
      [{ width: 360, height: 800 }, '360'],
    ] as const) {
      const s = await openSession(browser, options);
      await s.page.goto(`${app.base}/analytics?card=${card.id}`);
      await s.page.getByRole('heading', { name: 'Latest explanation' }).waitFor();
      await s.page.getByRole('table', { name: 'Rank information coefficient by factor and horizon' }).waitFor();
      await s.page.getByRole('region', { name: 'Backtests' }).getByRole('link', { name: backtestId }).waitFor();
      if (suffix === '360') {
        expect(await s.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      }
      await expectClean(s, `card-analytics-${suffix}`);
      await s.page.goto(`${app.base}/analytics/backtests/${backtestId}`);
      await s.page.getByRole('heading', { name: 'Parameters' }).waitFor();
      if (suffix === '360') {
        expect(await s.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      }
      await expectClean(s, `card-backtest-${suffix}`);
      await s.context.close();
    }
  });
});
