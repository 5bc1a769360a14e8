/**
 * Which URLs an endpoint may have: http(s) only, no credentials, at most 2048 characters, no
 * fragment; a Discord endpoint's URL is `<DISCORD_API_BASE>/api/webhooks/<digits>/<token>`.
 * Where the URL resolves to is checked by the egress guard separately (at creation and at every
 * attempt).
 */
import type { FieldProblem } from '../../platform/errors.ts';

export const MAX_URL_LENGTH = 2048;

export type EndpointKind = 'standard' | 'discord';

export type ParsedUrl = { ok: true; url: URL; host: string } | { ok: false; problem: FieldProblem };

const bad = (message: string): ParsedUrl => ({ ok: false, problem: { field: 'body.url', message } });

/**
 * @example
 * parseEndpointUrl('https://hooks.example.com/cardquant', 'standard', 'https://discord.com'); // { ok: true, host: 'hooks.example.com', … }
 */
export function parseEndpointUrl(text: string, kind: EndpointKind, discordBase: string): ParsedUrl {
  if (text.length > MAX_URL_LENGTH) return bad(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad('must be an http or https URL');
  if (url.username !== '' || url.password !== '') return bad('must not carry credentials (user:password@)');
  if (url.hash !== '' || text.includes('#')) return bad('must not have a fragment');
  if (url.hostname === '') return bad('must name a host');
  if (kind === 'discord' && !isDiscordWebhookUrl(url, discordBase))
    return bad(`must be a Discord webhook URL: ${discordBase.replace(/\/+$/, '')}/api/webhooks/<id>/<token>`);
  return { ok: true, url, host: url.host };
}

/** Whether `url` is `<base>/api/webhooks/<digits>/<token>` with nothing after it. */
export function isDiscordWebhookUrl(url: URL, discordBase: string): boolean {
  const base = new URL(discordBase);
  if (url.origin !== base.origin || url.search !== '') return false;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (!url.pathname.startsWith(`${prefix}/`)) return false;
  return /^\/api\/webhooks\/\d{1,25}\/[A-Za-z0-9_-]{1,200}$/.test(url.pathname.slice(prefix.length));
}

/** The URL as an owner sees it: a Discord URL's token is masked (it is the webhook's credential). */
export function displayUrl(text: string, kind: EndpointKind): string {
  if (kind !== 'discord') return text;
  return text.replace(/\/api\/webhooks\/(\d+)\/[^/?#]+$/, '/api/webhooks/$1/••••');
}
