/**
 * The small HTML pages behind e-mail links. GET only shows a page with a button (mail scanners
 * prefetch links, so a GET never changes anything); the button posts to the same URL. Every value
 * is escaped, and the page's Content-Security-Policy allows nothing but a form post to itself.
 */
import { html, type RawHtml } from '../../platform/html.ts';

/** No scripts, styles, images or frames; forms post only to this origin. */
export const PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function page(title: string, body: RawHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
      </head>
      <body>
        <h1>${title}</h1>
        ${body}
      </body>
    </html> `.value;
}

/** A page with one button that posts to `action` (a path on this origin). */
export function buttonPage(title: string, text: string, action: string, button: string, oneClick = false): string {
  const field = oneClick ? html`<input type="hidden" name="List-Unsubscribe" value="One-Click" />` : html``;
  return page(
    title,
    html`<p>${text}</p>
      <form method="post" action="${action}">${field}<button type="submit">${button}</button></form>`,
  );
}

export function messagePage(title: string, text: string): string {
  return page(title, html`<p>${text}</p>`);
}
