/**
 * The record evaluation of `email check-domain` against a resolver that answers from a table
 * (the real-DNS path is in test/email-check-domain.test.ts).
 */
import { getServers } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkDomain, defaultSelector, dnsResolver, report, type TxtResolver } from './check-domain.ts';

const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx';
type Entry = { txt?: string[][]; cname?: string[]; error?: string | null };

/** Answers from `zone`; a name with `error` rejects with that code (null: an error without a code). */
function resolver(zone: Record<string, Entry>): TxtResolver {
  const fail = (entry: Entry | undefined) => {
    if (entry?.error === null) return new Error('boom');
    return Object.assign(new Error('failed'), { code: entry?.error ?? 'ENOTFOUND' });
  };
  return {
    resolveTxt: (name) => {
      const entry = zone[name];
      return entry?.txt && entry.error === undefined ? Promise.resolve(entry.txt) : Promise.reject(fail(entry));
    },
    resolveCname: (name) => {
      const entry = zone[name];
      return entry?.cname && entry.error === undefined ? Promise.resolve(entry.cname) : Promise.reject(fail(entry));
    },
  };
}

const byRecord = async (zone: Record<string, Entry>, domain: string, options: Parameters<typeof checkDomain>[2]) =>
  Object.fromEntries((await checkDomain(resolver(zone), domain, options)).map((c) => [c.record, c]));

describe('SPF', () => {
  const spf = async (records: string[][] | Entry, provider: 'smtp' | 'resend' = 'smtp') => {
    const entry = Array.isArray(records) ? { txt: records } : records;
    const name = provider === 'resend' ? 'send.x.test' : 'x.test';
    return (await byRecord({ [name]: entry }, 'x.test', { provider, selector: 's' })).SPF!;
  };

  it('refuses two v=spf1 records (SPF fails with a permerror)', async () => {
    expect(await spf([['v=spf1 -all'], ['v=spf1 mx -all']])).toMatchObject({
      status: 'wrong',
      detail: 'more than one v=spf1 record (SPF fails)',
    });
  });

  it('refuses +all and a bare all anywhere in the record', async () => {
    expect(await spf([['v=spf1 mx all']])).toMatchObject({ status: 'wrong', detail: 'allows anyone: v=spf1 mx all' });
    expect(await spf([['v=spf1 +all ']])).toMatchObject({ status: 'wrong' });
    expect(await spf([['v=spf1 mx ~all']])).toMatchObject({ status: 'published', detail: 'v=spf1 mx ~all' });
  });

  it("asks for the provider's include, case-insensitively", async () => {
    expect(await spf([['v=spf1 include:mailgun.org ~all']], 'resend')).toMatchObject({
      name: 'send.x.test',
      status: 'wrong',
      detail: 'lacks include:amazonses.com: v=spf1 include:mailgun.org ~all',
    });
    expect(await spf([['V=SPF1 INCLUDE:AmazonSES.com ~all']], 'resend')).toMatchObject({ status: 'published' });
  });

  it('joins character-strings and ignores other TXT records', async () => {
    expect(await spf([['v=spf1 ', 'mx -all'], ['v=spf10 nope'], ['other']])).toMatchObject({
      status: 'published',
      detail: 'v=spf1 mx -all',
    });
    expect(await spf([['v=spf10 nope']])).toMatchObject({ status: 'missing', detail: 'no v=spf1 record' });
  });

  it('tells an absent record from a failed lookup', async () => {
    expect(await spf({ error: 'ENODATA' })).toMatchObject({ status: 'missing', detail: 'no TXT record' });
    expect(await spf({ error: 'ENOTFOUND' })).toMatchObject({ status: 'missing', detail: 'no TXT record' });
    expect(await spf({ error: 'ETIMEOUT' })).toMatchObject({ status: 'missing', detail: 'lookup failed (ETIMEOUT)' });
    expect(await spf({ error: null })).toMatchObject({ status: 'missing', detail: 'lookup failed (error)' });
  });
});

describe('DKIM', () => {
  const dkim = async (entry: Entry, selector: string | null = 'sel') =>
    (await byRecord({ 'sel._domainkey.x.test': entry }, 'x.test', { provider: 'smtp', selector })).DKIM!;

  it('needs a selector for providers without a default one', async () => {
    expect(defaultSelector('smtp')).toBeNull();
    expect(defaultSelector('postmark')).toBeNull();
    expect(defaultSelector('file')).toBeNull();
    expect(defaultSelector('resend')).toBe('resend');
    expect(await dkim({ txt: [[`p=${KEY}`]] }, null)).toEqual({
      record: 'DKIM',
      name: '<selector>._domainkey.x.test',
      status: 'missing',
      detail: 'no selector: pass --selector',
    });
  });

  it('finds the record with a p= tag and judges the key', async () => {
    expect(await dkim({ txt: [['v=DKIM1; k=rsa']] })).toMatchObject({
      status: 'missing',
      detail: 'no record with a p= tag',
    });
    expect(await dkim({ txt: [['v=DKIM1; p= ; t=y']] })).toMatchObject({
      status: 'wrong',
      detail: 'empty p= (the key is revoked)',
    });
    expect(await dkim({ txt: [['v=DKIM1; p=not-base64!']] })).toMatchObject({
      status: 'wrong',
      detail: 'p= is not base64',
    });
    expect(await dkim({ txt: [['v=DKIM1; p=AbC+/=']] })).toMatchObject({
      status: 'published',
      detail: 'v=DKIM1; p=AbC+/=',
    });
  });

  it('shortens a long key in the detail', async () => {
    const record = `v=DKIM1; k=rsa; p=${KEY}`;
    expect(record.length).toBeGreaterThan(60);
    expect(await dkim({ txt: [[record]] })).toMatchObject({ status: 'published', detail: `${record.slice(0, 60)}…` });
  });

  it('reports a failed lookup', async () => {
    expect(await dkim({ error: 'ESERVFAIL' })).toMatchObject({
      name: 'sel._domainkey.x.test',
      status: 'missing',
      detail: 'lookup failed (ESERVFAIL)',
    });
  });
});

