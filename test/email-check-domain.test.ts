/**
 * `cardquant email check-domain` against a real DNS server on loopback (dns2, UDP and TCP) that
 * serves one zone per scenario: everything published for smtp, Resend's `send.` SPF and
 * `resend._domainkey`, Postmark's Return-Path CNAME, and records that are wrong or absent.
 */
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-capture.ts';
import { checkDomain, dnsResolver, report } from '../src/features/email/check-domain.ts';

const { Packet } = dns2;
const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx';

/** name → TXT records (each a list of character-strings) or a CNAME target. */
const ZONE: Record<string, { txt?: string[][]; cname?: string }> = {
  'good.test': { txt: [['v=spf1 ip4:192.0.2.10 include:_spf.mail.good.test -all'], ['google-site-verification=x']] },
  'cq2026._domainkey.good.test': { txt: [['v=DKIM1; k=rsa; p=', KEY]] },
  '_dmarc.good.test': { txt: [['v=DMARC1; p=quarantine; rua=mailto:dmarc@good.test']] },
  'bad.test': { txt: [['v=spf1 +all']] },
  'cq2026._domainkey.bad.test': { txt: [['v=DKIM1; p=']] },
  '_dmarc.bad.test': { txt: [['v=DMARC1; rua=mailto:x@bad.test']] },
  'send.resend.test': { txt: [['v=spf1 include:amazonses.com ~all']] },
  'resend._domainkey.resend.test': { txt: [[`p=${KEY}`]] },
  '_dmarc.resend.test': { txt: [['v=DMARC1; p=none;']] },
  'pm-bounces.postmark.test': { cname: 'pm.mtasv.net' },
  '20261206pm._domainkey.postmark.test': { txt: [[`k=rsa;p=${KEY}`]] },
  '_dmarc.postmark.test': { txt: [['v=DMARC1; p=reject']] },
};

let server: ReturnType<typeof dns2.createServer>;
let address = '';
const saved = { ...process.env };

beforeAll(async () => {
  server = dns2.createServer({
    udp: true,
    tcp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      // dns2 encodes plain records; its type names the encoded class (with toBuffer) instead.
      const answer = (record: object) => response.answers.push(record as (typeof response.answers)[number]);
      const question = request.questions[0]!;
      const entry = ZONE[question.name.toLowerCase()];
      if (!entry)
        response.header.rcode = 3; // NXDOMAIN
      else if (question.type === Packet.TYPE.TXT && entry.txt) {
        for (const data of entry.txt)
          answer({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data });
      } else if (question.type === Packet.TYPE.CNAME && entry.cname) {
        answer({
          name: question.name,
          type: Packet.TYPE.CNAME,
          class: Packet.CLASS.IN,
          ttl: 60,
          domain: entry.cname,
        });
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  address = `127.0.0.1:${addresses.udp!.port}`;
});
afterAll(async () => {
  process.env = saved;
  await server.close();
});

describe('check-domain against a DNS server on loopback', () => {
  it('reports everything published for smtp with the operator’s DKIM selector', async () => {
    const checks = await checkDomain(dnsResolver([address]), 'good.test', { provider: 'smtp', selector: 'cq2026' });
    expect(checks.map((c) => [c.record, c.status])).toEqual([
      ['SPF', 'published'],
      ['DKIM', 'published'],
      ['DMARC', 'published'],
    ]);
    expect(checks[1]!.name).toBe('cq2026._domainkey.good.test');
    expect(report(checks).exitCode).toBe(0);
  });

  it('reports records that allow anyone, revoke the key or lack a policy as wrong, and absent ones as missing', async () => {
    const checks = await checkDomain(dnsResolver([address]), 'bad.test', { provider: 'smtp', selector: 'cq2026' });
    expect(checks.map((c) => [c.record, c.status])).toEqual([
      ['SPF', 'wrong'],
      ['DKIM', 'wrong'],
      ['DMARC', 'wrong'],
    ]);
    const none = await checkDomain(dnsResolver([address]), 'nothing.test', { provider: 'smtp', selector: 'x' });
    expect(none.map((c) => c.status)).toEqual(['missing', 'missing', 'missing']);
    expect(none[0]!.detail).toBe('no TXT record');
    expect(report(none).exitCode).toBe(1);
  });

  it('checks Resend’s send. SPF include and resend._domainkey, and Postmark’s Return-Path CNAME', async () => {
    const resend = await checkDomain(dnsResolver([address]), 'resend.test', { provider: 'resend' });
    expect(resend.map((c) => [c.name, c.status])).toEqual([
      ['send.resend.test', 'published'],
      ['resend._domainkey.resend.test', 'published'],
      ['_dmarc.resend.test', 'published'],
    ]);
    const postmark = await checkDomain(dnsResolver([address]), 'postmark.test', {
      provider: 'postmark',
      selector: '20261206pm',
    });
    expect(postmark.map((c) => [c.record, c.status])).toEqual([
      ['Return-Path', 'published'],
      ['DKIM', 'published'],
      ['DMARC', 'published'],
    ]);
    // Postmark's selector is per account: without one the DKIM check says so.
    const noSelector = await checkDomain(dnsResolver([address]), 'postmark.test', { provider: 'postmark' });
    expect(noSelector[1]).toMatchObject({ status: 'missing', detail: 'no selector: pass --selector' });
    // Resend's records are not Postmark's.
    const wrongProvider = await checkDomain(dnsResolver([address]), 'good.test', { provider: 'resend' });
    expect(wrongProvider[0]).toMatchObject({ name: 'send.good.test', status: 'missing' });
  });

  it('runs as `cardquant email check-domain` with DNS_SERVERS, exiting 1 when something is missing', async () => {
    process.env.DATABASE_URL = 'sqlite::memory:';
    process.env.LOG_LEVEL = 'silent';
    process.env.DNS_SERVERS = address;
    const ok = await cli('email', 'check-domain', 'good.test', '--selector', 'cq2026', '--provider', 'smtp');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^SPF\s+published\s+good\.test\s+v=spf1 /m);
    expect(ok.out).toMatch(/^DMARC\s+published\s+_dmarc\.good\.test/m);
    const missing = await cli('email', 'check-domain', 'resend.test', '--provider', 'smtp', '--selector', 'cq2026');
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^DKIM\s+missing\s+cq2026\._domainkey\.resend\.test/m);
    const invalid = await cli('email', 'check-domain', 'not a domain');
    expect(invalid.code).not.toBe(0);
  });
});
