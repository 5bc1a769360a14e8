/**
 * The market pages in Chromium against the real app on the demo dataset: the dashboard (index
 * chart, movers with the window in the URL, freshness, the offline copy through the service
 * worker), the card search (as you type, by number, filters in the URL, pages by cursor,
 * sparklines) and the movers table — accessible in light and dark themes and at 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

type Json = Record<string, any>;
/** The page's service worker container, typed for these tests. */
type PageNavigator = { navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } } };

/** The page's CacheStorage, typed for what these tests read (the tests compile without the DOM library). */
interface PageCaches {
  keys(): Promise<string[]>;
  open(name: string): Promise<{ keys(): Promise<{ url: string }[]> }>;
  match(url: string): Promise<{ headers: { get(name: string): string | null } } | undefined>;
}

describe.skipIf(skip !== null)('market pages in Chromium', () => {
  let app: App;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const api = async (path: string): Promise<Json> => {
    const res = await fetch(`${app.base}${path}`);
    expect(res.status, path).toBe(200);
    return (await res.json()) as Json;
  };

  /** Light at 1280 px, dark, and light at 360 px: no axe violation, no horizontal scroll, no error. */
  async function accessible(path: string, name: string, ready: (page: Page) => Promise<void>): Promise<void> {
    const views = [
      { suffix: '', options: { width: 1280 } },
      { suffix: '-dark', options: { width: 1280, colorScheme: 'dark' as const } },
      { suffix: '-360', options: { width: 360, height: 780 } },
    ];
    for (const v of views) {
      const s = await openSession(browser, v.options);
      await s.page.goto(`${app.base}${path}`);
      await ready(s.page);
      expect(await scan(s.page, `${name}${v.suffix}`), `${name}${v.suffix}`).toEqual([]);
      if (v.options.width === 360) {
        expect(
          await s.page.evaluate(
            () =>
              (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
                .documentElement.scrollWidth,
          ),
        ).toBeLessThanOrEqual(360);
      }
      expect(s.offLoopback).toEqual([]);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  }

  const dashboardReady = async (page: Page) => {
    await page.getByRole('heading', { name: 'Market index' }).waitFor();
    await page.getByRole('heading', { name: /^Up over/ }).waitFor();
    await page.locator('.u-over').first().waitFor();
  };

  it('dashboard: index chart with its summary, movers by window (in the URL), freshness, demo state', async () => {
    const dashboard = await api('/v1/dashboard');
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/`);
    await dashboardReady(s.page);
    await expect.poll(() => s.page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    const figure = s.page.getByRole('figure');
    await expect.poll(() => figure.first().textContent()).toContain('stood at');
    expect(await s.page.getByText('invented demo dataset').count()).toBe(1);

    // The dashboard's own window (7 days), each mover linking to its card.
    const up = s.page.getByRole('table', { name: 'Biggest rises over 7 days' });
    await expect.poll(() => up.getByRole('row').count()).toBe(dashboard.movers.up.length + 1);
    const first = dashboard.movers.up[0];
    expect(await up.getByRole('link', { name: first.card.name }).first().getAttribute('href')).toBe(
      `/cards/${encodeURIComponent(first.card.id)}`,
    );
    expect(await s.page.getByRole('button', { name: '7d' }).getAttribute('aria-pressed')).toBe('true');

    // Another window reads /v1/movers and lives in the URL.
    const movers = s.page.waitForResponse((r) => r.url().includes('/v1/movers?') && r.url().includes('window=30d'));
    await s.page.getByRole('button', { name: '30d' }).click();
    await movers;
    await expect.poll(() => new URL(s.page.url()).searchParams.get('window')).toBe('30d');
    await s.page.getByRole('table', { name: 'Biggest rises over 30 days' }).waitFor();
    await s.page.getByRole('table', { name: 'Biggest falls over 30 days' }).waitFor();
    expect(await s.page.getByRole('button', { name: '30d' }).getAttribute('aria-pressed')).toBe('true');
    await s.page.goBack();
    await s.page.getByRole('table', { name: 'Biggest rises over 7 days' }).waitFor();

    // Top signals when the signals step has run (the demo runs it).
    if (dashboard.top_signals) {
      const signals = s.page.getByRole('table', { name: 'Cards with the highest signal scores' });
      await expect.poll(() => signals.getByRole('link').count()).toBe(dashboard.top_signals.length);
      expect(await signals.getByRole('link').first().textContent()).toBe(dashboard.top_signals[0].name);
    }

    // Freshness per market.
    const fresh = s.page.getByRole('table', { name: 'Latest data per market' });
    await expect.poll(() => fresh.textContent()).toContain(dashboard.markets[0].market);
    expect(await fresh.textContent()).toContain('Fresh');

    // A shared URL opens the same window; a mover opens the card.
    await s.page.goto(`${app.base}/?window=90d`);
    await s.page.getByRole('table', { name: 'Biggest rises over 90 days' }).waitFor();
    expect(s.errors).toEqual([]);
    const link = s.page.getByRole('table', { name: 'Biggest rises over 90 days' }).getByRole('link').first();
    const href = await link.getAttribute('href');
    await link.click();
    await expect.poll(() => new URL(s.page.url()).pathname).toBe(href);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
    await accessible('/', 'market-dashboard', dashboardReady);
  });

  const cardsReady = async (page: Page) => {
    await page
      .getByRole('list')
      .filter({ has: page.getByRole('link') })
      .last()
      .waitFor();
    await page.locator('.results li').first().waitFor();
    await page.getByRole('combobox', { name: 'Rarity' }).locator('option').nth(1).waitFor({ state: 'attached' });
  };

  it('cards: search as you type by name and by number, filters in the URL, back/forward, load more, sparklines', async () => {
    const top = (await api('/v1/cards?sort=price&limit=1')).items[0];
    const detail = await api(`/v1/cards/${encodeURIComponent(top.id)}`);
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/cards`);
    await cardsReady(s.page);
    const rows = s.page.locator('.results li');
    await expect.poll(() => rows.count()).toBe(50);

    // Pages of 50 by cursor.
    await s.page.getByRole('button', { name: 'Load 50 more' }).click();
    await expect.poll(() => rows.count()).toBe(100);

    // Sparklines with their words.
    await expect.poll(() => s.page.getByRole('img', { name: /last 30 days: from/ }).count()).toBeGreaterThan(10);

    // Typing searches (debounced) and the query lands in the URL.
    const search = s.page.getByRole('searchbox', { name: 'Search cards' });
    await search.fill(top.name);
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBe(top.name);
    await expect.poll(() => s.page.getByRole('link', { name: top.name, exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => rows.count()).toBeLessThan(50);

    // By number: 4/102 style.
    const numbered = `${detail.number}/${detail.set.printed_total}`;
    await search.fill(numbered);
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBe(numbered);
    await expect
      .poll(() =>
        s.page
          .locator('.results li')
          .filter({ hasText: `#${detail.number}` })
          .count(),
      )
      .toBeGreaterThan(0);
    expect(await s.page.getByRole('link', { name: top.name, exact: true }).count()).toBeGreaterThan(0);

    // A space typed before a pause stays in the box when the URL takes the trimmed query.
    await search.fill('');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBeNull();
    await search.pressSequentially('x ');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBe('x');
    await expect.poll(() => search.inputValue()).toBe('x ');
    await search.pressSequentially('y');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBe('x y');
    expect(await search.inputValue()).toBe('x y');

    // Filters in the URL; back and forward restore them.
    await search.fill('');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('q')).toBeNull();
    const rarity = s.page.getByRole('combobox', { name: 'Rarity' });
    const rarityId = await rarity.locator('option').nth(1).getAttribute('value');
    await rarity.selectOption(rarityId!);
    await expect.poll(() => new URL(s.page.url()).searchParams.get('rarity')).toBe(rarityId);
    await s.page.getByRole('combobox', { name: 'Sort by' }).selectOption('price');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('sort')).toBe('price');
    await expect.poll(() => s.page.getByRole('combobox', { name: 'Order' }).inputValue()).toBe('desc');
    await s.page.getByRole('spinbutton', { name: 'Min price (USD)' }).fill('1');
    await s.page.getByRole('spinbutton', { name: 'Min price (USD)' }).press('Tab');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('min_price')).toBe('1');
    const shared = s.page.url();
    await s.page.goBack();
    await expect.poll(() => new URL(s.page.url()).searchParams.get('min_price')).toBeNull();
    await expect.poll(() => s.page.getByRole('spinbutton', { name: 'Min price (USD)' }).inputValue()).toBe('');
    await s.page.goBack();
    await expect.poll(() => new URL(s.page.url()).searchParams.get('sort')).toBeNull();
    await expect.poll(() => s.page.getByRole('combobox', { name: 'Sort by' }).inputValue()).toBe('name');
    await s.page.goForward();
    await expect.poll(() => s.page.getByRole('combobox', { name: 'Sort by' }).inputValue()).toBe('price');

    // A shared URL reproduces the view: same filters, same first rows as the API gives.
    const fromApi = await api(`/v1/cards?rarity=${rarityId}&sort=price&min_price=1&limit=50`);
    await s.page.goto(shared);
    await cardsReady(s.page);
    expect(await s.page.getByRole('combobox', { name: 'Rarity' }).inputValue()).toBe(rarityId);
    await expect.poll(() => s.page.locator('.results li a').first().textContent()).toBe(fromApi.items[0].name);

    // Sealed products share the page.
    await s.page.getByRole('combobox', { name: 'Kind' }).selectOption('sealed');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('kind')).toBe('sealed');

    // A card opens its detail page.
    expect(s.errors).toEqual([]);
    await s.page.goto(`${app.base}/cards?q=${encodeURIComponent(top.name)}`);
    await s.page.getByRole('link', { name: top.name, exact: true }).first().click();
    await expect.poll(() => new URL(s.page.url()).pathname).toBe(`/cards/${encodeURIComponent(top.id)}`);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
    await accessible('/cards', 'market-cards', cardsReady);
  });

  const moversReady = async (page: Page) => {
    await page.getByRole('table').first().waitFor();
    await page.getByRole('combobox', { name: 'Set' }).locator('option').nth(1).waitFor({ state: 'attached' });
  };

  it('movers: window, direction, kind, set and minimum price in the URL, change and prices per row', async () => {
    const down = await api('/v1/movers?window=30d&direction=down&limit=50');
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/movers?window=30d&direction=down`);
    await moversReady(s.page);
    const table = s.page.getByRole('table', { name: 'Biggest falls over 30 days' });
    await expect.poll(() => table.getByRole('row').count()).toBe(down.items.length + 1);
    const firstRow = table.getByRole('row').nth(1);
    expect(await firstRow.getByRole('link').textContent()).toBe(down.items[0].card.name);
    expect(await firstRow.textContent()).toMatch(/[-−]\d/);
    expect(await s.page.getByRole('combobox', { name: 'Window' }).inputValue()).toBe('30d');

    await s.page.getByRole('combobox', { name: 'Direction' }).selectOption('up');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('direction')).toBe('up');
    await s.page.getByRole('table', { name: 'Biggest rises over 30 days' }).waitFor();
    await s.page.getByRole('combobox', { name: 'Window' }).selectOption('90d');
    await s.page.getByRole('table', { name: 'Biggest rises over 90 days' }).waitFor();
    await s.page.getByRole('combobox', { name: 'Kind' }).selectOption('all');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('kind')).toBe('all');

    const setSelect = s.page.getByRole('combobox', { name: 'Set' });
    const setId = await setSelect.locator('option').nth(1).getAttribute('value');
    await setSelect.selectOption(setId!);
    await expect.poll(() => new URL(s.page.url()).searchParams.get('set')).toBe(setId);
    const inSet = await api(`/v1/movers?window=90d&direction=up&kind=all&set=${setId}&limit=50`);
    if (inSet.items.length > 0) {
      await expect.poll(() => s.page.getByRole('table').getByRole('row').count()).toBe(inSet.items.length + 1);
    } else {
      await s.page.getByText('No printing rose').waitFor();
    }
    await setSelect.selectOption('');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('set')).toBeNull();

    const min = s.page.getByRole('spinbutton', { name: 'Minimum price (USD)' });
    await min.fill('100000');
    await min.press('Tab');
    await expect.poll(() => new URL(s.page.url()).searchParams.get('min_price')).toBe('100000');
    await s.page.getByText('No printing rose over 90 days with these filters.').waitFor();
    await s.page.goBack();
    await expect.poll(() => min.inputValue()).toBe('');

    // Pages by cursor.
    const all = await api('/v1/movers?window=90d&direction=up&kind=all&limit=50');
    if (all.next_cursor) {
      await s.page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => s.page.getByRole('table').getByRole('row').count()).toBeGreaterThan(51);
    }
    expect(s.errors).toEqual([]);
    const link = s.page.getByRole('table').getByRole('link').first();
    const href = await link.getAttribute('href');
    await link.click();
    await expect.poll(() => new URL(s.page.url()).pathname).toBe(href);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
    await accessible('/movers?window=7d&direction=down', 'market-movers', moversReady);
  });

  it('offline: the dashboard as last seen, marked with its date; no private answer in the caches', async () => {
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/`);
    await dashboardReady(s.page);
    await s.page.evaluate(() =>
      (globalThis as unknown as PageNavigator).navigator.serviceWorker.ready.then(() => true),
    );
    if (
      !(await s.page.evaluate(
        () => (globalThis as unknown as PageNavigator).navigator.serviceWorker.controller !== null,
      ))
    )
      await s.page.reload();
    await expect
      .poll(() =>
        s.page.evaluate(() => (globalThis as unknown as PageNavigator).navigator.serviceWorker.controller !== null),
      )
      .toBe(true);
    // A load under the worker's control keeps the dashboard.
    await s.page.reload();
    await dashboardReady(s.page);
    await expect
      .poll(() =>
        s.page.evaluate(async () => {
          const hit = await (globalThis as unknown as { caches: PageCaches }).caches.match('/v1/dashboard');
          return hit?.headers.get('X-Cardquant-Offline-Copy') ?? null;
        }),
      )
      .toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // Private reads through the worker are never kept. Failed loads are reported on the console
    // with their URL; exactly these may fail.
    const failedLoads: string[] = [];
    s.page.on('console', (m) => {
      if (m.type() === 'error' && m.text().startsWith('Failed to load resource'))
        failedLoads.push(new URL(m.location().url).pathname);
    });
    const statuses = await s.page.evaluate(async () => {
      const answers = await Promise.all([
        fetch('/v1/portfolios/x', { headers: { 'X-Portfolio-Id': 'x', 'X-Portfolio-Secret': 'y' } }),
        fetch('/v1/portfolios/x'),
        fetch('/v1/alerts'),
        fetch('/v1/admin/ingestion/runs'),
      ]);
      return answers.map((a) => a.status);
    });
    expect(statuses.every((status) => status >= 400)).toBe(true);
    // The public dashboard fetched with credentials answers, but is not kept: each probe has its
    // own query, so a kept answer would be found under its URL; the same read without credentials
    // is kept, so the check can see a stored entry.
    const created = await fetch(`${app.base}/v1/portfolios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ name: 'e2e offline privacy' }),
    });
    expect(created.status).toBe(201);
    const portfolio = (await created.json()) as { id: string; secret: string };
    const credentials = { 'X-Portfolio-Id': portfolio.id, 'X-Portfolio-Secret': portfolio.secret };
    const probes = await s.page.evaluate(
      async ({ token, credentials }) => {
        const caches = (globalThis as unknown as { caches: PageCaches }).caches;
        const read = async (url: string, headers: Record<string, string>) => {
          const answer = await fetch(url, { headers });
          await answer.arrayBuffer();
          return { status: answer.status, kept: (await caches.match(url)) !== undefined };
        };
        return {
          portfolio: await read('/v1/dashboard?probe=portfolio', credentials),
          bearer: await read('/v1/dashboard?probe=bearer', { Authorization: `Bearer ${token}` }),
          plain: await read('/v1/dashboard?probe=plain', {}),
        };
      },
      { token: app.adminToken, credentials },
    );
    expect(probes.portfolio).toEqual({ status: 200, kept: false });
    expect(probes.bearer).toEqual({ status: 200, kept: false });
    expect(probes.plain).toEqual({ status: 200, kept: true });
    // And the kept dashboard copy was not replaced by a read with credentials.
    const copyTime = () =>
      s.page.evaluate(async () => {
        const hit = await (globalThis as unknown as { caches: PageCaches }).caches.match('/v1/dashboard');
        return hit?.headers.get('X-Cardquant-Offline-Copy') ?? null;
      });
    const keptAt = await copyTime();
    expect(keptAt).not.toBeNull();
    const withCredentials = await s.page.evaluate(
      async ({ token, credentials }) =>
        Promise.all([
          fetch('/v1/dashboard', { headers: credentials }).then((a) => a.status),
          fetch('/v1/dashboard', { headers: { Authorization: `Bearer ${token}` } }).then((a) => a.status),
        ]),
      { token: app.adminToken, credentials },
    );
    expect(withCredentials).toEqual([200, 200]);
    expect(await copyTime()).toBe(keptAt);
    const cached = await s.page.evaluate(async () => {
      const caches = (globalThis as unknown as { caches: PageCaches }).caches;
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/v1/dashboard');
    expect(cached.filter((u) => /^\/v1\/(portfolios|admin|alerts)/.test(u))).toEqual([]);

    // Offline: the last-seen copy with the date it was fetched.
    const before = Date.now();
    await s.context.setOffline(true);
    await s.page.reload();
    const banner = s.page.getByRole('status').filter({ hasText: 'Offline:' });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Offline: showing the dashboard as last seen on\s+\S/);
    const fetched = await banner.locator('time').getAttribute('datetime');
    expect(Date.parse(fetched!)).toBeLessThanOrEqual(before);
    expect(Date.parse(fetched!)).toBeGreaterThan(before - 10 * 60_000);
    expect((await banner.locator('time').textContent())?.trim()).toMatch(/\d{4}/);
    await dashboardReady(s.page);
    await s.context.setOffline(false);

    expect(s.offLoopback).toEqual([]);
    // The deliberate private reads above failed, which the console reports; nothing else may.
    expect(failedLoads.sort()).toEqual(
      ['/v1/admin/ingestion/runs', '/v1/alerts', '/v1/portfolios/x', '/v1/portfolios/x'].sort(),
    );
    expect(s.errors.filter((e) => !e.startsWith('console: Failed to load resource'))).toEqual([]);
    expect(s.errors.length).toBe(failedLoads.length);
    await s.context.close();
  });
});
