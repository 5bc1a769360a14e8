/**
 * Renders the app's PNG icons (web/static/icon-*.png) from web/static/favicon.svg with Debian's
 * Chromium, so the SVG stays the one source. Run after changing the SVG: npx tsx scripts/icons.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = fileURLToPath(new URL('../web/static/', import.meta.url));
const svg = readFileSync(`${dir}favicon.svg`, 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const [name, size, maskable] of [
    ['icon-192.png', 192, false],
    ['icon-512.png', 512, false],
    ['icon-maskable-512.png', 512, true],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    // A maskable icon keeps its drawing inside the central 80 % safe zone on a full-bleed background.
    const inner = maskable ? Math.round(size * 0.7) : size;
    await page.setContent(
      `<body style="margin:0;background:${maskable ? '#1d4ed8' : 'transparent'};display:grid;place-items:center;height:${size}px">` +
        svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `) +
        '</body>',
    );
    await page.screenshot({ path: `${dir}${name}`, omitBackground: !maskable });
    await page.close();
  }
} finally {
  await browser.close();
}
