import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig, settingDocs } from './config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('has safe defaults for a laptop: SQLite file, loopback, port 8787, no admin token', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      DATABASE_URL: 'sqlite:./data/cardquant.db',
      HOST: '127.0.0.1',
      PORT: 8787,
      LOG_LEVEL: 'info',
      CORS_ORIGINS: [],
    });
    expect(c.ADMIN_TOKEN).toBeUndefined();
  });

  it('reports every invalid setting together, never echoing a value', () => {
    const problems = problemsOf({
      PORT: '99999',
      ADMIN_TOKEN: 'tooshort-secret',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      TRUST_PROXY: 'yes',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADMIN_TOKEN',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'TRUST_PROXY',
    ]);
    expect(problems.join('\n')).not.toContain('tooshort-secret');
  });

  it('refuses ADMIN_TOKEN_NEXT without ADMIN_TOKEN', () => {
    expect(problemsOf({ ADMIN_TOKEN_NEXT: 'n'.repeat(40) })).toEqual([expect.stringContaining('ADMIN_TOKEN_NEXT')]);
  });

  it('parses lists, booleans and numbers', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: 'true',
      PORT: '0',
      METRICS_PUBLIC: '0',
    });
    expect(c.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.METRICS_PUBLIC).toBe(false);
    expect(c.PORT).toBe(0);
  });

  it('accepts a hop count or proxy addresses and CIDR ranges as TRUSTED_PROXIES, nothing else', () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toBe('1');
    expect(loadConfig({ TRUSTED_PROXIES: '2' }).TRUSTED_PROXIES).toBe('2');
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8::/32,127.0.0.1' }).TRUSTED_PROXIES).toBe(
      '10.0.0.0/8, 2001:db8::/32,127.0.0.1',
    );
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'proxy.example', '10.0.0.1/8/2', 'true']) {
      expect(problemsOf({ TRUSTED_PROXIES: bad }), bad).toEqual([expect.stringContaining('TRUSTED_PROXIES')]);
    }
  });

  it('still accepts the deprecated PIPELINE_LEASE_MINUTES; runs heartbeat every RUN_HEARTBEAT_SECONDS', () => {
    expect(problemsOf({ PIPELINE_LEASE_MINUTES: '360' })).toEqual([]);
    expect(loadConfig({}).RUN_HEARTBEAT_SECONDS).toBe(30);
    expect(settingDocs.PIPELINE_LEASE_MINUTES).toMatch(/^Deprecated, ignored/);
    expect(problemsOf({ RUN_HEARTBEAT_SECONDS: '0' }).map((p) => p.split(':')[0])).toEqual(['RUN_HEARTBEAT_SECONDS']);
  });

  it('refuses e-mail without what its links and senders need, and half-configured DKIM or Postmark webhooks', () => {
    const names = (env: Record<string, string>) => problemsOf(env).map((p) => p.split(':')[0]);
    expect(names({ EMAIL_PROVIDER: 'smtp' })).toEqual(['PUBLIC_URL', 'EMAIL_FROM', 'SMTP_URL']);
    expect(names({ EMAIL_PROVIDER: 'resend', PUBLIC_URL: 'https://x.example', EMAIL_FROM: 'a@x.example' })).toEqual([
      'RESEND_API_KEY',
    ]);
    expect(names({ EMAIL_PROVIDER: 'postmark', PUBLIC_URL: 'https://x.example', EMAIL_FROM: 'a@x.example' })).toEqual([
      'POSTMARK_SERVER_TOKEN',
    ]);
    expect(names({ EMAIL_PROVIDER: 'file', PUBLIC_URL: 'https://x.example', EMAIL_FROM: 'a@x.example' })).toEqual([]);
    expect(names({ DKIM_DOMAIN: 'x.example' })).toEqual(['DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE']);
    expect(names({ DKIM_DOMAIN: 'x.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: 'k.pem' })).toEqual([]);
    expect(names({ POSTMARK_WEBHOOK_USER: 'pm' })).toEqual(['POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD']);
    expect(names({ DELIVERY_LEASE_SECONDS: '15', WEBHOOK_TIMEOUT_MS: '15000' })).toEqual(['DELIVERY_LEASE_SECONDS']);
    expect(names({ SMTP_URL: 'http://mail.example' })).toEqual(['SMTP_URL']);
    expect(names({ EGRESS_ALLOW: 'loopback,intranet' })).toEqual(['EGRESS_ALLOW.1']);
    expect(loadConfig({ EGRESS_ALLOW: 'loopback,private' }).EGRESS_ALLOW).toEqual(['loopback', 'private']);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ADMIN_TOKEN: '', PORT: '' }).PORT).toBe(8787);
  });

  it('reads an optional JSON config file, which the environment overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cq-config-'));
    const file = join(dir, 'cardquant.json');
    writeFileSync(file, JSON.stringify({ PORT: 9000, HOST: '0.0.0.0', CORS_ORIGINS: ['https://x.example'] }));
    const c = loadConfig({ CARDQUANT_CONFIG: file, HOST: '127.0.0.2' });
    expect(c).toMatchObject({ PORT: 9000, HOST: '127.0.0.2', CORS_ORIGINS: ['https://x.example'] });

    writeFileSync(file, JSON.stringify({ PORTT: 1 }));
    expect(problemsOf({ CARDQUANT_CONFIG: file })).toEqual([expect.stringContaining('PORTT')]);
    writeFileSync(file, '{ not json');
    expect(problemsOf({ CARDQUANT_CONFIG: file })[0]).toContain('cannot read');
  });

  it('documents every setting', () => {
    expect(Object.keys(settingDocs).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });
});
