/**
 * The egress guard (docs/WEBHOOKS.md, "Egress guard"): outbound deliveries to URLs that owners
 * chose (webhooks, Discord) must not reach the operator's own network. A destination's host is
 * resolved once with a node:dns `Resolver` (DNS_SERVERS when set); every address it answers is
 * classified, and loopback, private (RFC 1918, 100.64/10), link-local (incl. 169.254.169.254),
 * unique-local and unspecified addresses are refused unless EGRESS_ALLOW names their kind;
 * multicast, broadcast and reserved addresses are always refused. IPv4-mapped, IPv4-compatible
 * and NAT64 forms are judged by the IPv4 address they carry.
 *
 * The request then connects to exactly the address that was checked: the socket's `lookup`
 * answers that address, so no second DNS lookup can return another one (DNS rebinding), while
 * the Host header and the TLS server name stay the hostname. Redirects are never followed.
 */
import { Resolver } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** Kinds of address an operator may allow (EGRESS_ALLOW). */
export type AllowableKind = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'unspecified';
/** Every kind an address is classified as. */
export type AddressKind = AllowableKind | 'public' | 'multicast' | 'broadcast' | 'reserved';

const v4 = new Map<AddressKind, BlockList>();
const v6 = new Map<AddressKind, BlockList>();
function ranges(map: Map<AddressKind, BlockList>, kind: AddressKind, family: 'ipv4' | 'ipv6', nets: string[]): void {
  const list = map.get(kind) ?? new BlockList();
  for (const net of nets) {
    const [address, prefix] = net.split('/') as [string, string];
    list.addSubnet(address, Number(prefix), family);
  }
  map.set(kind, list);
}
ranges(v4, 'unspecified', 'ipv4', ['0.0.0.0/8']);
ranges(v4, 'loopback', 'ipv4', ['127.0.0.0/8']);
ranges(v4, 'private', 'ipv4', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']);
ranges(v4, 'link-local', 'ipv4', ['169.254.0.0/16']);
ranges(v4, 'broadcast', 'ipv4', ['255.255.255.255/32']);
ranges(v4, 'multicast', 'ipv4', ['224.0.0.0/4']);
// 240/4 (future use), 192.0.0.0/24 (protocol assignments), 198.18/15 (benchmarking).
ranges(v4, 'reserved', 'ipv4', ['240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15']);
ranges(v6, 'unspecified', 'ipv6', ['::/128']);
ranges(v6, 'loopback', 'ipv6', ['::1/128']);
ranges(v6, 'link-local', 'ipv6', ['fe80::/10']);
ranges(v6, 'unique-local', 'ipv6', ['fc00::/7']);
ranges(v6, 'multicast', 'ipv6', ['ff00::/8']);
// Site-local (deprecated, fec0::/10), discard-only (100::/64).
ranges(v6, 'reserved', 'ipv6', ['fec0::/10', '100::/64']);

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function hextets(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96). */
function embeddedIPv4(h: number[]): string | null {
  const quad = () => `${h[6]! >> 8}.${h[6]! & 255}.${h[7]! >> 8}.${h[7]! & 255}`;
  const zeroTo = (n: number) => h.slice(0, n).every((x) => x === 0);
  if (zeroTo(5) && h[5] === 0xffff) return quad();
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return quad();
  // IPv4-compatible (deprecated); :: and ::1 are not IPv4 addresses.
  if (zeroTo(6) && (h[6] !== 0 || h[7]! > 1)) return quad();
  return null;
}

/**
 * What kind of address `ip` is (an IPv4 or IPv6 literal).
 *
 * @example
 * classifyAddress('169.254.169.254'); // 'link-local'
 * classifyAddress('::ffff:10.0.0.1'); // 'private'
 * classifyAddress('93.184.215.14'); // 'public'
 */
export function classifyAddress(ip: string): AddressKind {
  const family = isIP(ip.split('%')[0]!);
  if (family === 0) throw new Error('not an IP address');
  if (family === 6) {
    const inner = embeddedIPv4(hextets(ip));
    if (inner !== null) return classifyAddress(inner);
    for (const [kind, list] of v6) if (list.check(ip.split('%')[0]!, 'ipv6')) return kind;
    return 'public';
  }
  for (const [kind, list] of v4) if (list.check(ip, 'ipv4')) return kind;
  return 'public';
}

/** Whether an address of `kind` may be reached with `allow` (EGRESS_ALLOW). */
export function kindAllowed(kind: AddressKind, allow: readonly AllowableKind[]): boolean {
  return kind === 'public' || (allow as readonly string[]).includes(kind);
}

export type CheckedHost =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; reason: 'refused'; address: string; kind: AddressKind }
  | { ok: false; reason: 'unresolved'; error: string };

export interface EgressOptions {
  /** EGRESS_ALLOW. */
  allow: readonly AllowableKind[];
  /** DNS_SERVERS (`ip` or `ip:port`); empty: the system's servers. */
  dnsServers: readonly string[];
  /** Upper bound of one DNS query. */
  dnsTimeoutMs?: number;
}

