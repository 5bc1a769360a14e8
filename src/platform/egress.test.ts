/**
 * The egress guard against a real DNS server on loopback (dns2) and real HTTP receivers: refused
 * address kinds never get a connection, and the connection goes to the address that was checked
 * even when the name's answer changes afterwards (DNS rebinding).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDns, startReceiver, type DnsPeer, type Receiver } from '#test/webhook-peers.ts';
import { classifyAddress, EgressGuard, kindAllowed } from './egress.ts';

describe('address kinds', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['2606:4700::1111', 'public'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('allows a refused kind only when EGRESS_ALLOW names it; multicast and broadcast never', () => {
    expect(kindAllowed('public', [])).toBe(true);
    expect(kindAllowed('loopback', [])).toBe(false);
    expect(kindAllowed('loopback', ['loopback'])).toBe(true);
    expect(kindAllowed('private', ['loopback'])).toBe(false);
    expect(kindAllowed('multicast', ['loopback', 'private', 'link-local', 'unique-local', 'unspecified'])).toBe(false);
    expect(kindAllowed('broadcast', ['loopback', 'private', 'link-local', 'unique-local', 'unspecified'])).toBe(false);
  });
});

describe('the guard with a DNS server on loopback', () => {
  let dns: DnsPeer;
  let a: Receiver;
  let b: Receiver;
  beforeEach(async () => {
    dns = await startDns();
    a = await startReceiver('127.0.0.1');
    // The same port on another loopback address: a connection to the wrong address would land here.
    b = await startReceiver('127.0.0.2', a.port);
  });
  afterEach(async () => {
    await Promise.all([dns.close(), a.close(), b.close()]);
  });
  const post = (guard: EgressGuard, url: string) =>
    guard.post(new URL(url), { headers: { 'Content-Type': 'application/json' }, body: '{}', timeoutMs: 5000 });

  it('refuses names that answer a private or the metadata address, without connecting', async () => {
    const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [dns.server] });
    dns.answers.set('internal.test', ['10.0.0.1']);
    dns.answers.set('metadata.test', ['169.254.169.254']);
    dns.answers.set('mixed.test', ['127.0.0.1', '10.0.0.1']);
    for (const name of ['internal.test', 'metadata.test']) {
      const res = await post(guard, `http://${name}:${a.port}/hook`);
      expect(res).toMatchObject({ ok: false, errorClass: 'egress_refused' });
    }
    expect(await guard.check('metadata.test')).toEqual({
      ok: false,
      reason: 'refused',
      address: '169.254.169.254',
      kind: 'link-local',
    });
    // Loopback is refused when not allowed.
    dns.answers.set('local.test', ['127.0.0.1']);
    const strict = new EgressGuard({ allow: [], dnsServers: [dns.server] });
    expect(await post(strict, `http://local.test:${a.port}/hook`)).toMatchObject({
      ok: false,
      errorClass: 'egress_refused',
    });
    expect(await post(strict, `http://127.0.0.1:${a.port}/hook`)).toMatchObject({ errorClass: 'egress_refused' });
    expect(await post(strict, `http://[::ffff:127.0.0.1]:${a.port}/hook`)).toMatchObject({
      errorClass: 'egress_refused',
    });
    expect(a.received).toEqual([]);
  });

  it('connects to the address it checked when the name answers differently afterwards (rebinding)', async () => {
    const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [dns.server] });
    // First answer 127.0.0.1 (allowed in this test), every later one the metadata address.
    dns.answers.set('rebind.test', ['127.0.0.1', '169.254.169.254']);
    const res = await post(guard, `http://rebind.test:${a.port}/hook`);
    expect(res).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(a.received).toHaveLength(1);
    expect(a.received[0]!.localAddress).toBe('127.0.0.1');
    // The Host header is the name; the name was looked up once.
    expect(a.received[0]!.headers.host).toBe(`rebind.test:${a.port}`);
    expect(dns.asked).toEqual(['rebind.test']);
    // The next lookup answers the refused address: refused, nothing sent.
    expect(await post(guard, `http://rebind.test:${a.port}/hook`)).toMatchObject({ errorClass: 'egress_refused' });
    expect(a.received).toHaveLength(1);
  });

  it('sends to the first checked loopback address, not to the one a second lookup would give', async () => {
    const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [dns.server] });
    dns.answers.set('swap.test', ['127.0.0.1', '127.0.0.2']);
    const url = `http://swap.test:${a.port}/hook`;
    expect(await post(guard, url)).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect(a.received).toHaveLength(1);
    expect(b.received).toEqual([]);
    expect(dns.asked).toEqual(['swap.test']);
    // The second lookup answers 127.0.0.2: that request lands on the other receiver.
    expect(await post(guard, url)).toMatchObject({ ok: true, address: '127.0.0.2' });
    expect(b.received).toHaveLength(1);
  });

  it('reports a name that does not resolve as a network failure', async () => {
    const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [dns.server] });
    expect(await post(guard, `http://nowhere.test:${a.port}/hook`)).toMatchObject({
      ok: false,
      errorClass: 'network',
    });
  });
});
