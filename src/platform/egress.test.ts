/**
 * The egress guard against a real DNS server on loopback (dns2) and real HTTP receivers: refused
 * address kinds never get a connection, and the connection goes to the address that was checked
 * even when the name's answer changes afterwards (DNS rebinding).
 */
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import dns2 from 'dns2';
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

describe('address forms', () => {
  it.each([
    // Zone ids are ignored for the kind.
    ['fe80::1%eth0', 'link-local'],
    ['::1%lo', 'loopback'],
    // Fully written out (no `::`).
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0:0:0:0:0:ffff:0a00:0001', 'private'],
    ['0:0:0:0:0:ffff:8.8.8.8', 'public'],
    ['2001:db8:0:0:0:0:0:1', 'public'],
    // Upper case hex.
    ['FE80::1', 'link-local'],
    ['::FFFF:C0A8:0101', 'private'],
    // NAT64 with a dotted tail, and NAT64 carrying a public address.
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    // 64:ff9b:1::/48 (local-use NAT64) is not the well-known prefix: judged as IPv6.
    ['64:ff9b:1::a00:1', 'public'],
    // IPv4-compatible forms: ::2 carries 0.0.0.2 (unspecified 0/8); ::0.1.0.0 carries 0.1.0.0.
    ['::2', 'unspecified'],
    ['::0.1.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['::8.8.8.8', 'public'],
    // The remaining IPv4 and IPv6 reserved ranges.
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.1', 'public'],
    ['fec0::1', 'reserved'],
    ['100::1', 'reserved'],
    ['100:0:0:1::1', 'public'],
    ['239.255.255.255', 'multicast'],
    ['172.31.255.255', 'private'],
    ['100.128.0.1', 'public'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each(['example.com', '', '1.2.3', '256.1.1.1', '::1::2'])('%j is not an address', (text) => {
    expect(() => classifyAddress(text)).toThrow('not an IP address');
  });
});

describe('checking literals (no DNS)', () => {
  it('takes an IPv6 literal as is, with its family', async () => {
    const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [] });
    expect(await guard.check('::1')).toEqual({ ok: true, address: '::1', family: 6 });
    expect(await guard.check('127.0.0.1')).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
    expect(await guard.check('2606:4700::1111')).toEqual({ ok: true, address: '2606:4700::1111', family: 6 });
    expect(await guard.check('fd00::1')).toEqual({
      ok: false,
      reason: 'refused',
      address: 'fd00::1',
      kind: 'unique-local',
    });
    expect(await guard.check('::ffff:10.0.0.1')).toEqual({
      ok: false,
      reason: 'refused',
      address: '::ffff:10.0.0.1',
      kind: 'private',
    });
  });

  it('refuses a bracketed IPv6 URL host by the address inside the brackets', async () => {
    const guard = new EgressGuard({ allow: [], dnsServers: [] });
    const res = await guard.post(new URL('http://[fe80::1]:9/hook'), { headers: {}, body: '', timeoutMs: 5000 });
    expect(res).toEqual({
      ok: false,
      errorClass: 'egress_refused',
      error: '[fe80::1] resolves to fe80::1 (link-local), which the egress guard refuses',
      address: 'fe80::1',
    });
  });
});

describe('posting to literal loopback peers', () => {
  const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [] });
  let r: Receiver;
  beforeEach(async () => {
    r = await startReceiver('127.0.0.1');
  });
  afterEach(async () => {
    await r.close();
  });

  it('sends the path with its query and reads at most maxBodyBytes of the answer', async () => {
    r.script.push({ status: 201, headers: { 'X-A': 'b' }, body: 'x'.repeat(10_000) });
    const res = await guard.post(new URL(`http://127.0.0.1:${r.port}/hook?a=1&b=2`), {
      headers: { 'X-Test': 'yes' },
      body: 'héllo',
      timeoutMs: 5000,
      maxBodyBytes: 16,
    });
    expect(res).toMatchObject({ ok: true, address: '127.0.0.1', status: 201, body: 'x'.repeat(16) });
    expect(res.ok && res.headers['x-a']).toBe('b');
    expect(r.received[0]).toMatchObject({ method: 'POST', url: '/hook?a=1&b=2', body: 'héllo' });
    expect(r.received[0]!.headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
    expect(r.received[0]!.headers['x-test']).toBe('yes');
  });

  it('answers the whole body when it is shorter than the default bound', async () => {
    r.script.push({ status: 302, headers: { Location: 'http://169.254.169.254/' }, body: 'moved' });
    const res = await guard.post(new URL(`http://127.0.0.1:${r.port}/`), { headers: {}, body: '', timeoutMs: 5000 });
    // The redirect is the answer: not followed.
    expect(res).toMatchObject({ ok: true, status: 302, body: 'moved' });
    expect(r.received).toHaveLength(1);
  });

  it('reports a receiver that never answers as a timeout', async () => {
    r.script.push('hang');
    const res = await guard.post(new URL(`http://127.0.0.1:${r.port}/hook`), {
      headers: {},
      body: '{}',
      timeoutMs: 150,
    });
    expect(res).toEqual({ ok: false, errorClass: 'timeout', error: 'no complete answer within 150 ms' });
    expect(r.received).toHaveLength(1);
  });

  it("stops when the caller's signal aborts (as a timeout), even before the check", async () => {
    r.script.push('hang');
    const controller = new AbortController();
    const pending = guard.post(new URL(`http://127.0.0.1:${r.port}/hook`), {
      headers: {},
      body: '{}',
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    while (r.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, errorClass: 'timeout' });

    const aborted = AbortSignal.abort();
    const early = await guard.post(new URL(`http://127.0.0.1:${r.port}/hook`), {
      headers: {},
      body: '{}',
      timeoutMs: 60_000,
      signal: aborted,
    });
    expect(early).toMatchObject({ ok: false, errorClass: 'timeout' });
    // Nothing was sent for the already-aborted signal.
    expect(r.received).toHaveLength(1);
  });

  it('reports a refused connection as a network failure with its code', async () => {
    const port = r.port;
    await r.close();
    const res = await guard.post(new URL(`http://127.0.0.1:${port}/hook`), {
      headers: {},
      body: '{}',
      timeoutMs: 5000,
    });
    expect(res).toMatchObject({ ok: false, errorClass: 'network', address: '127.0.0.1' });
    expect(!res.ok && res.error).toMatch(/^ECONNREFUSED: /);
    r = await startReceiver('127.0.0.1');
  });

  it('speaks TLS to an https URL (a plain HTTP peer fails the handshake as a network failure)', async () => {
    const res = await guard.post(new URL(`https://127.0.0.1:${r.port}/hook`), {
      headers: {},
      body: '{}',
      timeoutMs: 5000,
    });
    expect(res).toMatchObject({ ok: false, errorClass: 'network', address: '127.0.0.1' });
    expect(r.received).toEqual([]);
  });

  it('reports an answer cut off mid-body as a network failure', async () => {
    const server = createNetServer((socket) => {
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const res = await guard.post(new URL(`http://127.0.0.1:${port}/hook`), {
        headers: {},
        body: '{}',
        timeoutMs: 5000,
      });
      expect(res).toMatchObject({ ok: false, errorClass: 'network', address: '127.0.0.1' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('names with IPv4 and IPv6 answers', () => {
  /** A DNS server on loopback answering A and AAAA queries from fixed tables. */
  async function startDualDns(a: Record<string, string[]>, aaaa: Record<string, string[]>) {
    const server = dns2.createServer({
      udp: true,
      handle: (request, send) => {
        const response = dns2.Packet.createResponseFromRequest(request);
        const question = request.questions[0]!;
        const isA = question.type === dns2.Packet.TYPE.A;
        const table = isA ? a : question.type === dns2.Packet.TYPE.AAAA ? aaaa : {};
        for (const address of table[question.name] ?? [])
          response.answers.push({
            name: question.name,
            type: isA ? dns2.Packet.TYPE.A : dns2.Packet.TYPE.AAAA,
            class: dns2.Packet.CLASS.IN,
            ttl: 0,
            address,
          } as unknown as (typeof response.answers)[number]);
        send(response);
      },
    });
    const bound = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
    return { server: `127.0.0.1:${(bound.udp as AddressInfo).port}`, close: () => server.close() };
  }

  it('checks every answer of both families and connects to IPv4 first', async () => {
    const dns = await startDualDns(
      { 'both.test': ['127.0.0.1'], 'split.test': ['127.0.0.1'] },
      { 'both.test': ['::1'], 'v6only.test': ['::1'], 'split.test': ['::1', 'fe80::1'] },
    );
    try {
      const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [dns.server], dnsTimeoutMs: 2000 });
      expect(await guard.check('both.test')).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
      expect(await guard.check('v6only.test')).toEqual({ ok: true, address: '::1', family: 6 });
      // One refused AAAA answer refuses the name, although its A answer is allowed.
      expect(await guard.check('split.test')).toEqual({
        ok: false,
        reason: 'refused',
        address: 'fe80::1',
        kind: 'link-local',
      });
      expect(await guard.check('none.test')).toMatchObject({
        ok: false,
        reason: 'unresolved',
        error: expect.stringMatching(/^none\.test did not resolve \(E[A-Z]+\)$/),
      });
      // An https URL with a name: TLS (with the name as server name) to the checked address; a plain
      // HTTP peer there fails the handshake, so nothing is delivered.
      const r = await startReceiver('127.0.0.1');
      try {
        const res = await guard.post(new URL(`https://both.test:${r.port}/hook`), {
          headers: {},
          body: '{}',
          timeoutMs: 5000,
        });
        expect(res).toMatchObject({ ok: false, errorClass: 'network', address: '127.0.0.1' });
        expect(r.received).toEqual([]);
      } finally {
        await r.close();
      }
    } finally {
      await dns.close();
    }
  });
});

describe('an answer that stalls mid-body', () => {
  it('is a timeout when the deadline passes before the body is complete', async () => {
    const sockets: Socket[] = [];
    const server = createNetServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const guard = new EgressGuard({ allow: ['loopback'], dnsServers: [] });
      const res = await guard.post(new URL(`http://127.0.0.1:${port}/hook`), {
        headers: {},
        body: '{}',
        timeoutMs: 150,
      });
      expect(res).toEqual({ ok: false, errorClass: 'timeout', error: 'no complete answer within 150 ms' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
