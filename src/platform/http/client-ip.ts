/**
 * The client address behind reverse proxies. `X-Forwarded-For` is a list each proxy appends its
 * peer to, so only its right-most entries — those our own proxies added — can be believed; the
 * left part is whatever the client sent. Walking from the socket peer leftwards past the trusted
 * proxies (a hop count, or their addresses and CIDR ranges, as Express's `trust proxy` does), the
 * first address not theirs is the client.
 */
import { BlockList, isIP } from 'node:net';

export type ClientIpResolver = (forwardedFor: string | undefined, peer: string | undefined) => string;

/** `::ffff:192.0.2.1` → `192.0.2.1`; `[2001:db8::1]:443` → `2001:db8::1`; `192.0.2.1:8080` → `192.0.2.1`. */
function normalise(address: string): string {
  let a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(a)) a = a.slice(7);
  return a;
}

function rangesOf(trusted: string): BlockList {
  const list = new BlockList();
  for (const entry of trusted.split(',')) {
    const [address = '', prefix] = entry.trim().split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/**
 * Builds the resolver for the `TRUST_PROXY` / `TRUSTED_PROXIES` settings. Without a trusted
 * proxy the socket peer is the client. An unknown peer (an in-process request) is taken for a trusted proxy.
 *
 * @example
 * const ip = clientIpResolver(true, '1');
 * ip('203.0.113.9, 198.51.100.4', '10.0.0.2'); // '198.51.100.4': the proxy at 10.0.0.2 added it
 * clientIpResolver(true, '10.0.0.0/8')('203.0.113.9, 10.0.0.7', '10.0.0.2'); // '203.0.113.9'
 */
export function clientIpResolver(trustProxy: boolean, trusted: string): ClientIpResolver {
  if (!trustProxy) return (_forwardedFor, peer) => (peer === undefined ? 'unknown' : normalise(peer));
  const hops = /^\d+$/.test(trusted) ? Number(trusted) : null;
  const ranges = hops === null ? rangesOf(trusted) : null;
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && ranges!.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (forwardedFor, peer) => {
    // Nearest first: the socket peer, then X-Forwarded-For from right to left.
    const chain = [peer === undefined ? undefined : normalise(peer)];
    if (forwardedFor) {
      const entries = forwardedFor.split(',');
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = normalise(entries[i]!);
        if (entry) chain.push(entry);
      }
    }
    let at = 0;
    if (hops !== null) at = Math.min(hops, chain.length - 1);
    else while (at < chain.length - 1 && (chain[at] === undefined || isTrusted(chain[at]!))) at++;
    return chain[at] ?? 'unknown';
  };
}
