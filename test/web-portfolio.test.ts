/**
 * The portfolio pages in Chromium against the real `cardquant start` (demo data): create a
 * portfolio (secret shown once), sign out and in (tab storage by default, this device only when
 * asked), add, edit and delete lots through the printing picker, holdings with P&L, a sale with
 * its realized P&L and an oversell refusal, a CSV import with a bad row's report, export
 * downloads, the performance summary; axe clean in light, dark and at 360 px.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, openSession, scan, startApp, type App } from './browser.ts';

const skip = browserSkipReason();
if (skip) console.warn(skip);

const STORAGE_KEY = 'cardquant.portfolio';

interface Creds {
  id: string;
  secret: string;
}

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

async function stored(page: Page): Promise<{ session: string | null; local: string | null }> {
  return page.evaluate((key) => {
    type Store = { getItem(k: string): string | null };
    const g = globalThis as unknown as { sessionStorage: Store; localStorage: Store };
    return { session: g.sessionStorage.getItem(key), local: g.localStorage.getItem(key) };
  }, STORAGE_KEY);
}

async function signIn(page: Page, creds: Creds, remember = false): Promise<void> {
  await page.getByLabel('Portfolio id').fill(creds.id);
  await page.getByLabel('Secret').fill(creds.secret);
  if (remember) await page.getByLabel('Remember on this device').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Whether the focused element is (inside) the element `selector` finds. */
async function focusedIn(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    type El = { closest(s: string): unknown };
    const d = (globalThis as unknown as { document: { activeElement: El | null } }).document;
    return d.activeElement?.closest(sel) != null;
  }, selector);
}

async function noHorizontalScroll(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );
}