/** The answer of an outbound request: status, headers and at most the first `maxBodyBytes` of the body. */
export type EgressResponse =
  | { ok: true; address: string; status: number; headers: IncomingHttpHeaders; body: string }
  | { ok: false; errorClass: 'egress_refused' | 'timeout' | 'network'; error: string; address?: string };

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * @example
 * const guard = new EgressGuard({ allow: [], dnsServers: [] });
 * const res = await guard.post(new URL('https://example.com/hook'), { headers: {}, body: '{}', timeoutMs: 15_000 });
 */
export class EgressGuard {
  private readonly resolver: Resolver;

  constructor(private readonly options: EgressOptions) {
    this.resolver = new Resolver({ timeout: options.dnsTimeoutMs ?? 3000, tries: 2 });
    if (options.dnsServers.length > 0) this.resolver.setServers([...options.dnsServers]);
  }

  /**
   * Resolves `hostname` (an IP literal is taken as is) and checks every address it answers: one
   * refused address refuses the host. Answers the address to connect to (IPv4 first).
   */
  async check(hostname: string): Promise<CheckedHost> {
    let addresses: { address: string; family: 4 | 6 }[];
    const literal = isIP(hostname);
    if (literal !== 0) addresses = [{ address: hostname, family: literal as 4 | 6 }];
    else {
      const [a, aaaa] = await Promise.allSettled([this.resolver.resolve4(hostname), this.resolver.resolve6(hostname)]);
      addresses = [
        ...(a.status === 'fulfilled' ? a.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(aaaa.status === 'fulfilled' ? aaaa.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
      if (addresses.length === 0) {
        const err = (a.status === 'rejected' ? a.reason : aaaa.status === 'rejected' ? aaaa.reason : null) as {
          code?: string;
        } | null;
        return { ok: false, reason: 'unresolved', error: `${hostname} did not resolve (${err?.code ?? 'no address'})` };
      }
    }
    for (const { address } of addresses) {
      const kind = classifyAddress(address);
      if (!kindAllowed(kind, this.options.allow)) return { ok: false, reason: 'refused', address, kind };
    }
    return { ok: true, ...addresses[0]! };
  }

  /**
   * POSTs `body` to `url` through the guard: resolve and check, then connect to the checked
   * address only. `timeoutMs` covers everything from the lookup to the last byte read; at most
   * `maxBodyBytes` of the answer are read. Never follows a redirect (the 3xx is the answer).
   */
  async post(
    url: URL,
    init: {
      headers: Record<string, string>;
      body: string;
      timeoutMs: number;
      signal?: AbortSignal;
      maxBodyBytes?: number;
    },
  ): Promise<EgressResponse> {
    // A controller and a timer of our own, not AbortSignal.timeout(): on Node 20 a timeout signal
    // held only by an AbortSignal.any() composite can be garbage-collected before it fires
    // (nodejs/node#57736), and the attempt would then hang until the worker's lease abort.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), init.timeoutMs);
    try {
      return await this.attempt(
        url,
        init,
        init.signal ? AbortSignal.any([deadline.signal, init.signal]) : deadline.signal,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(
    url: URL,
    init: { headers: Record<string, string>; body: string; timeoutMs: number; maxBodyBytes?: number },
    signal: AbortSignal,
  ): Promise<EgressResponse> {
    const timedOut = () => ({
      ok: false as const,
      errorClass: 'timeout' as const,
      error: `no complete answer within ${init.timeoutMs} ms`,
    });
    const checked = await Promise.race([
      this.check(hostOf(url)),
      new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true })),
    ]);
    // An abort event never fires for a signal that was already aborted when the race began.
    if (checked === null || signal.aborted) return timedOut();
    if (!checked.ok) {
      return checked.reason === 'refused'
        ? {
            ok: false,
            errorClass: 'egress_refused',
            error: `${url.hostname} resolves to ${checked.address} (${checked.kind}), which the egress guard refuses`,
            address: checked.address,
          }
        : { ok: false, errorClass: 'network', error: checked.error };
    }
    const { address, family } = checked;
    const maxBody = init.maxBodyBytes ?? 4096;
    return new Promise<EgressResponse>((resolve) => {
      let settled = false;
      const finish = (result: EgressResponse) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const options: RequestOptions & { servername?: string } = {
        method: 'POST',
        protocol: url.protocol,
        hostname: hostOf(url),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) },
        // The socket connects to the checked address: no second lookup can answer another one.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts.all) cb(null, [{ address, family }]);
          else cb(null, address, family);
        }) as RequestOptions['lookup'],
        agent: false,
      };
      if (url.protocol === 'https:' && isIP(hostOf(url)) === 0) options.servername = hostOf(url);
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            ok: true,
            address,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          if (size < maxBody) chunks.push(chunk);
          size += chunk.length;
          if (size >= maxBody) {
            // Enough for the attempt record; the rest is not read.
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => finish(signal.aborted ? timedOut() : networkError(err, address)));
        res.on('close', () => {
          if (!res.complete && !settled)
            finish(signal.aborted ? timedOut() : networkError(new Error('answer cut off'), address));
        });
      });
      const onAbort = () => req.destroy(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal.removeEventListener('abort', onAbort));
      req.on('error', (err) => finish(signal.aborted ? timedOut() : networkError(err, address)));
      req.end(init.body);
    });
  }
}

function networkError(err: Error, address: string): EgressResponse {
  const code = (err as NodeJS.ErrnoException).code;
  return { ok: false, errorClass: 'network', error: code ? `${code}: ${err.message}` : err.message, address };
}
