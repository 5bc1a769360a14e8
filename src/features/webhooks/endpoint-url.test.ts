import { describe, expect, it } from 'vitest';
import { displayUrl, parseEndpointUrl } from './endpoint-url.ts';
import { MAX_WAIT_MS, outcomeOf, retryAfterMs } from './http-outcome.ts';

const BASE = 'https://discord.com';

describe('endpoint URLs', () => {
  it('accepts http(s) URLs and answers host:port', () => {
    expect(parseEndpointUrl('https://hooks.example.com/a?b=1', 'standard', BASE)).toMatchObject({
      ok: true,
      host: 'hooks.example.com',
    });
    expect(parseEndpointUrl('http://[2001:db8::1]:8080/x', 'standard', BASE)).toMatchObject({
      ok: true,
      host: '[2001:db8::1]:8080',
    });
  });

  it.each([
    ['file:///etc/passwd', 'must be an http or https URL'],
    ['javascript:alert(1)', 'must be an http or https URL'],
    ['https://u:p@hooks.example.com/', 'must not carry credentials (user:password@)'],
    ['https://u@hooks.example.com/', 'must not carry credentials (user:password@)'],
    ['https://hooks.example.com/#frag', 'must not have a fragment'],
    ['https://hooks.example.com/', null],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
  ])('%s', (url, message) => {
    const parsed = parseEndpointUrl(url, 'standard', BASE);
    if (message === null) expect(parsed.ok).toBe(true);
    else expect(parsed).toEqual({ ok: false, problem: { field: 'body.url', message } });
  });

  it('takes only Discord webhook URLs under DISCORD_API_BASE for Discord endpoints', () => {
    const ok = (url: string, base = BASE) => parseEndpointUrl(url, 'discord', base).ok;
    expect(ok('https://discord.com/api/webhooks/1180000000000000001/AbC_d-9')).toBe(true);
    expect(ok('https://discord.com/api/webhooks/118/tok/extra')).toBe(false);
    expect(ok('https://discord.com/api/webhooks/abc/tok')).toBe(false);
    expect(ok('https://discord.com.evil.example/api/webhooks/1/tok')).toBe(false);
    expect(ok('http://discord.com/api/webhooks/1/tok')).toBe(false);
    expect(ok('https://discord.com/api/webhooks/1/tok?thread_id=2')).toBe(false);
    expect(ok('https://discordapp.com/api/webhooks/1/tok')).toBe(false);
    expect(ok('http://127.0.0.1:9/base/api/webhooks/1/tok', 'http://127.0.0.1:9/base/')).toBe(true);
    expect(displayUrl('https://discord.com/api/webhooks/1/secret-token', 'discord')).toBe(
      'https://discord.com/api/webhooks/1/••••',
    );
    expect(displayUrl('https://hooks.example.com/x', 'standard')).toBe('https://hooks.example.com/x');
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-06T10:00:00.000Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('1.5', now)).toBe(1500);
    expect(retryAfterMs('Sun, 06 Dec 2026 10:02:00 GMT', now)).toBe(120_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('never asks for more than the longest delay it is given', () => {
    expect(retryAfterMs('99999999999999999999', now, 3_600_000)).toBe(3_600_000);
    expect(retryAfterMs('Fri, 31 Dec 9999 23:59:59 GMT', now, 3_600_000)).toBe(3_600_000);
    expect(retryAfterMs('99999999999999999999', now)).toBe(MAX_WAIT_MS);
  });

  it('maps 408 to a timeout and a 3xx to a redirect that names where it pointed', () => {
    const base = { ok: true as const, address: '203.0.113.7', body: '' };
    expect(outcomeOf({ ...base, status: 408, headers: {} }, now)).toMatchObject({ errorClass: 'timeout' });
    expect(outcomeOf({ ...base, status: 301, headers: { location: 'http://10.0.0.1/' } }, now)).toMatchObject({
      outcome: 'retry',
      errorClass: 'redirect',
      error: 'redirect 301 to http://10.0.0.1/ not followed',
    });
    expect(outcomeOf({ ...base, status: 204, headers: {} }, now)).toMatchObject({ outcome: 'delivered' });
  });
});