describe('DMARC', () => {
  const dmarc = async (entry: Entry) =>
    (await byRecord({ '_dmarc.x.test': entry }, 'x.test', { provider: 'smtp', selector: 's' })).DMARC!;

  it('judges the one v=DMARC1 record and its policy', async () => {
    expect(await dmarc({ txt: [['v=DMARC1; p=none'], ['v=DMARC1; p=reject']] })).toMatchObject({
      status: 'wrong',
      detail: 'more than one v=DMARC1 record',
    });
    expect(await dmarc({ txt: [['something else']] })).toMatchObject({
      status: 'missing',
      detail: 'no v=DMARC1 record',
    });
    expect(await dmarc({ txt: [['v=DMARC1; p=monitor']] })).toMatchObject({
      status: 'wrong',
      detail: 'no valid p= policy: v=DMARC1; p=monitor',
    });
    expect(await dmarc({ txt: [['v=DMARC1 ; P=Reject ; pct=100']] })).toMatchObject({ status: 'published' });
    expect(await dmarc({ error: 'ENODATA' })).toMatchObject({ status: 'missing', detail: 'no TXT record' });
  });
});

describe('Return-Path (Postmark)', () => {
  const returnPath = async (entry: Entry) =>
    (await byRecord({ 'pm-bounces.x.test': entry }, 'X.Test.', { provider: 'postmark', selector: 's' }))[
      'Return-Path'
    ]!;

  it('wants a CNAME to pm.mtasv.net (a trailing dot and case do not matter)', async () => {
    expect(await returnPath({ cname: ['PM.MTASV.NET.'] })).toMatchObject({
      name: 'pm-bounces.x.test',
      status: 'published',
    });
    expect(await returnPath({ cname: ['bounces.example.net'] })).toMatchObject({
      status: 'wrong',
      detail: 'CNAME bounces.example.net (expected pm.mtasv.net)',
    });
  });

  it('reports an absent CNAME and a failed lookup', async () => {
    expect(await returnPath({ error: 'ENOTFOUND' })).toMatchObject({ status: 'missing', detail: 'no TXT record' });
    expect(await returnPath({ error: 'EREFUSED' })).toMatchObject({
      status: 'missing',
      detail: 'lookup failed (EREFUSED)',
    });
    expect(await returnPath({ error: null })).toMatchObject({ status: 'missing', detail: 'lookup failed (error)' });
  });
});

describe('checkDomain and report', () => {
  it('checks SPF on the domain itself for smtp and file, and no SPF for postmark', async () => {
    for (const provider of ['smtp', 'file'] as const) {
      const checks = await checkDomain(resolver({}), 'x.test', { provider, selector: 's' });
      expect(checks.map((c) => `${c.record} ${c.name}`)).toEqual([
        'SPF x.test',
        'DKIM s._domainkey.x.test',
        'DMARC _dmarc.x.test',
      ]);
    }
    const postmark = await checkDomain(resolver({}), 'x.test', { provider: 'postmark', selector: 's' });
    expect(postmark.map((c) => c.record)).toEqual(['Return-Path', 'DKIM', 'DMARC']);
    const resend = await checkDomain(resolver({}), 'x.test', { provider: 'resend' });
    expect(resend.map((c) => c.name)).toEqual(['send.x.test', 'resend._domainkey.x.test', '_dmarc.x.test']);
  });

  it('exits 0 only when everything is published', () => {
    const ok = { record: 'SPF', name: 'x.test', status: 'published', detail: 'v=spf1 -all' } as const;
    expect(report([ok])).toEqual({ lines: ['SPF         published x.test  v=spf1 -all'], exitCode: 0 });
    expect(report([ok, { ...ok, record: 'DMARC', status: 'missing' }]).exitCode).toBe(1);
    expect(report([]).exitCode).toBe(0);
  });

  it('builds a resolver with or without explicit servers', () => {
    expect(dnsResolver(['127.0.0.1:5353']).getServers()).toEqual(['127.0.0.1:5353']);
    expect(dnsResolver([]).getServers()).toEqual(getServers());
  });
});
