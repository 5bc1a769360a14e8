/**
 * The web app as the API process serves it, in Chromium: every app route loads its shell, the
 * layout (navigation, demo banner, sources and licences) renders, axe finds no WCAG 2.1 AA
 * violation, nothing leaves loopback and the CSP refuses nothing the app itself does; and no page
 * shifts its layout when its data arrives (the Layout Instability API, as Lighthouse's CLS).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

describe.skipIf(skip !== null)('web app shell in Chromium', () => {
  let app: App;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('renders the layout with the demo banner and the sources, accessible, on loopback only', async () => {
    const s = await openSession(browser);
    await s.page.goto(`${app.base}/`);
    await expect.poll(() => s.page.getByRole('note').textContent()).toContain('Demo data');
    await expect
      .poll(() => s.page.getByRole('region', { name: 'Data sources and licences' }).textContent())
      .toContain('Licence');
    expect(await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBeGreaterThanOrEqual(7);
    expect(await scan(s.page, 'shell')).toEqual([]);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('shifts no layout when data arrives, on every top-level page', async () => {
    const s = await openSession(browser);
    await s.context.addInitScript(() => {
      const w = globalThis as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[])
          if (!e.hadRecentInput) w.__cls += e.value;
      }).observe({ type: 'layout-shift', buffered: true } as unknown as { type: 'mark' }); // a browser entry type
    });
    const shifts: Record<string, number> = {};
    for (const path of ['/', '/cards', '/movers', '/portfolio', '/alerts', '/analytics', '/operator']) {
      await s.page.goto(`${app.base}${path}`);
      await s.page.waitForLoadState('networkidle');
      shifts[path] = await s.page.evaluate(() => (globalThis as unknown as { __cls: number }).__cls);
    }
    // Lighthouse calls a CLS below 0.1 good; the app's pages stay well under it.
    for (const [path, cls] of Object.entries(shifts)) expect(cls, path).toBeLessThan(0.02);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });
});
