/**
 * HTML escaping for pages and e-mails: every interpolated value goes through `escapeHtml`, so a
 * card name from upstream (`<script>`, quotes, ampersands) is text, never markup.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes the five characters that matter in element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"A&B"</b>'); // '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * A tagged template that escapes every interpolated value; a value already wrapped by `raw`
 * (markup built by another `html` call) is inserted as is.
 *
 * @example
 * html`<p>${'<x>'}</p>`.value; // '<p>&lt;x&gt;</p>'
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += (Array.isArray(v) ? v : [v]).map((x) => (x instanceof RawHtml ? x.value : escapeHtml(x))).join('');
    out += strings[i + 1]!;
  });
  return new RawHtml(out);
}

/** Markup that is already safe (built by `html`). */
export class RawHtml {
  constructor(readonly value: string) {}
}

/**
 * One line of text fit for a mail header: control characters (CR, LF, …) become spaces and the
 * result is trimmed and capped.
 *
 * @example
 * headerText('Price\r\nBcc: x', 200); // 'Price  Bcc: x'
 */
export function headerText(value: string, maxLength = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, maxLength - 1)}…`;
}