describe.skipIf(skip !== null)('portfolio pages in Chromium', () => {
  let app: App;
  let browser: Browser;
  let creds: Creds;
  /** A priced card and the printing of it that has prices. */
  let card: { id: string; name: string; printingId: string };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
    const list = (await (await fetch(`${app.base}/v1/cards?limit=20&sort=price&order=desc&kind=card`)).json()) as {
      items: { id: string; name: string }[];
    };
    for (const item of list.items) {
      const detail = (await (await fetch(`${app.base}/v1/cards/${encodeURIComponent(item.id)}`)).json()) as {
        printings: { id: string; prices: unknown[] }[];
      };
      const priced = detail.printings.find((p) => p.prices.length > 0);
      if (priced) {
        card = { id: item.id, name: item.name, printingId: priced.id };
        break;
      }
    }
    expect(card).toBeDefined();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('creates a portfolio, shows its secret once, signs out and in with the right storage', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto(`${app.base}/portfolio`);
    await page.getByRole('button', { name: 'Create portfolio' }).waitFor();
    expect(await scan(page, 'portfolio-signed-out')).toEqual([]);

    await page.getByRole('button', { name: 'Create portfolio' }).click();
    const idField = page.getByTestId('new-portfolio-id');
    await idField.waitFor();
    creds = { id: await idField.inputValue(), secret: await page.getByTestId('new-portfolio-secret').inputValue() };
    expect(creds.id).toMatch(/^pf_/);
    expect(creds.secret.length).toBeGreaterThan(10);
    expect(await page.getByLabel('Secret').inputValue()).toBe(creds.secret);
    expect(await page.getByRole('note').filter({ hasText: 'cannot be shown again' }).count()).toBe(1);
    // The once-shown secret takes the focus, so nobody misses it.
    await expect.poll(() => focusedIn(page, 'section.created')).toBe(true);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /Secret copied|copy it with your keyboard/ })
          .count(),
      )
      .toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Value and P&L' }).waitFor();
    await expect.poll(() => page.getByText('No holdings yet').count()).toBe(1);
    await expect.poll(() => page.getByText('No sales recorded').count()).toBe(1);
    await expect.poll(() => page.getByText('No performance yet').count()).toBe(1);
    expect(await scan(page, 'portfolio-created')).toEqual([]);

    // Signed in for this tab only: sessionStorage, never localStorage; the secret is not in the URL.
    let st = await stored(page);
    expect(JSON.parse(st.session ?? '{}')).toEqual(creds);
    expect(st.local).toBeNull();
    expect(page.url()).not.toContain(creds.secret);

    // After a reload the secret is gone from the screen, the session stays.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Value and P&L' }).waitFor();
    expect(await page.getByTestId('new-portfolio-secret').count()).toBe(0);
    expect(await page.getByText(creds.secret).count()).toBe(0);

    // Sign out clears both storages.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await stored(page)).toEqual({ session: null, local: null });

    // A wrong secret is refused, nothing is stored.
    await page.getByLabel('Portfolio id').fill(creds.id);
    await page.getByLabel('Secret').fill(`${creds.secret}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await stored(page)).toEqual({ session: null, local: null });
    // ... also with "Remember on this device": the secret is checked before it is stored.
    await page.getByLabel('Remember on this device').check();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/v1/portfolios/${creds.id}`));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect([401, 404]).toContain((await refused).status());
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await stored(page)).toEqual({ session: null, local: null });
    // Right credentials that could not be checked (the server failed) are not stored either.
    const one = `**/v1/portfolios/${creds.id}`;
    await page.route(one, (route) =>
      route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Unavailable"}' }),
    );
    await page.getByLabel('Secret').fill(creds.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Unavailable');
    expect(await stored(page)).toEqual({ session: null, local: null });
    await page.unroute(one);
    await page.getByLabel('Remember on this device').uncheck();

    // "Remember on this device" (unchecked by default) keeps it in localStorage only.
    expect(await page.getByLabel('Remember on this device').isChecked()).toBe(false);
    await signIn(page, creds, true);
    // Signed in: focus continues from the overview, not from the top of the page.
    await expect.poll(() => focusedIn(page, '#summary-title')).toBe(true);
    st = await stored(page);
    expect(st.session).toBeNull();
    expect(JSON.parse(st.local ?? '{}')).toEqual(creds);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await stored(page)).toEqual({ session: null, local: null });

    await signIn(page, creds);
    st = await stored(page);
    expect(st.local).toBeNull();
    expect(JSON.parse(st.session ?? '{}')).toEqual(creds);

    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !e.includes('401') && !e.includes('503'))).toEqual([]);
    await s.context.close();
  });

  it('adds, edits and deletes lots, shows holdings with P&L, records sales and refuses an oversell', async () => {
    const s = await openSession(browser);
    const { page } = s;
    await page.goto(`${app.base}/portfolio`);
    await signIn(page, creds);

    await page.getByRole('link', { name: 'Lots' }).click();
    await page.getByRole('heading', { name: 'Add a lot' }).waitFor();
    await expect.poll(() => page.getByText('No lots yet').count()).toBe(1);

    // Pick the printing: search, choose the card, then its printing.
    await page.getByLabel('Search cards').fill(card.name);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const matching = page.getByRole('list', { name: 'Matching cards' });
    await matching.waitFor();
    const choose = page.getByRole('button', { name: `Choose ${card.name}`, exact: true });
    // More than one card may share the name: choose the one whose printing we looked up.
    const count = await choose.count();
    let picked = false;
    for (let i = 0; i < count && !picked; i++) {
      await choose.nth(i).click();
      const select = page.getByLabel('Printing of this card');
      await select.waitFor();
      const values = await select
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      if (values.includes(card.printingId)) {
        await select.selectOption(card.printingId);
        picked = true;
      } else {
        await page.getByRole('button', { name: 'Choose another card' }).click();
      }
    }
    expect(picked).toBe(true);
    const addForm = page.getByRole('form', { name: 'Add a lot' });
    await addForm.getByLabel('Quantity').fill('3');
    await addForm.getByLabel('Unit cost').fill('1.50');
    await addForm.getByLabel('Fees').fill('0.30');
    await addForm.getByLabel('Acquired on').fill(daysAgo(90));
    await addForm.getByLabel('Note').fill('first lot');
    await addForm.getByRole('button', { name: 'Add lot' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Lot added' }).count()).toBe(1);
    const lots = page.getByRole('table', { name: 'Lots' });
    await expect.poll(() => lots.textContent()).toContain('first lot');
    expect(await lots.textContent()).toContain('$1.50');
    expect(await lots.textContent()).toContain('$4.80');

    // Edit: quantity 3 → 2.
    await page.getByRole('button', { name: /^Edit lot of / }).click();
    const editForm = page.getByRole('form', { name: 'Edit lot' });
    await editForm.getByLabel('Quantity').fill('2');
    await editForm.getByLabel('Note').fill('edited lot');
    await editForm.getByRole('button', { name: 'Save lot' }).click();
    await expect.poll(() => lots.textContent()).toContain('edited lot');
    expect(await lots.textContent()).toContain('$3.30');
    expect(await page.getByRole('form', { name: 'Edit lot' }).count()).toBe(0);

    // A second lot (the picker keeps the chosen printing), then delete it (with confirmation).
    expect(await page.getByLabel('Printing of this card').inputValue()).toBe(card.printingId);
    await addForm.getByLabel('Unit cost').fill('9');
    await addForm.getByLabel('Note').fill('to delete');
    await addForm.getByRole('button', { name: 'Add lot' }).click();
    await expect.poll(() => lots.textContent()).toContain('to delete');
    await page
      .getByRole('button', { name: /^Delete lot of / })
      .nth(1)
      .click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => lots.textContent()).not.toContain('to delete');
    // The deleted row's button is gone: focus is on the list's heading.
    await expect.poll(() => focusedIn(page, '#lots-title')).toBe(true);
    expect(await lots.getByRole('row').count()).toBe(2);
    expect(await scan(page, 'portfolio-lots')).toEqual([]);

    // Holdings with P&L on the overview.
    await page.getByRole('link', { name: 'Overview' }).click();
    const summary = page.getByTestId('portfolio-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Unrealized P&L');
    expect(await summary.textContent()).toContain('$3.30');
    const holdings = page.getByRole('table', { name: 'Priced holdings with unrealized P&L' });
    await expect.poll(() => holdings.textContent()).toContain(card.name);

    // Oversell: the API refuses and the page says why.
    const saleForm = page.locator('form', { has: page.getByRole('button', { name: 'Record sale' }) });
    await page.getByLabel('Holding').selectOption({ index: 0 });
    await saleForm.getByLabel('Quantity').fill('50');
    await saleForm.getByLabel('Unit price').fill('4.00');
    await saleForm.getByLabel('Sold on').fill(daysAgo(5));
    await page.getByRole('button', { name: 'Record sale' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('would dispose of 50');

    // A real sale: realized P&L appears (1 × 4.00 − cost 1.65 = 2.35).
    await saleForm.getByLabel('Quantity').fill('1');
    await page.getByRole('button', { name: 'Record sale' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Sale recorded' }).count()).toBe(1);
    const sales = page.getByRole('table', { name: 'Sales' });
    await expect.poll(() => sales.textContent()).toContain('$2.35');
    await expect.poll(() => summary.textContent()).toContain('$2.35');

    // Another sale, deleted again.
    await saleForm.getByLabel('Unit price').fill('3.00');
    await page.getByRole('button', { name: 'Record sale' }).click();
    await expect.poll(() => sales.getByRole('row').count()).toBe(3);
    await sales
      .getByRole('button', { name: /^Delete sale/ })
      .nth(1)
      .click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => sales.getByRole('row').count()).toBe(2);

    // Performance against the market index.
    const perf = page.getByRole('figure', { name: /Portfolio and market index/ });
    await perf.waitFor();
    expect(await perf.textContent()).toMatch(/time-weighted return was [+-−]?\d/);
    expect(await perf.textContent()).toContain('market index');
    expect(await perf.textContent()).toMatch(/drawdown/i);
    expect(await scan(page, 'portfolio-overview')).toEqual([]);

    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !e.includes('409'))).toEqual([]);
    await s.context.close();
  });

  it('pages through more than 200 lots with "Load more" and keeps them after a delete', async () => {
    const made = (await (
      await fetch(`${app.base}/v1/portfolios`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ name: 'many lots' }),
      })
    ).json()) as Creds;
    const rows = Array.from({ length: 205 }, (_, i) => `${card.printingId},1,${i + 1}.00,USD,${daysAgo(40)}`);
    const imported = await fetch(`${app.base}/v1/portfolios/${made.id}/lots/import`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
        'x-portfolio-id': made.id,
        'x-portfolio-secret': made.secret,
      },
      body: JSON.stringify({
        csv: `printing_id,quantity,unit_cost,currency,acquired_on\n${rows.join('\n')}\n`,
        dry_run: false,
      }),
    });
    expect(imported.status).toBeLessThan(300);
    const s = await openSession(browser);
    const { page } = s;
    await page.addInitScript(
      `sessionStorage.setItem(${JSON.stringify(STORAGE_KEY)}, ${JSON.stringify(JSON.stringify({ id: made.id, secret: made.secret }))})`,
    );
    await page.goto(`${app.base}/portfolio/lots`);
    const lots = page.getByRole('table', { name: 'Lots' });
    await expect.poll(() => lots.getByRole('row').count()).toBe(201);
    await page.getByRole('button', { name: 'Load more lots' }).click();
    await expect.poll(() => lots.getByRole('row').count()).toBe(206);
    expect(await page.getByRole('button', { name: 'Load more lots' }).count()).toBe(0);

    // Delete one: the list is read again as far as it was shown; focus goes to its heading.
    await page
      .getByRole('button', { name: /^Delete lot of / })
      .last()
      .click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => lots.getByRole('row').count()).toBe(205);
    await expect.poll(() => focusedIn(page, '#lots-title')).toBe(true);
    expect(s.offLoopback).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('imports lots from CSV with a per-row report and downloads the exports', async () => {
    const s = await openSession(browser);
    const { page } = s;
    // Signed out, a sub-page points to the sign-in.
    await page.goto(`${app.base}/portfolio/import-export`);
    await page.getByRole('link', { name: 'create a portfolio or sign in' }).waitFor();
    await page.goto(`${app.base}/portfolio`);
    await signIn(page, creds);
    await page.getByRole('link', { name: 'Import, export and settings' }).click();
    await page.getByRole('heading', { name: 'Import lots from CSV' }).waitFor();

    const header = 'printing_id,quantity,unit_cost,currency,acquired_on';
    await page
      .getByLabel('CSV text')
      .fill(`${header}\n${card.printingId},2,2.00,USD,${daysAgo(30)}\nno-such-printing,1,abc,USD,${daysAgo(30)}\n`);
    await page.getByRole('button', { name: 'Import lots' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Nothing was imported' }).count()).toBe(1);
    const report = page.getByRole('table', { name: 'Rows with a problem' });
    await report.waitFor();
    expect(await report.getByRole('row').count()).toBe(2);
    expect(await report.getByRole('row').nth(1).textContent()).toMatch(/^3/);
    expect(await scan(page, 'portfolio-import-export')).toEqual([]);

    await page.getByLabel('CSV text').fill(`${header}\n${card.printingId},2,2.00,USD,${daysAgo(30)}\n`);
    await page.getByRole('button', { name: 'Import lots' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Imported 2 lots' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Imported 1 lot' }).count()).toBe(1);

    // Downloads, fetched with the credential headers.
    const [lotsCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download lots CSV' }).click(),
    ]);
    expect(lotsCsv.suggestedFilename()).toBe(`${creds.id}-lots.csv`);
    const lotsText = readFileSync((await lotsCsv.path())!, 'utf8');
    expect(lotsText.startsWith('lot_id,printing_id')).toBe(true);
    expect(lotsText.split('\r\n').filter((l) => l.includes(card.printingId))).toHaveLength(2);

    const [salesCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download sales CSV' }).click(),
    ]);
    expect(readFileSync((await salesCsv.path())!, 'utf8')).toMatch(/^sale_id,printing_id/);

    const [full] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download full export (JSON)' }).click(),
    ]);
    const json = JSON.parse(readFileSync((await full.path())!, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(json)).toContain(card.printingId);
    expect(JSON.stringify(json)).not.toContain(creds.secret);

    // An item outside the catalogue has no market price: listed apart with the reason.
    const added = await fetch(`${app.base}/v1/portfolios/${creds.id}/lots`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-portfolio-id': creds.id,
        'x-portfolio-secret': creds.secret,
        'idempotency-key': 'e2e-unpriced-lot',
      },
      body: JSON.stringify({
        item_name: 'Sealed booster box',
        quantity: 1,
        unit_cost: '100.00',
        currency: 'USD',
        acquired_on: daysAgo(10),
      }),
    });
    expect(added.status).toBe(201);
    await page.getByRole('link', { name: 'Overview' }).click();
    const unpriced = page.getByRole('table', { name: /Holdings without a price/ });
    await expect.poll(() => unpriced.textContent()).toContain('Sealed booster box');
    expect(await unpriced.textContent()).toContain('No market price');
    expect(await page.getByTestId('portfolio-summary').textContent()).not.toContain('$100.00');
    await page.getByRole('link', { name: 'Import, export and settings' }).click();

    // Settings: the name shows in the signed-in bar.
    await page.getByLabel('Portfolio name').fill('E2E holos');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByText('Signed in to E2E holos').count()).toBe(1);

    expect(s.offLoopback).toEqual([]);
    expect(s.errors.filter((e) => !e.includes('422'))).toEqual([]);
    await s.context.close();
  });

  it('is accessible in the dark theme and fits 360 px', async () => {
    for (const [name, options] of [
      ['dark', { colorScheme: 'dark' as const }],
      ['360', { width: 360, height: 800 }],
    ] as const) {
      const s = await openSession(browser, options);
      const { page } = s;
      await page.goto(`${app.base}/portfolio`);
      await page.getByRole('button', { name: 'Create portfolio' }).waitFor();
      expect(await scan(page, `portfolio-signed-out-${name}`)).toEqual([]);
      if (name === '360') expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(360);
      await signIn(page, creds);
      await page.getByRole('figure', { name: /Portfolio and market index/ }).waitFor();
      await page.getByRole('table', { name: 'Sales' }).waitFor();
      expect(await scan(page, `portfolio-overview-${name}`)).toEqual([]);
      if (name === '360') expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(360);
      for (const [tab, path, ready] of [
        ['Lots', 'lots', 'Lots'],
        ['Import, export and settings', 'import-export', 'Export'],
      ] as const) {
        await page.getByRole('link', { name: tab }).click();
        await page.getByRole('heading', { name: ready, exact: true }).waitFor();
        if (path === 'lots') await page.getByRole('table', { name: 'Lots' }).waitFor();
        expect(await scan(page, `portfolio-${path}-${name}`)).toEqual([]);
        if (name === '360') expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(360);
      }
      expect(s.offLoopback).toEqual([]);
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  });
});
