import { describe, expect, it } from 'vitest';
import { clientIpResolver } from './client-ip.ts';

describe('client IP behind proxies', () => {
  it('without TRUST_PROXY is the socket peer, whatever X-Forwarded-For says', () => {
    const ip = clientIpResolver(false, '1');
    expect(ip('203.0.113.9', '198.51.100.4')).toBe('198.51.100.4');
    expect(ip('203.0.113.9', '::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(ip(undefined, undefined)).toBe('unknown');
  });

  it('with one trusted hop is the right-most X-Forwarded-For entry, not the left-most the client wrote', () => {
    const ip = clientIpResolver(true, '1');
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy at 10.0.0.2 appended the real peer.
    expect(ip('6.6.6.6, 198.51.100.4', '10.0.0.2')).toBe('198.51.100.4');
    expect(ip('198.51.100.4', '10.0.0.2')).toBe('198.51.100.4');
    // Nothing forwarded: the proxy itself is the client.
    expect(ip(undefined, '10.0.0.2')).toBe('10.0.0.2');
  });

  it('with two hops skips the CDN and the load balancer', () => {
    const ip = clientIpResolver(true, '2');
    expect(ip('6.6.6.6, 198.51.100.4, 192.0.2.10', '10.0.0.2')).toBe('198.51.100.4');
    // Fewer entries than hops: the farthest address known.
    expect(ip('198.51.100.4', '10.0.0.2')).toBe('198.51.100.4');
  });

  it('with trusted ranges walks left past every trusted address', () => {
    const ip = clientIpResolver(true, '10.0.0.0/8, 2001:db8::/32, 192.0.2.10');
    expect(ip('6.6.6.6, 198.51.100.4, 10.1.2.3, 192.0.2.10', '10.0.0.2')).toBe('198.51.100.4');
    expect(ip('6.6.6.6, 2001:db8::7', '2001:db8::1')).toBe('6.6.6.6');
    // A peer outside the ranges is the client: its X-Forwarded-For is not believed.
    expect(ip('6.6.6.6', '198.51.100.4')).toBe('198.51.100.4');
    // An entry that is not an address is not trusted (and stops the walk).
    expect(ip('6.6.6.6, garbage', '10.0.0.2')).toBe('garbage');
    // Ports and brackets are dropped.
    expect(ip('[2001:db8:1::5]:443, 198.51.100.4:8080', '10.0.0.2')).toBe('198.51.100.4');
  });
});
